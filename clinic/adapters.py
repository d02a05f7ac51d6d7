from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from . import failures, selectors, services


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts are created by a clinic's invitation, never by open sign-up.
        return False

    def authenticate(self, request, **credentials):
        """allauth's, but an attempt the database could not check is no failed log-in: allauth
        counts the attempt (per account and per IP) before checking it, so take it back."""
        try:
            return super().authenticate(request, **credentials)
        except failures.DATABASE_ERRORS:
            self._rollback_login_failed_rl_usage()
            raise

    def send_mail(self, template_prefix, email, context):
        """allauth's emails in the recipient's chosen language, else the request's."""
        user = context.get("user") or selectors.user_with_email(email=email)
        if user is None:
            return super().send_mail(template_prefix, email, context)
        with translation.override(services.email_language(user)):
            return super().send_mail(template_prefix, email, context)
