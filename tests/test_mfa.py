"""Two-factor authentication: required for providers and staff, optional for clients; codes
cannot be replayed; sensitive account changes ask for the password again."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.contrib.auth import SESSION_KEY
from django.core.checks import run_checks
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from .api_helpers import new_token_key
from .factories import PASSWORD, ClientFactory, ProviderFactory, UserFactory
from .mfa_helpers import (
    MFA_URL,
    code_for_secret,
    log_in,
    totp_code,
    totp_secret,
    wait_for_fresh_totp_period,
)
from .test_accounts import _url_names_by_access

ACTIVATE_URL = "/accounts/2fa/totp/activate/"
REAUTH_URL = "/accounts/reauthenticate/"
MFA_MESSAGE = "need two-factor authentication to see client records"
# Pages a provider without an authenticator app may still open (clinic.security).
SETUP_PAGES = {
    "account_logout",
    "account_reauthenticate",
    "account_change_password",
    "account_set_password",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_reauthenticate",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
}


@pytest.fixture
def provider_without_mfa(clinic, client_profile):
    provider = ProviderFactory(clinic=clinic, user__email="new@northside.test", user__mfa=False)
    client_profile.care_team.add(provider)
    return provider


def _is_logged_in(http_client):
    return SESSION_KEY in http_client.session


# Required for providers and staff


def test_provider_without_mfa_is_sent_to_set_it_up_from_every_page_but_the_setup(
    login, provider_without_mfa, session
):
    http_client = login(provider_without_mfa.user)
    _, private, _ = _url_names_by_access()
    real_pages = [
        ("sessions_app:provider-session-detail", f"/provider/sessions/{session.uuid}/"),
        ("sessions_app:provider-client-detail", f"/provider/clients/{session.client.uuid}/"),
    ]
    checked = set()
    for name, url in private + real_pages:
        if name in SETUP_PAGES:
            continue
        for method in (http_client.get, http_client.post):
            response = method(url)
            assert response.status_code == 302, (name, url, response.status_code)
            assert response["Location"] == ACTIVATE_URL, (name, url)
        checked.add(name)
    # The walk must reach the pages with client data, or it proves nothing.
    assert {
        "clinic:home",
        "clinic:api-token",
        "sessions_app:provider-dashboard",
        "sessions_app:provider-session-list",
        "sessions_app:provider-session-detail",
        "sessions_app:provider-client-detail",
        "admin:index",
    } <= checked


def test_provider_without_mfa_is_told_why_and_can_set_it_up(login, provider_without_mfa):
    http_client = login(provider_without_mfa.user)
    response = http_client.get("/provider/", follow=True)
    # allauth asks for the password before any change of authenticator.
    assert response.redirect_chain[-1][0].startswith(REAUTH_URL)
    assert MFA_MESSAGE in response.content.decode()
    http_client.post(REAUTH_URL, {"password": PASSWORD})

    page = http_client.get(ACTIVATE_URL)
    assert page.status_code == 200
    code = code_for_secret(page.context["form"].secret)
    response = http_client.post(ACTIVATE_URL, {"code": code})
    assert response.status_code == 302
    assert http_client.get("/provider/").status_code == 200


def test_provider_without_mfa_may_still_open_the_setup_and_password_pages(
    login, provider_without_mfa
):
    http_client = login(provider_without_mfa.user)
    for url in ("/accounts/2fa/", "/accounts/password/change/", "/accounts/logout/"):
        response = http_client.get(url)
        assert response.status_code == 200, url
    assert http_client.get(ACTIVATE_URL)["Location"].startswith(REAUTH_URL)


def test_staff_without_mfa_is_sent_to_set_it_up_before_the_admin(login, db):
    staff = UserFactory(email="op@example.test", is_staff=True, is_superuser=True, mfa=False)
    response = login(staff).get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_URL


def test_staff_and_providers_get_an_authenticator_from_the_factories(provider, superuser):
    # The personas of the other tests pass the requirement the way real people do.
    assert provider.user.authenticator_set.filter(type="totp").exists()
    assert superuser.authenticator_set.filter(type="totp").exists()


def test_mfa_is_optional_for_clients(login, client_profile, clinic):
    assert not client_profile.user.authenticator_set.exists()
    assert login(client_profile.user).get("/portal/").status_code == 200
    # A client who turned it on is asked for the code at log-in like a provider.
    careful = ClientFactory(clinic=clinic, user__email="careful@northside.test", user__mfa=True)
    response = HttpClient().post(
        "/accounts/login/", {"login": careful.user.email, "password": PASSWORD}
    )
    assert response["Location"] == MFA_URL


def test_mfa_required_off_lets_a_provider_without_mfa_in(login, provider_without_mfa, settings):
    settings.MFA_REQUIRED = False
    assert login(provider_without_mfa.user).get("/provider/").status_code == 200


def test_api_refuses_a_provider_without_mfa_with_a_clear_reason(provider_without_mfa, client):
    token = new_token_key(provider_without_mfa.user)
    by_token = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert by_token.status_code == 403
    assert "Two-factor authentication is required" in by_token.json()["detail"]
    assert ACTIVATE_URL in by_token.json()["detail"]

    client.force_login(provider_without_mfa.user)
    by_session = client.get("/api/v1/sessions/")
    assert by_session.status_code == 403
    assert "Two-factor authentication is required" in by_session.json()["detail"]
    assert client.get("/api/schema/").status_code == 403


def test_api_serves_a_provider_with_mfa_and_a_client_without(provider, client_profile, client):
    for user in (provider.user, client_profile.user):
        token = new_token_key(user)
        response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 200, user


def _query_count(http_client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        assert http_client.get(url, **headers).status_code == 200
    return len(queries)


def test_the_mfa_check_costs_no_query(provider, client, settings):
    # The authenticator is looked up in the query that loads the user (pages) or the
    # token (API), so the pinned query counts of every list and detail stay as they are.
    token = new_token_key(provider.user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    client.force_login(provider.user)
    _query_count(client, "/provider/")  # the first request of a session writes it
    required = (
        _query_count(client, "/provider/"),
        _query_count(HttpClient(), "/api/v1/me/", **auth),
    )
    settings.MFA_REQUIRED = False
    assert (
        _query_count(client, "/provider/"),
        _query_count(HttpClient(), "/api/v1/me/", **auth),
    ) == required


# Log-in with the second factor


def test_provider_log_in_needs_the_authenticator_code(client, provider):
    response = client.post("/accounts/login/", {"login": provider.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == MFA_URL
    assert not _is_logged_in(client)
    assert client.get("/provider/").status_code == 302

    # The code of ten minutes ago: the one an eavesdropper might have seen.
    wrong = client.post(MFA_URL, {"code": totp_code(provider.user, at=time.time() - 600)})
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert not _is_logged_in(client)

    assert client.post(MFA_URL, {"code": totp_code(provider.user)}).status_code == 302
    assert _is_logged_in(client)


def test_a_totp_code_cannot_be_replayed(provider):
    wait_for_fresh_totp_period()
    code = totp_code(provider.user)
    first = HttpClient()
    assert log_in(first, provider.user.email, code=code).status_code == 302
    assert _is_logged_in(first)

    thief = HttpClient()
    response = log_in(thief, provider.user.email, code=code)
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not _is_logged_in(thief)
    # Refused as a replay, not as expired: the code is still the current one.
    assert validate_totp_code(totp_secret(provider.user), code)


def test_each_recovery_code_works_once(provider):
    codes = RecoveryCodes.activate(provider.user).generate_codes()
    first = HttpClient()
    log_in(first, provider.user.email, code=codes[0])
    assert _is_logged_in(first)

    again = HttpClient()
    response = log_in(again, provider.user.email, code=codes[0])
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not _is_logged_in(again)

    other = HttpClient()
    log_in(other, provider.user.email, code=codes[1])
    assert _is_logged_in(other)
    unused = RecoveryCodes(provider.user.authenticator_set.get(type="recovery_codes"))
    assert codes[0] not in unused.get_unused_codes()
    assert len(unused.get_unused_codes()) == len(codes) - 2


# Re-authentication before sensitive changes


def _make_stale(http_client):
    """Move every authentication of this session back six minutes: past allauth's
    five-minute window for sensitive changes."""
    session = http_client.session
    records = session["account_authentication_methods"]
    for record in records:
        record["at"] -= 6 * 60
    session["account_authentication_methods"] = records
    session.save()


@pytest.fixture
def logged_in_provider(client, provider):
    log_in(client, provider.user.email)
    assert _is_logged_in(client)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/recovery-codes/generate/",
    ],
)
def test_changing_mfa_asks_a_stale_session_to_reauthenticate(logged_in_provider, provider, url):
    http_client = logged_in_provider
    response = http_client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTH_URL)
    assert provider.user.authenticator_set.filter(type="totp").exists()

    response = http_client.post(REAUTH_URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert http_client.get(url).status_code == 200

    _make_stale(http_client)
    assert http_client.get(url)["Location"].startswith(REAUTH_URL)


def test_reauthentication_with_the_wrong_password_changes_nothing(logged_in_provider, provider):
    http_client = logged_in_provider
    response = http_client.post(REAUTH_URL, {"password": "not-my-password"})
    assert response.status_code == 200
    assert http_client.post("/accounts/2fa/totp/deactivate/")["Location"].startswith(REAUTH_URL)
    assert provider.user.authenticator_set.filter(type="totp").exists()


def test_adding_an_email_asks_a_stale_session_to_reauthenticate(client, client_profile):
    # A client: allauth refuses unverified addresses on accounts with two-factor
    # authentication outright (a provider's address is changed by the clinic).
    log_in(client, client_profile.user.email)
    data = {"action_add": "", "email": "chloe.new@northside.test"}
    response = client.post("/accounts/email/", data)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTH_URL)
    assert not EmailAddress.objects.filter(email="chloe.new@northside.test").exists()

    client.post(REAUTH_URL, {"password": PASSWORD})
    client.post("/accounts/email/", data)
    assert EmailAddress.objects.filter(
        user=client_profile.user, email="chloe.new@northside.test"
    ).exists()


def test_a_provider_cannot_add_an_unverified_email(logged_in_provider, provider):
    logged_in_provider.post(REAUTH_URL, {"password": PASSWORD})
    response = logged_in_provider.post(
        "/accounts/email/", {"action_add": "", "email": "ben.new@northside.test"}
    )
    assert "protected by two-factor authentication" in response.content.decode()
    assert not EmailAddress.objects.filter(email="ben.new@northside.test").exists()


def test_changing_the_password_needs_the_current_one(logged_in_provider, provider):
    response = logged_in_provider.post(
        "/accounts/password/change/",
        {
            "oldpassword": "not-my-password",
            "password1": "a-brand-new-passphrase-7",
            "password2": "a-brand-new-passphrase-7",
        },
    )
    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    provider.user.refresh_from_db()
    assert provider.user.check_password(PASSWORD)


# The deploy check


def _deploy_errors(ids=("clinic.E001",)):
    return [m for m in run_checks(include_deployment_checks=True) if m.id in ids]


def test_deploy_check_fails_when_mfa_is_off_without_debug(settings):
    settings.DEBUG = False
    settings.MFA_REQUIRED = False
    [error] = _deploy_errors()
    assert error.is_serious()
    assert "MFA_REQUIRED" in error.msg


def test_deploy_check_accepts_mfa_on_or_the_debug_demo(settings):
    settings.DEBUG = False
    settings.MFA_REQUIRED = True
    assert _deploy_errors() == []
    settings.DEBUG = True
    settings.MFA_REQUIRED = False
    assert _deploy_errors() == []


def test_the_set_up_page_and_its_reason_read_in_spanish(login, provider_without_mfa):
    provider_without_mfa.user.language = "es"
    provider_without_mfa.user.save(update_fields=["language"])
    http_client = login(provider_without_mfa.user)
    http_client.get("/provider/")
    http_client.post(REAUTH_URL, {"password": PASSWORD})
    page = http_client.get(ACTIVATE_URL).content.decode()
    assert "necesitan autenticación de dos factores para ver los expedientes" in page
    assert '<h1 class="h3 mb-3">Activar una aplicación de autenticación</h1>' in page
    assert 'alt="Código QR de tu secreto de autenticación' in page
    assert "Secreto de autenticación" in page
