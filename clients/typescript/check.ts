// Answers recorded from a live server by scripts/api_client/care_cycle.py --record,
// each typed as its operation's answer in docs/openapi.yaml (openapi-typescript).
// `npm run check` fails when the schema no longer describes them (tsc --strict).
import type { paths } from "./schema.d.ts";

type Answer<P extends keyof paths, M extends keyof paths[P], S extends number,
    T extends string> = paths[P][M] extends {
    responses: { [status in S]: { content: { [type in T]: infer Body } } };
}
    ? Body
    : never;

export const scheduled201: Answer<"/api/v1/sessions/", "post", 201, "application/json"> = {
  "series_id": "0b9633ce-30b0-4f89-a73b-4d9e5c4cc461",
  "sessions": [
    {
      "id": "803d4716-b15d-4fe6-930d-514421b9b9bc",
      "series_id": "0b9633ce-30b0-4f89-a73b-4d9e5c4cc461",
      "sequence": 1,
      "number": 12,
      "client": {
        "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
        "name": "Chloe Martin"
      },
      "provider": {
        "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
        "name": "Ava Thompson"
      },
      "created_by": {
        "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
        "name": "Ava Thompson"
      },
      "starts_at": "2026-12-04T06:54:28-05:00",
      "ends_at": "2026-12-04T07:54:28-05:00",
      "meeting": null,
      "status": "open",
      "timing": "in_progress",
      "closed_at": null,
      "closed_by": null,
      "close_note": "",
      "cancelled_at": null,
      "cancelled_by": null,
      "cancel_reason": "",
      "assignments": [
        {
          "id": "935ef383-d8d5-43e8-81bf-68e5a5a92dcf",
          "title": "Thought record",
          "instructions": "One a day.",
          "due_at": "2026-12-04T07:54:28-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:28.851584-05:00",
          "status": "assigned",
          "response": "",
          "submitted_at": null,
          "kind": "text",
          "questionnaire": null,
          "feedback": []
        }
      ],
      "messages": []
    },
    {
      "id": "800639b6-ea33-41b8-96c1-793518d865de",
      "series_id": "0b9633ce-30b0-4f89-a73b-4d9e5c4cc461",
      "sequence": 2,
      "number": 13,
      "client": {
        "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
        "name": "Chloe Martin"
      },
      "provider": {
        "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
        "name": "Ava Thompson"
      },
      "created_by": {
        "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
        "name": "Ava Thompson"
      },
      "starts_at": "2026-12-04T07:54:28-05:00",
      "ends_at": "2026-12-04T08:54:28-05:00",
      "meeting": null,
      "status": "open",
      "timing": "upcoming",
      "closed_at": null,
      "closed_by": null,
      "close_note": "",
      "cancelled_at": null,
      "cancelled_by": null,
      "cancel_reason": "",
      "assignments": [
        {
          "id": "7f379faa-ec2d-42b3-916e-e0207e382e94",
          "title": "Thought record",
          "instructions": "One a day.",
          "due_at": "2026-12-04T08:54:28-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:28.871389-05:00",
          "status": "assigned",
          "response": "",
          "submitted_at": null,
          "kind": "text",
          "questionnaire": null,
          "feedback": []
        }
      ],
      "messages": []
    }
  ]
};

export const sessionList200: Answer<"/api/v1/sessions/", "get", 200, "application/json"> = {
  "count": 13,
  "next": "http://127.0.0.1:60679/api/v1/sessions/?client=f3f747ab-c189-4a22-98fb-f4a6591f0313&page=2&page_size=5",
  "previous": null,
  "results": [
    {
      "id": "164d65ca-d52f-4011-8383-747dbb7dd837",
      "series_id": "aa1ca416-a1f1-4c13-a250-e24656992c03",
      "sequence": 1,
      "number": 1,
      "client": {
        "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
        "name": "Chloe Martin"
      },
      "provider": {
        "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
        "name": "Ben Okafor"
      },
      "created_by": {
        "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
        "name": "Ava Thompson"
      },
      "starts_at": "2026-10-05T09:00:00-04:00",
      "ends_at": "2026-10-12T09:00:00-04:00",
      "meeting": {
        "starts_at": "2026-10-06T10:00:00-04:00",
        "minutes": 50,
        "place": "Room 2",
        "video_url": ""
      },
      "status": "closed",
      "timing": "closed",
      "closed_at": "2026-10-12T08:00:00-04:00",
      "closed_by": {
        "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
        "name": "Ben Okafor"
      },
      "close_note": "",
      "cancelled_at": null,
      "cancelled_by": null,
      "cancel_reason": "",
      "assignments": [
        {
          "id": "84db25de-21b5-4224-93fb-74ad3c5bdc04",
          "title": "Thought record",
          "instructions": "Write down one stressful moment a day: the situation, the thought, the feeling, and a more balanced thought.",
          "due_at": "2026-10-12T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.213272-05:00",
          "status": "completed",
          "response": "Done most days. Tuesday was hard, but writing it down helped.\nI noticed a pattern.",
          "submitted_at": "2026-10-07T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "47cb3074-92be-4397-995d-5c06cea0547b",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you — noticing the pattern is exactly the point. Let's look at it together.",
              "created_at": "2026-10-08T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "51846e0e-c354-4360-914e-eb3911256024",
          "title": "Breathing practice",
          "instructions": "Five minutes of slow breathing, morning and evening.",
          "due_at": "2026-10-12T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.213301-05:00",
          "status": "completed",
          "response": "Managed it six days out of seven.",
          "submitted_at": "2026-10-08T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "e45f52f7-dfc4-4421-a6c9-ba6f26fd5790",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Great consistency. Keep going this week.",
              "created_at": "2026-10-09T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "fc89304c-01a0-4967-b6f9-cf66425945cb",
          "title": "Values list",
          "instructions": "Name three things that matter to you this week, and one small step towards each.",
          "due_at": "2026-10-12T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.213316-05:00",
          "status": "completed",
          "response": "I did it, though it felt strange at first.",
          "submitted_at": "2026-10-09T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "572eed5b-dedd-4590-8f20-da400604739b",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you — noticing the pattern is exactly the point. Let's look at it together.",
              "created_at": "2026-10-10T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "12c93ed3-a67e-482e-b29f-797abffdc722",
          "title": "PHQ-9",
          "instructions": "",
          "due_at": "2026-10-12T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.213330-05:00",
          "status": "completed",
          "response": "",
          "submitted_at": "2026-10-10T19:00:00-04:00",
          "kind": "phq9",
          "questionnaire": {
            "instrument": "phq9",
            "name": "PHQ-9",
            "instructions": "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
            "scale": [
              {
                "value": 0,
                "label": "Not at all"
              },
              {
                "value": 1,
                "label": "Several days"
              },
              {
                "value": 2,
                "label": "More than half the days"
              },
              {
                "value": 3,
                "label": "Nearly every day"
              }
            ],
            "items": [
              {
                "number": 1,
                "text": "Little interest or pleasure in doing things",
                "answer": 3
              },
              {
                "number": 2,
                "text": "Feeling down, depressed, or hopeless",
                "answer": 3
              },
              {
                "number": 3,
                "text": "Trouble falling or staying asleep, or sleeping too much",
                "answer": 3
              },
              {
                "number": 4,
                "text": "Feeling tired or having little energy",
                "answer": 3
              },
              {
                "number": 5,
                "text": "Poor appetite or overeating",
                "answer": 3
              },
              {
                "number": 6,
                "text": "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
                "answer": 2
              },
              {
                "number": 7,
                "text": "Trouble concentrating on things, such as reading the newspaper or watching television",
                "answer": 0
              },
              {
                "number": 8,
                "text": "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
                "answer": 0
              },
              {
                "number": 9,
                "text": "Thoughts that you would be better off dead or of hurting yourself in some way",
                "answer": 0
              }
            ],
            "total": 17,
            "band": "moderately_severe",
            "band_label": "Moderately severe",
            "flagged": false,
            "needs_attention": false
          },
          "feedback": [
            {
              "id": "aa4ff168-3d40-4e73-b1f3-43bb71fc3638",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you for filling this in. We will look at it together.",
              "created_at": "2026-10-11T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "f96c5102-672e-4a4b-9b93-d2d6aa382711",
          "title": "GAD-7",
          "instructions": "",
          "due_at": "2026-10-12T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.213344-05:00",
          "status": "completed",
          "response": "",
          "submitted_at": "2026-10-11T19:00:00-04:00",
          "kind": "gad7",
          "questionnaire": {
            "instrument": "gad7",
            "name": "GAD-7",
            "instructions": "Over the last 2 weeks, how often have you been bothered by the following problems?",
            "scale": [
              {
                "value": 0,
                "label": "Not at all"
              },
              {
                "value": 1,
                "label": "Several days"
              },
              {
                "value": 2,
                "label": "More than half the days"
              },
              {
                "value": 3,
                "label": "Nearly every day"
              }
            ],
            "items": [
              {
                "number": 1,
                "text": "Feeling nervous, anxious, or on edge",
                "answer": 3
              },
              {
                "number": 2,
                "text": "Not being able to stop or control worrying",
                "answer": 3
              },
              {
                "number": 3,
                "text": "Worrying too much about different things",
                "answer": 3
              },
              {
                "number": 4,
                "text": "Trouble relaxing",
                "answer": 3
              },
              {
                "number": 5,
                "text": "Being so restless that it is hard to sit still",
                "answer": 3
              },
              {
                "number": 6,
                "text": "Becoming easily annoyed or irritable",
                "answer": 0
              },
              {
                "number": 7,
                "text": "Feeling afraid, as if something awful might happen",
                "answer": 0
              }
            ],
            "total": 15,
            "band": "severe",
            "band_label": "Severe",
            "flagged": false,
            "needs_attention": false
          },
          "feedback": [
            {
              "id": "04d7276d-7b89-452b-b0e2-4a3f74182575",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you for filling this in. We will look at it together.",
              "created_at": "2026-10-12T00:00:00-04:00"
            }
          ]
        }
      ],
      "messages": [
        {
          "id": "83314121-bfb7-4ae9-82f9-d17a21c6a56d",
          "author": {
            "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
            "name": "Ben Okafor",
            "role": "provider"
          },
          "body": "How did this week go? Remember you can write here any time.",
          "created_at": "2026-10-09T09:00:00-04:00"
        },
        {
          "id": "dcff0271-abfa-45ae-99bd-8ceeb24c65de",
          "author": {
            "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
            "name": "Chloe Martin",
            "role": "client"
          },
          "body": "Better than last week, thank you. See you on Monday.",
          "created_at": "2026-10-09T10:00:00-04:00"
        }
      ]
    },
    {
      "id": "ce3fb1ef-2869-48a6-a127-d0446ec12887",
      "series_id": "aa1ca416-a1f1-4c13-a250-e24656992c03",
      "sequence": 2,
      "number": 2,
      "client": {
        "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
        "name": "Chloe Martin"
      },
      "provider": {
        "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
        "name": "Ben Okafor"
      },
      "created_by": {
        "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
        "name": "Ava Thompson"
      },
      "starts_at": "2026-10-12T09:00:00-04:00",
      "ends_at": "2026-10-19T09:00:00-04:00",
      "meeting": {
        "starts_at": "2026-10-13T10:00:00-04:00",
        "minutes": 50,
        "place": "Room 2",
        "video_url": ""
      },
      "status": "closed",
      "timing": "closed",
      "closed_at": "2026-10-19T08:00:00-04:00",
      "closed_by": {
        "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
        "name": "Ben Okafor"
      },
      "close_note": "",
      "cancelled_at": null,
      "cancelled_by": null,
      "cancel_reason": "",
      "assignments": [
        {
          "id": "d4440871-86c8-496c-aadb-581de6c01a18",
          "title": "Thought record",
          "instructions": "Write down one stressful moment a day: the situation, the thought, the feeling, and a more balanced thought.",
          "due_at": "2026-10-19T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.226550-05:00",
          "status": "completed",
          "response": "Done most days. Tuesday was hard, but writing it down helped.\nI noticed a pattern.",
          "submitted_at": "2026-10-14T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "9fc29fa4-5543-4b5b-9d37-8b9d8de36011",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you — noticing the pattern is exactly the point. Let's look at it together.",
              "created_at": "2026-10-15T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "56582b9c-c3d4-4a39-952b-122bbd27f1cf",
          "title": "Breathing practice",
          "instructions": "Five minutes of slow breathing, morning and evening.",
          "due_at": "2026-10-19T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.226572-05:00",
          "status": "completed",
          "response": "Managed it six days out of seven.",
          "submitted_at": "2026-10-15T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "1b32c3f7-eb20-43c8-af59-10a1c98137b8",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Great consistency. Keep going this week.",
              "created_at": "2026-10-16T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "2479eaec-0dc4-46d6-91da-14275eae546b",
          "title": "Values list",
          "instructions": "Name three things that matter to you this week, and one small step towards each.",
          "due_at": "2026-10-19T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.226588-05:00",
          "status": "completed",
          "response": "I did it, though it felt strange at first.",
          "submitted_at": "2026-10-16T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "5f235af6-23fb-48ce-a9a2-80a8097576f4",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you — noticing the pattern is exactly the point. Let's look at it together.",
              "created_at": "2026-10-17T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "f0a9c8d8-9564-471e-b6a4-367d82f52287",
          "title": "PHQ-9",
          "instructions": "",
          "due_at": "2026-10-19T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.226602-05:00",
          "status": "completed",
          "response": "",
          "submitted_at": "2026-10-17T19:00:00-04:00",
          "kind": "phq9",
          "questionnaire": {
            "instrument": "phq9",
            "name": "PHQ-9",
            "instructions": "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
            "scale": [
              {
                "value": 0,
                "label": "Not at all"
              },
              {
                "value": 1,
                "label": "Several days"
              },
              {
                "value": 2,
                "label": "More than half the days"
              },
              {
                "value": 3,
                "label": "Nearly every day"
              }
            ],
            "items": [
              {
                "number": 1,
                "text": "Little interest or pleasure in doing things",
                "answer": 3
              },
              {
                "number": 2,
                "text": "Feeling down, depressed, or hopeless",
                "answer": 3
              },
              {
                "number": 3,
                "text": "Trouble falling or staying asleep, or sleeping too much",
                "answer": 3
              },
              {
                "number": 4,
                "text": "Feeling tired or having little energy",
                "answer": 3
              },
              {
                "number": 5,
                "text": "Poor appetite or overeating",
                "answer": 3
              },
              {
                "number": 6,
                "text": "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
                "answer": 1
              },
              {
                "number": 7,
                "text": "Trouble concentrating on things, such as reading the newspaper or watching television",
                "answer": 0
              },
              {
                "number": 8,
                "text": "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
                "answer": 0
              },
              {
                "number": 9,
                "text": "Thoughts that you would be better off dead or of hurting yourself in some way",
                "answer": 0
              }
            ],
            "total": 16,
            "band": "moderately_severe",
            "band_label": "Moderately severe",
            "flagged": false,
            "needs_attention": false
          },
          "feedback": [
            {
              "id": "4c67d942-6305-4acc-b766-afa5130cfe6d",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you for filling this in. We will look at it together.",
              "created_at": "2026-10-18T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "23cb3273-0185-443b-8a75-754e418d261a",
          "title": "GAD-7",
          "instructions": "",
          "due_at": "2026-10-19T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.226615-05:00",
          "status": "completed",
          "response": "",
          "submitted_at": "2026-10-18T19:00:00-04:00",
          "kind": "gad7",
          "questionnaire": {
            "instrument": "gad7",
            "name": "GAD-7",
            "instructions": "Over the last 2 weeks, how often have you been bothered by the following problems?",
            "scale": [
              {
                "value": 0,
                "label": "Not at all"
              },
              {
                "value": 1,
                "label": "Several days"
              },
              {
                "value": 2,
                "label": "More than half the days"
              },
              {
                "value": 3,
                "label": "Nearly every day"
              }
            ],
            "items": [
              {
                "number": 1,
                "text": "Feeling nervous, anxious, or on edge",
                "answer": 3
              },
              {
                "number": 2,
                "text": "Not being able to stop or control worrying",
                "answer": 3
              },
              {
                "number": 3,
                "text": "Worrying too much about different things",
                "answer": 3
              },
              {
                "number": 4,
                "text": "Trouble relaxing",
                "answer": 3
              },
              {
                "number": 5,
                "text": "Being so restless that it is hard to sit still",
                "answer": 2
              },
              {
                "number": 6,
                "text": "Becoming easily annoyed or irritable",
                "answer": 0
              },
              {
                "number": 7,
                "text": "Feeling afraid, as if something awful might happen",
                "answer": 0
              }
            ],
            "total": 14,
            "band": "moderate",
            "band_label": "Moderate",
            "flagged": false,
            "needs_attention": false
          },
          "feedback": [
            {
              "id": "7a049b42-8be3-46a9-8d0f-89f5ece1f78d",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you for filling this in. We will look at it together.",
              "created_at": "2026-10-19T00:00:00-04:00"
            }
          ]
        }
      ],
      "messages": [
        {
          "id": "b18140ce-9f60-43ca-8df2-8bebbdbcca26",
          "author": {
            "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
            "name": "Ben Okafor",
            "role": "provider"
          },
          "body": "How did this week go? Remember you can write here any time.",
          "created_at": "2026-10-16T09:00:00-04:00"
        },
        {
          "id": "e418ba88-7eff-4660-b830-043588fd67bc",
          "author": {
            "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
            "name": "Chloe Martin",
            "role": "client"
          },
          "body": "Better than last week, thank you. See you on Monday.",
          "created_at": "2026-10-16T10:00:00-04:00"
        }
      ]
    },
    {
      "id": "6df3ff82-0993-41dd-90e5-1ac26b52124a",
      "series_id": "aa1ca416-a1f1-4c13-a250-e24656992c03",
      "sequence": 3,
      "number": 3,
      "client": {
        "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
        "name": "Chloe Martin"
      },
      "provider": {
        "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
        "name": "Ben Okafor"
      },
      "created_by": {
        "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
        "name": "Ava Thompson"
      },
      "starts_at": "2026-10-19T09:00:00-04:00",
      "ends_at": "2026-10-26T09:00:00-04:00",
      "meeting": {
        "starts_at": "2026-10-20T10:00:00-04:00",
        "minutes": 50,
        "place": "Room 2",
        "video_url": ""
      },
      "status": "closed",
      "timing": "closed",
      "closed_at": "2026-10-26T08:00:00-04:00",
      "closed_by": {
        "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
        "name": "Ben Okafor"
      },
      "close_note": "",
      "cancelled_at": null,
      "cancelled_by": null,
      "cancel_reason": "",
      "assignments": [
        {
          "id": "5012f639-c0b8-4c03-969b-f3241900ac62",
          "title": "Thought record",
          "instructions": "Write down one stressful moment a day: the situation, the thought, the feeling, and a more balanced thought.",
          "due_at": "2026-10-26T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.238878-05:00",
          "status": "completed",
          "response": "Done most days. Tuesday was hard, but writing it down helped.\nI noticed a pattern.",
          "submitted_at": "2026-10-21T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "cc02adc2-8096-4055-b319-cdf17532aed4",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you — noticing the pattern is exactly the point. Let's look at it together.",
              "created_at": "2026-10-22T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "a88c866c-3184-43b2-b158-cafe7694523e",
          "title": "Breathing practice",
          "instructions": "Five minutes of slow breathing, morning and evening.",
          "due_at": "2026-10-26T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.238898-05:00",
          "status": "completed",
          "response": "Managed it six days out of seven.",
          "submitted_at": "2026-10-22T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "ca26fd57-6791-4458-aa3e-e90336d6342e",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Great consistency. Keep going this week.",
              "created_at": "2026-10-23T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "d9bcb9cd-5cae-4885-ae29-1b16019aeb72",
          "title": "Values list",
          "instructions": "Name three things that matter to you this week, and one small step towards each.",
          "due_at": "2026-10-26T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.238914-05:00",
          "status": "completed",
          "response": "I did it, though it felt strange at first.",
          "submitted_at": "2026-10-23T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "4cb9578a-7ddc-444d-9c15-54ea8bc2066d",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you — noticing the pattern is exactly the point. Let's look at it together.",
              "created_at": "2026-10-24T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "8dc6a462-9760-4429-ae24-7cc83332ade0",
          "title": "PHQ-9",
          "instructions": "",
          "due_at": "2026-10-26T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.238926-05:00",
          "status": "completed",
          "response": "",
          "submitted_at": "2026-10-24T19:00:00-04:00",
          "kind": "phq9",
          "questionnaire": {
            "instrument": "phq9",
            "name": "PHQ-9",
            "instructions": "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
            "scale": [
              {
                "value": 0,
                "label": "Not at all"
              },
              {
                "value": 1,
                "label": "Several days"
              },
              {
                "value": 2,
                "label": "More than half the days"
              },
              {
                "value": 3,
                "label": "Nearly every day"
              }
            ],
            "items": [
              {
                "number": 1,
                "text": "Little interest or pleasure in doing things",
                "answer": 3
              },
              {
                "number": 2,
                "text": "Feeling down, depressed, or hopeless",
                "answer": 3
              },
              {
                "number": 3,
                "text": "Trouble falling or staying asleep, or sleeping too much",
                "answer": 3
              },
              {
                "number": 4,
                "text": "Feeling tired or having little energy",
                "answer": 3
              },
              {
                "number": 5,
                "text": "Poor appetite or overeating",
                "answer": 2
              },
              {
                "number": 6,
                "text": "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
                "answer": 0
              },
              {
                "number": 7,
                "text": "Trouble concentrating on things, such as reading the newspaper or watching television",
                "answer": 0
              },
              {
                "number": 8,
                "text": "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
                "answer": 0
              },
              {
                "number": 9,
                "text": "Thoughts that you would be better off dead or of hurting yourself in some way",
                "answer": 0
              }
            ],
            "total": 14,
            "band": "moderate",
            "band_label": "Moderate",
            "flagged": false,
            "needs_attention": false
          },
          "feedback": [
            {
              "id": "6e0ac0b3-5627-465c-b836-420821d7c409",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you for filling this in. We will look at it together.",
              "created_at": "2026-10-25T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "03ea17bf-0361-4860-a65d-a69e673e187b",
          "title": "GAD-7",
          "instructions": "",
          "due_at": "2026-10-26T09:00:00-04:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.238939-05:00",
          "status": "completed",
          "response": "",
          "submitted_at": "2026-10-25T19:00:00-04:00",
          "kind": "gad7",
          "questionnaire": {
            "instrument": "gad7",
            "name": "GAD-7",
            "instructions": "Over the last 2 weeks, how often have you been bothered by the following problems?",
            "scale": [
              {
                "value": 0,
                "label": "Not at all"
              },
              {
                "value": 1,
                "label": "Several days"
              },
              {
                "value": 2,
                "label": "More than half the days"
              },
              {
                "value": 3,
                "label": "Nearly every day"
              }
            ],
            "items": [
              {
                "number": 1,
                "text": "Feeling nervous, anxious, or on edge",
                "answer": 3
              },
              {
                "number": 2,
                "text": "Not being able to stop or control worrying",
                "answer": 3
              },
              {
                "number": 3,
                "text": "Worrying too much about different things",
                "answer": 3
              },
              {
                "number": 4,
                "text": "Trouble relaxing",
                "answer": 3
              },
              {
                "number": 5,
                "text": "Being so restless that it is hard to sit still",
                "answer": 0
              },
              {
                "number": 6,
                "text": "Becoming easily annoyed or irritable",
                "answer": 0
              },
              {
                "number": 7,
                "text": "Feeling afraid, as if something awful might happen",
                "answer": 0
              }
            ],
            "total": 12,
            "band": "moderate",
            "band_label": "Moderate",
            "flagged": false,
            "needs_attention": false
          },
          "feedback": [
            {
              "id": "b3e0029c-8a6f-42b7-a8b4-4c262cab8d99",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you for filling this in. We will look at it together.",
              "created_at": "2026-10-26T00:00:00-04:00"
            }
          ]
        }
      ],
      "messages": [
        {
          "id": "1d264485-d8e2-4fe6-a8ea-a94046a88f0c",
          "author": {
            "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
            "name": "Ben Okafor",
            "role": "provider"
          },
          "body": "How did this week go? Remember you can write here any time.",
          "created_at": "2026-10-23T09:00:00-04:00"
        },
        {
          "id": "b2c3a897-e0d0-4a3b-83e2-01689962b9ae",
          "author": {
            "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
            "name": "Chloe Martin",
            "role": "client"
          },
          "body": "Better than last week, thank you. See you on Monday.",
          "created_at": "2026-10-23T10:00:00-04:00"
        }
      ]
    },
    {
      "id": "632cbef5-ed99-409b-b8bd-8d32343cc5c3",
      "series_id": "aa1ca416-a1f1-4c13-a250-e24656992c03",
      "sequence": 4,
      "number": 4,
      "client": {
        "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
        "name": "Chloe Martin"
      },
      "provider": {
        "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
        "name": "Ben Okafor"
      },
      "created_by": {
        "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
        "name": "Ava Thompson"
      },
      "starts_at": "2026-10-26T09:00:00-04:00",
      "ends_at": "2026-11-02T09:00:00-05:00",
      "meeting": {
        "starts_at": "2026-10-27T10:00:00-04:00",
        "minutes": 50,
        "place": "Room 2",
        "video_url": ""
      },
      "status": "closed",
      "timing": "closed",
      "closed_at": "2026-11-02T08:00:00-05:00",
      "closed_by": {
        "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
        "name": "Ben Okafor"
      },
      "close_note": "",
      "cancelled_at": null,
      "cancelled_by": null,
      "cancel_reason": "",
      "assignments": [
        {
          "id": "a86f4da4-5ea1-4cf3-8a53-6fc956dfa828",
          "title": "Thought record",
          "instructions": "Write down one stressful moment a day: the situation, the thought, the feeling, and a more balanced thought.",
          "due_at": "2026-11-02T09:00:00-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.251654-05:00",
          "status": "completed",
          "response": "Done most days. Tuesday was hard, but writing it down helped.\nI noticed a pattern.",
          "submitted_at": "2026-10-28T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "e45178a8-9d07-4212-841d-f1aff8aa1f11",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you — noticing the pattern is exactly the point. Let's look at it together.",
              "created_at": "2026-10-29T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "7c5a60cf-d2f3-4dab-a6ac-69d408bb45d5",
          "title": "Breathing practice",
          "instructions": "Five minutes of slow breathing, morning and evening.",
          "due_at": "2026-11-02T09:00:00-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.251676-05:00",
          "status": "completed",
          "response": "Managed it six days out of seven.",
          "submitted_at": "2026-10-29T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "c4313aac-74f1-48db-a6a7-4ded42873944",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Great consistency. Keep going this week.",
              "created_at": "2026-10-30T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "03ea4df2-48ee-46eb-a4fa-f81e2c7114f8",
          "title": "Values list",
          "instructions": "Name three things that matter to you this week, and one small step towards each.",
          "due_at": "2026-11-02T09:00:00-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.251691-05:00",
          "status": "completed",
          "response": "I did it, though it felt strange at first.",
          "submitted_at": "2026-10-30T19:00:00-04:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "e40d9c25-13c9-4443-90ad-d1943457429b",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you — noticing the pattern is exactly the point. Let's look at it together.",
              "created_at": "2026-10-31T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "5971164e-9c13-4aa2-9750-2d4007aaf470",
          "title": "PHQ-9",
          "instructions": "",
          "due_at": "2026-11-02T09:00:00-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.251704-05:00",
          "status": "completed",
          "response": "",
          "submitted_at": "2026-10-31T19:00:00-04:00",
          "kind": "phq9",
          "questionnaire": {
            "instrument": "phq9",
            "name": "PHQ-9",
            "instructions": "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
            "scale": [
              {
                "value": 0,
                "label": "Not at all"
              },
              {
                "value": 1,
                "label": "Several days"
              },
              {
                "value": 2,
                "label": "More than half the days"
              },
              {
                "value": 3,
                "label": "Nearly every day"
              }
            ],
            "items": [
              {
                "number": 1,
                "text": "Little interest or pleasure in doing things",
                "answer": 3
              },
              {
                "number": 2,
                "text": "Feeling down, depressed, or hopeless",
                "answer": 3
              },
              {
                "number": 3,
                "text": "Trouble falling or staying asleep, or sleeping too much",
                "answer": 3
              },
              {
                "number": 4,
                "text": "Feeling tired or having little energy",
                "answer": 3
              },
              {
                "number": 5,
                "text": "Poor appetite or overeating",
                "answer": 0
              },
              {
                "number": 6,
                "text": "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
                "answer": 0
              },
              {
                "number": 7,
                "text": "Trouble concentrating on things, such as reading the newspaper or watching television",
                "answer": 0
              },
              {
                "number": 8,
                "text": "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
                "answer": 0
              },
              {
                "number": 9,
                "text": "Thoughts that you would be better off dead or of hurting yourself in some way",
                "answer": 0
              }
            ],
            "total": 12,
            "band": "moderate",
            "band_label": "Moderate",
            "flagged": false,
            "needs_attention": false
          },
          "feedback": [
            {
              "id": "66848ed7-09b7-4a1e-ae5a-f9ed3096ddff",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you for filling this in. We will look at it together.",
              "created_at": "2026-11-01T00:00:00-04:00"
            }
          ]
        },
        {
          "id": "fcc81be2-78ca-4d88-9878-870388515315",
          "title": "GAD-7",
          "instructions": "",
          "due_at": "2026-11-02T09:00:00-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.251718-05:00",
          "status": "completed",
          "response": "",
          "submitted_at": "2026-11-01T18:00:00-05:00",
          "kind": "gad7",
          "questionnaire": {
            "instrument": "gad7",
            "name": "GAD-7",
            "instructions": "Over the last 2 weeks, how often have you been bothered by the following problems?",
            "scale": [
              {
                "value": 0,
                "label": "Not at all"
              },
              {
                "value": 1,
                "label": "Several days"
              },
              {
                "value": 2,
                "label": "More than half the days"
              },
              {
                "value": 3,
                "label": "Nearly every day"
              }
            ],
            "items": [
              {
                "number": 1,
                "text": "Feeling nervous, anxious, or on edge",
                "answer": 3
              },
              {
                "number": 2,
                "text": "Not being able to stop or control worrying",
                "answer": 3
              },
              {
                "number": 3,
                "text": "Worrying too much about different things",
                "answer": 3
              },
              {
                "number": 4,
                "text": "Trouble relaxing",
                "answer": 2
              },
              {
                "number": 5,
                "text": "Being so restless that it is hard to sit still",
                "answer": 0
              },
              {
                "number": 6,
                "text": "Becoming easily annoyed or irritable",
                "answer": 0
              },
              {
                "number": 7,
                "text": "Feeling afraid, as if something awful might happen",
                "answer": 0
              }
            ],
            "total": 11,
            "band": "moderate",
            "band_label": "Moderate",
            "flagged": false,
            "needs_attention": false
          },
          "feedback": [
            {
              "id": "aaf0084a-e6cf-4974-9bd9-277b12d3cab8",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you for filling this in. We will look at it together.",
              "created_at": "2026-11-01T23:00:00-05:00"
            }
          ]
        }
      ],
      "messages": [
        {
          "id": "913fd0cf-6e41-4548-a62f-9f4c07ef4fe6",
          "author": {
            "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
            "name": "Ben Okafor",
            "role": "provider"
          },
          "body": "How did this week go? Remember you can write here any time.",
          "created_at": "2026-10-30T09:00:00-04:00"
        },
        {
          "id": "d523df9a-0aec-44d2-afcd-a3bcb1ac3da2",
          "author": {
            "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
            "name": "Chloe Martin",
            "role": "client"
          },
          "body": "Better than last week, thank you. See you on Monday.",
          "created_at": "2026-10-30T10:00:00-04:00"
        }
      ]
    },
    {
      "id": "7de41137-ed73-4f2a-8c87-29f0d7b3c492",
      "series_id": "aa1ca416-a1f1-4c13-a250-e24656992c03",
      "sequence": 5,
      "number": 5,
      "client": {
        "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
        "name": "Chloe Martin"
      },
      "provider": {
        "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
        "name": "Ben Okafor"
      },
      "created_by": {
        "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
        "name": "Ava Thompson"
      },
      "starts_at": "2026-11-02T09:00:00-05:00",
      "ends_at": "2026-11-09T09:00:00-05:00",
      "meeting": {
        "starts_at": "2026-11-03T10:00:00-05:00",
        "minutes": 50,
        "place": "Room 2",
        "video_url": ""
      },
      "status": "closed",
      "timing": "closed",
      "closed_at": "2026-11-09T08:00:00-05:00",
      "closed_by": {
        "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
        "name": "Ben Okafor"
      },
      "close_note": "",
      "cancelled_at": null,
      "cancelled_by": null,
      "cancel_reason": "",
      "assignments": [
        {
          "id": "c2e233ad-1356-4cd6-9cc5-6e8a7025c15b",
          "title": "Thought record",
          "instructions": "Write down one stressful moment a day: the situation, the thought, the feeling, and a more balanced thought.",
          "due_at": "2026-11-09T09:00:00-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.264886-05:00",
          "status": "completed",
          "response": "Done most days. Tuesday was hard, but writing it down helped.\nI noticed a pattern.",
          "submitted_at": "2026-11-04T19:00:00-05:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "c96cf567-9c09-4d9e-a2df-a26c9b834fab",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you — noticing the pattern is exactly the point. Let's look at it together.",
              "created_at": "2026-11-05T00:00:00-05:00"
            }
          ]
        },
        {
          "id": "fb735f25-8741-4d35-af1c-6fb1f9e0bae4",
          "title": "Breathing practice",
          "instructions": "Five minutes of slow breathing, morning and evening.",
          "due_at": "2026-11-09T09:00:00-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.264908-05:00",
          "status": "completed",
          "response": "Managed it six days out of seven.",
          "submitted_at": "2026-11-05T19:00:00-05:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "fb7bd253-938e-4420-b1b8-8d2ce2b27b5d",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Great consistency. Keep going this week.",
              "created_at": "2026-11-06T00:00:00-05:00"
            }
          ]
        },
        {
          "id": "c2c08694-0da8-46c8-92fa-e1fd8f5d1e60",
          "title": "Values list",
          "instructions": "Name three things that matter to you this week, and one small step towards each.",
          "due_at": "2026-11-09T09:00:00-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.264922-05:00",
          "status": "completed",
          "response": "I did it, though it felt strange at first.",
          "submitted_at": "2026-11-06T19:00:00-05:00",
          "kind": "text",
          "questionnaire": null,
          "feedback": [
            {
              "id": "db877a8d-b434-4e70-80fe-64c39e2a586e",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you — noticing the pattern is exactly the point. Let's look at it together.",
              "created_at": "2026-11-07T00:00:00-05:00"
            }
          ]
        },
        {
          "id": "9c881fbd-ae3d-4e0a-8406-edf9f02445d8",
          "title": "PHQ-9",
          "instructions": "",
          "due_at": "2026-11-09T09:00:00-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.264934-05:00",
          "status": "completed",
          "response": "",
          "submitted_at": "2026-11-07T19:00:00-05:00",
          "kind": "phq9",
          "questionnaire": {
            "instrument": "phq9",
            "name": "PHQ-9",
            "instructions": "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
            "scale": [
              {
                "value": 0,
                "label": "Not at all"
              },
              {
                "value": 1,
                "label": "Several days"
              },
              {
                "value": 2,
                "label": "More than half the days"
              },
              {
                "value": 3,
                "label": "Nearly every day"
              }
            ],
            "items": [
              {
                "number": 1,
                "text": "Little interest or pleasure in doing things",
                "answer": 3
              },
              {
                "number": 2,
                "text": "Feeling down, depressed, or hopeless",
                "answer": 3
              },
              {
                "number": 3,
                "text": "Trouble falling or staying asleep, or sleeping too much",
                "answer": 3
              },
              {
                "number": 4,
                "text": "Feeling tired or having little energy",
                "answer": 1
              },
              {
                "number": 5,
                "text": "Poor appetite or overeating",
                "answer": 0
              },
              {
                "number": 6,
                "text": "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
                "answer": 0
              },
              {
                "number": 7,
                "text": "Trouble concentrating on things, such as reading the newspaper or watching television",
                "answer": 0
              },
              {
                "number": 8,
                "text": "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
                "answer": 0
              },
              {
                "number": 9,
                "text": "Thoughts that you would be better off dead or of hurting yourself in some way",
                "answer": 0
              }
            ],
            "total": 10,
            "band": "moderate",
            "band_label": "Moderate",
            "flagged": false,
            "needs_attention": false
          },
          "feedback": [
            {
              "id": "cb782c40-5b00-4638-8825-c9d10133996f",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you for filling this in. We will look at it together.",
              "created_at": "2026-11-08T00:00:00-05:00"
            }
          ]
        },
        {
          "id": "907c09cb-c50a-4cdf-be03-47a9a7ce7799",
          "title": "GAD-7",
          "instructions": "",
          "due_at": "2026-11-09T09:00:00-05:00",
          "created_by": {
            "id": "b00f6234-6a68-4a53-8463-051b99bd2a4d",
            "name": "Ava Thompson"
          },
          "created_at": "2026-12-04T06:55:17.264947-05:00",
          "status": "completed",
          "response": "",
          "submitted_at": "2026-11-08T19:00:00-05:00",
          "kind": "gad7",
          "questionnaire": {
            "instrument": "gad7",
            "name": "GAD-7",
            "instructions": "Over the last 2 weeks, how often have you been bothered by the following problems?",
            "scale": [
              {
                "value": 0,
                "label": "Not at all"
              },
              {
                "value": 1,
                "label": "Several days"
              },
              {
                "value": 2,
                "label": "More than half the days"
              },
              {
                "value": 3,
                "label": "Nearly every day"
              }
            ],
            "items": [
              {
                "number": 1,
                "text": "Feeling nervous, anxious, or on edge",
                "answer": 3
              },
              {
                "number": 2,
                "text": "Not being able to stop or control worrying",
                "answer": 3
              },
              {
                "number": 3,
                "text": "Worrying too much about different things",
                "answer": 3
              },
              {
                "number": 4,
                "text": "Trouble relaxing",
                "answer": 0
              },
              {
                "number": 5,
                "text": "Being so restless that it is hard to sit still",
                "answer": 0
              },
              {
                "number": 6,
                "text": "Becoming easily annoyed or irritable",
                "answer": 0
              },
              {
                "number": 7,
                "text": "Feeling afraid, as if something awful might happen",
                "answer": 0
              }
            ],
            "total": 9,
            "band": "mild",
            "band_label": "Mild",
            "flagged": false,
            "needs_attention": false
          },
          "feedback": [
            {
              "id": "3ef156fa-7d20-460e-ada2-040aa7b855d7",
              "author": {
                "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
                "name": "Ben Okafor"
              },
              "body": "Thank you for filling this in. We will look at it together.",
              "created_at": "2026-11-09T00:00:00-05:00"
            }
          ]
        }
      ],
      "messages": [
        {
          "id": "a3d11c2a-30cc-494a-bcce-afb791b8858e",
          "author": {
            "id": "92447e4a-8355-42e3-86e5-f3575d81992f",
            "name": "Ben Okafor",
            "role": "provider"
          },
          "body": "How did this week go? Remember you can write here any time.",
          "created_at": "2026-11-06T09:00:00-05:00"
        },
        {
          "id": "e5816143-9283-4b7c-8d56-cf4dfc00ce09",
          "author": {
            "id": "f3f747ab-c189-4a22-98fb-f4a6591f0313",
            "name": "Chloe Martin",
            "role": "client"
          },
          "body": "Better than last week, thank you. See you on Monday.",
          "created_at": "2026-11-06T10:00:00-05:00"
        }
      ]
    }
  ]
};

export const invalid400: Answer<"/api/v1/sessions/", "post", 400, "application/problem+json"> = {
  "type": "urn:caresessions:problem:invalid",
  "title": "Invalid input",
  "status": 400,
  "detail": "The homework title cannot be empty.",
  "code": "invalid",
  "errors": [
    {
      "field": "homework[1].title",
      "code": "invalid",
      "message": "The homework title cannot be empty."
    }
  ]
};

export const conflict409: Answer<"/api/v1/sessions/{id}/close/", "post", 409, "application/problem+json"> = {
  "type": "urn:caresessions:problem:not_ready",
  "title": "Session not ready to close",
  "status": 409,
  "detail": "Some homework is not completed or has no feedback yet. To close the session anyway, confirm and give a note saying why.",
  "code": "not_ready",
  "unfinished": [
    "935ef383-d8d5-43e8-81bf-68e5a5a92dcf"
  ]
};

// Read as a program would: the typed members, nested paths included.
export const firstInvalidField: string | null = invalid400.errors[0].field;
export const unfinished: string[] | undefined = conflict409.unfinished;
export const closedBy: string | undefined = sessionList200.results[0].closed_by?.name;
export const created: string = scheduled201.sessions[0].id;
