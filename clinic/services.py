"""Every write about clinics and people. Views, forms and the admin call these."""

from datetime import timedelta
from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import record

from . import invitations
from .models import ApiToken, CareProvider, CareTeamMembership, Client, Invitation, User
from .permissions import require_clinic_admin

ROLE_PROVIDER = "provider"
ROLE_CLIENT = "client"
FOREIGN_CARE_TEAM_MEMBER = _("Care-team members must be providers of the client's clinic.")
EMAIL_TAKEN = _("A person with this email address already has an account.")
ALREADY_INVITED = _(
    "This address has an invitation waiting: re-send or revoke it from the people page."
)
OWN_ADMIN_FLAG = _("You cannot take away your own administrator role; ask another administrator.")
# The fields that belong to the other role, refused rather than silently dropped.
OTHER_ROLE_FIELDS = {
    ROLE_PROVIDER: ("date_of_birth", "care_team"),
    ROLE_CLIENT: ("title", "is_clinic_admin"),
}
FIELD_OF_OTHER_ROLE = {
    ROLE_PROVIDER: _("Care providers have no such field: leave it empty."),
    ROLE_CLIENT: _("Clients have no such field: leave it empty."),
}


def _clinic_id_of_person(user):
    profile = getattr(user, "careprovider", None) or getattr(user, "client", None)
    return None if profile is None else profile.clinic_id


def _refuse_fields_of_other_role(role, **given):
    """A field of the other role is refused, not silently dropped."""
    wrong = [name for name in OTHER_ROLE_FIELDS[role] if given.get(name)]
    if wrong:
        raise ValidationError(
            dict.fromkeys(wrong, FIELD_OF_OTHER_ROLE[role]),
        )


def person_invite(
    *,
    actor,
    email,
    full_name,
    role,
    title="",
    is_clinic_admin=False,
    date_of_birth=None,
    care_team=(),
    build_absolute_uri,
):
    """Emails the new person a set-password link; returns the Invitation. An address with an
    account elsewhere gets the same answer (its owner is told), so no one learns it exists."""
    admin = require_clinic_admin(actor)
    clinic = admin.clinic
    email = User.objects.normalize_email(email).strip().lower()
    if role not in (ROLE_PROVIDER, ROLE_CLIENT):
        raise ValidationError({"role": _("Choose care provider or client.")})
    _refuse_fields_of_other_role(
        role,
        title=title,
        is_clinic_admin=is_clinic_admin,
        date_of_birth=date_of_birth,
        care_team=list(care_team),
    )
    if Invitation.objects.pending().filter(clinic=clinic, email__iexact=email).exists():
        raise ValidationError({"email": ALREADY_INVITED})
    existing = (
        User.objects.select_related("careprovider", "client").filter(email__iexact=email).first()
    )
    if existing is not None and _clinic_id_of_person(existing) == clinic.pk:
        raise ValidationError({"email": EMAIL_TAKEN})

    with transaction.atomic():
        invitation = Invitation(
            clinic=clinic,
            email=email,
            full_name=full_name.strip(),
            role=role,
            invited_by=admin,
            key=invitations.new_key(),
        )
        if existing is None:
            user = User(email=email, full_name=full_name.strip())
            user.set_unusable_password()
            user.full_clean()
            user.save()
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
            if role == ROLE_PROVIDER:
                profile = CareProvider(
                    user=user, clinic=clinic, title=title.strip(), is_clinic_admin=is_clinic_admin
                )
                profile.full_clean()
                profile.save()
            else:
                profile = Client(user=user, clinic=clinic, date_of_birth=date_of_birth)
                profile.full_clean()
                profile.save()
                _set_care_team(client=profile, providers=care_team)
            invitation.user = user
            record(action=f"{role}.invite", user=actor, obj=profile)
        invitation.save()
        record(action="invitation.send", user=actor, obj=invitation)
        _send_invitation(invitation=invitation, build_absolute_uri=build_absolute_uri)
    return invitation


def _send_invitation(*, invitation, build_absolute_uri):
    """The set-password link, or (for an address with an account elsewhere) a note to its
    owner; sent once the transaction commits, so a rolled-back invitation sends nothing."""
    clinic = invitation.clinic
    context = {
        "invitation": invitation,
        "user": invitation.user,
        "clinic": clinic,
        "inviter": invitation.invited_by,
        "role": invitation.role,
        "valid_days": invitations.valid_days(),
    }
    if invitation.user is not None:
        token = invitations.make_token(invitation)
        path = reverse("clinic:invitation-accept", kwargs={"token": token})
        context["link"] = build_absolute_uri(path)
        template = "clinic/email/invitation.txt"
        reader = invitation.user
    else:
        template = "clinic/email/invitation_elsewhere.txt"
        reader = User.objects.filter(email__iexact=invitation.email).first()
    # A new invitee has no language yet: the inviting admin's; an existing owner's own choice.
    language = email_language(reader) if reader is not None else translation.get_language()
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = gettext("You are invited to %(clinic)s on CareSessions") % {"clinic": clinic.name}
        body = render_to_string(template, context)
    email = invitation.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))


def _pending_invitation_of_clinic(admin, invitation):
    if invitation.clinic_id != admin.clinic_id:
        raise ValidationError(_("This invitation is not of your clinic."))
    if not invitation.is_pending:
        raise ValidationError(_("This invitation was already accepted or revoked."))


def invitation_resend(*, actor, invitation, build_absolute_uri):
    """A new link (the old one stops working at once) and a new seven days."""
    admin = require_clinic_admin(actor)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _pending_invitation_of_clinic(admin, invitation)
        invitation.key = invitations.new_key()
        invitation.sent_at = timezone.now()
        invitation.invited_by = admin
        invitation.save(update_fields=["key", "sent_at", "invited_by"])
        record(action="invitation.resend", user=actor, obj=invitation)
        _send_invitation(invitation=invitation, build_absolute_uri=build_absolute_uri)
    return invitation


def invitation_revoke(*, actor, invitation):
    """The link stops working; the account made for it goes too, unless records hold it."""
    admin = require_clinic_admin(actor)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _pending_invitation_of_clinic(admin, invitation)
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(action="invitation.revoke", user=actor, obj=invitation)
        user = invitation.user
        if user is not None and not user.has_usable_password() and user.last_login is None:
            _remove_unused_account(user)
    return invitation


def _remove_unused_account(user):
    # Sessions already scheduled for an invited client keep the account: it is deactivated.
    try:
        with transaction.atomic():
            for profile in (user.provider_profile, user.client_profile):
                if profile is not None:
                    profile.delete()
            user.delete()
    except ProtectedError:
        user.is_active = False
        user.save(update_fields=["is_active"])


def chosen_language(user, *, default):
    """The language `user` chose on their account page, else `default`."""
    return user.language if user.language in dict(settings.LANGUAGES) else default


def email_language(user):
    return chosen_language(user, default=translation.get_language() or settings.LANGUAGE_CODE)


def invitation_accept(*, token, password):
    invitation = invitations.invitation_for_token(token)
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid any more."))
    user = invitation.user
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        # Opening the emailed link proves the address is theirs.
        EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
        record(action="invitation.accept", user=user, obj=user)
    return user


def _set_care_team(*, client, providers):
    providers = list(providers)
    foreign = [p for p in providers if p.clinic_id != client.clinic_id]
    if foreign:
        raise ValidationError({"care_team": FOREIGN_CARE_TEAM_MEMBER})
    wanted = {p.pk for p in providers}
    current = set(client.memberships.values_list("provider_id", flat=True))
    client.memberships.filter(provider_id__in=current - wanted).delete()
    CareTeamMembership.objects.bulk_create(
        [CareTeamMembership(client=client, provider_id=pk) for pk in wanted - current]
    )


def care_team_set(*, actor, client, providers):
    admin = require_clinic_admin(actor)
    if client.clinic_id != admin.clinic_id:
        raise ValidationError(_("This client is not in your clinic."))
    with transaction.atomic():
        _set_care_team(client=client, providers=providers)
        record(action="careteam.set", user=actor, obj=client)


def _profile_of_clinic(admin, profile):
    if profile.clinic_id != admin.clinic_id:
        raise ValidationError(_("This person is not in your clinic."))


def _full_name(value):
    name = (value or "").strip()
    if not name:
        raise ValidationError({"full_name": _("Enter the person's full name.")})
    return name


def provider_update(*, actor, provider, full_name, title, is_clinic_admin, clients):
    """Name, title, administrator flag and the care teams (clients) a provider is on."""
    admin = require_clinic_admin(actor)
    _profile_of_clinic(admin, provider)
    if provider.pk == admin.pk and not is_clinic_admin:
        raise ValidationError({"is_clinic_admin": OWN_ADMIN_FLAG})
    clients = list(clients)
    if any(client.clinic_id != admin.clinic_id for client in clients):
        raise ValidationError({"clients": _("Choose clients of your clinic.")})
    with transaction.atomic():
        user = provider.user
        user.full_name = _full_name(full_name)
        user.save(update_fields=["full_name"])
        provider.title = (title or "").strip()
        provider.is_clinic_admin = bool(is_clinic_admin)
        provider.full_clean()
        provider.save(update_fields=["title", "is_clinic_admin"])
        wanted = {client.pk for client in clients}
        current = set(provider.memberships.values_list("client_id", flat=True))
        provider.memberships.filter(client_id__in=current - wanted).delete()
        CareTeamMembership.objects.bulk_create(
            [CareTeamMembership(client_id=pk, provider=provider) for pk in wanted - current]
        )
        record(action="provider.update", user=actor, obj=provider)
    return provider


def client_update(*, actor, client, full_name, date_of_birth, care_team):
    admin = require_clinic_admin(actor)
    _profile_of_clinic(admin, client)
    with transaction.atomic():
        user = client.user
        user.full_name = _full_name(full_name)
        user.save(update_fields=["full_name"])
        client.date_of_birth = date_of_birth
        client.full_clean()
        client.save(update_fields=["date_of_birth"])
        _set_care_team(client=client, providers=care_team)
        record(action="client.update", user=actor, obj=client)
    return client


def person_deactivate(*, actor, profile):
    """They can't log in, their log-in sessions end, their records stay. Flipping is_active
    here, and only here, lets other parts (API tokens) follow the change through signals."""
    admin = require_clinic_admin(actor)
    _profile_of_clinic(admin, profile)
    user = profile.user
    if user.pk == admin.user_id:
        raise ValidationError(_("You cannot deactivate yourself; ask another administrator."))
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        Invitation.objects.pending().filter(user=user).update(revoked_at=timezone.now())
        record(action="person.deactivate", user=actor, obj=profile)
        end_login_sessions(user)
    return profile


def person_reactivate(*, actor, profile):
    admin = require_clinic_admin(actor)
    _profile_of_clinic(admin, profile)
    user = profile.user
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        record(action="person.reactivate", user=actor, obj=profile)
    return profile


def end_login_sessions(user):
    """Delete every stored log-in session of `user` (database-backed session engines)."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        return
    model = store_class.get_model_class()
    wanted = str(user.pk)
    live = model.objects.filter(expire_date__gt=timezone.now())
    for stored in live.iterator():
        if str(stored.get_decoded().get(SESSION_KEY)) == wanted:
            # Through the store: cached_db forgets its cached copy as well.
            store_class(session_key=stored.session_key).delete()


def api_token_create(*, user, name):
    """A new token of `user`'s own; returns (token, key). The key is kept nowhere: only its hash."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(
            {"name": _("Give the token a name, such as the program that uses it.")}
        )
    with transaction.atomic():
        token, key = ApiToken.objects.create(
            user=user, name=name[:100], expiry=timedelta(seconds=settings.API_TOKEN_TTL)
        )
        record(
            action="api_token.create", user=user, object_type="api_token", object_id=token.pk[:16]
        )
    return token, key


def api_token_delete(*, user, token_id):
    """Delete one of `user`'s own tokens, by its id (the key's hash); False when none is theirs."""
    with transaction.atomic():
        deleted = ApiToken.objects.filter(user=user, digest=token_id).delete()[0] > 0
        if deleted:
            record(
                action="api_token.delete",
                user=user,
                object_type="api_token",
                object_id=token_id[:16],
            )
    return deleted


def api_tokens_delete_all(*, user, reason):
    """Every token of `user`, on a password change or deactivation (clinic/signals.py)."""
    deleted = ApiToken.objects.filter(user_id=user.pk).delete()[0]
    if deleted:
        record(
            action=f"api_token.delete_all.{reason}",
            user=user,
            object_type="user",
            object_id=str(user.uuid),
        )
    return deleted


def user_language_set(*, user, language):
    """The language of a person's pages and emails; "" follows their browser."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    user.language = language
    user.save(update_fields=["language"])
    return user
