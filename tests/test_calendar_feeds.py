"""Private calendar feeds (issue 15, point 3) and the portal's .ics of a meeting (point 2)."""

import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from audit.models import AuditEvent
from calendars import services as feed_services
from calendars.ics import event_uid
from calendars.models import CalendarFeed
from sessions_app import services

from .factories import UserFactory
from .sessions_helpers import weekly_series

# Chloe Client's initials (the en dash is the sentence's own).
INITIALS_SUMMARY = "Session – C.C."  # noqa: RUF001


def next_monday():
    today = timezone.localdate()
    return dt.datetime.combine(
        today + dt.timedelta(days=7 - today.weekday()), dt.time(9), tzinfo=dt.UTC
    )


def feed_path(user):
    feed = feed_services.calendar_feed_create(user=user)
    return reverse("calendars:feed", args=[feed.secret])


def fetch(path, http=None):
    response = (http or HttpClient()).get(path)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    return response, Calendar.from_ical(response.content)


def events_of(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def assert_no_people(content, *profiles):
    for profile in profiles:
        user = profile.user
        for word in [*user.full_name.split(), user.email]:
            assert word.encode() not in content, word


@pytest.fixture
def series(provider, client_profile):
    return weekly_series(provider, client_profile, start=next_monday(), repeat=3)


def test_provider_feed_has_initials_zone_and_no_names(
    series, provider, client_profile, clinic_admin
):
    response, calendar = fetch(feed_path(provider.user))
    events = events_of(calendar)
    assert set(events) == {event_uid(session.uuid) for session in series}
    for event in events.values():
        assert str(event["SUMMARY"]) == INITIALS_SUMMARY
        assert str(event["LOCATION"]) == "Room 2"
        assert event["STATUS"] == "CONFIRMED"
        assert event["SEQUENCE"] == 0
        assert "DTSTAMP" in event
        assert event["DTSTART"].params["TZID"] == "America/New_York"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/New_York"
    assert_no_people(response.content, client_profile, provider, clinic_admin)


def test_each_meeting_carries_its_own_client_s_initials(series, provider, other_client):
    [other] = weekly_series(
        provider, other_client, start=next_monday() + dt.timedelta(weeks=10), repeat=1
    )
    _, calendar = fetch(feed_path(provider.user))
    summaries = {uid: str(event["SUMMARY"]) for uid, event in events_of(calendar).items()}
    first, *_, last = other_client.user.full_name.split()
    assert summaries.pop(event_uid(other.uuid)) == f"Session – {first[0]}.{last[0]}."  # noqa: RUF001
    assert set(summaries.values()) == {INITIALS_SUMMARY}
    assert len(summaries) == len(series)


def test_client_feed_says_care_team_and_no_names(series, provider, client_profile, clinic_admin):
    response, calendar = fetch(feed_path(client_profile.user))
    events = events_of(calendar).values()
    assert len(events) == 3
    assert {str(event["SUMMARY"]) for event in events} == {"Session with your care team"}
    assert_no_people(response.content, client_profile, provider, clinic_admin)


def test_feed_holds_only_the_owners_sessions(series, provider, other_client, clinic_admin):
    # The clinic admin is on the care team but holds none of these sessions.
    weekly_series(provider, other_client, start=next_monday() + dt.timedelta(weeks=10), repeat=1)
    _, admin_calendar = fetch(feed_path(clinic_admin.user))
    assert events_of(admin_calendar) == {}
    _, other_calendar = fetch(feed_path(other_client.user))
    assert len(events_of(other_calendar)) == 1


def test_video_link_is_the_url(provider, client_profile):
    [session] = services.session_schedule(
        actor=provider.user,
        client=client_profile,
        provider=provider,
        starts_at=next_monday(),
        ends_at=next_monday() + dt.timedelta(days=7),
        meeting=services.MeetingSpec(
            starts_at=next_monday() + dt.timedelta(hours=1), video_url="https://video.test/room"
        ),
    )
    _, calendar = fetch(feed_path(provider.user))
    event = events_of(calendar)[event_uid(session.uuid)]
    assert str(event["URL"]) == "https://video.test/room"
    assert "LOCATION" not in event


def test_cancelled_meeting_is_cancelled_with_a_raised_sequence(series, provider):
    path = feed_path(provider.user)
    services.session_cancel(actor=provider.user, session=series[0], reason="Ill")
    _, calendar = fetch(path)
    events = events_of(calendar)
    cancelled = events[event_uid(series[0].uuid)]
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SEQUENCE"] == 1
    assert events[event_uid(series[1].uuid)]["STATUS"] == "CONFIRMED"


def test_moved_meeting_keeps_its_uid_with_new_time_and_raised_sequence(series, provider):
    path = feed_path(provider.user)
    session = series[1]
    uid = event_uid(session.uuid)
    _, before = fetch(path)
    assert events_of(before)[uid]["SEQUENCE"] == 0
    new_start = session.meeting_starts_at + dt.timedelta(hours=3)
    services.session_change(
        actor=provider.user,
        session=session,
        meeting=services.MeetingSpec(starts_at=new_start, place="Room 2"),
    )
    _, after = fetch(path)
    moved = events_of(after)[uid]
    assert moved["SEQUENCE"] == 1
    assert moved["DTSTART"].dt == new_start
    assert moved["DTEND"].dt == new_start + dt.timedelta(minutes=session.meeting_minutes)


def test_feed_reaches_back_90_days_and_forward_without_end(provider, client_profile):
    now = timezone.now()
    old = weekly_series(provider, client_profile, start=now - dt.timedelta(days=101), repeat=1)
    recent = weekly_series(provider, client_profile, start=now - dt.timedelta(days=85), repeat=1)
    far = weekly_series(provider, client_profile, start=now + dt.timedelta(days=400), repeat=1)
    _, calendar = fetch(feed_path(provider.user))
    assert set(events_of(calendar)) == {event_uid(recent[0].uuid), event_uid(far[0].uuid)}
    assert event_uid(old[0].uuid) not in events_of(calendar)


def test_revoked_feed_is_404_at_once_with_the_unknown_secrets_answer(provider):
    path = feed_path(provider.user)
    fetch(path)
    feed_services.calendar_feed_revoke(user=provider.user)
    revoked = HttpClient().get(path)
    unknown = HttpClient().get(reverse("calendars:feed", args=["no-such-secret"]))
    assert revoked.status_code == unknown.status_code == 404
    assert revoked.content == unknown.content


def test_regenerated_feed_stops_the_old_url(provider):
    old_path = feed_path(provider.user)
    feed = feed_services.calendar_feed_regenerate(user=provider.user)
    assert HttpClient().get(old_path).status_code == 404
    fetch(reverse("calendars:feed", args=[feed.secret]))


def test_deactivated_owner_is_404(provider):
    path = feed_path(provider.user)
    provider.user.is_active = False
    provider.user.save(update_fields=["is_active"])
    assert HttpClient().get(path).status_code == 404


def test_secret_is_long_and_random(provider, client_profile):
    one = feed_services.calendar_feed_create(user=provider.user)
    two = feed_services.calendar_feed_create(user=client_profile.user)
    assert len(one.secret) >= 43 and one.secret != two.secret  # 32 bytes in base64


def test_another_persons_cookie_gets_the_secret_owners_feed(series, provider, other_client, login):
    path = feed_path(provider.user)
    http = login(other_client.user)
    _, calendar = fetch(path, http)
    assert {str(e["SUMMARY"]) for e in events_of(calendar).values()} == {INITIALS_SUMMARY}
    [event] = AuditEvent.objects.filter(path=path)
    assert event.user == provider.user
    assert event.action == "calendar_feed.fetch"


def test_each_fetch_is_audited_under_the_owner(client_profile):
    path = feed_path(client_profile.user)
    fetch(path)
    fetch(path)
    events = AuditEvent.objects.filter(action="calendar_feed.fetch")
    assert events.count() == 2
    assert {event.user_id for event in events} == {client_profile.user.pk}
    assert {event.user_email for event in events} == {client_profile.user.email}


def test_feed_is_rate_limited_per_secret(provider, client_profile, settings):
    settings.CALENDAR_FEED_FETCHES_PER_HOUR = 2
    path = feed_path(provider.user)
    fetch(path)
    fetch(path)
    refused = HttpClient().get(path)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Another secret has its own count.
    fetch(feed_path(client_profile.user))


def test_feed_is_private_and_not_stored(provider):
    response, _ = fetch(feed_path(provider.user))
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_feed_speaks_the_owners_language(provider, login, other_client):
    provider.user.language = "es"
    provider.user.save(update_fields=["language"])
    response, _ = fetch(feed_path(provider.user), login(other_client.user))
    assert response["Content-Language"] == "es"


def test_place_with_markup_stays_text(provider, client_profile):
    place = "<script>alert(1)</script> & Room"
    weekly_series(provider, client_profile, start=next_monday(), repeat=1, place=place)
    _, calendar = fetch(feed_path(provider.user))
    [event] = events_of(calendar).values()
    assert str(event["LOCATION"]) == place


@pytest.mark.parametrize("meetings", [1, 20])
def test_feed_queries_do_not_grow_with_meetings(
    meetings, provider, client_profile, django_assert_num_queries
):
    weekly_series(provider, client_profile, start=next_monday(), repeat=meetings)
    path = feed_path(provider.user)
    http = HttpClient()
    # The feed and its owner, the meetings with their change counts, their clients' names
    # (once a client, not joined to every meeting), the audit event.
    with django_assert_num_queries(4):
        response = http.get(path)
        events = Calendar.from_ical(response.content).walk("VEVENT")
        assert len(events) == meetings
        assert all(str(event["SUMMARY"]) == INITIALS_SUMMARY for event in events)


# The account page.


def test_account_page_offers_to_create_a_feed(provider, login):
    http = login(provider.user)
    page = http.get(reverse("clinic:account")).content.decode()
    assert "Calendar feed" in page
    assert reverse("calendars:feed-create") in page
    assert "carries no names" in page


def test_account_page_creates_shows_regenerates_and_revokes(provider, login):
    http = login(provider.user)
    created = http.post(reverse("calendars:feed-create"), follow=True)
    assert created.redirect_chain == [(reverse("clinic:account"), 302)]
    feed = CalendarFeed.objects.get(user=provider.user)
    page = created.content.decode()
    assert f'value="http://testserver/calendar/{feed.secret}.ics"' in page
    assert "Your calendar feed is ready" in page
    assert 'src="/static/js/copy.js"' in page

    regenerated = http.post(reverse("calendars:feed-regenerate"), follow=True)
    assert regenerated.redirect_chain == [(reverse("clinic:account"), 302)]
    assert feed.secret not in regenerated.content.decode()
    assert "the old one no longer works" in regenerated.content.decode()

    revoked = http.post(reverse("calendars:feed-revoke"), follow=True)
    assert revoked.redirect_chain == [(reverse("clinic:account"), 302)]
    assert "no longer works" in revoked.content.decode()
    assert not CalendarFeed.objects.filter(user=provider.user).exists()
    assert reverse("calendars:feed-create") in revoked.content.decode()


def test_a_client_may_have_a_feed(client_profile, login):
    http = login(client_profile.user)
    assert http.post(reverse("calendars:feed-create")).status_code == 302
    assert CalendarFeed.objects.filter(user=client_profile.user).exists()


def test_a_person_without_a_role_has_no_feed(login, db):
    http = login(UserFactory(is_staff=True, is_superuser=True))
    assert "Calendar feed" not in http.get(reverse("clinic:account")).content.decode()
    assert http.post(reverse("calendars:feed-create")).status_code == 403


def test_feed_buttons_need_a_post_with_csrf(provider):
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(provider.user)
    assert http.get(reverse("calendars:feed-create")).status_code == 405
    assert http.post(reverse("calendars:feed-create")).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_admin_shows_the_feed_read_only_without_its_secret(provider, superuser, login):
    feed = feed_services.calendar_feed_create(user=provider.user)
    http = login(superuser)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.MFA_REQUIRED", False)
        change = http.get(reverse("admin:calendars_calendarfeed_change", args=[feed.pk]))
        listing = http.get(reverse("admin:calendars_calendarfeed_changelist"))
        add = http.get(reverse("admin:calendars_calendarfeed_add"))
    assert change.status_code == listing.status_code == 200
    assert add.status_code == 403
    assert feed.secret not in change.content.decode()
    assert feed.secret not in listing.content.decode()


# The portal's .ics of one meeting.


def test_client_downloads_the_meeting_ics(series, client_profile, provider, login):
    session = series[0]
    url = reverse("calendars:portal-meeting-ics", args=[session.uuid])
    response = login(client_profile.user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="session-{session.number}.ics"'
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == event_uid(session.uuid)
    assert str(event["SUMMARY"]) == "Session with your care team"
    assert event["DTSTART"].dt == session.meeting_starts_at
    assert_no_people(response.content, client_profile, provider)


def test_meeting_ics_of_someone_elses_session_is_404(series, other_client, login):
    url = reverse("calendars:portal-meeting-ics", args=[series[0].uuid])
    assert login(other_client.user).get(url).status_code == 404


def test_meeting_ics_is_for_clients_only(series, provider, login):
    url = reverse("calendars:portal-meeting-ics", args=[series[0].uuid])
    assert login(provider.user).get(url).status_code == 403


def test_meeting_ics_of_a_session_without_meeting_is_404(session, client_profile, login):
    url = reverse("calendars:portal-meeting-ics", args=[session.uuid])
    assert login(client_profile.user).get(url).status_code == 404
