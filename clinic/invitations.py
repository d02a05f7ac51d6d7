"""Invitation links: signed, time-limited, dead once the password is set, re-sent or revoked."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac

from .models import Invitation

_SALT = "clinic.invitation"


def _state(user):
    # Changes as soon as a password is set or the person logs in, so a link works once.
    last_login = "" if user.last_login is None else user.last_login.replace(microsecond=0)
    return salted_hmac(_SALT, f"{user.pk}{user.password}{last_login}").hexdigest()[:32]


def valid_days():
    return max(1, round(settings.INVITATION_TIMEOUT / 86400))


def new_key():
    return get_random_string(32)


def make_token(invitation):
    data = {"i": str(invitation.uuid), "k": invitation.key, "s": _state(invitation.user)}
    return signing.dumps(data, salt=_SALT, compress=True)


def invitation_for_token(token):
    """The pending invitation (with its user) of a link, or None if the link is forged,
    expired, used, replaced by a re-sent one, or revoked."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.INVITATION_TIMEOUT)
        invitation = (
            Invitation.objects.pending()
            .select_related("user")
            .get(uuid=data["i"], user__is_active=True)
        )
    except (
        signing.BadSignature,
        Invitation.DoesNotExist,
        ValidationError,
        KeyError,
        TypeError,
        ValueError,
    ):
        return None
    if not constant_time_compare(data.get("k", ""), invitation.key):
        return None
    if not constant_time_compare(data.get("s", ""), _state(invitation.user)):
        return None
    return invitation


def user_for_token(token):
    invitation = invitation_for_token(token)
    return None if invitation is None else invitation.user
