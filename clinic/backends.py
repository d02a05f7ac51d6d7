from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from . import selectors


class AuthenticationBackend(AllauthBackend):
    """allauth's, loading role profile, clinic and `has_totp` with the user (every page)."""

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = selectors.user_with_role(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
