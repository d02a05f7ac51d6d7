"""Deployment checks of the project's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.translation import gettext as _


@register(Tags.security, deploy=True)
def mfa_required_check(app_configs, **kwargs):
    if settings.MFA_REQUIRED or settings.DEBUG:
        return []
    return [
        Error(
            _(
                "MFA_REQUIRED is off while DEBUG is off: providers and staff could see "
                "client records without two-factor authentication."
            ),
            hint=_("Only the local demo may run without it; unset MFA_REQUIRED (on by default)."),
            id="clinic.E001",
        )
    ]


@register(Tags.security, Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    # A per-process cache would count log-in tries and used TOTP codes per worker, not overall.
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    if settings.DEBUG or backend not in {"LocMemCache", "DummyCache"}:
        return []
    return [
        Warning(
            _(
                "The cache (%(backend)s) is not shared between processes: log-in rate "
                "limits and TOTP replay protection would not hold with several workers."
            )
            % {"backend": backend},
            hint=_("Set REDIS_URL (or CACHE_URL to another shared cache)."),
            id="clinic.W001",
        )
    ]


# Backends that keep mail on this server: reset and invitation links (account take-overs) would
# land in its log or files instead of the person's mailbox.
LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


@register(Tags.security, deploy=True)
def email_backend_check(app_configs, **kwargs):
    if settings.DEBUG or settings.EMAIL_BACKEND not in LOCAL_EMAIL_BACKENDS:
        return []
    return [
        Error(
            _(
                "Email goes to %(backend)s while DEBUG is off: password-reset and invitation "
                "links, which open accounts, would be written on this server, not sent."
            )
            % {"backend": settings.EMAIL_BACKEND.rsplit(".", 2)[-2]},
            hint=_("Set EMAIL_URL to your mail server, e.g. smtp+tls://user:password@host:587."),
            id="clinic.E002",
        )
    ]
