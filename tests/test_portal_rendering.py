"""The portal's pages on awkward data (hostile text, clock changes, a half-hour zone, more
rows than shown): what a client sees on them, and the dashboard's compiled reads held equal
to the plain querysets they stand for."""

import datetime as dt
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from sessions_app import selectors, services
from sessions_app.models import Assignment, Feedback, Session
from sessions_app.selectors import LATEST_FEEDBACK
from sessions_app.views.portal import SessionDetailView, response_form

from .sessions_helpers import schedule

HOSTILE = "<script>alert(\"x\")</script> & 'quoted'\nsecond line"
DASHBOARD = reverse("sessions_app:portal-dashboard")


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(element):
    return " ".join(element.get_text(" ").split())


@pytest.fixture(params=["America/New_York", "Asia/Kolkata", "Europe/London"])
def zone(request, clinic):
    """The clinic's time zone, in which the pages show times (a half-hour offset too)."""
    clinic.time_zone = request.param
    clinic.save()
    with timezone.override(zoneinfo.ZoneInfo(request.param)):
        yield zoneinfo.ZoneInfo(request.param)


@pytest.fixture
def hostile_names(provider, clinic_admin):
    provider.user.full_name = f"Ben {HOSTILE}"
    provider.user.save()
    provider.title = HOSTILE
    provider.save()
    clinic_admin.user.full_name = f"Ava {HOSTILE}"
    clinic_admin.user.save()


# --- the dashboard ----------------------------------------------------------------------------


def busy_client(*, client, provider, admin, other_client, later):
    """Homework to do (some past due), `later` items in upcoming sessions, unread messages in
    some sessions and not others, more feedback than the dashboard shows, long and hostile
    text; and another client's, which the page must not show. Returns the session in
    progress."""
    now = timezone.now()
    [current] = schedule(
        by=admin, client=client, provider=provider, start=now - dt.timedelta(days=1)
    )
    [overdue] = schedule(
        by=admin,
        client=client,
        provider=admin,
        start=now - dt.timedelta(days=10),
        homework=[f"Overdue {HOSTILE}"],
    )
    for i in range(12):
        due = now + dt.timedelta(hours=i * 7 - 20)  # the first three past due
        services.assignment_add(
            actor=provider.user, session=current, title=f"Item {i} {HOSTILE}", due_at=due
        )
    schedule(
        by=admin,
        client=client,
        provider=provider,
        start=now + dt.timedelta(days=6, hours=1),
        repeat=later,
        homework=["Later <b>one</b>"],
    )
    for i in range(LATEST_FEEDBACK + 2):
        [past] = schedule(
            by=admin,
            client=client,
            provider=provider,
            start=now - dt.timedelta(days=200 - 30 * i),  # across clock changes
            homework=[f"Past {i} {HOSTILE}"],
        )
        [item] = past.assignments.all()
        services.assignment_submit(actor=client.user, assignment=item, response=HOSTILE)
        body = {  # the latest are shown
            LATEST_FEEDBACK + 1: "x" * 298 + "<b>bold</b> past the cut",
            LATEST_FEEDBACK: "\nA first line left empty",
            LATEST_FEEDBACK - 1: "y" * 300,
            LATEST_FEEDBACK - 2: "z" * 301,
        }.get(i, f"{HOSTILE} {i}")
        services.feedback_give(actor=admin.user, assignment=item, body=body)
        services.message_post(actor=provider.user, session=past, body=f"Note {i}")
        if i % 2:
            services.message_post(actor=client.user, session=past, body="Read it.")
        services.session_close(actor=provider.user, session=past)
    for body in ("One", "Two", "Three"):
        services.message_post(actor=provider.user, session=current, body=body)
    services.message_post(actor=admin.user, session=overdue, body=HOSTILE)
    [theirs] = schedule(by=provider, client=other_client, homework=["Not yours"])
    services.message_post(actor=provider.user, session=theirs, body="Not yours")
    return current


def orm_dashboard(user, now):
    """What the dashboard shows, read with the plain querysets its compiled reads stand for."""
    sessions = Session.objects.visible_to(user).with_names().with_counts(user)
    open_homework = Assignment.objects.visible_to(user).filter(
        session__status=Session.Status.OPEN, submitted_at__isnull=True
    )
    current = sessions.open().filter(ends_at__gt=now).order_by("starts_at", "pk").first()
    return {
        "current": current
        and (current.uuid, current.homework_done, current.homework_total, current.unread),
        "homework_to_do": [
            (a.uuid, a.title, a.due_at, a.session.uuid, a.session.number)
            for a in open_homework.filter(session__starts_at__lte=now)
            .select_related("session")
            .order_by("due_at", "pk")
        ],
        "homework_later": open_homework.filter(session__starts_at__gt=now).count(),
        "unread_sessions": [
            (s.uuid, s.number, s.starts_at, s.ends_at, s.provider.user.full_name, s.unread)
            for s in sessions.filter(unread__gt=0).order_by("-starts_at", "-pk")
        ],
        "latest_feedback": [
            (
                f.author.user.full_name,
                f.assignment.uuid,
                f.assignment.title,
                f.assignment.session.uuid,
                f.created_at,
                f.body,
            )
            for f in Feedback.objects.visible_to(user)
            .select_related("author__user", "assignment__session")
            .order_by("-created_at", "-pk")[:LATEST_FEEDBACK]
        ],
    }


@pytest.mark.usefixtures("zone", "hostile_names")
@pytest.mark.parametrize("later", [1, 3])
def test_the_dashboard_reads_what_the_querysets_read(
    client_profile, provider, clinic_admin, other_client, later
):
    busy_client(
        client=client_profile,
        provider=provider,
        admin=clinic_admin,
        other_client=other_client,
        later=later,
    )
    for user in (client_profile.user, other_client.user):
        now = timezone.now()
        read = selectors.portal_dashboard(viewer=user, now=now)
        current = read.current
        assert {
            "current": current
            and (current.uuid, current.homework_done, current.homework_total, current.unread),
            "homework_to_do": [tuple(row) for row in read.homework_to_do],
            "homework_later": read.homework_later,
            "unread_sessions": [tuple(row) for row in read.unread_sessions],
            "latest_feedback": [tuple(row) for row in read.latest_feedback],
        } == orm_dashboard(user, now)
        if current:
            assert current.provider.user.full_name == provider.user.full_name


@pytest.mark.usefixtures("zone", "hostile_names")
@pytest.mark.parametrize("later", [1, 3])
def test_the_dashboard_shows_what_the_client_has_to_do_and_read(
    login, client_profile, provider, clinic_admin, other_client, later
):
    current_session = busy_client(
        client=client_profile,
        provider=provider,
        admin=clinic_admin,
        other_client=other_client,
        later=later,
    )
    response = login(client_profile.user).get(DASHBOARD)
    html = response.content.decode()
    page = soup(response)
    assert "<script>" not in html and "Not yours" not in html

    current = page.find(id="current-session")
    assert "homework 0 of 12 done · 3 unread messages" in text(current)
    to_do = page.find(id="homework-to-do")
    items = to_do.select("li")
    assert len(items) == 13  # the current session's twelve, the overdue one's
    past_due = [item for item in items if "Past due" in text(item)]
    assert len(past_due) == 4  # three of the current session's, the overdue's
    for item in items:
        assert item.find("a").get_text().endswith(HOSTILE)
        assert item.find("time")["datetime"]
    later_link = to_do.find("a", href="/portal/sessions/#upcoming")
    expected = "1 more homework item" if later == 1 else f"{later} more homework items"
    assert later_link.get_text() == f"{expected} in upcoming sessions"

    unread = page.find(id="unread-messages").select("li")
    counts = [item.find(attrs={"data-unread": True}) for item in unread]
    assert [c["data-unread"] for c in counts] == ["3", "1", "1", "1", "1", "1"]
    assert counts[0].select_one(".visually-hidden").get_text() == "3 unread messages"
    assert counts[1].select_one(".visually-hidden").get_text() == "1 unread message"
    assert text(unread[0].find("a")).startswith(f"Session {current_session.number} with ")
    assert text(unread[0].find("a")).endswith(f"with Ben {' '.join(HOSTILE.split())}")

    feedback = page.find(id="latest-feedback").select("li")
    assert len(feedback) == LATEST_FEEDBACK
    bodies = [item.select_one(".text-prewrap").get_text() for item in feedback]
    # Cut at 300 characters, markup and all, as text.
    assert bodies[0] == "x" * 298 + "<…"
    assert bodies[1] == "A first line left empty"  # as saved: the service strips it
    assert bodies[2] == "y" * 300
    assert bodies[3] == "z" * 299 + "…"
    assert bodies[4] == f"{HOSTILE} 2"
    assert feedback[0].find("strong").get_text() == f"Ava {HOSTILE}"
    assert feedback[0].find("a").get_text() == f"Past 6 {HOSTILE}"


@pytest.mark.usefixtures("zone")
def test_an_empty_dashboard_says_so(login, other_client):
    page = soup(login(other_client.user).get(DASHBOARD))
    for section, empty in (
        ("current-session", "You have no session in progress or coming up."),
        ("homework-to-do", "Nothing to do right now."),
        ("unread-messages", "No unread messages."),
        ("latest-feedback", "No feedback yet."),
    ):
        assert empty in text(page.find(id=section))
    assert page.find("a", href=reverse("sessions_app:portal-session-list"))


# --- the session list ------------------------------------------------------------------------


def test_the_session_list_says_what_each_group_holds(login, client_profile, clinic_admin):
    now = timezone.now()
    schedule(by=clinic_admin, client=client_profile, start=now + dt.timedelta(days=2), repeat=2)
    page = soup(login(client_profile.user).get(reverse("sessions_app:portal-session-list")))
    headings = [text(page.find(id=f"{group}-heading")) for group in ("current", "upcoming", "past")]
    assert headings == ["Current 0 0 sessions", "Upcoming 2 2 sessions", "Past 0 0 sessions"]
    assert "No session in progress." in text(page.find(id="current"))
    assert "No past sessions yet." in text(page.find(id="past"))
    cells = page.find(id="upcoming").select("tbody tr")[0].find_all("td")
    assert [cell["data-label"] for cell in cells] == [
        "Session",
        "Dates",
        "With",
        "Timing",
        "Homework done",
        "Unread messages",
    ]
    assert text(cells[0]) == "Session 1"
    assert len(cells[1].find_all("time")) == 2


# --- the session page -------------------------------------------------------------------------


def get(url, user):
    request = RequestFactory().get(url)
    request.user = user
    return request


def session_page(session, client, *, bound=None):
    """The page as the view writes it, with `bound` forms shown again."""
    request = get(reverse("sessions_app:portal-session-detail", args=[session.uuid]), client.user)
    view = SessionDetailView()
    view.setup(request, session_id=session.uuid)
    view.client_profile = client
    page = selectors.session_page_data(session=session, viewer=client.user)
    response = view.render_page(page, bound=bound)
    return BeautifulSoup(response.render().content.decode(), "html.parser")


def homework_of_every_kind(session, *, client, provider, admin):
    """Not submitted (with and without instructions), submitted, submitted with feedback."""
    items = [
        services.assignment_add(
            actor=admin.user,
            session=session,
            title=f"Item {i} {HOSTILE}",
            instructions=HOSTILE if i % 2 else "",
        )
        for i in range(4)
    ]
    for item in items[1:]:
        services.assignment_submit(actor=client.user, assignment=item, response=f"\n{HOSTILE}")
    for body in (HOSTILE, "\nSecond feedback"):
        services.feedback_give(actor=provider.user, assignment=items[3], body=body)
    services.message_post(actor=provider.user, session=session, body=HOSTILE)
    services.message_post(actor=client.user, session=session, body="Thanks")
    return items


@pytest.mark.usefixtures("zone", "hostile_names")
def test_the_session_page_shows_each_kind_of_homework(client_profile, provider, clinic_admin):
    [session] = schedule(by=clinic_admin, client=client_profile, provider=provider)
    items = homework_of_every_kind(
        session, client=client_profile, provider=provider, admin=clinic_admin
    )
    page = session_page(session, client_profile)
    assert "<script>" not in str(page)
    articles = page.select("#homework article")
    assert [a["id"] for a in articles] == [f"hw-{item.uuid}" for item in items]
    for article, item in zip(articles, items, strict=True):
        assert article.find(id=article["aria-labelledby"]).get_text() == item.title
    badges = [a.select_one(".badge").get_text() for a in articles]
    assert badges == ["To do", "Completed", "Completed", "Completed"]
    assert "given by Ava" in text(articles[0])
    assert articles[1].select_one(".text-prewrap").get_text() == HOSTILE  # instructions

    # Not submitted: an empty form to submit an answer.
    button = articles[0].find("button")
    assert button.get_text() == "Submit answer"
    assert button["aria-label"] == f"Submit answer to {items[0].title}"
    assert articles[0].find("textarea").get_text() == "\n"
    # Submitted, no feedback yet: the answer in its form, to change.
    assert articles[1].find("textarea").get_text() == f"\n{HOSTILE}"
    assert articles[1].find("button").get_text() == "Save changes"
    assert (
        articles[1].find("button")["aria-label"]
        == f"Save changes to your answer to {items[1].title}"
    )
    assert "You can change your answer until your care team gives feedback." in text(articles[1])
    # With feedback: the answer as text, locked, and the feedback oldest first.
    assert articles[3].find("form") is None
    assert articles[3].find(attrs={"data-answer": True}).get_text() == HOSTILE
    assert "so this answer can no longer be changed." in text(articles[3])
    feedback = [li.select_one(".text-prewrap").get_text() for li in articles[3].select("ul li")]
    assert feedback == [HOSTILE, "Second feedback"]

    held_by = page.find("h1").find_next("p").find_next("p")
    assert text(held_by) == " ".join(f"Held by Ben {HOSTILE}, {HOSTILE}".split())
    thread = page.select("#messages ol > li")
    assert [li.select_one(".text-prewrap").get_text() for li in thread] == [HOSTILE, "Thanks"]


@pytest.mark.usefixtures("zone", "hostile_names")
def test_refused_answers_are_shown_with_their_errors(client_profile, provider, clinic_admin):
    [session] = schedule(by=clinic_admin, client=client_profile, provider=provider)
    items = homework_of_every_kind(
        session, client=client_profile, provider=provider, admin=clinic_admin
    )
    empty = response_form(items[0], {"response": ""})
    late = response_form(items[3], {"response": "Changed"})
    assert not empty.is_valid() and late.is_valid()
    late.add_error(None, f"Refused: {HOSTILE}")
    bound = {f"response:{items[0].uuid}": empty, f"response:{items[3].uuid}": late}
    page = session_page(session, client_profile, bound=bound)
    first = page.find(id=f"hw-{items[0].uuid}")
    textarea = first.find("textarea")
    assert textarea["aria-invalid"] == "true"
    assert first.find(id=textarea["aria-describedby"]).get_text() == "This field is required."
    # The locked item has no form: the refusal is said above its answer, as text.
    locked = page.find(id=f"hw-{items[3].uuid}")
    [alert] = locked.select(".alert-danger")
    assert alert["role"] == "alert" and alert.get_text(strip=True) == f"Refused: {HOSTILE}"
    assert len(page.select(".alert-danger")) == 1


@pytest.mark.usefixtures("zone", "hostile_names")
def test_a_closed_session_page_can_only_be_read(client_profile, provider, clinic_admin):
    [session] = schedule(by=clinic_admin, client=client_profile, provider=provider)
    homework_of_every_kind(session, client=client_profile, provider=provider, admin=clinic_admin)
    services.session_close(actor=provider.user, session=session, force=True, note=HOSTILE)
    session.refresh_from_db()
    page = session_page(session, client_profile)
    banner = page.find(attrs={"role": "status"})
    assert "This session is closed." in text(banner) and "Closed " in text(banner)
    assert f"by Ben {' '.join(HOSTILE.split())}." in text(banner)
    assert banner.select_one(".text-prewrap").get_text() == HOSTILE
    assert page.find("textarea") is None and page.find("main").find("form") is None
    assert len(page.find_all(string="Not submitted.")) == 1
    assert len(page.select("[data-answer]")) == 3
    assert page.find("h1").find(attrs={"data-timing": "closed"})


@pytest.mark.usefixtures("zone")
def test_a_session_page_without_homework_says_so(client_profile, provider, clinic_admin):
    [session] = schedule(by=clinic_admin, client=client_profile, provider=provider)
    page = session_page(session, client_profile)
    assert text(page.find(id="homework")) == "Homework No homework in this session."
    assert "No messages yet." in text(page.find(id="messages"))


def test_another_clients_session_is_not_found(login, session, other_client, provider):
    url = reverse("sessions_app:portal-session-detail", args=[session.uuid])
    assert login(other_client.user).get(url).status_code == 404
    [theirs] = schedule(by=provider, client=other_client)
    other = reverse("sessions_app:portal-session-detail", args=[theirs.uuid])
    assert login(other_client.user).get(other).status_code == 200
