"""The audit trail (HIPAA audit controls): who did or saw what, when, from where."""

import json
import logging
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import AppendOnlyError, AuditEvent
from audit.services import record
from sessions_app import services

from .api_helpers import new_token_key
from .sessions_helpers import schedule

MARKER = "ZEBRA-7f3a-PRIVATE"


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


def test_viewing_a_session_page_is_recorded(login, session, provider):
    before = timezone.now()
    login(provider.user).get(f"/provider/sessions/{session.uuid}/", REMOTE_ADDR="10.1.2.3")
    [event] = events(action="view:sessions_app:provider-session-detail")
    assert before <= event.at <= timezone.now()
    assert event.method == "GET" and event.path == f"/provider/sessions/{session.uuid}/"
    assert event.user == provider.user and event.user_email == provider.user.email
    assert event.role == "provider" and event.clinic_id == provider.clinic_id
    assert (event.object_type, event.object_id) == ("session", str(session.uuid))
    assert event.outcome == AuditEvent.Outcome.OK and event.status_code == 200
    assert event.ip == "10.1.2.3" and len(event.request_id) >= 16


def test_request_id_comes_back_in_a_header_and_matches_the_event(login, session, provider):
    response = login(provider.user).get(f"/provider/sessions/{session.uuid}/")
    [event] = events(action="view:sessions_app:provider-session-detail")
    assert response["X-Request-ID"] == event.request_id
    assert len(event.request_id) == 32 and event.client_request_id == ""


def test_a_clients_request_id_is_kept_beside_the_servers_never_in_its_place(
    login, session, provider
):
    page = login(provider.user)
    for _ in range(2):
        page.get(f"/provider/sessions/{session.uuid}/", HTTP_X_REQUEST_ID="req-42")
    first, second = events(action="view:sessions_app:provider-session-detail")
    assert first.client_request_id == second.client_request_id == "req-42"
    # A client can't make two requests share an id, nor pick one to blame on another.
    assert first.request_id != second.request_id
    assert "req-42" not in (first.request_id, second.request_id)
    assert not events(request_id="req-42")


def _listed(event):
    return set(event.listed_ids.split()) if event.listed_ids else set()


def test_a_list_page_records_the_sessions_it_showed_and_its_filters(
    login, provider, client_profile, clinic_admin
):
    shown = schedule(by=clinic_admin, client=client_profile, provider=provider, repeat=3)
    login(provider.user).get("/provider/sessions/", {"status": "open"})
    [event] = events(action="view:sessions_app:provider-session-list")
    assert _listed(event) == {str(s.uuid) for s in shown}
    assert event.listed_count == 3 and event.object_type == "session"
    assert event.path == "/provider/sessions/?status=open"


def test_the_dashboard_records_the_sessions_it_showed(login, session, provider):
    login(provider.user).get("/provider/")
    [event] = events(action="view:sessions_app:provider-dashboard")
    assert _listed(event) == {str(session.uuid)}  # in progress


def test_the_client_list_and_the_portal_list_record_what_they_showed(
    login, session, provider, client_profile
):
    login(provider.user).get("/provider/clients/")
    [clients] = events(action="view:sessions_app:provider-client-list")
    assert _listed(clients) == {str(client_profile.uuid)} and clients.object_type == "client"
    login(client_profile.user).get("/portal/sessions/")
    [portal] = events(action="view:sessions_app:portal-session-list")
    assert _listed(portal) == {str(session.uuid)}


def test_an_api_list_records_the_ids_of_its_page_the_count_and_the_query(
    provider, client_profile, clinic_admin
):
    from .api_helpers import token_client

    made = schedule(by=clinic_admin, client=client_profile, provider=provider, repeat=3)
    body = token_client(provider.user).get("/api/v1/sessions/?page_size=2&status=open").json()
    [event] = events(action="view:api:session-list")
    assert _listed(event) == {row["id"] for row in body["results"]}
    assert len(_listed(event)) == 2 and event.listed_count == 3 == len(made)
    assert event.path == "/api/v1/sessions/?page_size=2&status=open"
    token_client(provider.user).get("/api/v1/clients/")
    [clients] = events(action="view:api:client-list")
    assert _listed(clients) == {str(client_profile.uuid)} and clients.listed_count == 1


def test_a_large_list_records_its_count_and_filter_not_each_id(
    login, session, provider, monkeypatch
):
    from audit import context

    monkeypatch.setattr(context, "LISTED_IDS_MAX", 0)
    login(provider.user).get("/provider/clients/?x=1")
    [event] = events(action="view:sessions_app:provider-client-list")
    assert event.listed_ids == "" and event.listed_count == 1
    assert event.path == "/provider/clients/?x=1"


def test_a_refused_look_at_another_clinics_record_is_filed_under_that_clinic_too(
    login, session, other_clinic_provider
):
    response = login(other_clinic_provider.user).get(f"/provider/sessions/{session.uuid}/")
    assert response.status_code == 404
    mine, theirs = events(action="view:sessions_app:provider-session-detail")
    assert mine.clinic_id == other_clinic_provider.clinic_id
    assert theirs.clinic_id == session.clinic_id != mine.clinic_id
    for event in (mine, theirs):
        assert event.outcome == AuditEvent.Outcome.DENIED
        assert event.user == other_clinic_provider.user
        assert event.object_id == str(session.uuid)
    assert mine.request_id == theirs.request_id


def test_a_refused_api_call_on_another_clinics_record_is_filed_under_it(
    session, other_clinic_provider
):
    from .api_helpers import token_client

    caller = token_client(other_clinic_provider.user)
    assert caller.get(f"/api/v1/sessions/{session.uuid}/").status_code == 404
    assert {e.clinic_id for e in events(action="view:api:session-detail")} == {
        other_clinic_provider.clinic_id,
        session.clinic_id,
    }


def test_a_refusal_within_the_own_clinic_is_filed_once(login, session, off_team_provider):
    login(off_team_provider.user).get(f"/provider/sessions/{session.uuid}/")
    [event] = events(action="view:sessions_app:provider-session-detail")
    assert event.outcome == AuditEvent.Outcome.DENIED


@pytest.mark.parametrize(
    ("who", "path", "action"),
    [
        ("provider", "/provider/sessions/", "view:sessions_app:provider-session-list"),
        ("provider", "/provider/clients/", "view:sessions_app:provider-client-list"),
        ("provider", "/provider/", "view:sessions_app:provider-dashboard"),
        ("client_profile", "/portal/sessions/", "view:sessions_app:portal-session-list"),
    ],
)
def test_viewing_lists_is_recorded(login, session, request, who, path, action):
    person = request.getfixturevalue(who)
    login(person.user).get(path)
    assert events(action=action, user=person.user)


def test_viewing_a_client_record_is_recorded(login, provider, client_profile):
    login(provider.user).get(f"/provider/clients/{client_profile.uuid}/")
    [event] = events(action="view:sessions_app:provider-client-detail")
    assert (event.object_type, event.object_id) == ("client", str(client_profile.uuid))


def test_api_reads_are_recorded(session, client_profile):
    from rest_framework.test import APIClient

    token = new_token_key(client_profile.user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(f"/api/v1/sessions/{session.uuid}/").status_code == 200
    [event] = events(action="view:api:session-detail")
    assert event.user == client_profile.user and event.role == "client"
    assert event.object_id == str(session.uuid)


def test_admin_views_are_recorded_with_the_objects_uuid(login, session, superuser):
    login(superuser).get(f"/admin/sessions_app/session/{session.pk}/change/")
    [event] = events(action="view:admin:sessions_app_session_change")
    assert (event.object_type, event.object_id) == ("session", str(session.uuid))
    assert event.role == "staff"


@pytest.mark.parametrize("who", ["off_team_provider", "other_clinic_provider", "other_client"])
def test_refused_access_is_recorded_as_denied(login, session, request, who):
    person = request.getfixturevalue(who)
    prefix = "/portal" if who == "other_client" else "/provider"
    assert login(person.user).get(f"{prefix}/sessions/{session.uuid}/").status_code == 404
    # Filed under their own clinic (and, when another, under the session's too: see below).
    [event] = events(outcome=AuditEvent.Outcome.DENIED, clinic_id=person.clinic_id)
    assert event.user == person.user and event.object_id == str(session.uuid)
    assert event.status_code == 404


def test_a_role_refusal_is_recorded_as_denied(login, session, client_profile):
    login(client_profile.user).get(f"/provider/sessions/{session.uuid}/")
    [event] = events(outcome=AuditEvent.Outcome.DENIED)
    assert event.status_code == 403 and event.role == "client"


def test_every_write_is_recorded_with_its_object(session, client_profile, provider):
    assignment = session.assignments.first()
    services.assignment_submit(actor=client_profile.user, assignment=assignment, response="x")
    feedback = services.feedback_give(actor=provider.user, assignment=assignment, body="y")
    message = services.message_post(actor=provider.user, session=session, body="z")
    added = services.assignment_add(actor=provider.user, session=session, title="More")
    services.session_close(actor=provider.user, session=session, force=True, note="n")
    recorded = {(e.action, e.object_id) for e in events()}
    assert ("session.schedule", str(session.uuid)) in recorded
    assert ("assignment.submit", str(assignment.uuid)) in recorded
    assert ("feedback.give", str(feedback.uuid)) in recorded
    assert ("message.post", str(message.uuid)) in recorded
    assert ("assignment.add", str(added.uuid)) in recorded
    assert ("session.close", str(session.uuid)) in recorded


def test_a_series_records_each_session(provider, client_profile):
    sessions = schedule(by=provider, client=client_profile, repeat=3)
    assert [e.object_id for e in events(action="session.schedule")] == [
        str(s.uuid) for s in sessions
    ]


def test_a_refused_write_leaves_no_write_event(session, off_team_provider):
    with pytest.raises(services.PermissionDenied):
        services.message_post(actor=off_team_provider.user, session=session, body="x")
    assert not events(action="message.post")


def test_login_failed_login_and_logout_are_recorded(client, provider):
    client.post("/accounts/login/", {"login": provider.user.email, "password": "wrong"})
    [failed] = events(action="login", outcome=AuditEvent.Outcome.FAILED)
    assert failed.user is None and failed.user_email == provider.user.email
    client.force_login(provider.user)
    client.post("/accounts/logout/")
    actions = [e.action for e in events(user=provider.user)]
    assert "login" in actions and "logout" in actions


# --- append-only ---------------------------------------------------------------------------


def test_the_orm_refuses_to_change_or_delete_events(session):
    event = AuditEvent.objects.first()
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "session.schedule"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'forged'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_to_change_or_delete_events(session, sql):
    if connection.vendor != "postgresql":
        pytest.skip("The database-level guard is PostgreSQL's (production and CI).")
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(action="forged").exists()


# --- reading the trail ----------------------------------------------------------------------


def test_staff_read_the_trail_in_the_admin_read_only(login, session, superuser):
    c = login(superuser)
    assert c.get("/admin/audit/auditevent/").status_code == 200
    event = AuditEvent.objects.first()
    assert c.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert c.get("/admin/audit/auditevent/add/").status_code == 403
    assert c.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_clinic_admin_sees_only_their_clinics_events(
    login, session, clinic_admin, other_clinic_provider, other_clinic_client
):
    schedule(by=other_clinic_provider, client=other_clinic_client)
    response = login(clinic_admin.user).get("/provider/clinic/audit/")
    assert response.status_code == 200
    shown = audit_rows(response)
    assert shown
    # Every event of the clinic but the page's own opening, recorded once it was answered.
    assert len(shown) == AuditEvent.objects.filter(clinic_id=clinic_admin.clinic_id).count() - 1
    assert other_clinic_provider.user.email not in response.content.decode()
    assert other_clinic_provider.user.full_name not in response.content.decode()


def audit_rows(response):
    """The audit page's table as a list of {column heading: cell text}."""
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    headings = [th.get_text(strip=True) for th in soup.select("thead th")]
    return [
        dict(
            zip(headings, (td.get_text(" ", strip=True) for td in row.find_all("td")), strict=True)
        )
        for row in soup.select("tbody tr")
        if len(row.find_all("td")) == len(headings)
    ]


def test_the_audit_page_names_roles_outcomes_and_objects_in_the_readers_language(
    login, session, clinic_admin, provider
):
    login(provider.user).get(f"/provider/sessions/{session.uuid}/", REMOTE_ADDR="10.1.2.3")
    login(provider.user).get("/provider/clinic/")  # refused: not an admin
    clinic_admin.user.language = "es"
    clinic_admin.user.save(update_fields=["language"])
    response = login(clinic_admin.user).get("/provider/clinic/audit/")
    page = response.content.decode()
    assert "Registro de auditoría de Northside Therapy" in page
    # The sentences themselves are in words (tests/test_audit_page.py); here the columns.
    rows = [list(row.values()) for row in audit_rows(response)]
    viewed = next(r for r in rows if f"sesión {session.number}" in r[1] and "10.1.2.3" in r)
    assert viewed[2:] == ["Profesional de atención", "Permitido", "10.1.2.3"]
    assert any(r[3] == "Denegado" and "/provider/clinic/" in r[1] for r in rows)


def test_the_audit_page_goes_back_fifty_events_at_a_time(login, clinic_admin):
    for number in range(60):
        record(action=f"test.{number}", user=clinic_admin.user)
    http = login(clinic_admin.user)
    first = http.get("/provider/clinic/audit/")
    newest = " ".join(list(row.values())[1] for row in audit_rows(first))
    assert len(audit_rows(first)) == 50
    assert "test.59" in newest and "test.0 " not in newest + " "
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?page=2">Older</a>' in first.content.decode()
    second = http.get("/provider/clinic/audit/?page=2")
    actions = [list(row.values())[1].rsplit(": ", 1)[-1] for row in audit_rows(second)]
    assert "test.0" in actions and "test.59" not in actions
    assert 'href="?page=1">Newer</a>' in second.content.decode()
    assert http.get("/provider/clinic/audit/?page=nonsense").status_code == 200


def test_audit_page_is_for_clinic_admins_only(login, provider, client_profile):
    assert login(provider.user).get("/provider/clinic/audit/").status_code == 403
    assert login(client_profile.user).get("/provider/clinic/audit/").status_code == 403


def test_export_audit_writes_json_lines_in_the_range(session):
    first = AuditEvent.objects.order_by("at").first()
    out = StringIO()
    call_command(
        "export_audit",
        since=first.at.isoformat(),
        until="2999-01-01T00:00:00Z",
        stdout=out,
        stderr=StringIO(),
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == AuditEvent.objects.count()
    assert {"at", "user_email", "role", "action", "object_type", "object_id", "ip"} <= set(lines[0])
    empty = StringIO()
    call_command(
        "export_audit",
        since="2000-01-01T00:00:00Z",
        until="2000-01-02T00:00:00Z",
        stdout=empty,
        stderr=StringIO(),
    )
    assert empty.getvalue() == ""


def test_export_audit_refuses_bad_dates():
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("export_audit", since="yesterday", until="2999-01-01T00:00Z")
    with pytest.raises(CommandError, match="after"):
        call_command("export_audit", since="2020-01-02T00:00Z", until="2020-01-01T00:00Z")


# --- no health data in the trail or the logs ------------------------------------------------


def test_free_text_never_reaches_the_audit_trail_or_the_logs(
    login, client_profile, provider, clinic_admin, caplog
):
    caplog.set_level(logging.DEBUG)
    c = login(provider.user)
    c.post(
        "/provider/sessions/new/",
        {
            "client": str(client_profile.uuid),
            "provider": str(provider.uuid),
            "starts_at": "2027-03-01T09:00",
            "ends_at": "2027-03-08T09:00",
            "repeat": "1",
            "homework_applies_to": "all",
            "homework-TOTAL_FORMS": "1",
            "homework-INITIAL_FORMS": "0",
            "homework-0-title": f"title {MARKER}",
            "homework-0-instructions": f"instructions {MARKER}",
        },
    )
    from sessions_app.models import Session

    session = Session.objects.get()
    assignment = session.assignments.get()
    c.post(f"/provider/sessions/{session.uuid}/messages/", {"body": f"provider {MARKER}"})
    portal = login(client_profile.user)
    portal.post(f"/portal/homework/{assignment.uuid}/answer/", {"response": f"answer {MARKER}"})
    portal.post(f"/portal/sessions/{session.uuid}/messages/", {"body": f"client {MARKER}"})
    c = login(provider.user)
    c.post(f"/provider/homework/{assignment.uuid}/feedback/", {"body": f"feedback {MARKER}"})
    c.post(f"/provider/sessions/{session.uuid}/close/", {"force": "on", "note": f"note {MARKER}"})
    # Refused writes carry text too: the oversized and the closed-session ones.
    c.post(f"/provider/sessions/{session.uuid}/messages/", {"body": f"late {MARKER}"})
    session.refresh_from_db()
    assert session.is_closed and MARKER in session.close_note  # the writes happened

    for event in AuditEvent.objects.all():
        for field in AuditEvent._meta.fields:
            assert MARKER not in str(getattr(event, field.attname)), (event, field.name)
    assert MARKER not in caplog.text
