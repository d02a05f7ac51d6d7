from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, loading `has_totp` in the token's query (MFAEnrolled asks on every request)."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        has_totp = Exists(
            Authenticator.objects.filter(user_id=OuterRef("user_id"), type=Authenticator.Type.TOTP)
        )
        try:
            token = (
                model.objects.select_related("user").annotate(user_has_totp=has_totp).get(key=key)
            )
        except model.DoesNotExist as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user.has_totp = token.user_has_totp
        return (token.user, token)
