"""Every read the clinic's own pages make, from the scoped querysets of clinic/models.py."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef

from . import invitations
from .compiled import CompiledQuery
from .models import ApiToken, CareProvider, CareTeamMembership, Client, Invitation, User


@dataclass(frozen=True)
class ClinicPeople:
    clinic: object
    providers: list
    clients: list
    invitations: list


def _waiting(queryset):
    # People whose invitation is not answered yet are listed with the invitations only, like
    # invitations to addresses that have an account elsewhere: the page does not tell them apart.
    waiting = Invitation.objects.pending().filter(user_id=OuterRef("user_id"))
    return queryset.exclude(Exists(waiting))


def clinic_providers(*, admin):
    """Every provider of the clinic, the invited included: care teams are set up before the
    invitations are answered, and a form that left one out would drop them from the team."""
    return CareProvider.objects.visible_to(admin.user).select_related("user")


def clinic_people(*, admin):
    clients = (
        _waiting(Client.objects.of_clinic_admin(admin.user))
        .select_related("user")
        .prefetch_related("care_team__user")
    )
    invitations_ = Invitation.objects.of_clinic_admin(admin.user).pending().order_by("email")
    return ClinicPeople(
        clinic=admin.clinic,
        providers=list(_waiting(clinic_providers(admin=admin))),
        clients=list(clients),
        invitations=list(invitations_),
    )


def clinic_clients(*, admin):
    return Client.objects.of_clinic_admin(admin.user).select_related("user")


def clinic_client(*, admin, client_uuid):
    return (
        Client.objects.of_clinic_admin(admin.user)
        .select_related("user")
        .filter(uuid=client_uuid)
        .first()
    )


def clinic_provider(*, admin, provider_uuid):
    return (
        CareProvider.objects.visible_to(admin.user)
        .select_related("user")
        .filter(uuid=provider_uuid)
        .first()
    )


def clinic_invitation(*, admin, invitation_uuid):
    return (
        Invitation.objects.of_clinic_admin(admin.user)
        .select_related("user", "invited_by__user", "clinic")
        .filter(uuid=invitation_uuid)
        .first()
    )


def care_team_of(*, client):
    return list(client.care_team.all())


def clients_of(*, provider):
    return list(provider.clients.all())


def has_clients(*, provider):
    return provider.memberships.exists()


def clinic_admins(*, clinic_id):
    """The active administrators of a clinic, for "ask an administrator" hints."""
    return list(
        CareProvider.objects.filter(clinic_id=clinic_id, is_clinic_admin=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )


@dataclass(frozen=True)
class HeldClient:
    client: object
    sessions: list
    candidates: list  # the other active members of the client's care team


def sessions_held(*, admin, provider):
    """The open sessions `provider` holds, grouped by client, with whom each can pass to."""
    # Sessions belong to sessions_app, which builds on clinic: imported here, where needed.
    from sessions_app.models import Session

    sessions = list(
        Session.objects.filter(
            clinic_id=admin.clinic_id, provider=provider, status=Session.Status.OPEN
        )
        .select_related("client__user")
        .order_by("client__user__full_name", "starts_at", "pk")
    )
    members = {}
    for membership in (
        CareTeamMembership.objects.filter(
            client_id__in={s.client_id for s in sessions}, provider__user__is_active=True
        )
        .exclude(provider=provider)
        .select_related("provider__user")
    ):
        members.setdefault(membership.client_id, []).append(membership.provider)
    held = {}
    for session in sessions:
        entry = held.get(session.client_id)
        if entry is None:
            candidates = sorted(members.get(session.client_id, []), key=lambda p: p.name)
            entry = held[session.client_id] = HeldClient(session.client, [], candidates)
        entry.sessions.append(session)
    return list(held.values())


def invited_user(*, token):
    return invitations.user_for_token(token)


def api_tokens_of(*, user):
    """A person's own tokens, newest first (their hashes are ids, their keys kept nowhere)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created"))


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
