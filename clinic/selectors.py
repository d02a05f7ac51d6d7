"""Every read the clinic's own pages make, from the scoped querysets of clinic/models.py."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef

from . import invitations
from .compiled import CompiledQuery
from .models import CareProvider, Client, User


@dataclass(frozen=True)
class ClinicPeople:
    clinic: object
    providers: list
    clients: list


def clinic_providers(*, admin):
    return CareProvider.objects.visible_to(admin.user).select_related("user")


def clinic_people(*, admin):
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
    return (
        Client.objects.of_clinic_admin(admin.user)
        .select_related("user")
        .filter(uuid=client_uuid)
        .first()
    )


def care_team_of(*, client):
    return list(client.care_team.all())


def invited_user(*, token):
    return invitations.user_for_token(token)


def api_token_of(*, user):
    from rest_framework.authtoken.models import Token

    return Token.objects.filter(user=user).only("created").first()


def user_with_email(*, email):
    return User.objects.filter(email__iexact=email).first()


def _user_with_role(user_id):
    has_totp = Exists(
        Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
    )
    return (
        User._default_manager.select_related("careprovider__clinic", "client__clinic")
        .annotate(has_totp=has_totp)
        .filter(pk=user_id)
    )


# Every request of a logged-in person runs it: its SQL is written once.
_user_by_id = CompiledQuery(_user_with_role, -1_000_001)


def user_with_role(*, user_id):
    """The user with role profile, clinic and `has_totp` in one query, or None."""
    users = _user_by_id(user_id)
    return users[0] if users else None
