"""The client portal: dashboard, session list, session detail, answers and messages."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from sessions_app import services
from sessions_app.models import Assignment, Feedback, Message, Session

from .portal_helpers import detail_url, message_url, submit_url
from .queries import READ_NOTIFICATIONS_QUERIES, REQUEST_QUERIES
from .sessions_helpers import after, complete, schedule

# The number of queries each page costs, whatever the number of rows (see the pinning tests).
DASHBOARD_QUERIES = REQUEST_QUERIES + 6
SESSION_LIST_QUERIES = REQUEST_QUERIES + 1
# ...and, the client's notifications about the session being unread, marks them read.
SESSION_DETAIL_QUERIES = REQUEST_QUERIES + 6 + READ_NOTIFICATIONS_QUERIES


DASHBOARD = reverse("sessions_app:portal-dashboard")
SESSION_LIST = reverse("sessions_app:portal-session-list")


def page(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def rows():
    return (
        Session.objects.count(),
        Assignment.objects.count(),
        Feedback.objects.count(),
        Message.objects.count(),
    )


def answers():
    return list(Assignment.objects.order_by("pk").values_list("response", "submitted_at"))


def error_text(response):
    """The text of the errors shown with the forms (crispy's field and form errors, and
    the portal's own alerts)."""
    soup = page(response)
    found = soup.select(".invalid-feedback, .alert-danger, .alert-block")
    return " ".join(element.get_text(" ", strip=True) for element in found)


@pytest.fixture
def portal(login, client_profile):
    return login(client_profile.user)


@pytest.fixture
def closed_session(session, provider, client_profile):
    complete(session, client=client_profile, provider=provider)
    services.session_close(actor=provider.user, session=session)
    session.refresh_from_db()
    return session


def close_unfinished(session, provider):
    services.session_close(actor=provider.user, session=session, force=True, note="Moved away.")


# --- who may see what ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboard", "list"])
def test_client_gets_the_overview_pages_linking_to_the_session(portal, session, name):
    response = portal.get({"dashboard": DASHBOARD, "list": SESSION_LIST}[name])
    assert response.status_code == 200
    assert "Ben Provider" in response.content.decode()
    assert page(response).find("a", href=lambda h: h and h.startswith(detail_url(session)))


def test_client_gets_the_session_detail(portal, session):
    response = portal.get(detail_url(session))
    assert response.status_code == 200
    soup = page(response)
    assert "Ben Provider" in soup.find("h1").get_text()
    assert soup.find("h1").find(attrs={"data-timing": "in_progress"})
    titles = [h.get_text() for h in soup.select("#homework article h3")]
    assert titles == ["Journal", "Walk"]
    assert soup.find("form", action=message_url(session))


@pytest.mark.parametrize("persona", ["other_client", "other_clinic_client"])
def test_another_client_gets_404_on_the_clients_session_urls(request, login, session, persona):
    outsider = request.getfixturevalue(persona)
    browser = login(outsider.user)
    assignment = session.assignments.first()
    before, before_answers = rows(), answers()

    assert browser.get(detail_url(session)).status_code == 404
    assert browser.post(message_url(session), {"body": "Hello"}).status_code == 404
    assert browser.post(submit_url(assignment), {"response": "Mine"}).status_code == 404
    assert rows() == before
    assert answers() == before_answers


@pytest.mark.parametrize("persona", ["provider", "clinic_admin", "other_clinic_provider"])
def test_providers_get_403_on_portal_pages(request, login, session, persona):
    browser = login(request.getfixturevalue(persona).user)
    before = rows()
    for url in (DASHBOARD, SESSION_LIST, detail_url(session)):
        assert browser.get(url).status_code == 403, url
    assert browser.post(message_url(session), {"body": "Hi"}).status_code == 403
    assert (
        browser.post(submit_url(session.assignments.first()), {"response": "x"}).status_code == 403
    )
    assert rows() == before


def test_anonymous_is_redirected_to_login(client, session):
    for url in (DASHBOARD, SESSION_LIST, detail_url(session)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    response = client.post(message_url(session), {"body": "Hi"})
    assert response.status_code == 302
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/portal/sessions/not-a-uuid/",
        "/portal/sessions/12345/",
        "/portal/sessions/not-a-uuid/messages/",
        "/portal/homework/not-a-uuid/answer/",
    ],
)
def test_malformed_uuid_in_url_is_404(portal, session, url):
    assert portal.get(url).status_code == 404
    assert portal.post(url, {"body": "x", "response": "x"}).status_code == 404


def test_unknown_uuid_is_404(portal, session):
    unknown = "00000000-0000-4000-8000-000000000000"
    assert portal.get(f"/portal/sessions/{unknown}/").status_code == 404
    assert portal.post(f"/portal/homework/{unknown}/answer/", {"response": "x"}).status_code == 404


# --- homework answers ---------------------------------------------------------------------


def test_client_submits_an_answer(portal, session):
    assignment = session.assignments.get(title="Journal")
    response = portal.post(submit_url(assignment), {"response": "I wrote every day."})
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(session)}#hw-{assignment.uuid}"
    assignment.refresh_from_db()
    assert assignment.response == "I wrote every day."
    assert assignment.submitted_at is not None

    shown = portal.get(detail_url(session))
    form = page(shown).find("form", action=submit_url(assignment))
    # (A textarea's first newline is not part of its value.)
    assert form.find("textarea").get_text().removeprefix("\n") == "I wrote every day."
    assert "Save changes" in form.get_text()


def test_client_edits_the_answer_before_feedback(portal, session):
    assignment = session.assignments.get(title="Journal")
    portal.post(submit_url(assignment), {"response": "First draft"})
    response = portal.post(submit_url(assignment), {"response": "Second draft"}, follow=True)
    assert response.status_code == 200
    assert "Your answer is saved." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.response == "Second draft"


def test_editing_after_feedback_is_refused_and_the_answer_kept(portal, session, provider):
    assignment = session.assignments.get(title="Journal")
    portal.post(submit_url(assignment), {"response": "My answer"})
    services.feedback_give(actor=provider.user, assignment=assignment, body="Good work.")
    before = answers()

    response = portal.post(submit_url(assignment), {"response": "Changed my mind"})
    assert response.status_code == 200
    assert "can no longer be edited" in error_text(response)
    assert answers() == before

    # The page shows the answer read-only, with a note, and no form for that item.
    soup = page(portal.get(detail_url(session)))
    item = soup.find(id=f"hw-{assignment.uuid}")
    assert item.find(attrs={"data-answer": True}).get_text() == "My answer"
    assert "can no longer be changed" in item.get_text()
    assert item.find("form") is None
    assert "Good work." in item.get_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "This field is required."), ("   ", "This field is required."), ("x" * 20_001, "20000")],
    ids=["empty", "blank", "too-long"],
)
def test_bad_answer_is_refused_with_a_message(portal, session, text, message):
    assignment = session.assignments.get(title="Journal")
    before, before_answers = rows(), answers()
    response = portal.post(submit_url(assignment), {"response": text})
    assert response.status_code == 200
    form = page(response).find("form", action=submit_url(assignment))
    assert message in form.get_text(" ", strip=True)
    assert rows() == before
    assert answers() == before_answers


def test_each_homework_form_has_its_own_field_ids(portal, session):
    soup = page(portal.get(detail_url(session)))
    ids = [element["id"] for element in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    textareas = soup.select("form textarea[name=response]")
    assert len(textareas) == 2
    for textarea in textareas:
        assert soup.find("label", attrs={"for": textarea["id"]})


# --- messages -----------------------------------------------------------------------------


def test_client_posts_a_message_shown_in_order_with_author_and_role(
    portal, session, provider, client_profile
):
    services.message_post(actor=provider.user, session=session, body="How was the week?")
    response = portal.post(message_url(session), {"body": "It went well."})
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(session)}#messages"
    assert Message.objects.filter(session=session, author=client_profile.user).count() == 1

    thread = page(portal.get(detail_url(session))).find(id="messages")
    items = thread.select("ol > li")
    assert [i.select_one(".text-prewrap").get_text() for i in items] == [
        "How was the week?",
        "It went well.",
    ]
    first, second = (i.get_text(" ", strip=True) for i in items)
    assert "Ben Provider" in first and "Counsellor" in first
    assert "Chloe Client" in second and "Client" in second.replace("Chloe Client", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "This field is required."), ("x" * 5_001, "5000")],
    ids=["empty", "too-long"],
)
def test_bad_message_is_refused_with_a_message(portal, session, text, message):
    before = rows()
    response = portal.post(message_url(session), {"body": text})
    assert response.status_code == 200
    form = page(response).find("form", action=message_url(session))
    assert message in form.get_text(" ", strip=True)
    assert rows() == before


# --- closed sessions ----------------------------------------------------------------------


def test_closed_session_is_read_only(portal, closed_session):
    response = portal.get(detail_url(closed_session))
    soup = page(response)
    assert "This session is closed" in soup.get_text()
    assert soup.find("form", action=message_url(closed_session)) is None
    assert soup.find("textarea") is None
    for assignment in closed_session.assignments.all():
        assert soup.find(id=f"hw-{assignment.uuid}").find(attrs={"data-answer": True})


def test_writes_to_a_closed_session_are_refused(portal, session, provider):
    journal = session.assignments.get(title="Journal")
    portal.post(submit_url(journal), {"response": "Done before closing"})
    close_unfinished(session, provider)
    walk = session.assignments.get(title="Walk")
    before, before_answers = rows(), answers()

    for url, data in (
        (submit_url(walk), {"response": "Too late"}),
        (submit_url(journal), {"response": "Edited after closing"}),
        (message_url(session), {"body": "Anyone there?"}),
    ):
        response = portal.post(url, data)
        assert response.status_code == 200
        assert "This session is closed: it can be read but not changed." in error_text(response)
        assert page(response).find("textarea") is None
    assert rows() == before
    assert answers() == before_answers


# --- unread counts --------------------------------------------------------------------------


def test_unread_count_drops_to_zero_after_opening_the_session(portal, session, provider):
    services.message_post(actor=provider.user, session=session, body="One")
    services.message_post(actor=provider.user, session=session, body="Two")

    dashboard = page(portal.get(DASHBOARD)).find(id="unread-messages")
    assert dashboard.find(attrs={"data-unread": "2"})
    listed = page(portal.get(SESSION_LIST)).find("tr", attrs={"data-session": str(session.uuid)})
    assert listed.find(attrs={"data-unread": "2"})

    assert portal.get(detail_url(session)).status_code == 200

    dashboard = page(portal.get(DASHBOARD)).find(id="unread-messages")
    assert dashboard.find(attrs={"data-unread": True}) is None
    assert "No unread messages." in dashboard.get_text()
    listed = page(portal.get(SESSION_LIST)).find("tr", attrs={"data-session": str(session.uuid)})
    assert listed.find(attrs={"data-unread": "0"})


# --- user text ------------------------------------------------------------------------------


def test_user_text_is_escaped_and_keeps_line_breaks(portal, session, provider):
    body = "<script>alert('x')</script>\nsecond line"
    services.message_post(actor=provider.user, session=session, body=body)
    journal = session.assignments.get(title="Journal")
    services.assignment_submit(actor=session.client.user, assignment=journal, response=body)
    services.feedback_give(actor=provider.user, assignment=journal, body=body)

    response = portal.get(detail_url(session))
    html = response.content.decode()
    assert "<script>alert" not in html
    assert str(escape(body)) in html  # escaped, the line break kept
    shown = page(response).find_all(string=lambda s: s and "second line" in s)
    assert len(shown) == 3  # the message, the answer, the feedback
    for text in shown:
        assert text == body
        assert "text-prewrap" in text.parent["class"]


# --- what the pages show ----------------------------------------------------------------------


def test_dashboard_shows_current_session_homework_unread_and_feedback(
    portal, session, provider, client_profile
):
    journal = session.assignments.get(title="Journal")
    walk = session.assignments.get(title="Walk")
    services.assignment_submit(actor=client_profile.user, assignment=journal, response="Done")
    services.feedback_give(actor=provider.user, assignment=journal, body="Lovely entries.")
    services.message_post(actor=provider.user, session=session, body="See you soon.")

    soup = page(portal.get(DASHBOARD))
    current = soup.find(id="current-session")
    assert current.find("a", href=detail_url(session))
    assert current.find(attrs={"data-timing": "in_progress"})
    assert "1 of 2 done" in current.get_text()

    to_do = soup.find(id="homework-to-do")
    assert [a.get_text() for a in to_do.find_all("a")] == ["Walk"]
    assert to_do.find("a")["href"] == f"{detail_url(session)}#hw-{walk.uuid}"
    assert to_do.find("time")

    unread = soup.find(id="unread-messages")
    assert unread.find("a", href=f"{detail_url(session)}#messages")

    feedback = soup.find(id="latest-feedback")
    assert "Lovely entries." in feedback.get_text()
    assert feedback.find("a", href=f"{detail_url(session)}#hw-{journal.uuid}").get_text() == (
        "Journal"
    )


def test_dashboard_homework_list_is_ordered_by_due_date_and_skips_upcoming_sessions(
    portal, client_profile, clinic_admin, provider
):
    now = timezone.now()
    later = schedule(
        by=clinic_admin, client=client_profile, provider=provider, start=now - dt.timedelta(days=1)
    )[0]
    # Both in progress at once: with two providers, as the schedule form allows when asked.
    sooner = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=clinic_admin,
        start=now - dt.timedelta(days=2),
        length=dt.timedelta(days=3),
        allow_overlap=True,
    )[0]
    services.assignment_add(actor=provider.user, session=later, title="Later one")
    services.assignment_add(actor=clinic_admin.user, session=sooner, title="Sooner one")
    upcoming = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=now + dt.timedelta(days=10),
        homework=["Not yet"],
    )[0]

    soup = page(portal.get(DASHBOARD))
    to_do = soup.find(id="homework-to-do")
    assert [a.get_text() for a in to_do.select("li a")] == ["Sooner one", "Later one"]
    assert "1 more homework item in" in to_do.get_text(" ", strip=True)
    # The current session is the one in progress, not the upcoming one.
    current = soup.find(id="current-session")
    assert current.find("a", href=detail_url(sooner))
    assert not current.find("a", href=detail_url(upcoming))


def test_dashboard_current_session_falls_back_to_the_next_upcoming(
    portal, client_profile, clinic_admin, provider
):
    now = timezone.now()
    soon, _later = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=now + dt.timedelta(days=2),
        repeat=2,
    )
    current = page(portal.get(DASHBOARD)).find(id="current-session")
    assert current.find("a", href=detail_url(soon))
    assert current.find(attrs={"data-timing": "upcoming"})


def test_session_list_groups_current_upcoming_and_past(
    portal, client_profile, clinic_admin, provider, other_client
):
    now = timezone.now()

    def make(start, **kwargs):
        return schedule(
            by=clinic_admin, client=client_profile, provider=provider, start=start, **kwargs
        )[0]

    in_progress = make(now - dt.timedelta(days=1))
    overdue = make(now - dt.timedelta(days=10))
    upcoming = make(after(in_progress))
    closed = make(now - dt.timedelta(days=20))
    close_unfinished(closed, provider)
    others = schedule(by=provider, client=other_client)[0]

    soup = page(portal.get(SESSION_LIST))

    def listed(group):
        return [tr["data-session"] for tr in soup.find(id=group).select("tr[data-session]")]

    assert listed("current") == [str(overdue.uuid), str(in_progress.uuid)]
    assert listed("upcoming") == [str(upcoming.uuid)]
    assert listed("past") == [str(closed.uuid)]
    assert str(others.uuid) not in soup.decode()
    assert soup.find(id="past").find(attrs={"data-timing": "closed"})
    assert soup.find(id="current").find(attrs={"data-timing": "overdue"})


def test_session_list_shows_homework_done_over_total(portal, session, client_profile):
    journal = session.assignments.get(title="Journal")
    services.assignment_submit(actor=client_profile.user, assignment=journal, response="Done")
    row = page(portal.get(SESSION_LIST)).find("tr", attrs={"data-session": str(session.uuid)})
    assert "1 / 2" in row.get_text()


def test_times_are_shown_in_the_clinics_zone_with_its_abbreviation(portal, session, clinic):
    local = timezone.localtime(session.starts_at, clinic.tzinfo)
    expected = local.strftime("%a %-d %b %Y, %H:%M ") + local.tzname()
    assert local.tzname() in ("EST", "EDT")
    for url in (DASHBOARD, SESSION_LIST, detail_url(session)):
        assert expected in page(portal.get(url)).get_text(), url


# --- query counts -----------------------------------------------------------------------------


def make_sessions(n, *, client, provider, admin):
    """`n` sessions of every kind, one provider's, so a week each, none overlapping, each
    with a meeting: started (the first in progress, the rest past due) with answered
    homework, feedback and unread messages; closed (a year back); upcoming, every other one
    cancelled."""
    now = timezone.now()
    week = dt.timedelta(days=7)
    for i in range(n):
        kind, nth = i % 3, i // 3
        start = {
            0: now - dt.timedelta(days=1) - nth * week,
            1: now - dt.timedelta(days=365) + nth * week,
            2: now + dt.timedelta(days=6) + nth * week,
        }[kind]
        [session] = schedule(
            by=admin,
            client=client,
            provider=provider,
            start=start,
            homework=["Read", "Write"],
            meeting=services.MeetingSpec(
                # The session in progress has its meeting in two hours: the next one.
                starts_at=start + dt.timedelta(days=1, hours=2),
                place=f"Room {i}",
                video_url=f"https://video.example/{i}",
            ),
        )
        if kind == 2:
            if nth % 2:
                services.session_cancel(actor=provider.user, session=session, reason="Away.")
            continue
        services.message_post(actor=provider.user, session=session, body=f"Message {i}")
        read = session.assignments.get(title="Read")
        services.assignment_submit(actor=client.user, assignment=read, response="Done")
        services.feedback_give(actor=provider.user, assignment=read, body=f"Feedback {i}")
        if kind == 1:
            close_unfinished(session, provider)


@pytest.mark.parametrize("n", [1, 20])
def test_dashboard_query_count_does_not_grow(
    portal, client_profile, provider, clinic_admin, django_assert_num_queries, n
):
    make_sessions(n, client=client_profile, provider=provider, admin=clinic_admin)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = portal.get(DASHBOARD)
    assert response.status_code == 200
    soup = page(response)
    assert soup.find(id="current-session").find("a")
    assert soup.find(id="current-session").find(attrs={"data-testid": "current-meeting"})
    assert soup.find(id="next-meeting").find(attrs={"data-testid": "next-meeting-ics"})
    assert soup.find(id="homework-to-do").select("li a")
    assert soup.find(id="unread-messages").select("li a")
    assert soup.find(id="latest-feedback").select("li a")


@pytest.mark.parametrize("n", [1, 20])
def test_session_list_query_count_does_not_grow(
    portal, client_profile, provider, clinic_admin, django_assert_num_queries, n
):
    make_sessions(n, client=client_profile, provider=provider, admin=clinic_admin)
    with django_assert_num_queries(SESSION_LIST_QUERIES):
        response = portal.get(SESSION_LIST)
    assert response.status_code == 200
    assert len(page(response).select("tr[data-session]")) == n
    assert "Ben Provider" in response.content.decode()


@pytest.mark.parametrize("n", [1, 20])
def test_session_detail_query_count_does_not_grow(
    portal, client_profile, provider, clinic_admin, django_assert_num_queries, n
):
    [session] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        homework=[f"Homework {i}" for i in range(n)],
    )
    for i, assignment in enumerate(session.assignments.all()):
        if i % 2 == 0:
            services.assignment_submit(
                actor=client_profile.user, assignment=assignment, response=f"Answer {i}"
            )
            services.feedback_give(actor=provider.user, assignment=assignment, body=f"FB {i}")
    # Alternating authors, the client writing last: at both sizes the client has read
    # everything (writing counts as reading), so opening the page does the same work.
    for i in range(n):
        author = client_profile.user if (n - 1 - i) % 2 == 0 else provider.user
        services.message_post(actor=author, session=session, body=f"Message {i}")

    with django_assert_num_queries(SESSION_DETAIL_QUERIES):
        response = portal.get(detail_url(session))
    assert response.status_code == 200
    soup = page(response)
    assert len(soup.select("#homework article")) == n
    assert len(soup.select("#messages ol > li")) == n
    assert "Chloe Client" in soup.find(id="messages").get_text()
    assert "FB 0" in soup.find(id="homework").get_text()
