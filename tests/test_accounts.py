"""Accounts: the user model, landing by role, log-in and logout, deny by default."""

import re
import uuid

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RoutePattern
from rest_framework.views import APIView

from clinic.models import User

from .factories import PASSWORD, UserFactory
from .mfa_helpers import log_in

LOGIN_URL = "/accounts/login/"
WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."

# Pages anyone may open: allauth's log-in, log-out, sign-up-closed, reset and confirmation
# pages (each needs a key or does nothing for a stranger), the log-in's authenticator-code
# step (which needs the password first), the admin's log-in (which sends
# people on to allauth) and the invitation link (which needs a signed token).
PUBLIC_URL_NAMES = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_login_code",
    "mfa_authenticate",
    "admin:login",
    "clinic:invitation-accept",
    # For load balancers: answers "ok", reads no session, no database, no data.
    "clinic:healthz",
    # Readiness, for load balancers and deployments: "ok" or the names of what is down
    # (issue 20); no session, no data.
    "clinic:readyz",
    # Calendar apps fetch feeds without a log-in: the secret in the URL is the key (issue 15).
    "calendars:feed",
    # An email's one-click unsubscribe works without a log-in: the signed link is the key
    # (issue 16).
    "notifications:unsubscribe",
}


def _named_patterns(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _sample_kwargs(pattern):
    if isinstance(pattern.pattern, RoutePattern):
        samples = {}
        for name, converter in pattern.pattern.converters.items():
            if isinstance(converter, UUIDConverter):
                samples[name] = uuid.uuid4()
            elif isinstance(converter, IntConverter):
                samples[name] = 1
            else:
                samples[name] = "1"
        return samples
    return {
        name: "clinic" if name == "app_label" else "1" for name in pattern.pattern.regex.groupindex
    }


def _is_api_endpoint(name, callback):
    # DRF's views are exempt from LoginRequiredMiddleware: DRF authenticates them itself.
    view_class = getattr(callback, "cls", None)
    return (
        name not in PUBLIC_URL_NAMES
        and isinstance(view_class, type)
        and issubclass(view_class, APIView)
    )


def _url_names_by_access():
    public, private, api = [], [], []
    for name, pattern in _named_patterns(get_resolver().url_patterns):
        url = reverse(name, kwargs=_sample_kwargs(pattern))
        if _is_api_endpoint(name, pattern.callback):
            api.append((name, url))
        elif getattr(pattern.callback, "login_required", True) is False:
            public.append((name, url))
        else:
            private.append((name, url))
    return public, private, api


def _without_csrf_token(content):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def _is_logged_in(http_client):
    return SESSION_KEY in http_client.session


# The user model


def test_email_is_the_login_and_there_is_no_username():
    assert User.USERNAME_FIELD == "email"
    with pytest.raises(FieldDoesNotExist):
        User._meta.get_field("username")


@pytest.mark.django_db
def test_create_user_stores_email_in_lower_case():
    user = User.objects.create_user("Ava.Smith@Example.TEST", "pw-123-long", full_name="Ava")
    assert user.email == "ava.smith@example.test"
    assert user.check_password("pw-123-long")


@pytest.mark.django_db
def test_email_is_unique_regardless_of_case_in_the_database():
    UserFactory(email="ava@example.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        User(email="AVA@Example.test", full_name="Twin").save()
    assert User.objects.filter(email__iexact="ava@example.test").count() == 1


@pytest.mark.django_db
def test_email_in_other_case_is_refused_by_validation():
    UserFactory(email="ava@example.test")
    twin = User(email="AVA@Example.test", full_name="Twin")
    twin.set_unusable_password()
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert "email" in str(caught.value).lower()


# Landing on `/` by role


def test_provider_lands_on_provider_dashboard(login, provider):
    response = login(provider.user).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/provider/"
    assert login(provider.user).get("/provider/").status_code == 200


def test_client_lands_on_portal(login, client_profile):
    response = login(client_profile.user).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert login(client_profile.user).get("/portal/").status_code == 200


def test_superuser_without_role_lands_on_admin(login, superuser):
    response = login(superuser).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert login(superuser).get("/admin/").status_code == 200


def test_anonymous_is_sent_to_login_from_home(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_URL}?next=/")


def test_provider_cannot_open_the_portal_and_client_cannot_open_provider_pages(
    login, provider, client_profile
):
    assert login(provider.user).get("/portal/").status_code == 403
    assert login(client_profile.user).get("/provider/").status_code == 403


# Deny by default


def test_only_login_reset_and_invitation_pages_are_public():
    public, _, _ = _url_names_by_access()
    assert {name for name, _ in public} <= PUBLIC_URL_NAMES


def test_anonymous_is_sent_to_login_from_every_non_public_page(client, db):
    _, private, _ = _url_names_by_access()
    names = {name for name, _ in private}
    # The walk must reach the pages we know of, or it proves nothing.
    assert {
        "clinic:home",
        "clinic:people",
        "clinic:invite",
        "clinic:care-team-edit",
        "sessions_app:provider-dashboard",
        "sessions_app:portal-dashboard",
        "admin:index",
        "account_email",
        "account_change_password",
    } <= names
    for name, url in private:
        for method in (client.get, client.post):
            # The admin first sends people to its own log-in, which hands over to allauth.
            response = method(url, follow=True)
            assert response.redirect_chain, (name, url, response.status_code)
            assert response.redirect_chain[-1][0].startswith(f"{LOGIN_URL}?next="), (name, url)
            assert response.status_code == 200
            assert not response.context["user"].is_authenticated


def test_anonymous_gets_401_from_every_api_endpoint(client, db):
    _, _, api = _url_names_by_access()
    if not api:
        pytest.skip("no API endpoints yet")
    for name, url in api:
        for method in (client.get, client.post):
            assert method(url).status_code == 401, (name, url)


# Log-in and logout


def test_login_with_email_and_password(client, provider):
    # Then the authenticator code: providers have two-factor authentication.
    response = log_in(client, "ben@northside.test", PASSWORD, follow=True)
    assert response.redirect_chain[-1][0] == "/provider/"
    assert 'data-testid="who">Ben Provider · Northside Therapy<' in response.content.decode()
    assert int(client.session[SESSION_KEY]) == provider.user.pk


def test_login_email_is_case_insensitive(client, provider):
    response = log_in(client, "BEN@Northside.TEST", PASSWORD)
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == provider.user.pk


def test_login_keeps_next_url(client, provider):
    response = log_in(client, "ben@northside.test", PASSWORD, next="/provider/")
    assert response.status_code == 302
    assert response["Location"] == "/provider/"


def test_wrong_password_shows_allauths_message_and_does_not_log_in(client, provider):
    response = client.post(LOGIN_URL, {"login": "ben@northside.test", "password": "wrong-one"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [WRONG_CREDENTIALS]
    assert WRONG_CREDENTIALS in response.content.decode()
    assert not _is_logged_in(client)


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, provider):
    wrong_password = client.post(
        LOGIN_URL, {"login": "ben@northside.test", "password": "wrong-one"}
    )
    unknown_email = client.post(
        LOGIN_URL, {"login": "nobody@northside.test", "password": "wrong-one"}
    )
    assert unknown_email.status_code == wrong_password.status_code == 200
    assert unknown_email.context["form"].errors == wrong_password.context["form"].errors
    # The whole page is the same once the typed address is taken out: no hint either way.
    assert _without_csrf_token(unknown_email.content).replace(
        "nobody@northside.test", "EMAIL"
    ) == _without_csrf_token(wrong_password.content).replace("ben@northside.test", "EMAIL")
    assert not _is_logged_in(client)


def test_invited_person_without_a_password_cannot_log_in(client, db):
    user = UserFactory(email="new@northside.test")
    user.set_unusable_password()
    user.save()
    response = client.post(LOGIN_URL, {"login": "new@northside.test", "password": ""})
    assert response.status_code == 200
    assert not _is_logged_in(client)


def test_logout_by_post(login, provider):
    http_client = login(provider.user)
    response = http_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert not _is_logged_in(http_client)
    assert http_client.get("/provider/").status_code == 302


def test_logout_by_get_does_not_log_out(login, provider):
    http_client = login(provider.user)
    response = http_client.get("/accounts/logout/")
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert _is_logged_in(http_client)
    assert http_client.get("/provider/").status_code == 200


def test_layout_offers_logout_as_a_post_form(login, provider):
    content = login(provider.user).get("/provider/").content.decode()
    assert 'action="/accounts/logout/"' in content
    assert 'href="/accounts/logout/"' not in content


def test_there_is_no_open_signup(client, db):
    before = User.objects.count()
    page = client.get("/accounts/signup/")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "stranger@example.test",
            "password1": "a-long-enough-pass-42",
            "password2": "a-long-enough-pass-42",
        },
    )
    assert page.status_code == response.status_code == 200
    assert "no open sign-up" in response.content.decode()
    assert User.objects.count() == before
    assert not User.objects.filter(email="stranger@example.test").exists()
    assert not _is_logged_in(client)


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN_URL}?next=")


def test_superuser_logs_in_to_admin_through_allauth(client, superuser):
    response = log_in(client, superuser.email, PASSWORD, next="/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.status_code == 200


def test_admin_refuses_a_provider(login, clinic_admin):
    assert login(clinic_admin.user).get("/admin/").status_code == 302
    assert login(clinic_admin.user).get("/admin/login/").status_code == 403


# Forged requests


def test_forged_login_without_csrf_token_is_rejected(provider):
    forger = HttpClient(enforce_csrf_checks=True)
    response = forger.post(LOGIN_URL, {"login": "ben@northside.test", "password": PASSWORD})
    assert response.status_code == 403
    assert not _is_logged_in(forger)
    provider.user.refresh_from_db()
    assert provider.user.last_login is None


def test_forged_logout_without_csrf_token_is_rejected(provider):
    forger = HttpClient(enforce_csrf_checks=True)
    forger.force_login(provider.user)
    response = forger.post("/accounts/logout/")
    assert response.status_code == 403
    assert _is_logged_in(forger)


def test_forged_invitation_without_csrf_token_is_rejected_and_creates_nothing(clinic_admin):
    forger = HttpClient(enforce_csrf_checks=True)
    forger.force_login(clinic_admin.user)
    before = User.objects.count()
    response = forger.post(
        "/provider/clinic/invite/",
        {"role": "client", "full_name": "Forged Person", "email": "forged@northside.test"},
    )
    assert response.status_code == 403
    assert User.objects.count() == before


# Languages: the person's choice (account settings), else the browser's, else English


SETTINGS_URL = "/accounts/settings/"


def test_the_account_page_offers_the_languages_and_shows_the_choice(login, provider):
    http = login(provider.user)
    page = http.get(SETTINGS_URL).content.decode()
    assert "Language of pages and emails" in page
    for value in ("", "en", "es"):
        assert f'value="{value}"' in page
    assert "Español" in page and "As my browser asks (else English)" in page
    provider.user.language = "es"
    provider.user.save(update_fields=["language"])
    page = http.get(SETTINGS_URL).content.decode()
    assert re.search(r'<input[^>]*value="es"[^>]*checked|<input[^>]*checked[^>]*value="es"', page)


def test_the_language_chosen_on_the_account_page_is_the_pages_language(login, client_profile):
    http = login(client_profile.user)
    response = http.post(SETTINGS_URL, {"language": "es"}, headers={"accept-language": "en"})
    assert response.status_code == 302 and response["Location"] == SETTINGS_URL
    client_profile.user.refresh_from_db()
    assert client_profile.user.language == "es"
    # Whatever the browser asks: the person chose.
    page = http.get(SETTINGS_URL, headers={"accept-language": "en"})
    content = page.content.decode()
    assert page["Content-Language"] == "es"
    assert '<html lang="es">' in content
    assert "Se guardó tu configuración." in content
    assert "Configuración de la cuenta" in content
    portal = http.get("/portal/", headers={"accept-language": "en"}).content.decode()
    assert "Mis sesiones" in portal and "My sessions" not in portal


def test_without_a_choice_the_browser_decides_then_english(login, client_profile):
    client_profile.user.language = "es"
    client_profile.user.save(update_fields=["language"])
    http = login(client_profile.user)
    response = http.post(SETTINGS_URL, {"language": ""}, headers={"accept-language": "en-GB"})
    assert response.status_code == 302
    client_profile.user.refresh_from_db()
    assert client_profile.user.language == ""
    # The confirmation reads in the language of the next page: the browser's.
    english = http.get(SETTINGS_URL, headers={"accept-language": "en-GB"}).content.decode()
    assert "Your settings are saved." in english
    spanish = http.get(SETTINGS_URL, headers={"accept-language": "es-AR,es;q=0.9"})
    assert spanish["Content-Language"] == "es"
    assert "Configuración de la cuenta" in spanish.content.decode()
    german = http.get(SETTINGS_URL, headers={"accept-language": "de-DE"})
    assert german["Content-Language"] == "en"
    assert "Account settings" in german.content.decode()
    assert "Accept-Language" in german["Vary"]


def test_a_language_not_offered_is_refused(login, provider):
    http = login(provider.user)
    response = http.post(SETTINGS_URL, {"language": "fr"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    provider.user.refresh_from_db()
    assert provider.user.language == ""


def test_the_log_in_page_follows_the_browser(client, db):
    spanish = client.get(LOGIN_URL, headers={"accept-language": "es"}).content.decode()
    assert "Iniciar sesión en CareSessions" in spanish
    assert "¿Olvidaste tu contraseña?" in spanish
    english = client.get(LOGIN_URL).content.decode()
    assert "Log in to CareSessions" in english


def test_the_password_reset_email_is_in_the_recipients_language(client, client_profile):
    from django.core import mail
    from django.utils import translation
    from django.utils.translation import gettext

    client_profile.user.language = "es"
    client_profile.user.save(update_fields=["language"])
    response = client.post(
        "/accounts/password/reset/",
        {"email": client_profile.user.email},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 302
    [message] = mail.outbox
    with translation.override("es"):
        assert message.subject == gettext("Choose a new CareSessions password")
    # Someone with no choice gets the language of the request that asked.
    client_profile.user.language = ""
    client_profile.user.save(update_fields=["language"])
    client.post(
        "/accounts/password/reset/",
        {"email": client_profile.user.email},
        headers={"accept-language": "en"},
    )
    assert mail.outbox[1].subject == "Choose a new CareSessions password"


def test_the_error_pages_speak_the_readers_language(login, client_profile):
    http = login(client_profile.user)
    refused = http.get("/provider/", headers={"accept-language": "es"})
    assert refused.status_code == 403
    assert "No permitido" in refused.content.decode()
    missing = http.get(
        "/portal/sessions/00000000-0000-4000-8000-000000000000/",
        headers={"accept-language": "es"},
    )
    assert missing.status_code == 404
    assert "Página no encontrada" in missing.content.decode()


def test_the_server_error_page_needs_nothing_but_the_language(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("es"):
        response = server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="es">' in page and "<h1>Algo salió mal</h1>" in page
    english = server_error(rf.get("/")).content.decode()
    assert "<h1>Something went wrong</h1>" in english


def test_a_choice_no_longer_offered_counts_as_none(login, client_profile):
    User.objects.filter(pk=client_profile.user.pk).update(language="fr")
    client_profile.user.refresh_from_db()
    page = login(client_profile.user).get(SETTINGS_URL, headers={"accept-language": "es"})
    assert page["Content-Language"] == "es"
    assert "Configuración de la cuenta" in page.content.decode()
