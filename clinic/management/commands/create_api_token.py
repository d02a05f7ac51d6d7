"""Make an API token for a person and print its key, once (only its hash is kept)."""

from django.core.management.base import BaseCommand, CommandError

from clinic import selectors, services


class Command(BaseCommand):
    help = "Make an API token for the person with this email address; the key is printed once."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Command line", help="What the token is for.")

    def handle(self, *args, email, name, **options):
        user = selectors.user_with_email(email=email)
        if user is None or not user.is_active:
            raise CommandError(f"No active person has the address {email}.")
        token, key = services.api_token_create(user=user, name=name)
        expires = f"{token.expiry:%Y-%m-%d}"
        self.stderr.write(f"Token “{token.name}” for {user.email}, expires {expires}:")
        # The key alone on stdout, so that scripts can read it: KEY=$(manage.py create_api_token …)
        self.stdout.write(key)
