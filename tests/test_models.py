"""Invariants the database keeps (triggers on SQLite and PostgreSQL) and clean() mirrors."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.html import escape

from clinic.models import CareProvider, CareTeamMembership, Client
from sessions_app import selectors, services
from sessions_app.models import Session

from .factories import UserFactory
from .sessions_helpers import schedule

pytestmark = pytest.mark.django_db

ONE_ROLE = "This person already has another role; a person has one role only."
SAME_CLINIC = "Care-team members must belong to the client's clinic."
MOVE_CLIENT = "A client with a care team cannot move to another clinic; change the care team first."
MOVE_PROVIDER = (
    "A provider on care teams cannot move to another clinic; take them off those care teams first."
)


def refused_by_database(write):
    """Run a write that skips validation; True when the database refuses it."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


# One role per user


def test_database_refuses_provider_role_for_a_client(client_profile, clinic):
    user = client_profile.user
    assert refused_by_database(
        lambda: CareProvider.objects.bulk_create([CareProvider(user=user, clinic=clinic)])
    )
    assert not CareProvider.objects.filter(user=user).exists()


def test_database_refuses_client_role_for_a_provider(provider, clinic):
    user = provider.user
    assert refused_by_database(
        lambda: Client.objects.bulk_create([Client(user=user, clinic=clinic)])
    )
    assert not Client.objects.filter(user=user).exists()


def test_database_refuses_moving_a_role_onto_a_user_who_has_the_other(provider, client_profile):
    # An update that points an existing provider at a client's user.
    assert refused_by_database(
        lambda: CareProvider.objects.filter(pk=provider.pk).update(user=client_profile.user)
    )
    provider.refresh_from_db()
    assert provider.user.email == "ben@northside.test"


def test_database_refuses_a_second_role_in_another_clinic(client_profile, other_clinic):
    user = client_profile.user
    assert refused_by_database(lambda: CareProvider(user=user, clinic=other_clinic).save())


def test_clean_refuses_provider_role_for_a_client(client_profile, clinic):
    with pytest.raises(ValidationError) as caught:
        CareProvider(user=client_profile.user, clinic=clinic).full_clean()
    assert caught.value.message_dict["user"] == [ONE_ROLE]


def test_clean_refuses_client_role_for_a_provider(provider, clinic):
    with pytest.raises(ValidationError) as caught:
        Client(user=provider.user, clinic=clinic).full_clean()
    assert caught.value.message_dict["user"] == [ONE_ROLE]


def test_one_role_per_user_allows_a_user_with_no_role(clinic):
    user = UserFactory()
    provider = CareProvider(user=user, clinic=clinic)
    provider.full_clean()
    provider.save()
    assert user.role == "provider"


def test_a_user_has_at_most_one_profile_of_each_kind(provider, clinic):
    assert refused_by_database(lambda: CareProvider(user=provider.user, clinic=clinic).save())


# Care teams stay inside one clinic


def test_database_refuses_care_team_member_of_another_clinic(client_profile, other_clinic_provider):
    assert refused_by_database(
        lambda: CareTeamMembership.objects.bulk_create(
            [CareTeamMembership(client=client_profile, provider=other_clinic_provider)]
        )
    )
    assert not client_profile.care_team.filter(pk=other_clinic_provider.pk).exists()


def test_database_refuses_care_team_member_added_through_the_relation(
    client_profile, other_clinic_provider
):
    assert refused_by_database(lambda: client_profile.care_team.add(other_clinic_provider))
    assert other_clinic_provider not in client_profile.care_team.all()


def test_database_refuses_switching_a_member_to_another_clinics_provider(
    client_profile, provider, other_clinic_provider
):
    membership = CareTeamMembership.objects.get(client=client_profile, provider=provider)
    assert refused_by_database(
        lambda: CareTeamMembership.objects.filter(pk=membership.pk).update(
            provider=other_clinic_provider
        )
    )
    membership.refresh_from_db()
    assert membership.provider == provider


def test_database_refuses_moving_a_client_away_from_their_care_team(client_profile, other_clinic):
    assert refused_by_database(
        lambda: Client.objects.filter(pk=client_profile.pk).update(clinic=other_clinic)
    )
    client_profile.refresh_from_db()
    assert client_profile.clinic.slug == "northside"


def test_database_refuses_moving_a_provider_away_from_their_clients(
    client_profile, provider, other_clinic
):
    assert refused_by_database(
        lambda: CareProvider.objects.filter(pk=provider.pk).update(clinic=other_clinic)
    )
    provider.refresh_from_db()
    assert provider.clinic.slug == "northside"


def test_database_lets_people_without_care_teams_change_clinic(
    off_team_provider, other_clinic, clinic
):
    lone_client = Client.objects.create(user=UserFactory(), clinic=clinic)
    CareProvider.objects.filter(pk=off_team_provider.pk).update(clinic=other_clinic)
    Client.objects.filter(pk=lone_client.pk).update(clinic=other_clinic)
    assert CareProvider.objects.get(pk=off_team_provider.pk).clinic == other_clinic
    assert Client.objects.get(pk=lone_client.pk).clinic == other_clinic


def test_clean_refuses_moving_a_client_away_from_their_care_team(client_profile, other_clinic):
    client_profile.clinic = other_clinic
    with pytest.raises(ValidationError) as caught:
        client_profile.full_clean()
    assert caught.value.message_dict["clinic"] == [MOVE_CLIENT]


def test_clean_refuses_moving_a_provider_away_from_their_clients(
    client_profile, provider, other_clinic
):
    provider.clinic = other_clinic
    with pytest.raises(ValidationError) as caught:
        provider.full_clean()
    assert caught.value.message_dict["clinic"] == [MOVE_PROVIDER]


def test_clean_refuses_care_team_member_of_another_clinic(client_profile, other_clinic_provider):
    membership = CareTeamMembership(client=client_profile, provider=other_clinic_provider)
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert caught.value.message_dict["provider"] == [SAME_CLINIC]


def test_clean_accepts_care_team_member_of_the_same_clinic(client_profile, off_team_provider):
    membership = CareTeamMembership(client=client_profile, provider=off_team_provider)
    membership.full_clean()
    membership.save()
    assert off_team_provider in client_profile.care_team.all()


def test_database_refuses_the_same_member_twice(client_profile, provider):
    assert refused_by_database(
        lambda: CareTeamMembership.objects.create(client=client_profile, provider=provider)
    )


# The Django admin shows the same messages


def test_admin_refuses_a_second_role_with_a_clear_message(login, superuser, client_profile, clinic):
    response = login(superuser).post(
        "/admin/clinic/careprovider/add/",
        {"user": client_profile.user.pk, "clinic": clinic.pk, "title": "Counsellor"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"] == [ONE_ROLE]
    assert not CareProvider.objects.filter(user=client_profile.user).exists()


def admin_care_team_post(http_client, client, extra_provider):
    """The Django admin's change form of a client, adding one care-team member."""
    memberships = list(client.memberships.order_by("pk"))
    rows = [(m.pk, m.provider_id) for m in memberships] + [("", extra_provider.pk)]
    data = {
        "user": client.user.pk,
        "clinic": client.clinic.pk,
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, (pk, provider_id) in enumerate(rows):
        data |= {
            f"memberships-{index}-id": pk,
            f"memberships-{index}-client": client.pk,
            f"memberships-{index}-provider": provider_id,
            f"memberships-{index}-added_at_0": "2025-01-06",
            f"memberships-{index}-added_at_1": "09:00:00",
        }
    return http_client.post(f"/admin/clinic/client/{client.pk}/change/", data)


def test_admin_edits_a_care_team(login, superuser, client_profile, off_team_provider):
    response = admin_care_team_post(login(superuser), client_profile, off_team_provider)
    assert response.status_code == 302
    assert off_team_provider in client_profile.care_team.all()


def test_admin_refuses_another_clinics_care_team_member_with_a_clear_message(
    login, superuser, client_profile, other_clinic_provider
):
    response = admin_care_team_post(login(superuser), client_profile, other_clinic_provider)
    assert response.status_code == 200
    assert escape(SAME_CLINIC) in response.content.decode()
    assert other_clinic_provider not in client_profile.care_team.all()


def test_status_filters_take_plain_values_and_the_selectors_constants_change_no_row(
    provider, client_profile
):
    first, second = schedule(by=provider, client=client_profile, repeat=2)
    services.session_close(actor=provider.user, session=second, note="Moved.", force=True)
    sessions = Session.objects.all()
    # A parameter in the models (no speed machinery), the SQL's text in the selectors'.
    assert "open" in sessions.open().query.sql_with_params()[1]
    constant = selectors.open_sessions_constant(sessions.open())
    assert "'open'" in constant.query.sql_with_params()[0]
    assert list(constant) == list(sessions.open()) == [first]
    for timing in Session.Timing:
        plain = sessions.with_timing(timing)
        assert list(selectors.timing_constant(plain, timing)) == list(plain)
    assert list(sessions.with_timing(Session.Timing.CLOSED)) == [second]
