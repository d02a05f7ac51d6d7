"""The pieces issue 7 added for speed keep the product's behaviour: the health check, the
query-count header, the latest-message trigger and the unread prefilter built on it."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sessions_app import services
from sessions_app.models import Message, Session


def test_healthz_is_public_and_touches_no_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_query_count_header_counts_the_requests_queries(
    settings, login, provider, session, django_assert_num_queries
):
    settings.MIDDLEWARE = ["clinic.querycount.QueryCountMiddleware", *settings.MIDDLEWARE]
    http_client = login(provider.user)
    http_client.get("/provider/")
    with django_assert_num_queries(int(http_client.get("/provider/")["X-Query-Count"])):
        http_client.get("/provider/")


def test_no_query_count_header_unless_asked_for(login, provider, session):
    assert "X-Query-Count" not in login(provider.user).get("/provider/")


def test_the_latest_message_id_follows_the_thread(session, client_profile, provider):
    assert session.last_message_id is None
    first = services.message_post(actor=client_profile.user, session=session, body="One")
    # Written by something other than the services, the trigger still sees it.
    second = Message.objects.create(
        clinic=session.clinic, session=session, author=provider.user, body="Two"
    )
    stale = Session.objects.get(pk=session.pk)
    third = services.message_post(actor=provider.user, session=session, body="Three")
    stale.save()  # loaded before the third message: it must not take the id back
    session.refresh_from_db()
    assert session.last_message_id == third.pk > second.pk > first.pk


def exact_unread(user):
    """The definition: sessions with a message by someone else past the read position."""
    return {s.pk for s in Session.objects.visible_to(user).with_counts(user) if s.unread}


def test_unread_prefilter_finds_exactly_the_sessions_with_unread_messages(
    session, client_profile, provider, clinic_admin
):
    from .sessions_helpers import after, schedule

    other = schedule(
        by=clinic_admin, client=client_profile, provider=provider, start=after(session)
    )[0]
    services.message_post(actor=client_profile.user, session=session, body="Hello")
    services.message_post(actor=provider.user, session=other, body="Mine only")
    # A message of one's own past one's read position (not through the services).
    Message.objects.create(clinic=other.clinic, session=other, author=provider.user, body="x")
    for user in (provider.user, clinic_admin.user, client_profile.user):
        found = set(Session.objects.visible_to(user).with_unread(user).values_list("pk", flat=True))
        assert found == exact_unread(user), user
    services.session_mark_read(user=provider.user, session=session)
    assert not Session.objects.visible_to(provider.user).with_unread(provider.user).exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite refusal")
def test_seed_load_needs_postgresql(db):
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_load", sessions=10_000)
