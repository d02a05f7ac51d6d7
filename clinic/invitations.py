"""Invitation links: signed, time-limited, and dead once the password is set."""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import User

_SALT = "clinic.invitation"


def _state(user):
    # Changes as soon as a password is set or the person logs in, so a link works once.
    last_login = "" if user.last_login is None else user.last_login.replace(microsecond=0)
    return salted_hmac(_SALT, f"{user.pk}{user.password}{last_login}").hexdigest()[:32]


def valid_days():
    return max(1, round(settings.INVITATION_TIMEOUT / 86400))


def make_token(user):
    return signing.dumps({"u": str(user.uuid), "s": _state(user)}, salt=_SALT, compress=True)


def user_for_token(token):
    """None if the token is forged, expired or used."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.INVITATION_TIMEOUT)
        user = User.objects.get(uuid=data["u"], is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    if not constant_time_compare(data.get("s", ""), _state(user)):
        return None
    return user
