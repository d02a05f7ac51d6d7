"""Demo sessions for `manage.py seed_demo` (DESIGN.md section 7), made through the services.
They stamp everything "now", so past sessions' answers, feedback, messages and closes are
then moved back into their own week to read like a real history."""

import datetime as dt

from django.utils import timezone

from . import services
from .models import Assignment, Feedback, Message, Session

PAST_SESSIONS = 3
UPCOMING_SESSIONS = 2

# client email: who holds the series, who scheduled it, the homework, the thread.
SERIES = {
    "chloe@northside.example": {
        "held_by": "ben@northside.example",
        "scheduled_by": "ava@northside.example",
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
        "homework": [
            ("Sleep diary", "Note when you go to bed, when you wake, and how rested you feel."),
            ("Activity plan", "Plan one enjoyable and one useful activity for each day."),
            ("Worry time", "Keep worries for a 15-minute slot each evening; write them down."),
        ],
    },
    "erin@riverside.example": {
        "held_by": "dan@riverside.example",
        "scheduled_by": "dan@riverside.example",
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


def _backdate(obj, **fields):
    type(obj).objects.filter(pk=obj.pk).update(**fields)


def _complete(session, *, client, provider, at):
    """Submit every homework item of a past session and give feedback on each, in its week."""
    for index, assignment in enumerate(session.assignments.all()):
        submitted_at = at + dt.timedelta(days=2 + index, hours=10)
        services.assignment_submit(
            actor=client.user, assignment=assignment, response=RESPONSES[index % len(RESPONSES)]
        )
        _backdate(assignment, submitted_at=submitted_at)
        feedback = services.feedback_give(
            actor=provider.user, assignment=assignment, body=FEEDBACK[index % len(FEEDBACK)]
        )
        _backdate(feedback, created_at=submitted_at + dt.timedelta(hours=5))


def _converse(session, lines, *, at):
    """Post (author, body) messages, an hour apart from `at`."""
    for index, (author, body) in enumerate(lines):
        message = services.message_post(actor=author.user, session=session, body=body)
        if at is not None:
            _backdate(message, created_at=at + dt.timedelta(hours=index))


def _seed_client(client, *, holder, scheduler, homework, now):
    tz = client.clinic.tzinfo
    start = _monday_nine(now, tz)
    first = timezone.make_aware(
        dt.datetime.combine(
            timezone.localtime(start, tz).date() - dt.timedelta(weeks=PAST_SESSIONS), dt.time(9)
        ),
        tz,
    )
    sessions = services.session_schedule(
        actor=scheduler.user,
        client=client,
        provider=holder,
        starts_at=first,
        ends_at=timezone.make_aware(
            dt.datetime.combine(
                timezone.localtime(first, tz).date() + dt.timedelta(weeks=1), dt.time(9)
            ),
            tz,
        ),
        repeat=PAST_SESSIONS + 1 + UPCOMING_SESSIONS,
        homework=[services.HomeworkSpec(title=t, instructions=i) for t, i in homework],
    )
    for session in sessions[:PAST_SESSIONS]:
        _complete(session, client=client, provider=holder, at=session.starts_at)
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
    current = sessions[PAST_SESSIONS]
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
            homework=spec["homework"],
            now=now,
        )
    return _row_count() - before


def _row_count():
    return sum(model.objects.count() for model in (Session, Assignment, Feedback, Message))
