"""The provider's pages for meetings, numbers, changes and cancellations (DESIGN.md section 9):
every form redirects after success, so a reload never repeats it."""

import datetime as dt
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from sessions_app import services
from sessions_app.models import Session, SessionChange

from .factories import ClientFactory
from .queries import WARM_REQUEST_QUERIES
from .sessions_helpers import schedule, weekly_series

NY = zoneinfo.ZoneInfo("America/New_York")
SCHEDULE = reverse("sessions_app:provider-session-schedule")
SESSION_LIST = reverse("sessions_app:provider-session-list")
DASHBOARD = reverse("sessions_app:provider-dashboard")
MONDAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=NY)
WEEK = dt.timedelta(days=7)


def url(name, session):
    return reverse(f"sessions_app:provider-session-{name}", args=[session.uuid])


def series_url(session):
    return reverse("sessions_app:provider-series-detail", args=[session.series_id])


def page(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(response):
    return " ".join(page(response).get_text(" ").split())


def flashes(response):
    """The page's words, flash messages included."""
    return text(response)


def schedule_data(client_profile, provider, **overrides):
    data = {
        "client": str(client_profile.uuid),
        "provider": str(provider.uuid),
        "starts_at": "2027-03-01T09:00",
        "ends_at": "2027-03-08T09:00",
        "repeat": "4",
        "homework_applies_to": "all",
        "meeting_starts_at": "2027-03-02T10:00",
        "meeting_minutes": "50",
        "meeting_place": "Room 2",
        "meeting_video_url": "https://video.example/room-2",
        "homework-TOTAL_FORMS": "1",
        "homework-INITIAL_FORMS": "0",
        "homework-MIN_NUM_FORMS": "0",
        "homework-MAX_NUM_FORMS": "1000",
        "homework-0-title": "",
        "homework-0-instructions": "",
        "homework-0-due_at": "",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def series(provider, client, *, start=MONDAY, **kwargs):
    return weekly_series(provider, client, start=start, **kwargs)


def counts():
    return Session.objects.count(), SessionChange.objects.count()


# --- scheduling: meeting, redirect, overlap ---------------------------------------------------


def test_schedule_redirects_to_the_series_and_a_reload_schedules_nothing(
    login, provider, client_profile
):
    schedule(by=provider, client=client_profile, start=MONDAY - 2 * WEEK, repeat=2)  # 1 and 2
    http = login(provider.user)
    response = http.post(SCHEDULE, schedule_data(client_profile, provider), follow=True)
    sessions = list(Session.objects.filter(number__gt=2).order_by("number"))
    assert response.redirect_chain == [(series_url(sessions[0]), 302)]
    assert "4 sessions scheduled for Chloe Client." in flashes(response)
    # Numbers continue from the client's earlier sessions; the meeting on each Tuesday 10:00.
    assert [s.number for s in sessions] == [3, 4, 5, 6]
    assert [timezone.localtime(s.meeting_starts_at, NY).strftime("%a %H:%M") for s in sessions] == [
        "Tue 10:00"
    ] * 4
    assert {(s.meeting_minutes, s.meeting_place) for s in sessions} == {(50, "Room 2")}
    rows = page(response).select("main tbody tr")
    assert [row.find("a").get_text() for row in rows] == [f"Session {n}" for n in (3, 4, 5, 6)]
    assert all("Meeting" in row.get_text() for row in rows)
    assert "Series of 4 for Chloe Client" in text(response)
    # Reloading the result shows the same series and schedules nothing.
    before = counts()
    again = http.get(series_url(sessions[0]))
    assert again.status_code == 200
    assert len(page(again).select("main tbody tr")) == 4
    assert counts() == before == (6, 0)


def test_schedule_next_posts_to_the_schedule_form_and_redirects(login, provider, session):
    services.session_close(actor=provider.user, session=session, force=True, note="x")
    http = login(provider.user)
    form = page(http.get(url("next", session))).find("form", id="schedule-form")
    data = {
        field["name"]: field.get("value", "")
        for field in form.select("input")
        if field.get("type") not in ("checkbox", "radio")
    }
    data |= {"client": str(session.client.uuid), "provider": str(session.provider.uuid)}
    data |= {"homework_applies_to": "all", "homework-0-title": ""}
    response = http.post(form["action"], data)
    assert response.status_code == 302, text(response)
    [new] = Session.objects.exclude(pk=session.pk)
    assert response["Location"] == series_url(new)
    assert new.number == 2 and new.starts_at >= session.ends_at.replace(second=0, microsecond=0)
    http.get(response["Location"])
    assert Session.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"meeting_starts_at": "2027-03-09T10:00", "repeat": "1"}, "meeting_starts_at", "inside"),
        ({"meeting_minutes": "5"}, "meeting_minutes", "greater than or equal to 10"),
        ({"meeting_minutes": "241"}, "meeting_minutes", "less than or equal to 240"),
        ({"meeting_video_url": "javascript:alert(1)"}, "meeting_video_url", "https://"),
        ({"meeting_video_url": "http://video.example/x"}, "meeting_video_url", "https://"),
        ({"meeting_starts_at": ""}, "meeting_starts_at", "Give the meeting"),
    ],
)
def test_schedule_bad_meeting_is_refused_beside_its_field(
    login, provider, client_profile, overrides, field, message
):
    response = login(provider.user).post(
        SCHEDULE, schedule_data(client_profile, provider, **overrides)
    )
    assert response.status_code == 200
    control = page(response).find(attrs={"name": field})
    assert "is-invalid" in control["class"]
    assert message in text(response)
    assert counts() == (0, 0)


def test_same_provider_overlap_is_refused_naming_the_session_without_a_checkbox(
    login, provider, client_profile
):
    series(provider, client_profile, repeat=2)
    response = login(provider.user).post(
        SCHEDULE,
        schedule_data(client_profile, provider, starts_at="2027-03-10T09:00", repeat="1")
        | {"meeting_starts_at": "2027-03-10T10:00", "ends_at": "2027-03-17T09:00"},
    )
    assert response.status_code == 200
    assert "This overlaps Session 2 (8 Mar 2027 to 15 Mar 2027) with Ben Provider" in text(response)
    assert page(response).find(attrs={"name": "allow_overlap"}) is None
    # Even when a forged request says "anyway".
    forged = login(provider.user).post(
        SCHEDULE,
        schedule_data(client_profile, provider, starts_at="2027-03-10T09:00", repeat="1")
        | {"meeting_starts_at": "", "meeting_place": "", "meeting_video_url": ""}
        | {"ends_at": "2027-03-17T09:00", "allow_overlap": "on"},
    )
    assert "a client cannot have two sessions with the same provider" in text(forged)
    assert counts() == (2, 0)


def test_other_provider_overlap_asks_to_schedule_anyway(
    login, provider, clinic_admin, client_profile
):
    [theirs] = series(clinic_admin, client_profile, repeat=1)
    http = login(provider.user)
    data = schedule_data(client_profile, provider, repeat="1")
    refused = http.post(SCHEDULE, data)
    assert refused.status_code == 200
    assert "This overlaps Session 1 (1 Mar 2027 to 8 Mar 2027) with Ava Admin" in text(refused)
    box = page(refused).find("input", attrs={"name": "allow_overlap"})
    assert box is not None and not box.has_attr("checked")
    assert Session.objects.count() == 1
    response = http.post(SCHEDULE, data | {"allow_overlap": "on"}, follow=True)
    [mine] = Session.objects.exclude(pk=theirs.pk)
    assert response.redirect_chain == [(series_url(mine), 302)]
    assert mine.provider == provider and mine.number == 2
    assert Session.objects.count() == 2


# --- numbers and meetings on the pages ----------------------------------------------------------


def test_every_provider_page_names_the_session_by_its_number_and_dates(
    login, provider, client_profile
):
    schedule(by=provider, client=client_profile, start=MONDAY - 7 * WEEK, repeat=6)
    seventh = series(provider, client_profile, repeat=4)[0]
    http = login(provider.user)
    name = "Session 7 (1 Mar 2027 to 8 Mar 2027)"
    detail = http.get(url("detail", seventh))
    assert page(detail).title.get_text().startswith(f"{name} with Chloe Client")
    assert "Session 7 with Chloe Client" in page(detail).find("h1").get_text()
    close = http.get(url("close", seventh))
    assert f"Close {name} with Chloe Client?" in page(close).find("h1").get_text()
    listed = page(http.get(SESSION_LIST, {"client": client_profile.uuid}))
    assert "Session 7" in [a.get_text() for a in listed.select("main tbody tr td:first-child a")]
    timeline = page(
        http.get(reverse("sessions_app:provider-client-detail", args=[client_profile.uuid]))
    )
    headings = [" ".join(h.get_text(" ").split()) for h in timeline.select("main h2")]
    assert headings[0].startswith("Series of 4 from") and headings[0].endswith("Sessions 7 to 10")
    assert headings[1].startswith("Series of 6 from") and headings[1].endswith("Sessions 1 to 6")


def test_session_page_shows_the_meeting_with_a_safe_video_link(login, provider, client_profile):
    [session] = series(provider, client_profile, repeat=1)
    services.session_change(
        actor=provider.user,
        session=session,
        meeting=services.MeetingSpec(
            starts_at=session.meeting_starts_at,
            minutes=45,
            place="Room 2",
            video_url="https://video.example/room?a=1&b=2",
        ),
    )
    soup = page(login(provider.user).get(url("detail", session)))
    meeting = soup.find(id="meeting")
    words = " ".join(meeting.get_text(" ").split())
    assert "Tue 2 Mar 2027, 10:00 EST" in words and "10:45 EST" in words
    assert "45 minutes" in words and "Room 2" in words
    link = meeting.find("a", attrs={"data-testid": "meeting-video"})
    assert link["href"] == "https://video.example/room?a=1&b=2"
    assert link["rel"] == ["noopener", "noreferrer"] and link["target"] == "_blank"


def test_dashboard_row_shows_the_meeting_time(login, provider, client_profile):
    start = timezone.now() - dt.timedelta(days=1)
    services.session_schedule(
        actor=provider.user,
        client=client_profile,
        starts_at=start,
        ends_at=start + WEEK,
        meeting={"starts_at": start + dt.timedelta(days=2), "minutes": 30},
    )
    item = page(login(provider.user).get(DASHBOARD)).select_one("#in-progress li")
    assert "Meeting" in item.get_text() and "30 minutes" in item.get_text()
    assert item.find("a").get_text().startswith("Chloe Client · Session 1 (")


# --- changing a session ---------------------------------------------------------------------


def change_form(response):
    form = page(response).find("form", id="change-form")
    data = {}
    for field in form.select("input, select, textarea"):
        name, kind = field.get("name"), field.get("type")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if field.name == "select":
            data[name] = field.find("option", selected=True)["value"]
        elif kind in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.name == "textarea":
            data[name] = field.get_text().lstrip("\n")
        else:
            data[name] = field.get("value", "")
    return data


def test_change_page_is_prefilled_and_an_unchanged_form_changes_nothing(
    login, provider, client_profile
):
    sessions = series(provider, client_profile, repeat=3)
    http = login(provider.user)
    response = http.get(url("change", sessions[0]))
    data = change_form(response)
    assert data["starts_at"] == "2027-03-01T09:00" and data["ends_at"] == "2027-03-08T09:00"
    assert data["meeting_starts_at"] == "2027-03-02T10:00"
    assert data["meeting_minutes"] == "50" and data["meeting_place"] == "Room 2"
    assert data["provider"] == str(provider.uuid) and data["apply_to"] == "this"
    assert "no_meeting" not in data
    done = http.post(url("change", sessions[0]), data, follow=True)
    assert done.redirect_chain == [(url("detail", sessions[0]), 302)]
    assert "Nothing was changed." in flashes(done)
    assert SessionChange.objects.count() == 0


def test_change_this_session_moves_its_meeting_and_keeps_a_history(
    login, provider, clinic_admin, client_profile
):
    sessions = series(provider, client_profile, repeat=4)
    third = sessions[2]
    http = login(clinic_admin.user)
    data = change_form(http.get(url("change", third)))
    data |= {"meeting_starts_at": "2027-03-17T10:00", "meeting_place": "Room 5"}
    response = http.post(url("change", third), data, follow=True)
    assert response.redirect_chain == [(url("detail", third), 302)]
    assert "Session changed." in flashes(response)
    third.refresh_from_db()
    assert timezone.localtime(third.meeting_starts_at, NY) == dt.datetime(
        2027, 3, 17, 10, tzinfo=NY
    )
    assert third.meeting_place == "Room 5"
    # The others are as they were.
    assert {s.meeting_place for s in Session.objects.exclude(pk=third.pk)} == {"Room 2"}
    # The history: who, when, what before and after, on the clinic's clock.
    [entry] = page(response).select("#history [data-testid=history-entry]")
    words = " ".join(entry.get_text(" ").split())
    assert words.startswith("Changed ") and "by Ava Admin" in words
    assert "Meeting start: Tue 16 Mar 2027, 10:00 EDT → Wed 17 Mar 2027, 10:00 EDT" in words
    assert "Place: Room 2 → Room 5" in words
    # A reload of the result changes nothing more.
    before = counts()
    http.get(url("detail", third))
    assert counts() == before == (4, 1)


def test_change_this_and_the_later_sessions(login, provider, clinic_admin, client_profile):
    sessions = series(provider, client_profile, repeat=4)
    http = login(provider.user)
    form = page(http.get(url("change", sessions[1])))
    assert {r["value"] for r in form.select("input[name=apply_to]")} == {"this", "following"}
    data = change_form(http.get(url("change", sessions[1])))
    data |= {"provider": str(clinic_admin.uuid), "apply_to": "following"}
    response = http.post(url("change", sessions[1]), data)
    assert response.status_code == 302
    holders = [s.provider for s in Session.objects.order_by("number")]
    assert holders == [provider, clinic_admin, clinic_admin, clinic_admin]
    assert SessionChange.objects.count() == 3
    # The last session of a series offers no choice.
    assert page(http.get(url("change", sessions[3]))).select("input[name=apply_to]") == []


def test_change_period_moves_the_meeting_and_a_started_session_keeps_its_period(
    login, provider, client_profile
):
    [future] = series(provider, client_profile, repeat=1)
    http = login(provider.user)
    data = change_form(http.get(url("change", future)))
    data |= {"starts_at": "2027-03-02T09:00", "ends_at": "2027-03-09T09:00"}
    data["meeting_starts_at"] = "2027-03-03T10:00"
    assert http.post(url("change", future), data).status_code == 302
    future.refresh_from_db()
    assert timezone.localtime(future.starts_at, NY) == dt.datetime(2027, 3, 2, 9, tzinfo=NY)
    started = schedule(
        by=provider, client=client_profile, start=timezone.now() - dt.timedelta(hours=1)
    )[0]
    response = http.get(url("change", started))
    soup = page(response)
    assert soup.find(attrs={"name": "starts_at"}) is None
    assert soup.select_one("[data-testid=period-locked]") is not None
    data = change_form(response) | {"starts_at": "2030-01-01T09:00"}  # forged: ignored
    data |= {"no_meeting": "on"}
    assert http.post(url("change", started), data).status_code == 302
    started.refresh_from_db()
    assert started.starts_at < timezone.now()


def test_change_refused_input_changes_nothing(login, provider, clinic_admin, client_profile):
    sessions = series(provider, client_profile, repeat=2)
    series(clinic_admin, client_profile, start=MONDAY + 3 * WEEK, repeat=1)
    http = login(provider.user)
    data = change_form(http.get(url("change", sessions[1])))
    bad = http.post(url("change", sessions[1]), data | {"meeting_video_url": "javascript:x"})
    assert bad.status_code == 200 and "https://" in text(bad)
    outside = http.post(
        url("change", sessions[1]), data | {"meeting_starts_at": "2027-04-20T10:00"}
    )
    assert "inside the session" in text(outside)
    # Moved onto Ava's session: refused naming it, then scheduled anyway when confirmed.
    moved = data | {"starts_at": "2027-03-22T09:00", "ends_at": "2027-03-29T09:00"}
    moved |= {"meeting_starts_at": "2027-03-23T10:00"}
    refused = http.post(url("change", sessions[1]), moved)
    assert "This overlaps Session 3 (22 Mar 2027 to 29 Mar 2027) with Ava Admin" in text(refused)
    assert page(refused).find("input", attrs={"name": "allow_overlap"}) is not None
    assert SessionChange.objects.count() == 0
    assert http.post(url("change", sessions[1]), moved | {"allow_overlap": "on"}).status_code == 302
    assert SessionChange.objects.count() == 1


def test_closed_or_cancelled_session_cannot_be_changed(login, provider, session):
    services.session_close(actor=provider.user, session=session, force=True, note="x")
    http = login(provider.user)
    for name in ("change", "cancel"):
        response = http.get(url(name, session), follow=True)
        assert response.redirect_chain == [(url("detail", session), 302)]
        assert "already closed" in text(response)
        posted = http.post(url(name, session), {"reason": "x", "no_meeting": "on"})
        assert posted.status_code == 302
    assert SessionChange.objects.count() == 0


# --- cancelling ---------------------------------------------------------------------------------


def test_cancel_needs_a_reason(login, provider, session):
    response = login(provider.user).post(url("cancel", session), {"reason": "  "})
    assert response.status_code == 200
    assert page(response).find("textarea", attrs={"name": "reason"})["class"].count("is-invalid")
    session.refresh_from_db()
    assert session.is_open and SessionChange.objects.count() == 0


def test_cancel_one_session_makes_it_read_only_struck_through_and_out_of_the_dashboard(
    login, provider, clinic_admin, client_profile, session
):
    services.message_post(actor=client_profile.user, session=session, body="Hello")
    http = login(clinic_admin.user)
    response = http.post(url("cancel", session), {"reason": "Client is ill"}, follow=True)
    assert response.redirect_chain == [(url("detail", session), 302)]
    assert "1 session cancelled." in flashes(response)
    session.refresh_from_db()
    assert session.is_cancelled and session.cancelled_by == clinic_admin
    soup = page(response)
    banner = " ".join(soup.select_one("[data-testid=cancelled-banner]").get_text(" ").split())
    assert "This session was cancelled." in banner and "by Ava Admin" in banner
    assert "Client is ill" in banner
    # Read only: no form on the page's main part.
    assert soup.select("main form") == []
    assert soup.find("a", href=url("change", session)) is None
    assert soup.find("a", href=url("close", session)) is None
    # History: the cancellation with its reason.
    [entry] = soup.select("#history [data-testid=history-entry]")
    assert "Cancelled" in entry.get_text() and "Client is ill" in entry.get_text()
    # Reloading cancels nothing again.
    before = counts()
    http.get(url("detail", session))
    assert counts() == before == (1, 1)
    # Struck through in the list, with its status in words, and found by the status filter.
    for query in ({}, {"status": "cancelled"}, {"timing": "cancelled"}):
        row = page(http.get(SESSION_LIST, query)).select_one("main tbody tr")
        assert row.find("s").find("a")["href"] == url("detail", session), query
        assert "Cancelled" in row.get_text(), query
    assert page(http.get(SESSION_LIST, {"status": "open"})).select("main tbody tr") == []
    # Left out of the dashboard's sections and counts.
    dashboard = http.get(DASHBOARD)
    assert url("detail", session) not in dashboard.content.decode()
    # Writes to it are refused.
    refused = http.post(url("detail", session) + "messages/", {"body": "late"})
    assert refused.status_code == 200 and session.messages.count() == 1


def test_cancel_this_and_the_later_sessions(login, provider, client_profile):
    sessions = series(provider, client_profile, repeat=4)
    http = login(provider.user)
    form = page(http.get(url("cancel", sessions[2])))
    assert {r["value"] for r in form.select("input[name=apply_to]")} == {"this", "following"}
    response = http.post(
        url("cancel", sessions[2]), {"reason": "Moving away", "apply_to": "following"}, follow=True
    )
    assert "2 sessions cancelled." in flashes(response)
    statuses = list(Session.objects.order_by("number").values_list("status", flat=True))
    assert statuses == ["open", "open", "cancelled", "cancelled"]
    series_page = page(http.get(series_url(sessions[0])))
    assert len(series_page.select("main tbody tr s")) == 2


def test_schedule_next_offers_the_meeting_of_the_latest_session(login, provider, client_profile):
    [session] = series(provider, client_profile, repeat=1, start=timezone.now() - 8 * WEEK)
    services.session_close(actor=provider.user, session=session, force=True, note="x")
    http = login(provider.user)
    form = page(http.get(url("next", session))).find("form", id="schedule-form")
    values = {field["name"]: field.get("value", "") for field in form.select("input")}
    # Its period is in the past: the proposal starts now, the meeting a day and an hour in.
    starts_at = dt.datetime.fromisoformat(values["starts_at"])
    meeting_starts_at = dt.datetime.fromisoformat(values["meeting_starts_at"])
    assert meeting_starts_at - starts_at == dt.timedelta(days=1, hours=1)
    assert (values["meeting_minutes"], values["meeting_place"]) == ("50", "Room 2")


# --- schedule next: a link to the next session, or the offer ------------------------------------


def test_closed_session_links_to_the_next_session_of_its_series(login, provider, client_profile):
    start = timezone.now() - dt.timedelta(days=8)
    sessions = schedule(by=provider, client=client_profile, start=start, repeat=3)
    services.session_close(actor=provider.user, session=sessions[0], force=True, note="x")
    http = login(provider.user)
    soup = page(http.get(url("detail", sessions[0])))
    link = soup.select_one("[data-testid=next-in-series]")
    assert link["href"] == url("detail", sessions[1])
    assert link.get_text().startswith("Next: Session 2 (")
    assert soup.find("a", href=url("next", sessions[0])) is None
    # With the rest cancelled, the series holds no next session: the offer comes back.
    services.session_cancel(
        actor=provider.user, session=sessions[1], reason="Away", apply_to="following"
    )
    soup = page(http.get(url("detail", sessions[0])))
    assert soup.select_one("[data-testid=next-in-series]") is None
    assert soup.find("a", href=url("next", sessions[0])).get_text() == "Schedule the next session"


# --- query counts ------------------------------------------------------------------------------

# The session page, visited before: its people, homework, feedback, thread, read position,
# care team, history.
DETAIL_QUERIES = WARM_REQUEST_QUERIES + 8


@pytest.mark.parametrize("size", [1, 20])
def test_session_page_query_count_with_history_does_not_grow(
    login, provider, client_profile, size, django_assert_num_queries
):
    [session] = series(provider, client_profile, repeat=1)
    for index in range(size):
        services.session_change(
            actor=provider.user,
            session=session,
            meeting=services.MeetingSpec(
                starts_at=session.meeting_starts_at, place=f"Room {index}", video_url=""
            ),
        )
    http = login(provider.user)
    http.get(url("detail", session))
    with django_assert_num_queries(DETAIL_QUERIES):
        response = http.get(url("detail", session))
        assert response.status_code == 200
    assert len(page(response).select("[data-testid=history-entry]")) == size


@pytest.mark.parametrize("size", [1, 20])
def test_closed_and_cancelled_session_pages_query_count_does_not_grow(
    login, provider, client_profile, size, django_assert_num_queries
):
    sessions = series(provider, client_profile, repeat=size + 1)
    Session.objects.filter(pk=sessions[0].pk).update(starts_at=MONDAY - WEEK)
    services.session_cancel(
        actor=provider.user, session=sessions[1], reason="Away", apply_to="following"
    )
    first = Session.objects.get(pk=sessions[0].pk)
    services.session_close(actor=provider.user, session=first, force=True, note="x")
    http = login(provider.user)
    http.get(url("detail", first))
    # One more for a closed session: whether its series holds the next one.
    with django_assert_num_queries(DETAIL_QUERIES + 1):
        response = http.get(url("detail", first))
        assert "Schedule the next session" in response.content.decode()
    http.get(url("detail", sessions[1]))
    with django_assert_num_queries(DETAIL_QUERIES):
        response = http.get(url("detail", sessions[1]))
        assert "Away" in response.content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_session_list_with_meetings_and_cancellations_query_count_does_not_grow(
    login, provider, clinic, size, django_assert_num_queries
):
    for index in range(size):
        person = ClientFactory(clinic=clinic, care_team=[provider])
        [session] = series(provider, person, repeat=1)
        if index % 2:
            services.session_cancel(actor=provider.user, session=session, reason="Away")
    http = login(provider.user)
    http.get(SESSION_LIST)
    with django_assert_num_queries(WARM_REQUEST_QUERIES + 4):
        response = http.get(SESSION_LIST)
        content = response.content.decode()
    assert len(page(response).select("main tbody tr")) == size
    assert content.count('data-testid="meeting"') == size
    assert len(page(response).select("main tbody tr s")) == size // 2
