"""Persona fixtures: a clinic with a care team, outsiders of the same and another clinic."""

import os

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from .api_helpers import token_client
from .factories import ClientFactory, ClinicFactory, ProviderFactory, UserFactory

# Property-based tests (tests/test_properties.py): 200 examples each in CI, fewer while
# developing; HYPOTHESIS_PROFILE chooses. Their examples reuse the test's personas (each
# example rolls back what it wrote) and make real requests: no deadline.
_HYPOTHESIS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
hypothesis_settings.register_profile("ci", max_examples=200, print_blob=True, **_HYPOTHESIS)
hypothesis_settings.register_profile("dev", max_examples=25, **_HYPOTHESIS)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
)


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth keeps its rate-limit counters in the cache: no test may inherit another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mfa_not_required(settings):
    """The local demo's configuration (`make run` sets MFA_REQUIRED=0): its providers have
    no authenticator app."""
    settings.MFA_REQUIRED = False


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Northside Therapy", slug="northside", time_zone="America/New_York")


@pytest.fixture
def other_clinic(db):
    return ClinicFactory(name="Riverside Counseling", slug="riverside", time_zone="Europe/London")


@pytest.fixture
def clinic_admin(clinic):
    """A provider who administers the clinic and is on the care team."""
    return ProviderFactory(
        clinic=clinic,
        user__email="ava@northside.test",
        user__full_name="Ava Admin",
        is_clinic_admin=True,
    )


@pytest.fixture
def provider(clinic):
    """A provider on the care team (not an admin)."""
    return ProviderFactory(
        clinic=clinic, user__email="ben@northside.test", user__full_name="Ben Provider"
    )


@pytest.fixture
def off_team_provider(clinic):
    """A provider of the same clinic who is not on the care team."""
    return ProviderFactory(
        clinic=clinic, user__email="cara@northside.test", user__full_name="Cara Offteam"
    )


@pytest.fixture
def other_clinic_provider(other_clinic):
    return ProviderFactory(
        clinic=other_clinic,
        user__email="dan@riverside.test",
        user__full_name="Dan Elsewhere",
        is_clinic_admin=True,
    )


@pytest.fixture
def client_profile(clinic, clinic_admin, provider):
    """A client whose care team is the clinic admin and the provider."""
    return ClientFactory(
        clinic=clinic,
        user__email="chloe@northside.test",
        user__full_name="Chloe Client",
        care_team=[clinic_admin, provider],
    )


@pytest.fixture
def other_client(clinic, provider):
    """Another client of the same clinic, on the provider's care team."""
    return ClientFactory(
        clinic=clinic,
        user__email="dylan@northside.test",
        user__full_name="Dylan Other",
        care_team=[provider],
    )


@pytest.fixture
def other_clinic_client(other_clinic, other_clinic_provider):
    return ClientFactory(
        clinic=other_clinic,
        user__email="erin@riverside.test",
        user__full_name="Erin Elsewhere",
        care_team=[other_clinic_provider],
    )


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.test", is_staff=True, is_superuser=True)


@pytest.fixture
def login(client):
    """Log a user in on the Django test client and return that client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def session(client_profile, provider, clinic_admin):
    """An in-progress session of the client, held by the provider, with two homework items."""
    from .sessions_helpers import schedule

    return schedule(
        by=clinic_admin, client=client_profile, provider=provider, homework=["Journal", "Walk"]
    )[0]


@pytest.fixture(autouse=True, scope="session")
def _jinja2_templates_are_seen_by_the_test_client():
    """Django's test client learns a page's context from the template_rendered signal, which
    only its own engine sends: the Jinja2 pages send it too in tests (response.context)."""
    from django.template.backends import jinja2 as backend
    from django.test.signals import template_rendered

    render = backend.Template.render

    def render_and_tell(self, context=None, request=None):
        shown = dict(context or {})
        template_rendered.send(sender=self, template=self, context=shown)
        return render(self, context, request)

    backend.Template.render = render_and_tell
    yield
    backend.Template.render = render


# The API as Ben (a provider on the care team) and as Chloe (the client), by token.
@pytest.fixture
def ben(provider):
    return token_client(provider.user)


@pytest.fixture
def chloe(client_profile):
    return token_client(client_profile.user)
