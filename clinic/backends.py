from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, loading the person's role profile and clinic with the user in
    one query: every page needs them (navigation, time zone, scoping), and whether they have
    an authenticator app (clinic.security.MFARequiredMiddleware asks on every page)."""

    def get_user(self, user_id):
        user_model = get_user_model()
        has_totp = Exists(
            Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
        )
        try:
            user = (
                user_model._default_manager.select_related("careprovider__clinic", "client__clinic")
                .annotate(has_totp=has_totp)
                .get(pk=user_id)
            )
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
