"""Every write about clinics and people. Views, forms and the admin call these."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.services import record

from . import invitations
from .models import CareProvider, CareTeamMembership, Client, User
from .permissions import require_clinic_admin

ROLE_PROVIDER = "provider"
ROLE_CLIENT = "client"
FOREIGN_CARE_TEAM_MEMBER = _("Care-team members must be providers of the client's clinic.")
EMAIL_TAKEN = _("A person with this email address already has an account.")


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
    """Emails the new person a link to set their password; returns the CareProvider or Client."""
    admin = require_clinic_admin(actor)
    clinic = admin.clinic
    email = User.objects.normalize_email(email).strip().lower()
    if role not in (ROLE_PROVIDER, ROLE_CLIENT):
        raise ValidationError({"role": _("Choose care provider or client.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": EMAIL_TAKEN})

    with transaction.atomic():
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
        record(action=f"{role}.invite", user=actor, obj=profile)

        link = build_absolute_uri(
            reverse("clinic:invitation-accept", kwargs={"token": invitations.make_token(user)})
        )
        context = {
            "user": user,
            "clinic": clinic,
            "inviter": admin,
            "link": link,
            "role": role,
            "valid_days": invitations.valid_days(),
        }
        # The invitee has no language yet: the inviting admin's.
        with translation.override(email_language(user)):
            subject = gettext("You are invited to %(clinic)s on CareSessions") % {
                "clinic": clinic.name
            }
            body = render_to_string("clinic/email/invitation.txt", context)
        # Only once the account really exists: a rolled-back invitation sends nothing.
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return profile


def chosen_language(user, *, default):
    """The language `user` chose on their account page, else `default`."""
    return user.language if user.language in dict(settings.LANGUAGES) else default


def email_language(user):
    return chosen_language(user, default=translation.get_language() or settings.LANGUAGE_CODE)


def invitation_accept(*, token, password):
    user = invitations.user_for_token(token)
    if user is None:
        raise ValidationError(_("This invitation link is not valid any more."))
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
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


def api_token_create(*, user):
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        record(action="api_token.create", user=user)
        return Token.objects.create(user=user)


def api_token_revoke(*, user):
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        revoked = Token.objects.filter(user=user).delete()[0] > 0
        if revoked:
            record(action="api_token.revoke", user=user)
    return revoked


def user_language_set(*, user, language):
    """The language of a person's pages and emails; "" follows their browser."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    user.language = language
    user.save(update_fields=["language"])
    return user
