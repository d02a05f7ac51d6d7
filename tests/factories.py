import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from factory.django import DjangoModelFactory

from clinic.models import CareProvider, CareTeamMembership, Client, Clinic, User

PASSWORD = "correct-horse-battery-staple"


class ClinicFactory(DjangoModelFactory):
    class Meta:
        model = Clinic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    time_zone = "America/New_York"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    is_staff = False
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def email_address(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        """An activated authenticator app (tests.mfa_helpers.totp_code gives its codes): by
        default for staff and, through ProviderFactory, providers, who may not see client
        records without one. `mfa=False` makes one who has not set it up yet."""
        if create and (self.is_staff if extracted is None else extracted):
            TOTP.activate(self, generate_totp_secret())


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = CareProvider

    user = factory.SubFactory(UserFactory, mfa=True)
    clinic = factory.SubFactory(ClinicFactory)
    title = "Counsellor"
    is_clinic_admin = False


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)

    @factory.post_generation
    def care_team(self, create, extracted, **kwargs):
        if create and extracted:
            for provider in extracted:
                CareTeamMembership.objects.create(client=self, provider=provider)
