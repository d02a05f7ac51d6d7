"""Helpers for tests of the care cycle: make sessions through the real services.

`schedule()` without `start` makes a session that started a day ago and runs for a week (in
progress). Two sessions of one client with the same provider may not overlap (DESIGN.md
section 9, rule 4), so a second one for that pair needs its own period: pass
`start=before(session)` (the week that ends as `session` starts: already started, so its
homework can be answered) or `start=after(session)` (the week that starts as it ends: not
started yet). Sessions that only touch do not overlap. A session with *another* provider that
overlaps is refused too unless asked for, as the service asks: pass `allow_overlap=True`.
"""

import datetime as dt

from django.utils import timezone

from sessions_app import services


def schedule(
    *,
    by,
    client,
    provider=None,
    start=None,
    length=dt.timedelta(days=7),
    repeat=1,
    homework=(),
    applies_to=services.HOMEWORK_FOR_ALL,
    meeting=None,
    allow_overlap=False,
):
    start = start or timezone.now() - dt.timedelta(days=1)
    return services.session_schedule(
        actor=by.user,
        client=client,
        provider=provider,
        starts_at=start,
        ends_at=start + length,
        repeat=repeat,
        homework=[services.HomeworkSpec(title=title) for title in homework],
        homework_applies_to=applies_to,
        meeting=meeting,
        allow_overlap=allow_overlap,
    )


def weekly_series(provider, client, *, start, repeat=4, by=None, place="Room 2", **kwargs):
    """`repeat` weekly sessions held by `provider` from `start`, each with a meeting in `place`
    a day and an hour after its start (a Monday 9:00 start: Tuesdays at 10:00)."""
    return services.session_schedule(
        actor=(by or provider).user,
        client=client,
        provider=provider,
        starts_at=start,
        ends_at=start + dt.timedelta(days=7),
        repeat=repeat,
        meeting=services.MeetingSpec(starts_at=start + dt.timedelta(days=1, hours=1), place=place),
        **kwargs,
    )


def before(session, length=dt.timedelta(days=7)):
    """The start of a period of `length` that ends exactly when `session` starts."""
    return session.starts_at - length


def after(session):
    """The start of a period that begins exactly when `session` ends."""
    return session.ends_at


def complete(session, *, client, provider, feedback="Well done."):
    """Submit every homework item of the session and give feedback on each."""
    for assignment in session.assignments.all():
        services.assignment_submit(actor=client.user, assignment=assignment, response="Done.")
        services.feedback_give(actor=provider.user, assignment=assignment, body=feedback)
