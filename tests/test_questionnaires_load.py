"""`seed_load` gives the featured caseload weekly questionnaires (DESIGN.md section 12, issue
17's speed targets): a PHQ-9 and a GAD-7 in each of their sessions, answered as the service
scores them. PostgreSQL only, as the loader (COPY)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from sessions_app import instruments
from sessions_app import loadprofile as profile
from sessions_app.models import Assignment, QuestionnaireResponse, Session

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="seed_load loads PostgreSQL (COPY)"
    ),
    pytest.mark.django_db,
]


@pytest.fixture(scope="module")
def load(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_load", sessions=6_000, flush=True, stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


def caseload_sessions():
    return Session.objects.filter(
        client__care_team__user__email=profile.PROVIDER_EMAIL, client__clinic_id=1
    )


def test_every_caseload_session_has_a_phq9_and_a_gad7(load):
    sessions = caseload_sessions().exclude(uuid=profile.SESSION_UUID)
    kinds = Assignment.objects.filter(session__in=sessions).exclude(kind="text")
    assert kinds.filter(kind="phq9").count() == sessions.count()
    assert kinds.filter(kind="gad7").count() == sessions.count()
    # Two years of weekly scores for the featured client's page.
    featured = QuestionnaireResponse.objects.filter(client__user__email=profile.CLIENT_EMAIL)
    assert featured.filter(instrument="phq9").count() > 80


def test_loaded_scores_are_what_the_service_would_store(load):
    responses = QuestionnaireResponse.objects.filter(client__clinic_id=1).select_related(
        "assignment__session"
    )
    assert responses.exists()
    for response in responses.iterator():
        instrument = instruments.instrument(response.instrument)
        assert response.total == sum(response.answers)
        assert response.band == instrument.band_for(response.total).code
        assert response.assignment.session.client_id == response.client_id
        assert response.assignment.kind == response.instrument
        assert response.flagged_at is None or instrument.is_risk(response.answers)
    # A few flagged, some still waiting for a provider.
    assert responses.exclude(flagged_at=None).exists()


def test_the_featured_client_has_a_fixed_id_and_two_years_of_weekly_scores(load):
    # `make bench` opens this client's page by that id (scripts/bench.py, "client page").
    scores = QuestionnaireResponse.objects.filter(
        client__uuid=profile.CLIENT_UUID, client__user__email=profile.CLIENT_EMAIL
    )
    assert scores.filter(instrument="phq9").count() >= 2 * 52 - 20
    assert scores.filter(instrument="gad7").count() >= 2 * 52 - 20
