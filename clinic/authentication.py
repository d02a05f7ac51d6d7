"""API tokens: knox's hashed keys, sent as `Authorization: Token <key>` or `Bearer <key>`."""

import binascii
from datetime import timedelta
from hmac import compare_digest

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from . import services
from .models import ApiToken

# `Token` for the clients of before; `Bearer` (RFC 6750) is what generated clients send.
SCHEMES = (b"token", b"bearer")
# Last use is noted at most once a minute: not one write per request.
LAST_USE_RESOLUTION = timedelta(minutes=1)


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's, with both schemes, `has_totp` loaded in the token's query (MFAEnrolled asks on
    every request), expired tokens refused (not deleted on the request path) and last use."""

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in SCHEMES:
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        return self.authenticate_credentials(auth[1])

    def authenticate_credentials(self, token):
        try:
            key = token.decode()
            digest = hash_token(key)
        except (UnicodeDecodeError, TypeError, binascii.Error) as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        has_totp = Exists(
            Authenticator.objects.filter(user_id=OuterRef("user_id"), type=Authenticator.Type.TOTP)
        )
        candidates = (
            ApiToken.objects.filter(token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user")
            .annotate(user_has_totp=has_totp)
        )
        now = timezone.now()
        for api_token in candidates:
            if not compare_digest(digest, api_token.digest):
                continue
            if api_token.expiry is not None and api_token.expiry <= now:
                raise exceptions.AuthenticationFailed(_("Token expired."))
            user = api_token.user
            if not user.is_active:
                raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
            user.has_totp = api_token.user_has_totp
            _note_use(api_token, now)
            return (user, api_token)
        raise exceptions.AuthenticationFailed(_("Invalid token."))

    def authenticate_header(self, request):
        return "Token"


def _note_use(api_token, now):
    last = api_token.last_used_at
    if last is None or now - last >= LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        api_token.last_used_at = now


class TokenScheme(OpenApiAuthenticationExtension):
    """Either scheme will do (OR): `Bearer` as an http scheme tools understand, `Token` as a
    header for the clients of before. Priority over drf-spectacular's own knox extension."""

    target_class = TokenAuthentication
    name = ["bearerAuth", "tokenAuth"]
    priority = 1

    def get_security_requirement(self, auto_schema):
        return [{"bearerAuth": []}, {"tokenAuth": []}]

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token, made on the account's API token page.",
            },
            build_bearer_security_scheme_object(
                header_name="Authorization",
                token_prefix="Token",  # noqa: S106 - the scheme's word, not a secret
            ),
        ]


# --- tokens follow the person: whatever code changes a password or deactivates someone ---------


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api_tokens_follow_user")
def _tokens_follow_user(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return
    # set_password() keeps the new raw password until save() ends; a hasher's upgrade of the
    # stored hash at log-in clears it first, so only a real change of password counts here.
    if instance._password is not None:
        services.api_tokens_delete_all(user=instance, reason="password")
    elif not instance.is_active and (update_fields is None or "is_active" in update_fields):
        services.api_tokens_delete_all(user=instance, reason="deactivated")
