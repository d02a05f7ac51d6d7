"""The notification centre (issue 16): the bell in the header, the list, marking read, and the
email settings on the person's account."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import EmailMode, EmailSettings, Kind, Notification
from notifications.selectors import bell_key
from sessions_app import services

from .queries import REQUEST_QUERIES

LIST = reverse("notifications:list")
SETTINGS = reverse("notifications:settings")
# The list's count for its pages, then its rows (the bell is in REQUEST_QUERIES).
LIST_QUERIES = REQUEST_QUERIES + 2


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def message_rows(user):
    return Notification.objects.filter(user=user, kind=Kind.MESSAGE_POSTED)


@pytest.fixture
def chatter(session, provider):
    """Three messages from the team: three notifications for the client."""
    for body in ("One", "Two", "Three"):
        services.message_post(actor=provider.user, session=session, body=body)
    return session


def test_the_bell_shows_the_unread_count_on_every_page(login, client_profile, chatter):
    http = login(client_profile.user)
    for path in (reverse("sessions_app:portal-dashboard"), reverse("clinic:account")):
        bell = soup(http.get(path)).find(attrs={"data-testid": "bell"})
        assert bell["href"] == LIST
        # Three messages and the session's scheduling.
        assert bell.find(attrs={"data-testid": "unread-count"}).text.startswith("4")


def test_no_bell_count_when_all_is_read(login, provider):
    bell = soup(login(provider.user).get(reverse("clinic:account"))).find(
        attrs={"data-testid": "bell"}
    )
    assert bell is not None
    assert bell.find(attrs={"data-testid": "unread-count"}) is None


def test_the_list_is_newest_first_and_each_links_to_its_place(login, client_profile, chatter):
    response = login(client_profile.user).get(LIST)
    assert response.status_code == 200
    items = soup(response).select("#notification-list li[data-notification]")
    newest = Notification.objects.filter(user=client_profile.user).order_by("-created_at", "-pk")
    assert [li["data-notification"] for li in items] == [str(n.uuid) for n in newest]
    link = items[0].find("a")
    assert link["href"] == reverse("notifications:open", args=[newest[0].uuid])
    assert link.text == "Your care team sent you a message"


def test_opening_a_notification_marks_those_about_the_same_place_read(
    login, client_profile, chatter, provider, clinic_admin, other_client
):
    http = login(client_profile.user)
    one = message_rows(client_profile.user).first()
    response = http.get(reverse("notifications:open", args=[one.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "sessions_app:portal-session-detail", args=[chatter.uuid]
    )
    assert not Notification.objects.filter(user=client_profile.user, read_at__isnull=True).exists()


def test_mark_one_and_mark_all_read(login, client_profile, chatter):
    http = login(client_profile.user)
    one = message_rows(client_profile.user).first()
    assert http.post(reverse("notifications:read", args=[one.uuid])).status_code == 302
    one.refresh_from_db()
    assert one.read_at is not None
    assert Notification.objects.filter(user=client_profile.user, read_at__isnull=True).count() == 3
    assert http.post(reverse("notifications:read-all")).status_code == 302
    assert not Notification.objects.filter(user=client_profile.user, read_at__isnull=True).exists()


def test_someone_elses_notification_is_404(login, client_profile, chatter, other_client):
    one = message_rows(client_profile.user).first()
    http = login(other_client.user)
    assert http.get(reverse("notifications:open", args=[one.uuid])).status_code == 404
    assert http.post(reverse("notifications:read", args=[one.uuid])).status_code == 404
    one.refresh_from_db()
    assert one.read_at is None


def test_the_list_is_paginated(login, client_profile, session, provider):
    for i in range(30):
        services.message_post(actor=provider.user, session=session, body=f"M{i}")
    http = login(client_profile.user)
    first = soup(http.get(LIST))
    assert len(first.select("li[data-notification]")) == 25
    second = soup(http.get(LIST, {"page": 2}))
    assert len(second.select("li[data-notification]")) == 6


@pytest.mark.parametrize("size", [1, 20])
def test_the_list_query_count_does_not_grow(
    login, provider, client_profile, session, size, django_assert_num_queries
):
    for i in range(size):
        services.message_post(actor=client_profile.user, session=session, body=f"M{i}")
    http = login(provider.user)
    with django_assert_num_queries(LIST_QUERIES):
        response = http.get(LIST)
    page = soup(response)
    # Each row names its session and, for a provider, its client (related fields touched).
    rows = page.select("li[data-notification]")
    assert len(rows) == size
    assert all("Session 1" in row.text and "Chloe Client" in row.text for row in rows)


def test_email_settings_per_kind_and_quiet_hours(login, client_profile):
    http = login(client_profile.user)
    page = soup(http.get(SETTINGS))
    assert page.find("select", attrs={"name": "mode_message_posted"})
    # A client is not offered kinds meant for providers.
    assert page.find("select", attrs={"name": "mode_answer_submitted"}) is None
    data = {
        f"mode_{kind}": EmailMode.IMMEDIATE
        for kind in Kind.values
        if page.find("select", attrs={"name": f"mode_{kind}"})
    }
    data.update(mode_message_posted="digest", mode_homework_given="off")
    data.update(quiet_start="22:30", quiet_end="06:15")
    response = http.post(SETTINGS, data)
    assert response.status_code == 302
    prefs = EmailSettings.objects.get(user=client_profile.user)
    assert prefs.mode_of(Kind.MESSAGE_POSTED) == EmailMode.DIGEST
    assert prefs.mode_of(Kind.HOMEWORK_GIVEN) == EmailMode.OFF
    assert prefs.mode_of(Kind.FEEDBACK_GIVEN) == EmailMode.IMMEDIATE
    assert (prefs.quiet_start, prefs.quiet_end) == (dt.time(22, 30), dt.time(6, 15))


def test_the_account_page_links_to_the_email_settings(login, client_profile):
    page = soup(login(client_profile.user).get(reverse("clinic:account")))
    assert page.find("a", href=SETTINGS)


def test_answers_waiting_are_offered_as_digest_or_nothing(login, provider):
    page = soup(login(provider.user).get(SETTINGS))
    select = page.find("select", attrs={"name": "mode_answers_waiting"})
    assert [o["value"] for o in select.find_all("option")] == ["digest", "off"]


def test_a_sessions_notifications_are_read_together(
    client_profile, chatter, provider, clinic_admin
):
    from notifications.services import session_notifications_read

    services.message_post(actor=client_profile.user, session=chatter, body="Reply")
    assert session_notifications_read(user=client_profile.user, session=chatter) == 4
    assert not Notification.objects.filter(user=client_profile.user, read_at__isnull=True).exists()
    # Someone else's stay unread.
    assert Notification.objects.filter(user=provider.user, read_at__isnull=True).exists()


def test_the_bell_costs_no_query_once_counted(login, client_profile, chatter):
    http = login(client_profile.user)
    account = reverse("clinic:account")
    http.get(account)
    with CaptureQueriesContext(connection) as cold:
        http.get(account)
    cache.delete(bell_key(client_profile.user.pk))
    with CaptureQueriesContext(connection) as counted:
        http.get(account)
    assert len(counted) == len(cold) + 1
    assert any("notifications_notification" in q["sql"] for q in counted.captured_queries)
    assert not any("notifications_notification" in q["sql"] for q in cold.captured_queries)


def test_a_new_notification_and_a_read_change_the_kept_count_at_once(
    login, client_profile, chatter, provider
):
    http = login(client_profile.user)
    account = reverse("clinic:account")

    def count():
        bell = soup(http.get(account)).find(attrs={"data-testid": "unread-count"})
        return bell and int(bell.find(attrs={"aria-hidden": "true"}).text)

    assert count() == 4
    services.message_post(actor=provider.user, session=chatter, body="Four")
    assert count() == 5
    http.post(reverse("notifications:read-all"))
    assert count() is None


def test_opening_the_session_page_reads_its_notifications_and_the_bell_says_so(
    login, client_profile, chatter
):
    http = login(client_profile.user)
    page = soup(http.get(reverse("sessions_app:portal-session-detail", args=[chatter.uuid])))
    assert page.find(attrs={"data-testid": "unread-count"}) is None
    assert not message_rows(client_profile.user).filter(read_at__isnull=True).exists()
