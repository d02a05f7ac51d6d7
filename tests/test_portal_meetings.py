"""The client portal for issue 14 (DESIGN.md section 9): sessions named by their number in the
client's care, the meeting shown, cancelled sessions struck through and read only, and
homework of a session that has not started opening with it."""

import datetime as dt
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import formats, timezone

from sessions_app import selectors, services
from sessions_app.models import Assignment, Message, Session

from .portal_helpers import detail_url, message_url, submit_url
from .sessions_helpers import after, before, schedule
from .test_portal import SESSION_DETAIL_QUERIES
from .test_xss import executable, parse, shown

NY = zoneinfo.ZoneInfo("America/New_York")
DASHBOARD = reverse("sessions_app:portal-dashboard")
SESSION_LIST = reverse("sessions_app:portal-session-list")
CLIENT_LIST = reverse("sessions_app:provider-client-list")
CANCELLED = "This session was cancelled: it can be read but not changed."


def page(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(element):
    return " ".join(element.get_text(" ").split())


def error_text(response):
    found = page(response).select(".invalid-feedback, .alert-danger, .alert-block")
    return " ".join(text(element) for element in found)


def iso(moment):
    return moment.astimezone(NY).isoformat()


def day(moment):
    return formats.date_format(moment.astimezone(NY), "SHORT_DATE_FORMAT")


def saved():
    """Everything a refused write could have changed."""
    return (
        list(Assignment.objects.order_by("pk").values_list("response", "submitted_at")),
        Message.objects.count(),
    )


def row(soup, session):
    return soup.find("tr", attrs={"data-session": str(session.uuid)})


def group_of(soup, session):
    return row(soup, session).find_parent("section")["id"]


def cancel(session, by, reason="The provider is ill."):
    services.session_cancel(actor=by.user, session=session, reason=reason)
    session.refresh_from_db()
    return session


@pytest.fixture
def portal(login, client_profile):
    return login(client_profile.user)


# --- numbers ------------------------------------------------------------------------------


def test_sessions_are_named_by_number_continuing_across_series(
    portal, client_profile, provider, clinic_admin, other_client
):
    now = timezone.now()
    first = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=now - dt.timedelta(days=15),
        repeat=2,
    )
    second = schedule(
        by=provider,
        client=client_profile,
        provider=provider,
        start=after(first[-1]),
        repeat=2,
        homework=["Read"],
    )
    sessions = [*first, *second]
    assert [s.number for s in sessions] == [1, 2, 3, 4]
    current = second[0]
    assert current.timing == Session.Timing.IN_PROGRESS
    # Each client's care is numbered on its own.
    [theirs] = schedule(by=provider, client=other_client)
    assert theirs.number == 1

    soup = page(portal.get(SESSION_LIST))
    for session in sessions:
        [link] = row(soup, session).find_all("a")
        assert link["href"] == detail_url(session)
        assert text(link) == f"Session {session.number}"
    assert row(soup, theirs) is None

    soup = page(portal.get(detail_url(current)))
    assert text(soup.find("h1")).startswith("Session 3 with Ben Provider")
    assert text(soup.select_one(".breadcrumb-item.active")) == "Session 3"
    assert soup.title.get_text().startswith(
        f"Session 3 ({day(current.starts_at)} to {day(current.ends_at)}) with Ben Provider"
    )

    services.message_post(actor=provider.user, session=current, body="See you.")
    soup = page(portal.get(DASHBOARD))
    assert text(soup.find(id="current-session").find("h3")).startswith("Session 3")
    [to_do] = soup.find(id="homework-to-do").select("li")
    assert to_do.find("a")["href"].startswith(detail_url(current))
    assert "· session 3" in text(to_do)
    [unread] = soup.find(id="unread-messages").select("li")
    assert text(unread.find("a")) == "Session 3 with Ben Provider"
    # Session 4's homework has not started: counted as later, not to do.
    assert "1 more homework item in upcoming sessions" in text(soup.find(id="homework-to-do"))


def test_the_dashboards_rows_carry_the_session_number(client_profile, provider, clinic_admin):
    [earlier] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=timezone.now() - dt.timedelta(days=8),
        homework=["Old"],
    )
    [current] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=after(earlier),
        homework=["New"],
    )
    services.message_post(actor=provider.user, session=earlier, body="Hello")
    read = selectors.portal_dashboard(viewer=client_profile.user, now=timezone.now())
    assert [tuple(r) for r in read.homework_to_do] == [
        (a.uuid, a.title, a.due_at, s.uuid, s.number)
        for s in (earlier, current)
        for a in s.assignments.all()
    ]
    assert [tuple(r) for r in read.unread_sessions] == [
        (earlier.uuid, 1, earlier.starts_at, earlier.ends_at, "Ben Provider", 1)
    ]
    assert read.current.number == 2


def test_a_cancelled_sessions_unread_messages_leave_the_dashboard(
    client_profile, provider, clinic_admin
):
    first, second = schedule(
        by=clinic_admin, client=client_profile, provider=provider, start=timezone.now(), repeat=2
    )
    for session in (first, second):
        services.message_post(actor=provider.user, session=session, body="See you then.")
    services.session_cancel(actor=provider.user, session=second, reason="Ben is away.")
    read = selectors.portal_dashboard(viewer=client_profile.user, now=timezone.now())
    assert [row[0] for row in read.unread_sessions] == [first.uuid]


# --- the meeting --------------------------------------------------------------------------


def test_the_meeting_is_shown_on_the_session_page_list_and_dashboard(
    portal, client_profile, provider, clinic_admin
):
    start = timezone.now() - dt.timedelta(days=1)
    meeting_at = (start + dt.timedelta(days=2)).replace(microsecond=0)
    [session] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=start,
        meeting=services.MeetingSpec(
            starts_at=meeting_at,
            minutes=45,
            place="Room 2, 14 Main Street",
            video_url="https://video.example/room-2?pwd=a&b=1",
        ),
    )

    soup = page(portal.get(detail_url(session)))
    meeting = soup.find(id="meeting")
    times = [t["datetime"] for t in meeting.find_all("time")]
    assert times == [iso(meeting_at), iso(meeting_at + dt.timedelta(minutes=45))]
    assert "Length 45 minutes" in text(meeting)
    assert text(meeting.find(attrs={"data-testid": "meeting-place"})) == "Room 2, 14 Main Street"
    link = meeting.find("a")
    assert link["href"] == "https://video.example/room-2?pwd=a&b=1"
    assert link["rel"] == ["noopener", "noreferrer"]
    assert link["target"] == "_blank"

    listed = row(page(portal.get(SESSION_LIST)), session)
    when = listed.find(string=lambda s: s and "Meeting" in s).parent
    assert text(when).endswith("45 minutes")
    assert when.find("time")["datetime"] == iso(meeting_at)

    current = page(portal.get(DASHBOARD)).find(id="current-session")
    shown_meeting = current.find(attrs={"data-testid": "current-meeting"})
    assert text(shown_meeting).startswith("Meeting ")
    assert "45 minutes · Room 2, 14 Main Street · Video link" in text(shown_meeting)
    assert shown_meeting.find("time")["datetime"] == iso(meeting_at)
    link = shown_meeting.find("a")
    assert link["href"] == "https://video.example/room-2?pwd=a&b=1"
    assert link["rel"] == ["noopener", "noreferrer"]


def test_a_session_without_a_meeting_says_so(portal, session):
    soup = page(portal.get(detail_url(session)))
    assert text(soup.find(id="meeting")) == "Meeting No meeting is set in this session."
    current = page(portal.get(DASHBOARD)).find(id="current-session")
    assert current.find(attrs={"data-testid": "current-meeting"}) is None
    assert "Meeting" not in text(row(page(portal.get(SESSION_LIST)), session))


# --- cancelled sessions ---------------------------------------------------------------------


def test_a_cancelled_session_is_struck_through_in_the_list_by_its_dates(
    portal, client_profile, provider, clinic_admin
):
    def make(start):
        return schedule(by=clinic_admin, client=client_profile, provider=provider, start=start)[0]

    was_current = make(timezone.now() - dt.timedelta(days=1))
    kept = make(after(was_current))
    was_upcoming = make(after(kept))
    cancel(was_current, provider)
    cancel(was_upcoming, provider)

    soup = page(portal.get(SESSION_LIST))
    assert group_of(soup, was_current) == "past"  # its dates have begun
    assert group_of(soup, kept) == "upcoming"
    assert group_of(soup, was_upcoming) == "upcoming"
    assert soup.find(id="current").select("tr[data-session]") == []
    for session in (was_current, was_upcoming):
        cells = row(soup, session).find_all("td")
        struck_link = cells[0].find("s").find("a")
        assert struck_link["href"] == detail_url(session)
        assert text(struck_link) == f"Session {session.number}"
        assert cells[1].find("s").find_all("time")  # the dates, struck through too
        badge = row(soup, session).find(attrs={"data-timing": True})
        assert badge["data-timing"] == "cancelled" and text(badge) == "Cancelled"
    assert row(soup, kept).find("s") is None
    assert row(soup, kept).find(attrs={"data-timing": "upcoming"})


def test_a_cancelled_session_page_shows_the_reason_and_no_form(portal, session, provider):
    services.message_post(actor=provider.user, session=session, body="Before cancelling")
    cancel(session, provider, reason="Ben is ill.\nWe will write with a new date.")

    soup = page(portal.get(detail_url(session)))
    banner = soup.find(attrs={"data-testid": "cancelled-banner"})
    assert "This session was cancelled." in text(banner)
    assert "by Ben Provider." in text(banner)
    assert banner.find("time")["datetime"] == iso(session.cancelled_at)
    assert banner.select_one(".text-prewrap").get_text() == (
        "Ben is ill.\nWe will write with a new date."
    )
    h1 = soup.find("h1")
    assert text(h1.find("s")) == "Session 1 with Ben Provider"
    assert h1.find(attrs={"data-timing": "cancelled"})
    assert soup.find("main").find("form") is None and soup.find("textarea") is None
    assert len(soup.select("#homework article")) == 2
    assert "Before cancelling" in text(soup.find(id="messages"))
    assert soup.find(attrs={"data-testid": "opens-on"}) is None


def test_writes_to_a_cancelled_session_are_refused(portal, session, provider):
    journal = session.assignments.get(title="Journal")
    portal.post(submit_url(journal), {"response": "Written before"})
    cancel(session, provider)
    before_writes = saved()

    walk = session.assignments.get(title="Walk")
    for url, data in (
        (submit_url(walk), {"response": "Too late"}),
        (submit_url(journal), {"response": "Changed after"}),
        (message_url(session), {"body": "Anyone there?"}),
    ):
        response = portal.post(url, data)
        assert CANCELLED in error_text(response), url
        assert page(response).find("textarea") is None
    assert saved() == before_writes


def test_a_cancelled_session_is_not_current_and_its_homework_not_to_do(
    portal, client_profile, provider, clinic_admin
):
    def make(start, title):
        return schedule(
            by=clinic_admin,
            client=client_profile,
            provider=provider,
            start=start,
            homework=[title],
        )[0]

    cancelled = make(timezone.now() - dt.timedelta(days=1), "Cancelled now")
    overdue = make(before(cancelled), "Overdue work")
    upcoming = make(after(cancelled), "Next work")
    cancelled_later = make(after(upcoming), "Cancelled later")
    cancel(cancelled, provider)
    cancel(cancelled_later, provider)

    read = selectors.portal_dashboard(viewer=client_profile.user, now=timezone.now())
    assert read.current.uuid == upcoming.uuid
    assert [r[1] for r in read.homework_to_do] == ["Overdue work"]
    assert read.homework_later == 1

    soup = page(portal.get(DASHBOARD))
    current = soup.find(id="current-session")
    assert current.find("a", href=detail_url(upcoming))
    assert current.find(attrs={"data-timing": "upcoming"})
    assert not current.find("a", href=detail_url(cancelled))
    to_do = soup.find(id="homework-to-do")
    assert [text(a) for a in to_do.select("li a")] == ["Overdue work"]
    assert to_do.select_one("li a")["href"].startswith(detail_url(overdue))
    assert text(to_do.find("a", href="/portal/sessions/#upcoming")) == (
        "1 more homework item in upcoming sessions"
    )
    assert "Cancelled" not in text(to_do)


def test_with_only_cancelled_sessions_ahead_there_is_no_current_session(portal, session, provider):
    cancel(session, provider)
    current = page(portal.get(DASHBOARD)).find(id="current-session")
    assert "You have no session in progress or coming up." in text(current)
    assert "Nothing to do right now." in text(page(portal.get(DASHBOARD)).find(id="homework-to-do"))


# --- homework of a session that has not started ------------------------------------------------


def test_homework_of_an_upcoming_session_opens_when_it_starts(
    portal, client_profile, provider, clinic_admin
):
    [started] = schedule(
        by=clinic_admin, client=client_profile, provider=provider, homework=["Now"]
    )
    [upcoming] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=after(started),
        homework=["Later"],
    )
    later = upcoming.assignments.get()

    soup = page(portal.get(detail_url(upcoming)))
    item = soup.find(id=f"hw-{later.uuid}")
    badge = item.find(attrs={"data-testid": "opens-on"})
    assert text(badge) == f"Opens on {day(upcoming.starts_at)}"
    assert "You can answer once the session starts" in text(item)
    assert item.find("time", datetime=iso(upcoming.starts_at))
    assert item.find("form") is None and item.find("textarea") is None
    assert soup.find("form", action=submit_url(later)) is None

    before_writes = saved()
    response = portal.post(submit_url(later), {"response": "Too early"})
    refused = error_text(response)
    assert "This homework opens on" in refused and "when its session starts." in refused
    assert page(response).find(id=f"hw-{later.uuid}").find("textarea") is None
    assert saved() == before_writes

    # The session that started yesterday: the form is there and the answer saves.
    now_item = started.assignments.get()
    soup = page(portal.get(detail_url(started)))
    item = soup.find(id=f"hw-{now_item.uuid}")
    assert item.find(attrs={"data-testid": "opens-on"}) is None
    assert item.find("form", action=submit_url(now_item)).find("textarea")
    response = portal.post(submit_url(now_item), {"response": "Done today"})
    assert response.status_code == 302
    now_item.refresh_from_db()
    assert now_item.response == "Done today" and now_item.submitted_at is not None


# --- the providers' clients list ----------------------------------------------------------------


def test_the_clients_list_counts_homework_of_started_sessions_only(
    login, client_profile, provider, clinic_admin
):
    def make(start, *titles):
        return schedule(
            by=clinic_admin,
            client=client_profile,
            provider=provider,
            start=start,
            homework=titles,
        )[0]

    started = make(timezone.now() - dt.timedelta(days=1), "A", "B", "C")
    make(after(started), "Not yet")
    cancelled_started = make(before(started), "Cancelled one")
    cancelled_upcoming = make(after(started) + dt.timedelta(days=7), "Cancelled later")
    cancel(cancelled_started, provider)
    cancel(cancelled_upcoming, provider)
    services.assignment_submit(
        actor=client_profile.user, assignment=started.assignments.get(title="A"), response="x"
    )

    [chloe] = selectors.client_list(viewer=provider.user, now=timezone.now())
    assert chloe.open_homework == 2  # B and C
    soup = page(login(provider.user).get(CLIENT_LIST))
    cells = soup.find("a", string="Chloe Client").find_parent("tr").find_all("td")
    assert text(cells[1]) == "2 2 items not submitted"


# --- hostile text -----------------------------------------------------------------------------

PLACE = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'
LINK = 'https://video.example/"><img/src=x/onerror=alert(1)><script>alert(1)</script>'
REASON = "<script>alert(1)</script>\n\"><img src=x onerror=alert(1)>\n' onmouseover='alert(1)"


def safe_document(response, expected):
    """The page as a browser parses it: nothing that runs, and each text shown as typed."""
    assert response.status_code == 200
    document = parse(response.content.decode(response.charset))
    assert executable(document) == []
    everything = shown(document)
    for value in expected:
        assert value in everything, value
    return document


def test_place_link_and_reason_are_escaped_on_the_portal(
    portal, client_profile, provider, clinic_admin
):
    start = timezone.now() - dt.timedelta(days=1)
    meeting = services.MeetingSpec(
        starts_at=start + dt.timedelta(hours=2), place=PLACE, video_url=LINK
    )
    [current, cancelled] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=start,
        repeat=2,
        meeting=meeting,
    )
    assert current.meeting_place == PLACE and current.meeting_video_url == LINK
    cancel(cancelled, provider, reason=REASON)

    for url in (detail_url(current), DASHBOARD):
        document = safe_document(portal.get(url), [PLACE, LINK])
        [link] = [a for a in document.iter("a") if a.get("href", "").startswith("https://video")]
        assert link.get("href") == LINK
        assert link.get("rel") == "noopener noreferrer"
    document = safe_document(portal.get(detail_url(cancelled)), [REASON])
    [banner] = [e for e in document.iter("div") if e.get("data-testid") == "cancelled-banner"]
    assert REASON in "".join(banner.itertext())
    safe_document(portal.get(SESSION_LIST), ["Session 1", "Session 2"])


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 20])
def test_a_cancelled_session_page_costs_what_an_open_one_does(
    portal, client_profile, provider, clinic_admin, django_assert_num_queries, n
):
    start = timezone.now() - dt.timedelta(days=1)
    [session] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=start,
        homework=[f"Homework {i}" for i in range(n)],
        meeting=services.MeetingSpec(
            starts_at=start + dt.timedelta(hours=1), place="Room 2", video_url=LINK
        ),
    )
    for i, assignment in enumerate(session.assignments.all()):
        if i % 2 == 0:
            services.assignment_submit(
                actor=client_profile.user, assignment=assignment, response=f"Answer {i}"
            )
            services.feedback_give(actor=provider.user, assignment=assignment, body=f"FB {i}")
    # The client writes last: at both sizes everything is read already.
    for i in range(n):
        author = client_profile.user if (n - 1 - i) % 2 == 0 else provider.user
        services.message_post(actor=author, session=session, body=f"Message {i}")
    cancel(session, provider)

    with django_assert_num_queries(SESSION_DETAIL_QUERIES):
        response = portal.get(detail_url(session))
    soup = page(response)
    assert soup.find(attrs={"data-testid": "cancelled-banner"})
    assert len(soup.select("#homework article")) == n
    assert len(soup.select("#messages ol > li")) == n


def test_a_cancelled_sessions_meeting_is_called_off_without_its_link(
    portal, client_profile, provider, clinic_admin
):
    start = timezone.now() + dt.timedelta(days=2)
    [session] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=start,
        meeting=services.MeetingSpec(
            starts_at=start + dt.timedelta(hours=1), video_url="https://video.example/room-2"
        ),
    )
    cancel(session, provider)

    meeting = page(portal.get(detail_url(session))).find(id="meeting")
    assert "this meeting will not take place" in text(meeting)
    assert meeting.find("a") is None
    assert meeting.find(attrs={"data-testid": "meeting-video"}) is None


# --- the next meeting (DESIGN.md section 10) ---------------------------------------------


def next_meeting(portal):
    return page(portal.get(DASHBOARD)).find(id="next-meeting")


def test_the_dashboard_shows_the_next_meeting_with_its_link_and_ics(
    portal, client_profile, provider, clinic_admin
):
    now = timezone.now()
    [current] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=now - dt.timedelta(days=1),
        meeting=services.MeetingSpec(starts_at=now - dt.timedelta(hours=20), place="Room 1"),
    )
    meeting_at = (now + dt.timedelta(days=7, hours=2)).replace(second=0, microsecond=0)
    [coming] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        start=after(current),
        meeting=services.MeetingSpec(
            starts_at=meeting_at,
            minutes=45,
            place="Room 2",
            video_url="https://video.example/room-2?pwd=a&b=1",
        ),
    )
    card = next_meeting(portal)
    # The current session's meeting is over: the next is the coming session's.
    assert card.find("time")["datetime"] == iso(meeting_at)
    assert f"Session {coming.number} with Ben Provider · Place: Room 2" in text(card)
    assert "45 minutes" in text(card)
    video = card.find(attrs={"data-testid": "next-meeting-video"})
    assert video["href"] == "https://video.example/room-2?pwd=a&b=1"
    assert "btn" in video["class"] and video["rel"] == ["noopener", "noreferrer"]
    ics = card.find(attrs={"data-testid": "next-meeting-ics"})
    assert ics["href"] == reverse("calendars:portal-meeting-ics", args=[coming.uuid])
    assert card.find("a", href=detail_url(coming))


def test_a_meeting_under_way_is_the_next_meeting(portal, client_profile, provider):
    now = timezone.now()
    [session] = schedule(
        by=provider,
        client=client_profile,
        start=now - dt.timedelta(days=1),
        meeting=services.MeetingSpec(starts_at=now - dt.timedelta(minutes=30), minutes=50),
    )
    card = next_meeting(portal)
    assert card.find("time")["datetime"] == iso(session.meeting_starts_at)


def test_cancelled_and_finished_meetings_are_not_next(portal, client_profile, provider):
    now = timezone.now()
    [session] = schedule(
        by=provider,
        client=client_profile,
        start=now - dt.timedelta(days=1),
        meeting=services.MeetingSpec(starts_at=now - dt.timedelta(minutes=51), minutes=50),
    )
    assert next_meeting(portal) is None
    [later] = schedule(
        by=provider,
        client=client_profile,
        start=after(session),
        meeting=services.MeetingSpec(starts_at=session.ends_at + dt.timedelta(hours=1)),
    )
    assert next_meeting(portal) is not None
    cancel(later, provider)
    assert next_meeting(portal) is None


def test_without_a_video_link_there_is_no_join_button(portal, client_profile, provider):
    now = timezone.now()
    schedule(
        by=provider,
        client=client_profile,
        start=now - dt.timedelta(days=1),
        meeting=services.MeetingSpec(starts_at=now + dt.timedelta(hours=3), place="Room 9"),
    )
    card = next_meeting(portal)
    assert card.find(attrs={"data-testid": "next-meeting-video"}) is None
    assert "Place: Room 9" in text(card)
