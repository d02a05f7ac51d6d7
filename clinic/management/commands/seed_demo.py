import os

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from clinic import demo
from clinic.models import CareProvider, CareTeamMembership, Client, Clinic, User


class Command(BaseCommand):
    help = "Create the demo clinics, people and care teams (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=demo.DEFAULT_PASSWORD,
            help=f"Password for every demo account (default: {demo.DEFAULT_PASSWORD}).",
        )

    @transaction.atomic
    def handle(self, *args, password, **options):
        created = 0
        clinics = {}
        for spec in demo.CLINICS:
            clinic, made = Clinic.objects.get_or_create(
                slug=spec["slug"], defaults={"name": spec["name"], "time_zone": spec["time_zone"]}
            )
            # Also for a demo seeded before clinics had crisis contacts.
            if not clinic.crisis_contacts:
                clinic.crisis_contacts = spec["crisis_contacts"]
                clinic.save(update_fields=["crisis_contacts"])
            clinics[spec["slug"]] = clinic
            created += made

        _, made = self._user(demo.SUPERUSER, password, is_staff=True, is_superuser=True)
        created += made

        providers = {}
        for spec in demo.PROVIDERS:
            user, made = self._user(spec, password)
            created += made
            providers[spec["email"]], made = CareProvider.objects.get_or_create(
                user=user,
                defaults={
                    "clinic": clinics[spec["clinic"]],
                    "title": spec["title"],
                    "is_clinic_admin": spec["is_clinic_admin"],
                },
            )
            created += made

        clients = {}
        for spec in demo.CLIENTS:
            user, made = self._user(spec, password)
            created += made
            client, made = Client.objects.get_or_create(
                user=user, defaults={"clinic": clinics[spec["clinic"]]}
            )
            created += made
            clients[spec["email"]] = client
            for email in spec["care_team"]:
                _, made = CareTeamMembership.objects.get_or_create(
                    client=client, provider=providers[email]
                )
                created += made

        created += self.seed_sessions(clients=clients, providers=providers)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} objects created)."))
        # `make run` passes the address it serves on (HOST, PORT): the one printed is the real one.
        address = (
            f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}/"
        )
        self.stdout.write(f"Log in at {address} with any of these accounts:")
        for spec in [demo.SUPERUSER, *demo.PROVIDERS, *demo.CLIENTS]:
            self.stdout.write(f"  {spec['email']:<28} password: {password}")

    def seed_sessions(self, *, clients, providers):
        """Sessions for the demo clients: weekly series with homework, feedback, messages."""
        from sessions_app.demo import seed_sessions

        return seed_sessions(clients=clients, providers=providers)

    def _user(self, spec, password, **flags):
        user, made = User.objects.get_or_create(
            email=spec["email"], defaults={"full_name": spec["full_name"], **flags}
        )
        if made:
            user.set_password(password)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": True}
        )
        return user, made
