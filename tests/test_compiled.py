"""clinic.compiled: a query compiled once gives, for any values, what the ORM would."""

import datetime as dt

import pytest
from django.utils import timezone

from calendars import selectors as calendars
from clinic.backends import AuthenticationBackend
from clinic.compiled import AnyOf, CompiledQuery, Constant, viewer
from clinic.models import CareTeamMembership, Client, User
from clinic.selectors import _user_with_role
from sessions_app import selectors
from sessions_app.models import Message, Session
from sessions_app.services import message_post

from .factories import ProviderFactory
from .sessions_helpers import schedule, weekly_series

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_user_with_role_matches_the_orm_for_each_role(provider, client_profile, superuser):
    for user in (provider.user, client_profile.user, superuser):
        compiled = AuthenticationBackend().get_user(user.pk)
        orm = _user_with_role(user.pk).get()
        assert _fields(compiled) == _fields(orm)
        assert compiled.has_totp == orm.has_totp
        for profile in ("provider_profile", "client_profile"):
            mine, theirs = getattr(compiled, profile), getattr(orm, profile)
            assert (mine and _fields(mine)) == (theirs and _fields(theirs))
            if mine is not None:
                assert _fields(mine.clinic) == _fields(theirs.clinic)


def test_unknown_malformed_and_deactivated_users_are_refused(provider):
    backend = AuthenticationBackend()
    assert backend.get_user(provider.user.pk + 1000) is None
    assert backend.get_user("not-a-number") is None
    User.objects.filter(pk=provider.user.pk).update(is_active=False)
    assert backend.get_user(provider.user.pk) is None


def test_compiled_query_follows_each_call_s_values(provider, client_profile, other_client):
    by_client = CompiledQuery(
        lambda client_id: Session.objects.filter(client_id=client_id).values_list("pk"), -7
    )
    schedule(by=provider, client=client_profile, provider=provider, repeat=3)
    schedule(by=provider, client=other_client, provider=provider, repeat=2)
    for client in (client_profile, other_client):
        expected = list(Session.objects.filter(client=client).values_list("pk"))
        assert by_client(client.pk) == expected
        assert len(expected) in (2, 3)


def test_a_list_value_has_a_form_for_one_and_for_several(provider, client_profile):
    sessions = schedule(by=provider, client=client_profile, provider=provider, repeat=3)
    by_ids = CompiledQuery(
        lambda ids: Session.objects.filter(AnyOf("pk", ids)).order_by("pk").values_list("uuid"),
        [-1, -2],
    )
    pks = [s.pk for s in sessions]
    assert by_ids([pks[1]]) == [(sessions[1].uuid,)]
    assert by_ids(pks) == [(s.uuid,) for s in sessions]
    assert by_ids(pks[:2]) == [(s.uuid,) for s in sessions[:2]]


def test_a_value_the_sql_does_not_carry_is_refused():
    # `now` is not used: a compiled query would silently keep the stand-in's value.
    ignores_now = CompiledQuery(lambda now: Session.objects.all(), timezone.now())
    with pytest.raises(ValueError, match="not a parameter"):
        ignores_now(timezone.now())


def test_list_rows_match_the_orm_s_instances(provider, client_profile, clinic_admin):
    sessions = schedule(
        by=clinic_admin, client=client_profile, provider=provider, repeat=2, homework=["Walk"]
    )
    message_post(session=sessions[0], actor=client_profile.user, body="Hello")
    rows = selectors.session_rows_in_order(
        viewer=provider.user, ids=[s.pk for s in reversed(sessions)]
    )
    assert [row.pk for row in rows] == [s.pk for s in reversed(sessions)]
    now = timezone.now()
    for row in rows:
        orm = (
            Session.objects.select_related("client__user", "provider__user")
            .with_counts(provider.user)
            .get(pk=row.pk)
        )
        assert (row.uuid, row.sequence, row.series_id, row.status) == (
            orm.uuid,
            orm.sequence,
            orm.series_id,
            orm.status,
        )
        assert (row.starts_at, row.ends_at) == (orm.starts_at, orm.ends_at)
        assert (row.client_uuid, row.client_name, row.provider_name) == (
            orm.client.uuid,
            orm.client.user.full_name,
            orm.provider.user.full_name,
        )
        assert (row.homework_done, row.homework_total, row.unread) == (
            orm.homework_done,
            orm.homework_total,
            orm.unread,
        )
        assert row.timing_at(now) == orm.timing_at(now)
    assert [row.unread for row in rows] == [0, 1]
    assert rows[0].client_name == "Chloe Client"


def dashboard(provider, now):
    """Each section of the provider's dashboard: its sessions' ids and its total."""
    sections = selectors.provider_dashboard(viewer=provider.user, now=now)
    return {name: ([row.pk for row in s.rows], s.total) for name, s in sections.items()}


def test_dashboard_sections_match_the_orm_at_several_times(provider, client_profile, other_client):
    now = timezone.now()
    schedule(
        by=provider,
        client=client_profile,
        provider=provider,
        start=now - dt.timedelta(days=21),
        repeat=5,
        homework=["Journal"],
    )
    schedule(by=provider, client=other_client, provider=provider, repeat=2)
    for when in (now - dt.timedelta(days=15), now, now + dt.timedelta(days=30)):
        visible = Session.objects.visible_to(provider.user)
        found = dashboard(provider, when)
        for name, queryset in (
            ("in_progress", visible.in_progress(when).order_by("ends_at", "pk")),
            ("overdue", visible.overdue(when).order_by("ends_at", "pk")),
        ):
            expected = list(queryset.values_list("pk", flat=True)[:10])
            assert found[name] == (expected, queryset.count())
    assert dashboard(provider, now + dt.timedelta(days=30))["overdue"][0]


def test_scope_comes_from_the_value_not_the_stand_in(provider, client_profile):
    stranger = ProviderFactory(clinic=provider.clinic)
    sessions = schedule(by=provider, client=client_profile, provider=provider, repeat=2)
    message_post(session=sessions[0], actor=client_profile.user, body="Hello")
    later = timezone.now() + dt.timedelta(days=60)
    assert dashboard(provider, later)["overdue"][1] == 2
    assert dashboard(provider, later)["unread"] == ([sessions[0].pk], 1)
    assert dashboard(stranger, later) == {
        name: ([], 0) for name in ("in_progress", "overdue", "unread", "waiting")
    }


def test_unread_section_counts_messages_of_others_only(provider, client_profile):
    session = schedule(by=provider, client=client_profile, provider=provider)[0]
    message_post(session=session, actor=provider.user, body="From me")
    assert dashboard(provider, timezone.now())["unread"] == ([], 0)
    message_post(session=session, actor=client_profile.user, body="From the client")
    assert dashboard(provider, timezone.now())["unread"] == ([session.pk], 1)
    assert Message.objects.filter(session=session).count() == 2


def test_viewer_reads_like_the_person(provider, client_profile):
    as_provider = viewer(provider.user.pk, provider_id=provider.pk, clinic_id=provider.clinic_id)
    as_client = viewer(client_profile.user.pk, client_id=client_profile.pk)
    schedule(by=provider, client=client_profile, provider=provider, repeat=2)
    for stand_in, person in ((as_provider, provider.user), (as_client, client_profile.user)):
        assert list(Session.objects.visible_to(stand_in)) == list(
            Session.objects.visible_to(person)
        )
    assert list(Client.objects.visible_to(as_provider)) == [client_profile]


def test_an_option_that_shapes_the_sql_is_compiled_for_each_value(
    provider, client_profile, monkeypatch
):
    schedule(by=provider, client=client_profile, provider=provider, repeat=4)
    later = timezone.now() + dt.timedelta(days=60)
    monkeypatch.setattr(selectors, "DASHBOARD_LIMIT", 2)
    ids, total = dashboard(provider, later)["overdue"]
    assert (len(ids), total) == (2, 4)
    monkeypatch.setattr(selectors, "DASHBOARD_LIMIT", 10)
    ids, total = dashboard(provider, later)["overdue"]
    assert (len(ids), total) == (4, 4)


def test_constant_is_written_into_the_sql_not_passed():
    plain, _ = Session.objects.open().values_list("pk").query.sql_with_params()
    assert "'open'" not in plain
    sessions = selectors.open_sessions_constant(Session.objects.open())
    sql, params = sessions.values_list("pk").query.sql_with_params()
    assert "'open'" in sql
    # The plain filter's value stays a parameter; the constant adds none.
    assert len(params) == 1
    quoted = Session.objects.filter(status=Constant("it's")).values_list("pk").query
    assert "'it''s'" in str(quoted)
    assert list(Session.objects.filter(status=Constant("it's"))) == []
    with pytest.raises(TypeError):
        str(Session.objects.filter(status=Constant(1.5)).query)


def test_open_and_closed_filters_still_select_by_status(provider, client_profile):
    first, second = schedule(by=provider, client=client_profile, provider=provider, repeat=2)
    Session.objects.filter(pk=second.pk).update(
        status="closed", closed_at=timezone.now(), closed_by=provider
    )
    assert list(Session.objects.open()) == [first]
    assert list(Session.objects.with_timing(Session.Timing.CLOSED)) == [second]


def test_feed_rows_match_the_orm_at_several_times_and_follow_the_care_team(
    provider, client_profile, other_client
):
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=14)
    weekly_series(provider, client_profile, start=start, repeat=5)
    CareTeamMembership.objects.get_or_create(client=other_client, provider=provider)
    weekly_series(provider, other_client, start=start, repeat=3)

    def plain(since):
        sessions = Session.objects.visible_to(provider.user).filter(
            provider=provider, meeting_starts_at__gte=since
        )
        return list(calendars._meeting_rows(sessions))

    for since in (start - dt.timedelta(days=1), start + dt.timedelta(days=10), timezone.now()):
        assert calendars._provider_meeting_rows(provider.pk, since) == plain(since)
    assert len(calendars._provider_meeting_rows(provider.pk, start - dt.timedelta(days=1))) == 8
    CareTeamMembership.objects.filter(client=other_client, provider=provider).delete()
    rows = calendars._provider_meeting_rows(provider.pk, start - dt.timedelta(days=1))
    assert rows == plain(start - dt.timedelta(days=1))
    assert len(rows) == 5
