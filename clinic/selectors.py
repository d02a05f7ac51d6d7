"""Every read the clinic's own pages make (people, invitations, care teams, API tokens), by
name, from the scoped querysets of clinic/models.py."""

from dataclasses import dataclass

from . import invitations
from .models import CareProvider, Client, User


@dataclass(frozen=True)
class ClinicPeople:
    clinic: object
    providers: list
    clients: list


def clinic_providers(*, admin):
    """The providers of the admin's clinic (who may be put on a care team)."""
    return CareProvider.objects.visible_to(admin.user).select_related("user")


def clinic_people(*, admin):
    """The admin's clinic, its providers, and its clients with their care teams."""
    clients = (
        Client.objects.of_clinic_admin(admin.user)
        .select_related("user")
        .prefetch_related("care_team__user")
    )
    return ClinicPeople(
        clinic=admin.clinic,
        providers=list(clinic_providers(admin=admin)),
        clients=list(clients),
    )


def clinic_client(*, admin, client_uuid):
    """A client of the admin's clinic, or None (another clinic's, or no such client)."""
    return (
        Client.objects.of_clinic_admin(admin.user)
        .select_related("user")
        .filter(uuid=client_uuid)
        .first()
    )


def care_team_of(*, client):
    return list(client.care_team.all())


def invited_user(*, token):
    """The person an invitation link is for, or None when it is forged, expired or used."""
    return invitations.user_for_token(token)


def api_token_of(*, user):
    """The person's API token (its creation time only: the key is never shown again)."""
    from rest_framework.authtoken.models import Token

    return Token.objects.filter(user=user).only("created").first()


def user_with_email(*, email):
    """The person whose address `email` is (any case), or None."""
    return User.objects.filter(email__iexact=email).first()
