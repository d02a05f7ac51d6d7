"""The API's lists: pagination, the session filters, and query counts that do not grow."""

import datetime as dt

import pytest

from sessions_app import services

from .api_helpers import API, invalid_fields, token_client
from .sessions_helpers import schedule

START = dt.datetime(2027, 3, 1, 14, 0, tzinfo=dt.UTC)  # Monday 09:00 in New York
PAST = dt.datetime(2024, 3, 4, 14, 0, tzinfo=dt.UTC)  # started: homework can be submitted


def weekly(n, *, by, client, provider=None, homework=()):
    return schedule(
        by=by, client=client, provider=provider, start=START, repeat=n, homework=homework
    )


# --- pagination ------------------------------------------------------------------------------


def test_list_is_paginated(ben, provider, client_profile):
    weekly(30, by=provider, client=client_profile)
    first = ben.get(f"{API}/sessions/").json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert (first["count"], len(first["results"]), first["previous"]) == (30, 25, None)
    assert first["next"].endswith("/api/v1/sessions/?page=2")
    second = ben.get(first["next"]).json()
    assert (len(second["results"]), second["next"]) == (5, None)
    assert second["previous"]
    starts = [s["starts_at"] for s in first["results"] + second["results"]]
    assert starts == sorted(starts, key=dt.datetime.fromisoformat)


@pytest.mark.parametrize(("page_size", "count"), [("1", 1), ("100", 100), ("500", 100)])
def test_page_size_up_to_100(ben, provider, client_profile, page_size, count):
    weekly(52, by=provider, client=client_profile)
    # The next year: one client's sessions with one provider never overlap.
    schedule(by=provider, client=client_profile, start=START + dt.timedelta(weeks=52), repeat=52)
    body = ben.get(f"{API}/sessions/", {"page_size": page_size}).json()
    assert (body["count"], len(body["results"])) == (104, count)


@pytest.mark.parametrize(
    "params", [{"page_size": "0"}, {"page_size": "-5"}, {"page_size": "ten"}, {"page": "0"},
               {"page": "abc"}, {"page": ""}, {"page_size": ""}]
)  # fmt: skip
def test_malformed_page_parameters_are_400(ben, session, params):
    response = ben.get(f"{API}/sessions/", params)
    assert set(invalid_fields(response)) <= {"page", "page_size"}


def test_page_past_the_last_is_404(ben, session):
    assert ben.get(f"{API}/sessions/", {"page": "2"}).status_code == 404


@pytest.mark.parametrize(
    "path", ["/clients/", "/sessions/{session}/messages/"], ids=["clients", "messages"]
)
def test_other_lists_are_paginated_too(ben, session, path):
    body = ben.get(f"{API}{path.format(session=session.uuid)}", {"page_size": "500"}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert ben.get(f"{API}{path.format(session=session.uuid)}", {"page": "x"}).status_code == 400


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def mixed(provider, clinic_admin, client_profile, other_client):
    """Chloe: 3 weekly sessions held by Ben (the first closed) and one held by Ava; Dylan:
    one session held by Ben."""
    chloes = weekly(3, by=provider, client=client_profile)
    services.session_close(actor=provider.user, session=chloes[0], force=True, note="Done.")
    [avas] = schedule(by=clinic_admin, client=client_profile, start=START + dt.timedelta(weeks=5))
    [dylans] = schedule(by=provider, client=other_client, start=START + dt.timedelta(weeks=6))
    return {"chloe": chloes, "ava": avas, "dylan": dylans}


def listed(caller, **params):
    response = caller.get(f"{API}/sessions/", params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def ids(*sessions):
    return [str(s.uuid) for s in sessions]


def test_filter_by_status(ben, mixed):
    chloes = mixed["chloe"]
    assert listed(ben, status="closed") == ids(chloes[0])
    assert listed(ben, status="open") == ids(chloes[1], chloes[2], mixed["ava"], mixed["dylan"])


def test_filter_by_client_and_provider(ben, mixed, other_client, clinic_admin):
    assert listed(ben, client=str(other_client.uuid)) == ids(mixed["dylan"])
    assert listed(ben, provider=str(clinic_admin.uuid)) == ids(mixed["ava"])


def test_filter_by_start(ben, mixed):
    chloes = mixed["chloe"]
    # Offset-less times are read on the clinic's clock: Monday 8 March, 09:00 in New York.
    assert listed(ben, starts_after="2027-03-08T09:00") == ids(
        chloes[1], chloes[2], mixed["ava"], mixed["dylan"]
    )
    assert listed(ben, starts_before="2027-03-08T09:00") == ids(chloes[0])
    assert listed(
        ben, starts_after="2027-03-08T00:00:00-05:00", starts_before="2027-03-16T00:00:00Z"
    ) == ids(chloes[1], chloes[2])


def test_ordering(ben, mixed):
    assert listed(ben, ordering="-starts_at") == list(reversed(listed(ben)))


def test_filters_combine_with_visibility(mixed, client_profile, other_client):
    chloe = token_client(client_profile.user)
    # A client asking for another client's sessions gets none of them.
    assert listed(chloe, client=str(other_client.uuid)) == []
    assert len(listed(chloe, status="open")) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"status": "finished"},
        {"status": ""},
        {"client": "chloe"},
        {"client": "123"},
        {"provider": "not-a-uuid"},
        {"starts_after": "yesterday"},
        {"starts_before": "2027-13-01T00:00"},
        {"starts_after": "1999-01-01T00:00"},
        {"ordering": "title"},
    ],
    ids=lambda params: "-".join(f"{k}={v}" for k, v in params.items()),
)
def test_bad_filter_value_is_400(ben, session, params):
    response = ben.get(f"{API}/sessions/", params)
    assert set(invalid_fields(response)) == set(params)


# --- query counts ----------------------------------------------------------------------------

# Besides the lists' own queries: the token with its user, the person's role (a client's
# costs one more: the provider lookup comes first) and clinic, and the audit event. A page
# of sessions finds its ids with the count of all in one query, and reads the sessions with
# their people, their homework with its feedback, their messages, and the providers the
# homework and feedback name (once each); a session's detail finds its id in the requester's
# scope, then reads the same four.
LIST_QUERIES = {"provider": 9, "client_profile": 10}
DETAIL_QUERIES = 9


def sessions_with_everything(n, *, client_profile, provider, clinic_admin):
    """n sessions, each with a meeting, two homework items (one answered with feedback) and
    messages from both sides; every second one then cancelled."""
    sessions = services.session_schedule(
        actor=clinic_admin.user,
        client=client_profile,
        provider=provider,
        starts_at=PAST,
        ends_at=PAST + dt.timedelta(weeks=1),
        repeat=n,
        homework=[services.HomeworkSpec(title="Read"), services.HomeworkSpec(title="Walk")],
        meeting=services.MeetingSpec(starts_at=PAST, place="Room 2"),
    )
    for session in sessions:
        assignment = session.assignments.order_by("pk").first()
        services.assignment_submit(actor=client_profile.user, assignment=assignment, response="A")
        services.feedback_give(actor=provider.user, assignment=assignment, body="Good.")
        services.message_post(actor=provider.user, session=session, body="How is it going?")
        services.message_post(actor=client_profile.user, session=session, body="Fine.")
    for session in sessions[1::2]:
        services.session_cancel(actor=provider.user, session=session, reason="Ill.")
    return sessions


@pytest.mark.parametrize("n", [1, 20])
@pytest.mark.parametrize("who", ["provider", "client_profile"])
def test_session_list_query_count_does_not_grow(
    request, client_profile, provider, clinic_admin, django_assert_num_queries, n, who
):
    sessions_with_everything(
        n, client_profile=client_profile, provider=provider, clinic_admin=clinic_admin
    )
    caller = token_client(request.getfixturevalue(who).user)
    with django_assert_num_queries(LIST_QUERIES[who]):
        body = caller.get(f"{API}/sessions/").json()
        assert len(body["results"]) == n
        for number, row in enumerate(body["results"], start=1):
            assert row["number"] == number
            assert row["meeting"]["place"] == "Room 2"
            assert row["provider"]["name"] == "Ben Provider"
            assert row["created_by"]["name"] == "Ava Admin"
            assert (row["cancelled_by"] or {}).get("name") == (
                None if number % 2 else "Ben Provider"
            )
            assert [len(a["feedback"]) for a in row["assignments"]] == [1, 0]
            assert {m["author"]["role"] for m in row["messages"]} == {"provider", "client"}


@pytest.mark.parametrize("n", [1, 20])
def test_session_detail_query_count_does_not_grow(
    client_profile, provider, clinic_admin, django_assert_num_queries, n
):
    [session] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=provider,
        homework=[f"Homework {i}" for i in range(n)],
    )
    for i, assignment in enumerate(session.assignments.order_by("pk")):
        if i % 2 == 0:
            services.assignment_submit(
                actor=client_profile.user, assignment=assignment, response=f"Answer {i}"
            )
            services.feedback_give(actor=provider.user, assignment=assignment, body=f"FB {i}")
    for i in range(n):
        author = client_profile.user if i % 2 else provider.user
        services.message_post(actor=author, session=session, body=f"Message {i}")
    caller = token_client(provider.user)

    with django_assert_num_queries(DETAIL_QUERIES):
        body = caller.get(f"{API}/sessions/{session.uuid}/").json()
        assert len(body["assignments"]) == len(body["messages"]) == n
        assert body["assignments"][0]["feedback"][0]["author"]["name"] == "Ben Provider"
        assert body["messages"][0]["author"]["name"] == "Ben Provider"
