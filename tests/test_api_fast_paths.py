"""The API's session list and detail read with SQL compiled once (the API's selectors in
sessions_app/selectors.py) and its throttle counted in Redis (sessions_app/api/throttling.py):
each gives what the ORM's queryset and DRF's throttle give."""

import datetime as dt
import itertools

import pytest
from django.core.cache import caches
from django_redis.cache import RedisCache
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import UserRateThrottle as DRFUserRateThrottle

from sessions_app import selectors, services
from sessions_app.api.throttling import UserRateThrottle
from sessions_app.models import Session

from .api_helpers import API, problem_of, token_client
from .sessions_helpers import schedule

START = dt.datetime(2027, 3, 1, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def caseload(provider, client_profile, other_client, clinic_admin):
    """Sessions of two clients, some at the same start (the order's ties), one closed."""
    sessions = [
        *schedule(by=provider, client=client_profile, start=START, repeat=7),
        *schedule(by=provider, client=other_client, start=START, repeat=5),
        # The week before Ben's: one client's sessions never overlap.
        *schedule(
            by=clinic_admin,
            client=client_profile,
            provider=clinic_admin,
            start=START - dt.timedelta(days=7),
        ),
    ]
    services.session_close(actor=provider.user, session=sessions[0], note="Done", force=True)
    return sessions


def orm_page(user, filters, ordering, size, offset):
    """The page as the ORM's scoped queryset gives it, and the count of all."""
    sessions = Session.objects.visible_to(user).filter(
        **{selectors._API_FILTERS[name][0]: value for name, value in filters.items()}
    )
    tie = "sequence" if ordering == "starts_at" else "-sequence"
    ordered = sessions.order_by(ordering, tie, "pk").values_list("pk", flat=True)
    return list(ordered[offset : offset + size]), sessions.count()


FILTERS = [
    {},
    {"status": "open"},
    {"status": "closed"},
    {"starts_after": START + dt.timedelta(days=14)},
    {"starts_before": START + dt.timedelta(days=21), "status": "open"},
    {"starts_after": START, "starts_before": START + dt.timedelta(days=7)},
]


@pytest.mark.parametrize("who", ["provider", "client_profile", "clinic_admin", "superuser"])
def test_page_ids_are_the_scoped_querysets(request, caseload, client_profile, other_client, who):
    user = request.getfixturevalue(who).user if who != "superuser" else request.getfixturevalue(who)
    by_person = [
        {"client": client_profile.uuid},
        {"client": other_client.uuid, "status": "open"},
        {"provider": caseload[-1].provider.uuid},
    ]
    for filters, ordering, (size, offset) in itertools.product(
        FILTERS + by_person, ["starts_at", "-starts_at"], [(25, 0), (3, 0), (3, 3), (4, 12)]
    ):
        expected = orm_page(user, filters, ordering, size, offset)
        ids, count = selectors.api_session_page(
            viewer=user, filters=filters, ordering=ordering, page_size=size, offset=offset
        )
        # Past the last page no row comes back, so neither does the count.
        assert (ids, count) == (expected if expected[0] else ([], 0)), (filters, ordering)


def test_session_id_is_the_scoped_querysets(caseload, provider, off_team_provider, superuser):
    session = caseload[3]

    def session_id(user):
        return selectors.api_session_id(viewer=user, session_id=session.uuid)

    assert session_id(provider.user) == session.pk
    assert session_id(session.client.user) == session.pk
    assert session_id(off_team_provider.user) is None
    assert session_id(caseload[-3].client.user) is None  # another client
    assert session_id(superuser) is None


def test_pages_past_the_last_are_404_and_an_empty_scope_is_an_empty_page(
    caseload, off_team_provider
):
    ben = token_client(caseload[0].provider.user)
    assert ben.get(f"{API}/sessions/", {"page_size": 4, "page": 4}).status_code == 200
    past = ben.get(f"{API}/sessions/", {"page_size": 4, "page": 5})
    assert problem_of(past, 404)["detail"] == "Invalid page."
    nobody = token_client(off_team_provider.user)
    assert nobody.get(f"{API}/sessions/").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    assert nobody.get(f"{API}/sessions/", {"page": 2}).status_code == 404


def test_filtered_list_links_keep_the_filters(caseload):
    ben = token_client(caseload[0].provider.user)
    body = ben.get(f"{API}/sessions/", {"status": "open", "page_size": 3, "page": 2}).json()
    assert body["count"] == 12
    assert body["next"].endswith("/api/v1/sessions/?page=3&page_size=3&status=open")
    assert body["previous"].endswith("/api/v1/sessions/?page_size=3&status=open")


def test_a_session_out_of_scope_and_a_malformed_id_are_the_same_404(caseload, off_team_provider):
    outsider = token_client(off_team_provider.user)
    for path in (f"{API}/sessions/{caseload[0].uuid}/", f"{API}/sessions/not-a-uuid/"):
        response = outsider.get(path)
        assert problem_of(response, 404)["detail"] == "Not found."


# --- the throttle ------------------------------------------------------------------------------


@pytest.mark.skipif(
    not isinstance(caches["default"], RedisCache), reason="the throttle counts in Redis"
)
def test_throttle_lets_through_and_refuses_as_drfs_does(monkeypatch, provider):
    monkeypatch.setitem(DRFUserRateThrottle.THROTTLE_RATES, "user", "3/minute")
    request = APIRequestFactory().get("/")
    request.user = provider.user
    times = [1000.0, 1001.5, 1002.0, 1003.0, 1059.0, 1060.0, 1061.25, 1061.5, 1062.0, 1200.0]
    answers = {}
    for throttle_class in (DRFUserRateThrottle, UserRateThrottle):
        clock = iter(times)
        monkeypatch.setattr(throttle_class, "timer", staticmethod(clock.__next__))
        answers[throttle_class] = []
        for _ in times:
            throttle = throttle_class()
            allowed = throttle.allow_request(request, None)
            answers[throttle_class].append((allowed, None if allowed else throttle.wait()))
    assert answers[UserRateThrottle] == answers[DRFUserRateThrottle]
    assert [allowed for allowed, _ in answers[UserRateThrottle]] == [
        True, True, True, False, False, True, False, True, True, True,
    ]  # fmt: skip
    key = caches["default"].make_key(UserRateThrottle().get_cache_key(request, None))
    client = caches["default"].client.get_client()
    assert client.type(key) == b"zset" and 0 < client.ttl(key) <= 60
