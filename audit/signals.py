from django.apps import apps
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from .models import AuditEvent
from .services import record


@receiver(auth_signals.user_logged_in)
def logged_in(sender, request, user, **kwargs):
    record(action="login", user=user, request=request)


@receiver(auth_signals.user_logged_out)
def logged_out(sender, request, user, **kwargs):
    record(action="logout", user=user, request=request)


@receiver(auth_signals.user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    # The address tried is kept (to see attacks on one account); the password never is.
    email = str(credentials.get("email") or credentials.get("username") or "")
    record(
        action="login",
        outcome=AuditEvent.Outcome.FAILED,
        request=request,
        email=email,
    )


def _mfa(action):
    def receiver_(sender, request=None, user=None, authenticator=None, **kwargs):
        record(
            action=action,
            user=user,
            object_type="authenticator",
            object_id=str(getattr(authenticator, "type", "") or ""),
            request=request,
        )

    return receiver_


mfa_added = _mfa("mfa.added")
mfa_removed = _mfa("mfa.removed")
mfa_reset = _mfa("mfa.recovery_codes_reset")

if apps.is_installed("allauth.mfa"):
    from allauth.mfa import signals as mfa_signals

    mfa_signals.authenticator_added.connect(mfa_added, dispatch_uid="audit.mfa.added")
    mfa_signals.authenticator_removed.connect(mfa_removed, dispatch_uid="audit.mfa.removed")
    mfa_signals.authenticator_reset.connect(mfa_reset, dispatch_uid="audit.mfa.reset")
