from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from . import selectors, services


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts are created by a clinic's invitation, never by open sign-up.
        return False

    def send_mail(self, template_prefix, email, context):
        """allauth's emails in the recipient's chosen language, else the request's."""
        user = context.get("user") or selectors.user_with_email(email=email)
        if user is None:
            return super().send_mail(template_prefix, email, context)
        with translation.override(services.email_language(user)):
            return super().send_mail(template_prefix, email, context)
