"""Demo sessions for `manage.py seed_demo`, made through the services. They stamp everything
"now", so past answers, feedback, messages and closes are moved back into their own week."""

import datetime as dt

from django.utils import timezone

from . import instruments, services
from .models import (
    Assignment,
    Feedback,
    Message,
    QuestionnaireResponse,
    Session,
    SessionChange,
)

PAST_SESSIONS = 3
UPCOMING_SESSIONS = 2

# client email: who holds the series, who scheduled it, the homework, the thread.
SERIES = {
    "chloe@northside.example": {
        "held_by": "ben@northside.example",
        "scheduled_by": "ava@northside.example",
        # Two series: the numbers continue from the first (Session 9 opens the second).
        "past": 8,
        "series": (8, 1 + UPCOMING_SESSIONS),
        # A PHQ-9 and a GAD-7 in each session of the first series: their weekly totals.
        "measures": {"phq9": [17, 16, 14, 12, 10, 8, 6, 4], "gad7": [15, 14, 12, 11, 9, 7, 5, 4]},
        # (days after Monday, hour) on the clinic's clock, and where.
        "meeting": {"day": 1, "hour": 10, "place": "Room 2"},
        "homework": [
            (
                "Thought record",
                "Write down one stressful moment a day: the situation, the "
                "thought, the feeling, and a more balanced thought.",
            ),
            ("Breathing practice", "Five minutes of slow breathing, morning and evening."),
            (
                "Values list",
                "Name three things that matter to you this week, and one small step towards each.",
            ),
        ],
    },
    "dylan@northside.example": {
        "held_by": "ava@northside.example",
        "scheduled_by": "ava@northside.example",
        "meeting": {"day": 0, "hour": 14, "video_url": "https://video.example/northside/ava"},
        # Last week's PHQ-9: item 9 answered 1, the rest adding up to 13.
        "flagged_phq9": [2, 2, 2, 1, 2, 1, 1, 1, 1],
        # The last upcoming session is cancelled.
        "cancel": "Ava is away at a training course that week; we pick up the week after.",
        "homework": [
            ("Sleep diary", "Note when you go to bed, when you wake, and how rested you feel."),
            ("Activity plan", "Plan one enjoyable and one useful activity for each day."),
            ("Worry time", "Keep worries for a 15-minute slot each evening; write them down."),
        ],
    },
    "erin@riverside.example": {
        "held_by": "dan@riverside.example",
        "scheduled_by": "dan@riverside.example",
        "meeting": {
            "day": 2,
            "hour": 11,
            "place": "Room 1",
            "video_url": "https://video.example/riverside/dan",
        },
        # The next session's meeting moves to Thursday afternoon, by video only.
        "change": {
            "day": 3,
            "hour": 15,
            "place": "",
            "video_url": "https://video.example/riverside/dan",
        },
        "homework": [
            ("Mood log", "Rate your mood from 0 to 10 three times a day, with a word or two."),
            ("Grounding exercise", "Practise 5-4-3-2-1 grounding once a day."),
            ("Letter to yourself", "Write a short, kind letter to yourself about this week."),
        ],
    },
}

RESPONSES = [
    "Done most days. Tuesday was hard, but writing it down helped.\nI noticed a pattern.",
    "Managed it six days out of seven.",
    "I did it, though it felt strange at first.",
]
FEEDBACK = [
    "Thank you — noticing the pattern is exactly the point. Let's look at it together.",
    "Great consistency. Keep going this week.",
]


def _monday_nine(now, tz):
    """The latest Monday 09:00 on the clinic's clock at or before `now`."""
    local = timezone.localtime(now, tz)
    monday = local.date() - dt.timedelta(days=local.weekday())
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time(9)), tz)
    if start > now:
        start = timezone.make_aware(
            dt.datetime.combine(monday - dt.timedelta(weeks=1), dt.time(9)), tz
        )
    return start


def _wall_clock(monday, day, hour, tz):
    """`day` days after the Monday of `monday` (a session's start), at `hour` on `tz`'s clock."""
    date = timezone.localtime(monday, tz).date() + dt.timedelta(days=day)
    return timezone.make_aware(dt.datetime.combine(date, dt.time(hour)), tz)


def _meeting(session_start, spec, tz):
    return services.MeetingSpec(
        starts_at=_wall_clock(session_start, spec["day"], spec["hour"], tz),
        place=spec.get("place", ""),
        video_url=spec.get("video_url", ""),
    )


def _backdate(obj, **fields):
    type(obj).objects.filter(pk=obj.pk).update(**fields)


QUESTIONNAIRE_FEEDBACK = "Thank you for filling this in. We will look at it together."


def _answers(kind, total):
    """Answers to `kind`'s items adding up to `total`, none to its risk item."""
    instrument = instruments.instrument(kind)
    answers = [0] * len(instrument.items)
    for index in range(len(answers)):
        if index + 1 != instrument.risk_item:
            answers[index] = min(3, total)
            total -= answers[index]
    return answers


def _complete(session, *, client, provider, at, answers=None):
    """Answer and give feedback on a past session's homework; `answers`: {kind: answers}."""
    for index, assignment in enumerate(session.assignments.all()):
        submitted_at = at + dt.timedelta(days=2 + index, hours=10)
        if assignment.is_questionnaire:
            response = services.questionnaire_submit(
                actor=client.user, assignment=assignment, answers=answers[assignment.kind]
            )
            flagged_at = submitted_at if response.flagged_at else None
            _backdate(response, submitted_at=submitted_at, flagged_at=flagged_at)
            body = QUESTIONNAIRE_FEEDBACK
        else:
            services.assignment_submit(
                actor=client.user,
                assignment=assignment,
                response=RESPONSES[index % len(RESPONSES)],
            )
            body = FEEDBACK[index % len(FEEDBACK)]
        _backdate(assignment, submitted_at=submitted_at)
        feedback = services.feedback_give(actor=provider.user, assignment=assignment, body=body)
        _backdate(feedback, created_at=submitted_at + dt.timedelta(hours=5))


def _converse(session, lines, *, at):
    """Post (author, body) messages, an hour apart from `at`."""
    for index, (author, body) in enumerate(lines):
        message = services.message_post(actor=author.user, session=session, body=body)
        if at is not None:
            _backdate(message, created_at=at + dt.timedelta(hours=index))


def _seed_client(client, *, holder, scheduler, spec, now):
    tz = client.clinic.tzinfo
    start = _monday_nine(now, tz)
    past = spec.get("past", PAST_SESSIONS)
    first = timezone.make_aware(
        dt.datetime.combine(
            timezone.localtime(start, tz).date() - dt.timedelta(weeks=past), dt.time(9)
        ),
        tz,
    )
    measures = spec.get("measures", {})
    sessions = []
    for index, length in enumerate(spec.get("series", (past + 1 + UPCOMING_SESSIONS,))):
        begins = _wall_clock(first, 7 * len(sessions), 9, tz)
        homework = [services.HomeworkSpec(title=t, instructions=i) for t, i in spec["homework"]]
        if index == 0:
            homework += [services.HomeworkSpec(kind=kind) for kind in measures]
        sessions += services.session_schedule(
            actor=scheduler.user,
            client=client,
            provider=holder,
            starts_at=begins,
            ends_at=_wall_clock(begins, 7, 9, tz),
            repeat=length,
            homework=homework,
            meeting=_meeting(begins, spec["meeting"], tz),
        )
    if "flagged_phq9" in spec:
        services.assignment_add(
            actor=holder.user, session=sessions[past - 1], kind=Assignment.Kind.PHQ9
        )
    for week, session in enumerate(sessions[:past]):
        answers = {kind: _answers(kind, totals[week]) for kind, totals in measures.items()}
        if week == past - 1 and "flagged_phq9" in spec:
            answers[Assignment.Kind.PHQ9] = spec["flagged_phq9"]
        _complete(session, client=client, provider=holder, at=session.starts_at, answers=answers)
        _converse(
            session,
            [
                (holder, "How did this week go? Remember you can write here any time."),
                (client, "Better than last week, thank you. See you on Monday."),
            ],
            at=session.starts_at + dt.timedelta(days=4),
        )
        for person in (client, holder, scheduler):
            services.session_mark_read(user=person.user, session=session)
        closed = services.session_close(actor=holder.user, session=session)
        _backdate(closed, closed_at=session.ends_at - dt.timedelta(hours=1))

    # Current session: answered with feedback, answered and waiting, not done; one unread.
    current = sessions[past]
    answered, waiting, _ = current.assignments.all()
    services.assignment_submit(actor=client.user, assignment=answered, response=RESPONSES[1])
    services.feedback_give(actor=holder.user, assignment=answered, body=FEEDBACK[1])
    services.assignment_submit(actor=client.user, assignment=waiting, response=RESPONSES[0])
    _converse(
        current,
        [
            (holder, "Welcome to this week's session. Take your time with the homework."),
            (client, "I've sent two answers; the third one is taking me longer."),
        ],
        at=None,
    )

    # Plans change: a meeting moved, a week called off (both kept in the session's history).
    upcoming = sessions[past + 1 :]
    if "change" in spec:
        services.session_change(
            actor=holder.user,
            session=upcoming[0],
            meeting=_meeting(upcoming[0].starts_at, spec["change"], tz),
        )
    if "cancel" in spec:
        services.session_cancel(actor=holder.user, session=upcoming[-1], reason=spec["cancel"])


def seed_sessions(*, clients, providers, now=None):
    """Seed clients that have no sessions yet (reruns add nothing); returns rows created."""
    now = now or timezone.now()
    before = _row_count()
    for email, spec in SERIES.items():
        client = clients.get(email)
        if client is None or Session.objects.filter(client=client).exists():
            continue
        _seed_client(
            client,
            holder=providers[spec["held_by"]],
            scheduler=providers[spec["scheduled_by"]],
            spec=spec,
            now=now,
        )
    return _row_count() - before


def _row_count():
    models = (Session, SessionChange, Assignment, Feedback, Message, QuestionnaireResponse)
    return sum(model.objects.count() for model in models)
