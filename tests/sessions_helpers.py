"""Helpers for tests of the care cycle: make sessions through the real services."""

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
    )


def complete(session, *, client, provider, feedback="Well done."):
    """Submit every homework item of the session and give feedback on each."""
    for assignment in session.assignments.all():
        services.assignment_submit(actor=client.user, assignment=assignment, response="Done.")
        services.feedback_give(actor=provider.user, assignment=assignment, body=feedback)
