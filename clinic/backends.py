from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from .compiled import CompiledQuery


def _user_with_role(user_id):
    has_totp = Exists(
        Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
    )
    return (
        get_user_model()
        ._default_manager.select_related("careprovider__clinic", "client__clinic")
        .annotate(has_totp=has_totp)
        .filter(pk=user_id)
    )


# Every request of a logged-in person runs it: its SQL is written once (a millisecond of
# building and compiling saved on each request).
_user_by_id = CompiledQuery(_user_with_role, -1_000_001)


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, loading the person's role profile and clinic with the user in
    one query: every page needs them (navigation, time zone, scoping), and whether they have
    an authenticator app (clinic.security.MFARequiredMiddleware asks on every page)."""

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        users = _user_by_id(user_id)
        if not users:
            return None
        return users[0] if self.user_can_authenticate(users[0]) else None
