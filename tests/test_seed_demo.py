"""`manage.py seed_demo`: exactly the demo people of DESIGN.md section 7, idempotent."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client as HttpClient

from clinic.models import CareProvider, Client, Clinic, User

from .rows import row_counts

# The demo's accounts are for `make run`, which runs without the two-factor requirement.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_not_required")]

CLINICS = {
    "Northside Therapy": "America/New_York",
    "Riverside Counseling": "Europe/London",
}
# email: (clinic, clinic admin?) for providers; email: (clinic, care team) for clients.
PROVIDERS = {
    "ava@northside.example": ("Northside Therapy", True),
    "ben@northside.example": ("Northside Therapy", False),
    "cara@northside.example": ("Northside Therapy", False),
    "dan@riverside.example": ("Riverside Counseling", False),
}
CLIENTS = {
    "chloe@northside.example": (
        "Northside Therapy",
        {"ava@northside.example", "ben@northside.example"},
    ),
    "dylan@northside.example": ("Northside Therapy", {"ava@northside.example"}),
    "erin@riverside.example": ("Riverside Counseling", {"dan@riverside.example"}),
}
SUPERUSER = "admin@example.com"
LANDING = (
    {SUPERUSER: "/admin/"}
    | dict.fromkeys(PROVIDERS, "/provider/")
    | dict.fromkeys(CLIENTS, "/portal/")
)


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def log_in(email, password):
    http_client = HttpClient()
    response = http_client.post(
        "/accounts/login/", {"login": email, "password": password}, follow=True
    )
    return response


def test_seed_demo_creates_exactly_the_listed_accounts():
    seed()
    assert set(User.objects.values_list("email", flat=True)) == {
        SUPERUSER,
        *PROVIDERS,
        *CLIENTS,
    }
    admin = User.objects.get(email=SUPERUSER)
    assert admin.is_superuser and admin.is_staff
    assert admin.role == ""
    for user in User.objects.exclude(email=SUPERUSER):
        assert not user.is_staff and not user.is_superuser, user.email
    # Every account can use password reset: its address is on file and verified.
    assert set(
        EmailAddress.objects.filter(primary=True, verified=True).values_list("email", flat=True)
    ) == set(LANDING)


def test_seed_demo_creates_the_two_clinics_with_their_time_zones():
    seed()
    assert dict(Clinic.objects.values_list("name", "time_zone")) == CLINICS


def test_seed_demo_gives_providers_their_clinic_and_admin_flag():
    seed()
    actual = {
        provider.user.email: (provider.clinic.name, provider.is_clinic_admin)
        for provider in CareProvider.objects.select_related("user", "clinic")
    }
    assert actual == PROVIDERS


def test_seed_demo_gives_clients_their_clinic_and_care_team():
    seed()
    actual = {
        client.user.email: (client.clinic.name, {p.user.email for p in client.care_team.all()})
        for client in Client.objects.select_related("user", "clinic").prefetch_related(
            "care_team__user"
        )
    }
    assert actual == CLIENTS


def test_cara_is_on_nobodys_care_team():
    seed()
    assert not CareProvider.objects.get(user__email="cara@northside.example").clients.exists()


def test_every_demo_account_logs_in_with_the_default_password_and_reaches_its_dashboard():
    output = seed()
    for email, landing in LANDING.items():
        response = log_in(email, "demo-pass-123")
        assert response.redirect_chain[-1][0] == landing, email
        assert response.status_code == 200, email
        assert response.wsgi_request.user.email == email  # logged in as that person
        assert email in output


def test_password_option_sets_the_password_of_every_account():
    seed("--password", "another-demo-pass-9")
    for email in LANDING:
        user = User.objects.get(email=email)
        assert user.check_password("another-demo-pass-9"), email
        assert not user.check_password("demo-pass-123"), email
    response = log_in("chloe@northside.example", "another-demo-pass-9")
    assert response.redirect_chain[-1][0] == "/portal/"


def test_running_seed_demo_twice_creates_nothing_new():
    seed()
    first = row_counts()
    assert first["clinic.User"] == len(LANDING)
    seed()
    assert row_counts() == first


def test_running_seed_demo_twice_keeps_the_existing_password():
    seed()
    seed("--password", "another-demo-pass-9")
    assert User.objects.get(email="ava@northside.example").check_password("demo-pass-123")
