"""The API answers with plain dicts (sessions_app/api/output.py, from the rows of the API's
selectors): exactly the JSON that its serializers, the OpenAPI schema's source, give for the
same objects."""

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from sessions_app import selectors, services
from sessions_app.api import output
from sessions_app.api.renderers import JSONRenderer as APIRenderer
from sessions_app.api.serializers import (
    AssignmentSerializer,
    ScheduledSerializer,
    SessionSerializer,
)
from sessions_app.models import Assignment, Message, Session

from .api_helpers import API, token_client
from .factories import ClientFactory, ClinicFactory, ProviderFactory, UserFactory
from .sessions_helpers import schedule

WINTER = dt.datetime(2024, 1, 8, 14, 0, tzinfo=dt.UTC)  # London on UTC: DRF writes "Z"
SUMMER = dt.datetime(2027, 7, 5, 13, 0, tzinfo=dt.UTC)
WEEK = dt.timedelta(days=7)
ORDER = ("starts_at", "sequence", "pk")


@pytest.fixture(params=["America/New_York", "Europe/London", "Asia/Kolkata", "UTC"])
def people(request, db):
    clinic = ClinicFactory(time_zone=request.param)
    admin = ProviderFactory(clinic=clinic, user__full_name="Ava Admin", is_clinic_admin=True)
    ben = ProviderFactory(clinic=clinic, user__full_name="Ben O'Brien")
    chloe = ClientFactory(clinic=clinic, user__full_name="Chloé «Client» ☃", care_team=[admin, ben])
    return SimpleNamespace(clinic=clinic, admin=admin, ben=ben, chloe=chloe)


@pytest.fixture
def varied(people):
    """Every timing, closed sessions with and without a note, homework with none, one or
    two feedback, messages by each role and by a person with none, and times with and
    without microseconds."""
    clinic, admin, ben, chloe = people.clinic, people.admin, people.ben, people.chloe
    past = schedule(
        by=admin, client=chloe, provider=ben, start=WINTER, repeat=3, homework=["Journal", "Walk"]
    )
    journal = past[0].assignments.order_by("pk").first()
    services.assignment_submit(actor=chloe.user, assignment=journal, response="Done\u2028twice")
    services.feedback_give(actor=ben.user, assignment=journal, body="Good.")
    services.feedback_give(actor=admin.user, assignment=journal, body="Agreed — well done 👍")
    services.message_post(actor=chloe.user, session=past[0], body="Hello <b>team</b>")
    services.session_close(actor=admin.user, session=past[0], force=True, note="Moved away.")

    [ready] = schedule(by=ben, client=chloe, start=WINTER - 4 * WEEK, homework=["Read"])
    [read] = ready.assignments.all()
    services.assignment_submit(actor=chloe.user, assignment=read, response="Read it.")
    services.feedback_give(actor=ben.user, assignment=read, body="Thanks.")
    services.session_close(actor=ben.user, session=ready)

    [current] = schedule(by=ben, client=chloe, provider=admin, homework=["Breathe"])
    services.assignment_add(
        actor=admin.user,
        session=current,
        title="Sleep diary",
        instructions="Each morning:\n- bedtime\n- wake time",
        due_at=current.starts_at + dt.timedelta(days=2, microseconds=120000),
    )
    for author, body in [(ben, "How is it going?"), (chloe, "Fine."), (admin, "Noted.")]:
        services.message_post(actor=author.user, session=current, body=body)
    staff = UserFactory(full_name="Platform Operator", is_staff=True)
    Message.objects.create(clinic=clinic, session=current, author=staff, body="Maintenance.")
    # Times that PostgreSQL writes without their trailing zeros, or without a fraction.
    first, second = Message.objects.filter(session=current).order_by("pk")[:2]
    Message.objects.filter(pk=first.pk).update(created_at=first.created_at.replace(microsecond=0))
    Message.objects.filter(pk=second.pk).update(
        created_at=second.created_at.replace(microsecond=120000)
    )

    schedule(by=admin, client=chloe, start=SUMMER, repeat=2, homework=["Plan"], applies_to="first")
    schedule(by=ben, client=chloe, start=SUMMER + 10 * WEEK)  # nothing in it
    # A meeting in each session of a series, and the second one cancelled.
    met = services.session_schedule(
        actor=ben.user,
        client=chloe,
        starts_at=SUMMER + 12 * WEEK,
        ends_at=SUMMER + 13 * WEEK,
        repeat=2,
        meeting=services.MeetingSpec(
            starts_at=SUMMER + 12 * WEEK + dt.timedelta(hours=1, microseconds=5),
            minutes=45,
            place="Room <2> & «café»",
            video_url="https://video.example/room?a=1&b=2",
        ),
    )
    services.session_cancel(actor=admin.user, session=met[1], reason="Moved <away>.")
    return people


def rendered(data):
    """The JSON of `data` as DRF's own renderer writes it; the API's renderer must agree."""
    stock = JSONRenderer().render(data)
    assert APIRenderer().render(data) == stock
    return stock


def answers(ids, now=None):
    """What the API answers for the sessions `ids`."""
    return output.sessions(selectors.api_session_rows(session_ids=ids), now=now)


def expected_sessions(user, now=None):
    """What the serializers give for the sessions `user` may see, in the API's order."""
    sessions = list(selectors.sessions_with_details(viewer=user).order_by(*ORDER))
    return sessions, SessionSerializer(sessions, many=True, context={"now": now}).data


@pytest.mark.parametrize("who", ["provider", "client"])
def test_sessions_are_what_the_serializer_gives(varied, who):
    user = varied.ben.user if who == "provider" else varied.chloe.user
    now = timezone.now()
    with timezone.override(varied.clinic.tzinfo):
        sessions, expected = expected_sessions(user, now)
        fast = answers([s.pk for s in sessions], now=now)
        assert rendered(fast) == rendered(expected)  # the keys' order too
        assert rendered(answers([sessions[2].pk], now=now)) == rendered([expected[2]])
    assert {s["timing"] for s in fast} == set(Session.Timing.values)
    assert {a["author"]["role"] for s in fast for a in s["messages"]} == {"provider", "client", ""}
    assert [s["status"] for s in fast if s["meeting"]] == ["open", "cancelled"]


def test_each_assignment_is_what_the_serializer_gives(varied):
    with timezone.override(varied.clinic.tzinfo):
        for assignment in Assignment.objects.order_by("pk"):
            rows = selectors.api_assignment_rows(assignment_id=assignment.pk)
            assert rendered(output.assignment(rows)) == rendered(
                AssignmentSerializer(assignment).data
            )


def test_times_are_written_as_drf_writes_them(people):
    [session] = schedule(by=people.ben, client=people.chloe, start=WINTER)
    with timezone.override(people.clinic.tzinfo):
        [answer] = json.loads(rendered(answers([session.pk])))
        expected = SessionSerializer(Session.objects.get(pk=session.pk)).data
    assert answer["starts_at"] == expected["starts_at"]
    offset = {"America/New_York": "-05:00", "Europe/London": "Z", "UTC": "Z"}
    assert answer["starts_at"].endswith(offset.get(people.clinic.time_zone, "+05:30"))


def test_the_endpoints_answer_the_serializers_json(varied):
    api = token_client(varied.ben.user)
    listed = api.get(f"{API}/sessions/", {"page_size": "100"})
    with timezone.override(varied.clinic.tzinfo):
        sessions, expected = expected_sessions(varied.ben.user)
        page = {"count": len(sessions), "next": None, "previous": None, "results": expected}
        assert listed.content == rendered(page)
        for session, answer in zip(sessions, expected, strict=True):
            detail = api.get(f"{API}/sessions/{session.uuid}/")
            assert detail.content == rendered(answer)


def test_the_write_endpoints_answer_the_serializers_json(people):
    ben, chloe = token_client(people.ben.user), token_client(people.chloe.user)

    def sessions():
        return list(selectors.sessions_with_details(viewer=people.ben.user).order_by(*ORDER))

    def json_of(serializer):
        with timezone.override(people.clinic.tzinfo):
            return rendered(serializer.data)

    body = {  # started: homework can be submitted
        "client": str(people.chloe.uuid),
        "starts_at": "2024-03-04T09:00",
        "ends_at": "2024-03-11T09:00",
        "repeat": 2,
        "homework": [{"title": "Journal", "instructions": "Daily."}],
    }
    scheduled = ben.post(f"{API}/sessions/", body, format="json")
    first, second = sessions()
    series = {"series_id": first.series_id, "sessions": [first, second]}
    assert scheduled.content == json_of(ScheduledSerializer(series))

    added = ben.post(f"{API}/sessions/{first.uuid}/assignments/", {"title": "Walk"}, format="json")
    walk = Assignment.objects.get(uuid=added.json()["id"])
    assert added.content == json_of(AssignmentSerializer(walk))

    path = f"{API}/assignments/{walk.uuid}/submit/"
    submitted = chloe.post(path, {"response": "Walked."}, format="json")
    walk.refresh_from_db()
    assert submitted.content == json_of(AssignmentSerializer(walk))

    path = f"{API}/sessions/{first.uuid}/close/"
    closed = ben.post(path, {"force": True, "note": "Ill."}, format="json")
    assert closed.content == json_of(SessionSerializer(sessions()[0]))
    assert [r.status_code for r in (scheduled, added, submitted, closed)] == [201, 201, 200, 200]
