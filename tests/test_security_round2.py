"""Security, second round (issue 19): JSON the parser cannot take, the audit trail's gaps
(TRUNCATE, request ids, list reads, probes of another clinic) and the CSP by django-csp.
The API tokens' own tests are in tests/test_api_tokens_and_docs.py."""

import json
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditEvent
from sessions_app.api.parsers import text_too_deep, too_deep

from .api_helpers import API, schedule_body, token_client

# --- JSON bodies: 400 for anything the parser can't take, never a 500 ---------------------------


def write_endpoints(session):
    """Every JSON write of the API (tests/test_api_tokens_and_docs.py lists them all), with
    the persona allowed to make it (others are refused before the body is read)."""
    assignment = session.assignments.order_by("pk").first()
    return [
        ("post", f"{API}/sessions/", "provider"),
        ("patch", f"{API}/sessions/{session.uuid}/", "provider"),
        ("post", f"{API}/sessions/{session.uuid}/close/", "provider"),
        ("post", f"{API}/sessions/{session.uuid}/cancel/", "provider"),
        ("post", f"{API}/sessions/{session.uuid}/assignments/", "provider"),
        ("post", f"{API}/assignments/{assignment.uuid}/submit/", "client"),
        ("post", f"{API}/assignments/{assignment.uuid}/feedback/", "provider"),
        ("post", f"{API}/sessions/{session.uuid}/messages/", "provider"),
        ("post", f"{API}/sessions/{session.uuid}/messages/", "client"),
    ]


def nested(depth, opener="[", closer="]"):
    return opener * depth + closer * depth


def object_nested(depth):
    return '{"a":' * depth + "1" + "}" * depth


@pytest.fixture
def callers(provider, client_profile):
    return {"provider": token_client(provider.user), "client": token_client(client_profile.user)}


@pytest.mark.parametrize("depth", [101, 1000, 1025, 100_000])
def test_deeply_nested_json_is_400_on_every_write_endpoint(callers, session, depth):
    for body in (nested(depth), object_nested(depth)):
        for method, url, who in write_endpoints(session):
            cache.clear()  # the throttle
            response = getattr(callers[who], method)(url, body, content_type="application/json")
            assert response.status_code == 400, (method, url, who, depth)
            assert "detail" in response.json()


def test_json_nested_at_the_limit_is_read(callers, client_profile):
    # 100 levels parse; the serializer then refuses the list as a field's value (400 too, but
    # with the field's own message, not the parser's).
    body = schedule_body(client_profile)
    body["homework"] = json.loads(nested(99))
    response = callers["provider"].post(f"{API}/sessions/", body, format="json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["homework[0]"]


def test_the_depth_limit_counts_levels():
    assert not too_deep(json.loads(nested(100)), 100)
    assert too_deep(json.loads(nested(101)), 100)
    assert not too_deep(json.loads(object_nested(100)), 100)
    assert too_deep(json.loads(object_nested(101)), 100)
    assert not too_deep({"a": [1, 2, {"b": "c"}]}, 3)
    assert too_deep({"a": [1, 2, {"b": []}]}, 3)


json_trees = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=20,
)


@given(tree=json_trees, limit=st.integers(min_value=1, max_value=6))
def test_the_scan_of_unparsed_text_counts_as_the_parsed_value_does(tree, limit):
    # The text scan guards the standard library's parser, for what orjson refuses.
    text = json.dumps(tree, ensure_ascii=False).encode()
    assert text_too_deep(text, limit) == too_deep(tree, limit)


def test_brackets_inside_strings_are_not_levels():
    assert not text_too_deep(b'{"a": "[[[[[[", "b": "\\"{{{{"}', 1)
    assert text_too_deep(b'{"a": "]]]", "b": [1]}', 1)


def test_values_orjson_refuses_still_reach_the_serializers(callers, session):
    # An escaped lone surrogate is JSON the standard library reads: the field refuses it.
    response = callers["client"].post(
        f"{API}/sessions/{session.uuid}/messages/",
        '{"body": "\\ud800"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["body"]
    deep = "[" * 200 + '"\\ud800"' + "]" * 200
    response = callers["client"].post(
        f"{API}/sessions/{session.uuid}/messages/", deep, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


@given(
    depth=st.integers(min_value=101, max_value=5000),
    opener=st.sampled_from(["[", '{"k":']),
    inner=json_trees,
    endpoint=st.integers(min_value=0, max_value=8),
)
def test_any_too_deep_body_is_400(callers, session, depth, opener, inner, endpoint):
    closer = "]" if opener == "[" else "}"
    body = opener * depth + json.dumps(inner) + closer * depth
    method, url, who = write_endpoints(session)[endpoint]
    cache.clear()
    response = getattr(callers[who], method)(url, body, content_type="application/json")
    assert response.status_code == 400


@given(body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_body_gets_an_answer_that_is_not_a_server_error(callers, session, body):
    cache.clear()
    with transaction.atomic():
        response = callers["client"].post(
            f"{API}/sessions/{session.uuid}/messages/", body, content_type="application/json"
        )
        transaction.set_rollback(True)
    assert response.status_code < 500
    try:
        json.loads(body)
    except ValueError:
        assert response.status_code == 400


# --- the audit trail can't be emptied ---------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers are PostgreSQL's (SQLite: the ORM)"
)


@postgresql_only
@pytest.mark.django_db
def test_truncate_of_the_audit_trail_is_refused():
    from django.db.utils import DatabaseError

    AuditEvent.objects.create(action="test")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(action="test").exists()


@postgresql_only
@pytest.mark.django_db
def test_update_and_delete_in_sql_are_refused_too():
    from django.db.utils import DatabaseError

    AuditEvent.objects.create(action="test")
    for sql in ("UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.filter(action="test").exists()


ROLES_SQL = Path(__file__).resolve().parents[1] / "docs" / "database-roles.sql"


def _refused(sql, params=()):
    from django.db.utils import DatabaseError

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        return str(error)
    return None


@postgresql_only
@pytest.mark.django_db
def test_the_documented_app_role_can_append_to_the_audit_trail_and_nothing_more():
    role = f"caresessions_app_{uuid.uuid4().hex[:8]}"
    grants = ROLES_SQL.read_text().replace("caresessions_app", role)
    with connection.cursor() as cursor:
        # Rolled back with the test's transaction, the role included.
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(grants)
        cursor.execute(f"SET LOCAL ROLE {role}")
    try:
        AuditEvent.objects.create(action="as the app")
        assert AuditEvent.objects.filter(action="as the app").exists()
        for sql in (
            "UPDATE audit_auditevent SET action = 'x'",
            "DELETE FROM audit_auditevent",
            "TRUNCATE audit_auditevent",
        ):
            assert "permission denied" in (_refused(sql) or ""), sql
        for sql in (
            "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
            "DROP TRIGGER audit_no_truncate ON audit_auditevent",
        ):
            assert "must be owner" in (_refused(sql) or ""), sql
        # The rest of the application works as before: it reads and writes its other tables.
        from clinic.models import Clinic

        assert _refused("UPDATE clinic_clinic SET name = name") is None
        assert Clinic.objects.count() >= 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
