"""Request and answer examples for the schema, with the demo clinic's people (clinic/demo.py):
Ava Thompson, a provider at Northside Therapy (New York time), and her client Chloe Martin."""

from drf_spectacular.utils import OpenApiExample

AVA = {"id": "5f0c2b1e-8d4a-4c3e-9b7a-1f2e3d4c5b6a", "name": "Ava Thompson"}
BEN = {"id": "0b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "name": "Ben Okafor"}
CHLOE = {"id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f2a3b4c5d", "name": "Chloe Martin"}
SERIES_ID = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
SESSION_ID = "7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
NEXT_SESSION_ID = "8e7d6c5b-4a3f-4b2c-8d9e-0f1a2b3c4d5e"
ASSIGNMENT_ID = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"

FEEDBACK = {
    "id": "4e5f6a7b-8c9d-4e0f-8a1b-2c3d4e5f6a7b",
    "author": AVA,
    "body": "Good start: notice how the thought changed once you wrote it down.",
    "created_at": "2027-03-02T10:15:00-05:00",
}
ASSIGNMENT = {
    "id": ASSIGNMENT_ID,
    "title": "Thought record",
    "instructions": "Write down one difficult moment a day: the situation, the thought, "
    "the feeling.",
    "due_at": "2027-03-08T09:00:00-05:00",
    "created_by": AVA,
    "created_at": "2027-02-22T14:30:00-05:00",
    "status": "assigned",
    "response": "",
    "submitted_at": None,
    "kind": "text",
    "questionnaire": None,
    "feedback": [],
}
ANSWERED = {
    **ASSIGNMENT,
    "status": "completed",
    "response": "Monday, before the meeting: 'I will get it wrong.' Anxious, then calmer.",
    "submitted_at": "2027-03-02T08:40:00-05:00",
}
MESSAGE = {
    "id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
    "author": {**CHLOE, "role": "client"},
    "body": "Could we talk about sleep next time?",
    "created_at": "2027-03-03T19:05:00-05:00",
}
MEETING = {
    "starts_at": "2027-03-01T09:00:00-05:00",
    "minutes": 50,
    "place": "Room 2",
    "video_url": "",
}
SESSION = {
    "id": SESSION_ID,
    "series_id": SERIES_ID,
    "sequence": 1,
    "number": 4,
    "client": CHLOE,
    "provider": AVA,
    "created_by": AVA,
    "starts_at": "2027-03-01T09:00:00-05:00",
    "ends_at": "2027-03-08T09:00:00-05:00",
    "meeting": MEETING,
    "status": "open",
    "timing": "in_progress",
    "closed_at": None,
    "closed_by": None,
    "close_note": "",
    "cancelled_at": None,
    "cancelled_by": None,
    "cancel_reason": "",
    "assignments": [ASSIGNMENT],
    "messages": [MESSAGE],
}
NEXT_SESSION = {
    **SESSION,
    "id": NEXT_SESSION_ID,
    "sequence": 2,
    "number": 5,
    "starts_at": "2027-03-08T09:00:00-05:00",
    "ends_at": "2027-03-15T09:00:00-04:00",
    "meeting": {**MEETING, "starts_at": "2027-03-08T09:00:00-05:00"},
    "timing": "upcoming",
    "assignments": [
        {
            **ASSIGNMENT,
            "id": "5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a",
            "due_at": "2027-03-15T09:00:00-04:00",
        }
    ],
    "messages": [],
}
CLOSED_SESSION = {
    **SESSION,
    "status": "closed",
    "timing": "closed",
    "closed_at": "2027-03-08T09:30:00-05:00",
    "closed_by": AVA,
    "close_note": "",
    "assignments": [{**ANSWERED, "feedback": [FEEDBACK]}],
}
CLINIC = {
    "id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "name": "Northside Therapy",
    "time_zone": "America/New_York",
}


def request(name, value, summary=None):
    return OpenApiExample(name, value=value, summary=summary, request_only=True)


def answer(name, value, status=200, summary=None):
    """An answer's example; for a list, one item (drf-spectacular lists it, in a page if paged)."""
    return OpenApiExample(
        name, value=value, summary=summary, response_only=True, status_codes=[str(status)]
    )
