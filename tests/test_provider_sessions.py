"""The provider's session pages: schedule, detail, homework, feedback, messages, close, next."""

import datetime as dt
import json
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from sessions_app import services
from sessions_app.models import Assignment, Feedback, Message, Session

from .queries import WARM_REQUEST_QUERIES
from .sessions_helpers import complete, schedule

NY = zoneinfo.ZoneInfo("America/New_York")


def detail_url(session, suffix=""):
    return f"/provider/sessions/{session.uuid}/{suffix}"


def page(response_or_html):
    html = getattr(response_or_html, "content", response_or_html)
    return BeautifulSoup(html.decode() if isinstance(html, bytes) else html, "html.parser")


def rows():
    return (
        Session.objects.count(),
        Assignment.objects.count(),
        Feedback.objects.count(),
        Message.objects.count(),
    )


def schedule_data(client_profile, provider, **overrides):
    data = {
        "client": str(client_profile.uuid),
        "provider": str(provider.uuid),
        "starts_at": "2027-03-01T09:00",
        "ends_at": "2027-03-08T09:00",
        "repeat": "4",
        "homework_applies_to": "all",
        "homework-TOTAL_FORMS": "2",
        "homework-INITIAL_FORMS": "0",
        "homework-MIN_NUM_FORMS": "0",
        "homework-MAX_NUM_FORMS": "1000",
        "homework-0-title": "Thought record",
        "homework-0-instructions": "Write down one thought a day.",
        "homework-0-due_at": "",
        "homework-1-title": "Evening walk",
        "homework-1-instructions": "",
        "homework-1-due_at": "",
    }
    data.update(overrides)
    return data


# --- scheduling ----------------------------------------------------------------------------


def test_schedule_form_offers_only_my_care_team_clients(
    login, provider, client_profile, other_client, clinic
):
    from .factories import ClientFactory

    stranger = ClientFactory(clinic=clinic)
    response = login(provider.user).get("/provider/sessions/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert str(client_profile.uuid) in html and str(other_client.uuid) in html
    assert str(stranger.uuid) not in html


def test_schedule_series_held_by_another_team_provider(
    login, clinic_admin, provider, client_profile
):
    response = login(clinic_admin.user).post(
        "/provider/sessions/new/", schedule_data(client_profile, provider), follow=True
    )
    sessions = list(Session.objects.order_by("sequence"))
    assert response.redirect_chain == [(f"/provider/series/{sessions[0].series_id}/", 302)]
    assert response.status_code == 200
    assert len(sessions) == 4
    assert {s.provider for s in sessions} == {provider}
    assert {s.created_by for s in sessions} == {clinic_admin}
    # Typed on the clinic's wall clock (New York), kept at 09:00 across the DST change.
    assert [timezone.localtime(s.starts_at, NY).hour for s in sessions] == [9, 9, 9, 9]
    assert all(s.assignments.count() == 2 for s in sessions)
    assert "4 sessions scheduled" in response.content.decode()
    for session in sessions:
        assert detail_url(session) in response.content.decode()


def test_schedule_homework_for_first_only(login, provider, client_profile):
    login(provider.user).post(
        "/provider/sessions/new/",
        schedule_data(client_profile, provider, homework_applies_to="first"),
    )
    counts = [s.assignments.count() for s in Session.objects.order_by("sequence")]
    assert counts == [2, 0, 0, 0]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": "2027-03-01T08:00"}, "end after it starts"),
        ({"repeat": "0"}, "greater than or equal to 1"),
        ({"repeat": "53"}, "less than or equal to 52"),
        ({"homework-0-title": ""}, "This field is required"),
        ({"homework-0-title": "x" * 201}, "at most 200 characters"),
        ({"client": "not-a-uuid"}, "Select a valid choice"),
        ({"starts_at": "yesterday"}, "Enter a valid date/time"),
    ],
)
def test_schedule_bad_input_is_refused_and_changes_nothing(
    login, provider, client_profile, overrides, message
):
    response = login(provider.user).post(
        "/provider/sessions/new/", schedule_data(client_profile, provider, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert rows() == (0, 0, 0, 0)


def test_schedule_forged_client_of_another_clinic_refused(
    login, provider, client_profile, other_clinic_client
):
    response = login(provider.user).post(
        "/provider/sessions/new/", schedule_data(other_clinic_client, provider)
    )
    assert "Select a valid choice" in response.content.decode()
    assert rows() == (0, 0, 0, 0)


def test_schedule_forged_provider_off_the_care_team_refused(
    login, provider, client_profile, off_team_provider
):
    response = login(provider.user).post(
        "/provider/sessions/new/", schedule_data(client_profile, off_team_provider)
    )
    assert "must be held by the client&#x27;s care team" in response.content.decode()
    assert rows() == (0, 0, 0, 0)


def test_schedule_forged_provider_of_another_clinic_refused(
    login, provider, client_profile, other_clinic_provider
):
    response = login(provider.user).post(
        "/provider/sessions/new/", schedule_data(client_profile, other_clinic_provider)
    )
    assert "Select a valid choice" in response.content.decode()
    assert rows() == (0, 0, 0, 0)


def test_client_cannot_open_the_schedule_form(login, client_profile):
    assert login(client_profile.user).get("/provider/sessions/new/").status_code == 403


def test_schedule_form_carries_the_care_teams_for_the_browser(
    login, provider, client_profile, other_client, off_team_provider
):
    from .factories import ClientFactory

    ClientFactory(clinic=provider.clinic, care_team=[off_team_provider])  # not on my team
    response = login(provider.user).get("/provider/sessions/new/")
    script = page(response).find("script", id="care-teams")
    assert script["type"] == "application/json"
    teams = json.loads(script.string)
    assert {client: set(team) for client, team in teams.items()} == {
        str(client_profile.uuid): {str(p.uuid) for p in client_profile.care_team.all()},
        str(other_client.uuid): {str(provider.uuid)},
    }


def test_the_schedule_page_is_one_form(login, provider, client_profile):
    """Every field and the submit button belong to the page's one form (a form inside a
    form would end it early in a browser)."""
    html = login(provider.user).get("/provider/sessions/new/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert main.count("<form") == main.count("</form>") == 1
    form = page(main).find("form", id="schedule-form")
    for name in ("client", "provider", "starts_at", "ends_at", "repeat", "homework-0-title"):
        assert form.find(attrs={"name": name}), name
    assert form.find("button", type="submit")
    assert form.find("template", id="homework-template")


def test_schedule_says_how_many_sessions_were_scheduled(login, provider, client_profile):
    response = login(provider.user).post(
        "/provider/sessions/new/", schedule_data(client_profile, provider, repeat="1"), follow=True
    )
    assert "1 session scheduled for Chloe Client." in response.content.decode()
    rows = page(response).select("tbody tr")
    [session] = Session.objects.all()
    assert len(rows) == 1 and rows[0].find("a")["href"] == detail_url(session)
    assert rows[0].find_all("td")[-2].get_text() == "0/2"  # homework items, none done


# --- the session detail --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["provider", "clinic_admin"])
def test_team_providers_see_the_session(login, session, request, who):
    response = login(request.getfixturevalue(who).user).get(detail_url(session))
    assert response.status_code == 200
    assert "Journal" in response.content.decode()


@pytest.mark.parametrize("who", ["off_team_provider", "other_clinic_provider"])
def test_providers_outside_the_team_get_404(login, session, request, who):
    user = request.getfixturevalue(who).user
    c = login(user)
    for suffix in ["", "close/", "next/"]:
        assert c.get(detail_url(session, suffix)).status_code == 404
    for suffix in ["messages/", "homework/", "close/"]:
        assert c.post(detail_url(session, suffix), {"body": "x", "title": "x"}).status_code == 404
    assignment = session.assignments.first()
    assert (
        c.post(f"/provider/homework/{assignment.uuid}/feedback/", {"body": "x"}).status_code == 404
    )
    assert rows() == (1, 2, 0, 0)


def test_client_gets_403_on_provider_pages(login, session, client_profile):
    c = login(client_profile.user)
    assert c.get(detail_url(session)).status_code == 403
    assignment = session.assignments.first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="x")
    response = c.post(f"/provider/homework/{assignment.uuid}/feedback/", {"body": "Me"})
    assert response.status_code == 403
    assert Feedback.objects.count() == 0


def test_unknown_session_is_404(login, provider):
    c = login(provider.user)
    assert c.get("/provider/sessions/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert c.get("/provider/sessions/12345/").status_code == 404


def test_provider_removed_from_team_gets_404_at_once(login, session, provider, client_profile):
    c = login(provider.user)
    assert c.get(detail_url(session)).status_code == 200
    client_profile.memberships.filter(provider=provider).delete()
    assert c.get(detail_url(session)).status_code == 404


def test_add_homework(login, session, provider):
    response = login(provider.user).post(
        detail_url(session, "homework/"), {"title": "Breathing", "instructions": "Twice a day"}
    )
    assert response.status_code == 302
    added = session.assignments.get(title="Breathing")
    assert added.due_at == session.ends_at and added.created_by == provider


def test_add_homework_with_empty_title_refused(login, session, provider):
    response = login(provider.user).post(detail_url(session, "homework/"), {"title": " "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert session.assignments.count() == 2


def test_give_feedback(login, session, provider, client_profile):
    assignment = session.assignments.first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="Did it")
    response = login(provider.user).post(
        f"/provider/homework/{assignment.uuid}/feedback/", {"body": "Great work"}, follow=True
    )
    assert "Feedback given." in response.content.decode()
    assert assignment.feedback.get().body == "Great work"


def test_feedback_on_unsubmitted_homework_refused_beside_the_form(login, session, provider):
    assignment = session.assignments.first()
    response = login(provider.user).post(
        f"/provider/homework/{assignment.uuid}/feedback/", {"body": "Early"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "has not submitted this homework yet" in html
    assert f'id="id_feedback_{assignment.uuid}_body"' in html
    assert Feedback.objects.count() == 0


def test_message_is_escaped_and_keeps_line_breaks(login, session, provider):
    c = login(provider.user)
    c.post(detail_url(session, "messages/"), {"body": "<script>alert(1)</script>\nline two"})
    html = c.get(detail_url(session)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\nline two" in html


def test_over_long_message_refused(login, session, provider):
    response = login(provider.user).post(detail_url(session, "messages/"), {"body": "x" * 5001})
    assert "at most 5000 characters" in response.content.decode()
    assert Message.objects.count() == 0


def test_messages_show_author_and_role_in_order(login, session, provider, client_profile):
    services.message_post(actor=client_profile.user, session=session, body="First from client")
    services.message_post(actor=provider.user, session=session, body="Then the provider")
    html = login(provider.user).get(detail_url(session)).content.decode()
    assert html.index("First from client") < html.index("Then the provider")
    assert "Chloe Client" in html and "Client" in html and provider.title in html


def test_times_are_shown_in_the_clinic_zone_with_abbreviation(login, provider, client_profile):
    [session] = schedule(
        by=provider, client=client_profile, start=dt.datetime(2027, 1, 4, 9, 0, tzinfo=NY)
    )
    html = login(provider.user).get(detail_url(session)).content.decode()
    assert "Mon 4 Jan 2027, 09:00 EST" in html


def test_detail_query_count_does_not_grow(
    login, provider, client_profile, django_assert_num_queries
):
    c = login(provider.user)
    small = schedule(by=provider, client=client_profile, homework=["One"])[0]
    services.message_post(actor=client_profile.user, session=small, body="Hi")
    # The week before: a client's sessions with one provider never overlap.
    big = schedule(
        by=provider,
        client=client_profile,
        start=small.starts_at - dt.timedelta(days=7),
        homework=[f"Item {i}" for i in range(20)],
    )[0]
    for i, assignment in enumerate(big.assignments.all()):
        services.assignment_submit(actor=client_profile.user, assignment=assignment, response="x")
        services.feedback_give(actor=provider.user, assignment=assignment, body=f"fb {i}")
    for i in range(20):
        services.message_post(actor=client_profile.user, session=big, body=f"msg {i}")
    c.get(detail_url(small))  # warm the session's read position
    c.get(detail_url(big))
    # The visits read the provider's notifications; the next counts the bell again, once.
    c.get(detail_url(small))
    with django_assert_num_queries(WARM_REQUEST_QUERIES + 8) as small_ctx:
        response = c.get(detail_url(small))
        assert "One" in response.content.decode()
    with django_assert_num_queries(len(small_ctx.captured_queries)):
        response = c.get(detail_url(big))
        assert "fb 19" in response.content.decode() and "msg 19" in response.content.decode()


# --- closing and the next session ----------------------------------------------------------


def test_close_confirmation_lists_unfinished_homework(login, session, provider):
    html = login(provider.user).get(detail_url(session, "close/")).content.decode()
    assert "not ready to close" in html
    assert "Journal — not submitted" in html and "Walk — not submitted" in html


def test_closing_unready_without_confirmation_refused(login, session, provider):
    response = login(provider.user).post(detail_url(session, "close/"), {"note": ""})
    assert response.status_code == 200
    assert "To close the session anyway" in response.content.decode()
    session.refresh_from_db()
    assert session.is_open


def test_closing_unready_with_confirmation_but_no_note_refused(login, session, provider):
    response = login(provider.user).post(detail_url(session, "close/"), {"force": "on", "note": ""})
    assert "needs a note saying why" in response.content.decode()
    session.refresh_from_db()
    assert session.is_open


def test_closing_unready_with_confirmation_and_note(login, session, provider):
    response = login(provider.user).post(
        detail_url(session, "close/"), {"force": "on", "note": "Client is travelling"}, follow=True
    )
    session.refresh_from_db()
    assert session.is_closed and session.close_note == "Client is travelling"
    html = response.content.decode()
    assert "This session is closed" in html and "Client is travelling" in html
    assert "Schedule the next session" in html
    assert "Send message" not in html and "Add homework" not in html


def test_ready_session_closes_with_one_click(
    login, session, provider, client_profile, clinic_admin
):
    complete(session, client=client_profile, provider=provider)
    login(clinic_admin.user).post(detail_url(session, "close/"), {})
    session.refresh_from_db()
    assert session.is_closed and session.closed_by == clinic_admin


def test_closing_a_closed_session_says_so(login, session, provider):
    services.session_close(actor=provider.user, session=session, force=True, note="x")
    response = login(provider.user).post(
        detail_url(session, "close/"), {"force": "on", "note": "again"}, follow=True
    )
    assert "already closed" in response.content.decode()
    session.refresh_from_db()
    assert session.close_note == "x"


def test_writes_to_a_closed_session_are_refused(login, session, provider, client_profile):
    assignment = session.assignments.first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="x")
    services.session_close(actor=provider.user, session=session, force=True, note="x")
    c = login(provider.user)
    before = rows()
    for response in [
        c.post(detail_url(session, "messages/"), {"body": "late"}),
        c.post(detail_url(session, "homework/"), {"title": "late"}),
        c.post(f"/provider/homework/{assignment.uuid}/feedback/", {"body": "late"}),
    ]:
        assert response.status_code == 200
        assert "This session is closed" in response.content.decode()
    assert rows() == before


def test_schedule_next_is_prefilled_from_the_closed_session(login, session, provider):
    services.session_close(actor=provider.user, session=session, force=True, note="x")
    response = login(provider.user).get(detail_url(session, "next/"))
    soup = page(response)
    assert soup.find("h1").get_text() == "Schedule the next session"
    form = soup.find("form", id="schedule-form")
    assert form["action"] == "/provider/sessions/new/"

    def chosen(name):
        return form.find("select", attrs={"name": name}).find("option", selected=True)["value"]

    def typed(name):
        value = form.find("input", attrs={"name": name})["value"]
        return dt.datetime.fromisoformat(value).replace(tzinfo=NY)  # the clinic's wall clock

    assert chosen("client") == str(session.client.uuid)
    assert chosen("provider") == str(session.provider.uuid)

    # It starts when the closed one ended, and lasts as long (to the minute the form shows,
    # rounded up: a minute earlier it would overlap the closed one).
    def minute_up(moment):
        return moment.astimezone(NY).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)

    assert session.ends_at.second or session.ends_at.microsecond  # a time the form rounds
    assert typed("starts_at") == minute_up(session.ends_at)
    assert typed("ends_at") == minute_up(session.ends_at) + session.duration
