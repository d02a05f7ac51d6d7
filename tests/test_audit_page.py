"""The clinic's audit page (issue 18 point 6): events in words, filters by person, client,
kind and date range, and the filtered events as CSV."""

import csv
import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from django.test import Client as HttpClient
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record

AUDIT_URL = "/provider/clinic/audit/"


def sentences(response):
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return [
        row.find_all("td")[1].get_text(" ", strip=True)
        for row in soup.select("tbody tr")
        if len(row.find_all("td")) > 1
    ]


def as_person(user):
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def admin_page(clinic_admin):
    return as_person(clinic_admin.user)


def test_events_are_told_in_words_without_internal_names_or_ids(
    admin_page, session, provider, other_clinic_provider
):
    as_person(provider.user).get(f"/provider/sessions/{session.uuid}/")
    # A person of another clinic probing this clinic's session, as recorded under its clinic.
    record(
        action="view:sessions_app:provider-session-detail",
        user=other_clinic_provider.user,
        obj=session,
        outcome=AuditEvent.Outcome.DENIED,
    )
    response = admin_page.get(AUDIT_URL)
    shown = sentences(response)
    number = session.number
    assert f"Ben Provider opened Chloe Client's session {number}" in shown
    assert f"Dan Elsewhere was refused Chloe Client's session {number}" in shown
    assert f"Ava Admin scheduled Chloe Client's session {number}" in shown
    page = response.content.decode()
    assert "view:sessions_app" not in page
    assert str(session.uuid) not in page


def test_filters_by_person_client_kind_and_dates(
    admin_page, session, provider, client_profile, other_client, clinic_admin
):
    as_person(provider.user).get(f"/provider/sessions/{session.uuid}/")
    as_person(client_profile.user).get("/portal/")
    old = AuditEvent.objects.filter(action="session.schedule").first()
    by_ben = sentences(admin_page.get(AUDIT_URL, {"person": str(provider.user.uuid)}))
    assert by_ben and all(s.startswith("Ben Provider") for s in by_ben)
    about_dylan = sentences(admin_page.get(AUDIT_URL, {"client": str(other_client.uuid)}))
    assert about_dylan == []
    about_chloe = sentences(admin_page.get(AUDIT_URL, {"client": str(client_profile.uuid)}))
    assert any("Chloe Client's session" in s for s in about_chloe)
    assert any(s.startswith("Chloe Client opened") for s in about_chloe)
    changes = sentences(admin_page.get(AUDIT_URL, {"kind": "changes"}))
    assert changes and all("opened" not in s and "logged" not in s for s in changes)
    refused = sentences(admin_page.get(AUDIT_URL, {"kind": "refused"}))
    assert refused == []
    today = timezone.localdate(old.at, client_profile.clinic.tzinfo)
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert sentences(admin_page.get(AUDIT_URL, {"since": tomorrow})) == []
    assert len(sentences(admin_page.get(AUDIT_URL, {"until": today.isoformat()}))) > 1


def test_the_filtered_events_export_as_csv(admin_page, session, provider, clinic_admin):
    as_person(provider.user).get(f"/provider/sessions/{session.uuid}/")
    evil = clinic_admin.user
    evil.full_name = "=HYPERLINK(1)"
    evil.save(update_fields=["full_name"])
    response = admin_page.get(AUDIT_URL, {"person": str(provider.user.uuid), "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows and {row["email"] for row in rows} == {provider.user.email}
    assert any(row["what"].startswith("Ben Provider opened Chloe Client's session") for row in rows)
    everyone = admin_page.get(AUDIT_URL, {"export": "csv"}).content.decode()
    # A name that a spreadsheet would run as a formula is written as text.
    assert "'=HYPERLINK(1)" in everyone
    assert ",=HYPERLINK" not in everyone


def test_a_person_or_client_of_another_clinic_is_no_filter(
    admin_page, other_clinic_client, session
):
    response = admin_page.get(AUDIT_URL, {"client": str(other_clinic_client.uuid)})
    assert response.status_code == 200
    assert response.context["form"].errors["client"]
    assert "Erin Elsewhere" not in response.content.decode()


def test_a_client_filter_finds_the_list_reads_that_showed_the_client(
    admin_page, session, provider, client_profile, other_client
):
    as_person(provider.user).get("/provider/sessions/")
    about_chloe = sentences(admin_page.get(AUDIT_URL, {"client": str(client_profile.uuid)}))
    assert "Ben Provider opened the list of sessions (1 found)" in about_chloe
    about_dylan = sentences(admin_page.get(AUDIT_URL, {"client": str(other_client.uuid)}))
    assert not any("list of sessions" in s for s in about_dylan)


def test_keep_alive_requests_stay_out_of_the_page(admin_page, client_profile):
    chloe = as_person(client_profile.user)
    for _ in range(3):
        assert chloe.get("/accounts/keep-alive/").status_code == 204
    shown = sentences(admin_page.get(AUDIT_URL, {"person": str(client_profile.user.uuid)}))
    assert not any("keep-alive" in s for s in shown)
