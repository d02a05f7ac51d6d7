"""Clinic admin pages: people, invitations and care teams, scoped to the admin's clinic."""

import re

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from clinic.models import CareProvider, CareTeamMembership, Client, User
from clinic.services import FOREIGN_CARE_TEAM_MEMBER

from .factories import ClientFactory, ProviderFactory
from .rows import row_counts

PEOPLE_URL = "/provider/clinic/"
INVITE_URL = "/provider/clinic/invite/"
NEW_PASSWORD = "a-fresh-passphrase-91"


def care_team_url(client):
    return f"/provider/clinic/clients/{client.uuid}/care-team/"


def page(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def care_team_boxes(response):
    """{provider UUID: checked} of the care-team checkboxes on the page."""
    boxes = page(response).select('input[type=checkbox][name="care_team"]')
    return {box["value"]: box.has_attr("checked") for box in boxes}


def field_errors(response, name):
    """The error texts shown under a form field."""
    soup = page(response)
    holder = soup.find(id=f"div_id_{name}")
    assert holder is not None, name
    return [node.get_text(" ", strip=True) for node in holder.select(".invalid-feedback")]


def table_rows(response, heading_id):
    """The body rows of the table in the section labelled by `heading_id`."""
    section = page(response).find("section", attrs={"aria-labelledby": heading_id})
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in section.select("tbody tr")
    ]


def invite(http_client, capture, **data):
    # A client without a care team needs the admin's confirmation (tests/test_people.py).
    if data.get("role") == "client" and not data.get("care_team"):
        data.setdefault("no_care_team_ok", "on")
    with capture(execute=True):
        return http_client.post(INVITE_URL, data)


def emailed_link(message):
    match = re.search(r"http://testserver(/invitation/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def set_password(link, password=NEW_PASSWORD):
    return HttpClient().post(link, {"new_password1": password, "new_password2": password})


def log_in(email, password=NEW_PASSWORD):
    http_client = HttpClient()
    response = http_client.post(
        "/accounts/login/", {"login": email, "password": password}, follow=True
    )
    return http_client, response


@pytest.fixture
def admin_client(login, clinic_admin):
    return login(clinic_admin.user)


# Invitations


def test_admin_invites_a_client_who_sets_a_password_and_logs_in(
    admin_client, clinic_admin, provider, django_capture_on_commit_callbacks
):
    response = invite(
        admin_client,
        django_capture_on_commit_callbacks,
        role="client",
        full_name="Nora New",
        email="Nora@Northside.test",
        care_team=[str(clinic_admin.uuid), str(provider.uuid)],
    )
    assert response.status_code == 302
    assert response["Location"] == PEOPLE_URL

    client = Client.objects.get(user__email="nora@northside.test")
    assert client.clinic == clinic_admin.clinic
    assert set(client.care_team.all()) == {clinic_admin, provider}
    assert not client.user.has_usable_password()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nora@northside.test"]
    assert "Northside Therapy" in message.subject
    link = emailed_link(message)

    page = HttpClient().get(link)
    assert page.status_code == 200
    assert "nora@northside.test" in page.content.decode()

    response = set_password(link)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    client.user.refresh_from_db()
    assert client.user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=client.user).verified

    http_client, response = log_in("nora@northside.test")
    assert response.redirect_chain[-1][0] == "/portal/"
    assert int(http_client.session[SESSION_KEY]) == client.user.pk


def test_admin_invites_a_provider_who_sets_a_password_and_logs_in(
    admin_client, clinic_admin, django_capture_on_commit_callbacks
):
    response = invite(
        admin_client,
        django_capture_on_commit_callbacks,
        role="provider",
        full_name="Omar New",
        email="omar@northside.test",
        title="Art therapist",
    )
    assert response.status_code == 302

    provider = CareProvider.objects.get(user__email="omar@northside.test")
    assert provider.clinic == clinic_admin.clinic
    assert provider.title == "Art therapist"
    assert not provider.is_clinic_admin
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["omar@northside.test"]

    assert set_password(emailed_link(mail.outbox[0])).status_code == 302
    http_client, response = log_in("omar@northside.test")
    # Logged in, but sent to set up two-factor authentication before any client record
    # (confirming the password first, as for every change of authenticator).
    assert [url for url, _ in response.redirect_chain] == [
        "/",
        "/accounts/2fa/totp/activate/",
        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F",
    ]
    assert int(http_client.session[SESSION_KEY]) == provider.user.pk


def test_invitation_email_is_sent_only_on_commit(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client.post(
            INVITE_URL,
            {
                "role": "client",
                "full_name": "Pia",
                "email": "pia@northside.test",
                "no_care_team_ok": "on",
            },
        )
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_invitation_link_works_only_once(admin_client, django_capture_on_commit_callbacks):
    invite(
        admin_client,
        django_capture_on_commit_callbacks,
        role="client",
        full_name="Nora New",
        email="nora@northside.test",
    )
    link = emailed_link(mail.outbox[0])
    assert set_password(link).status_code == 302

    again = HttpClient().get(link)
    assert again.status_code == 404
    assert "not valid any more" in again.content.decode()
    response = set_password(link, password="another-passphrase-77")
    assert response.status_code == 404
    user = User.objects.get(email="nora@northside.test")
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password("another-passphrase-77")


def test_expired_invitation_link_fails(admin_client, django_capture_on_commit_callbacks, settings):
    invite(
        admin_client,
        django_capture_on_commit_callbacks,
        role="client",
        full_name="Nora New",
        email="nora@northside.test",
    )
    link = emailed_link(mail.outbox[0])
    settings.INVITATION_TIMEOUT = -1

    assert HttpClient().get(link).status_code == 404
    response = set_password(link)
    assert response.status_code == 404
    assert "not valid any more" in response.content.decode()
    assert not User.objects.get(email="nora@northside.test").has_usable_password()


def test_tampered_invitation_link_fails(admin_client, django_capture_on_commit_callbacks):
    invite(
        admin_client,
        django_capture_on_commit_callbacks,
        role="client",
        full_name="Nora New",
        email="nora@northside.test",
    )
    link = emailed_link(mail.outbox[0])
    assert HttpClient().get(link[:-3] + "x/").status_code == 404


def test_inviting_an_email_that_has_an_account_here_is_refused_and_creates_nothing(
    admin_client, provider, django_capture_on_commit_callbacks
):
    # An address with an account at another clinic: tests/test_people.py.
    before = row_counts()
    for email in ("ben@northside.test", "BEN@Northside.Test"):
        response = invite(
            admin_client,
            django_capture_on_commit_callbacks,
            role="client",
            full_name="Someone Again",
            email=email,
        )
        assert response.status_code == 200
        assert "already has an account" in response.content.decode()
    assert row_counts() == before
    assert mail.outbox == []


def test_inviting_a_client_with_another_clinics_provider_is_refused_and_creates_nothing(
    admin_client, other_clinic_provider, django_capture_on_commit_callbacks
):
    before = row_counts()
    response = invite(
        admin_client,
        django_capture_on_commit_callbacks,
        role="client",
        full_name="Nora New",
        email="nora@northside.test",
        care_team=[str(other_clinic_provider.uuid)],
    )
    assert response.status_code == 200
    assert field_errors(response, "care_team") == [FOREIGN_CARE_TEAM_MEMBER]
    assert row_counts() == before
    assert mail.outbox == []


def test_invite_form_offers_only_the_clinics_providers(
    admin_client, clinic_admin, provider, other_clinic_provider
):
    response = admin_client.get(INVITE_URL)
    assert response.status_code == 200
    assert set(care_team_boxes(response)) == {str(clinic_admin.uuid), str(provider.uuid)}
    assert "Dan Elsewhere" not in response.content.decode()


# Care teams


def test_care_team_edit_replaces_the_team(
    admin_client, client_profile, clinic_admin, provider, off_team_provider
):
    response = admin_client.get(care_team_url(client_profile))
    assert response.status_code == 200
    checked = {pk for pk, is_checked in care_team_boxes(response).items() if is_checked}
    assert checked == {str(clinic_admin.uuid), str(provider.uuid)}

    response = admin_client.post(
        care_team_url(client_profile),
        {"care_team": [str(provider.uuid), str(off_team_provider.uuid)]},
    )
    assert response.status_code == 302
    assert response["Location"] == PEOPLE_URL
    assert set(client_profile.care_team.all()) == {provider, off_team_provider}


def test_care_team_can_be_emptied(admin_client, client_profile):
    response = admin_client.post(care_team_url(client_profile), {})
    assert response.status_code == 302
    assert not client_profile.care_team.exists()


def test_care_team_form_offers_only_the_clinics_providers(
    admin_client, client_profile, clinic_admin, provider, off_team_provider, other_clinic_provider
):
    response = admin_client.get(care_team_url(client_profile))
    offered = set(care_team_boxes(response))
    assert offered == {str(clinic_admin.uuid), str(provider.uuid), str(off_team_provider.uuid)}
    content = response.content.decode()
    assert "Cara Offteam" in content
    assert "Dan Elsewhere" not in content


def test_care_team_with_another_clinics_provider_is_refused_and_changes_nothing(
    admin_client, client_profile, provider, other_clinic_provider
):
    before = set(CareTeamMembership.objects.values_list("client_id", "provider_id"))
    response = admin_client.post(
        care_team_url(client_profile),
        {"care_team": [str(provider.uuid), str(other_clinic_provider.uuid)]},
    )
    assert response.status_code == 200
    assert field_errors(response, "care_team") == [FOREIGN_CARE_TEAM_MEMBER]
    assert escape(str(FOREIGN_CARE_TEAM_MEMBER)) in response.content.decode()
    assert set(CareTeamMembership.objects.values_list("client_id", "provider_id")) == before


def test_another_clinics_client_care_team_is_not_found(
    admin_client, other_clinic_client, provider, other_clinic_provider
):
    assert admin_client.get(care_team_url(other_clinic_client)).status_code == 404
    response = admin_client.post(
        care_team_url(other_clinic_client), {"care_team": [str(provider.uuid)]}
    )
    assert response.status_code == 404
    assert list(other_clinic_client.care_team.all()) == [other_clinic_provider]


def test_unknown_client_care_team_is_not_found(admin_client, db):
    url = "/provider/clinic/clients/00000000-0000-4000-8000-000000000000/care-team/"
    assert admin_client.get(url).status_code == 404


# People list and who may see the pages


def test_people_list_shows_only_the_admins_clinic(
    admin_client, clinic_admin, provider, client_profile, other_clinic_client
):
    response = admin_client.get(PEOPLE_URL)
    assert response.status_code == 200
    assert [row[1] for row in table_rows(response, "providers-heading")] == [
        "ava@northside.test",
        "ben@northside.test",
    ]
    [client_row] = table_rows(response, "clients-heading")
    assert client_row[:3] == ["Chloe Client", "chloe@northside.test", "Ava Admin, Ben Provider"]
    content = response.content.decode()
    assert "chloe@northside.test" in content
    assert care_team_url(client_profile) in content
    assert "riverside" not in content.lower()
    assert "Erin Elsewhere" not in content


def test_people_list_query_count_does_not_grow_with_people(
    admin_client, clinic, clinic_admin, django_assert_num_queries
):
    def add_people(count):
        for _ in range(count):
            member = ProviderFactory(clinic=clinic)
            ClientFactory(clinic=clinic, care_team=[clinic_admin, member])

    def open_people_list():
        # The page itself shows every client's care team and every provider's address.
        return admin_client.get(PEOPLE_URL)

    add_people(1)
    open_people_list()  # the header's bell is counted once, then kept
    with CaptureQueriesContext(connection) as one_row:
        open_people_list()
    # Log-in session and user (with the role lookups of the layout), then providers,
    # clients, their care teams and the members' users. The log-in part depends on the
    # authentication backend, so the bound is loose and the real pin is the second size.
    assert len(one_row) <= 9
    add_people(19)
    with django_assert_num_queries(len(one_row)):
        response = open_people_list()
    clients = table_rows(response, "clients-heading")
    assert len(clients) == 20
    assert all("Ava Admin" in row[2] and ", " in row[2] for row in clients)
    assert len(table_rows(response, "providers-heading")) == 21


@pytest.mark.parametrize("page", ["people", "invite", "care-team"])
def test_provider_without_admin_flag_is_forbidden(login, provider, client_profile, page):
    url = {"people": PEOPLE_URL, "invite": INVITE_URL, "care-team": care_team_url(client_profile)}
    http_client = login(provider.user)
    assert http_client.get(url[page]).status_code == 403
    before = row_counts()
    assert http_client.post(url[page], {"care_team": [str(provider.uuid)]}).status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize("page", ["people", "invite", "care-team"])
def test_client_is_forbidden(login, client_profile, page):
    url = {"people": PEOPLE_URL, "invite": INVITE_URL, "care-team": care_team_url(client_profile)}
    assert login(client_profile.user).get(url[page]).status_code == 403


def test_non_admin_provider_cannot_invite_even_with_a_full_form(
    login, provider, django_capture_on_commit_callbacks
):
    before = row_counts()
    response = invite(
        login(provider.user),
        django_capture_on_commit_callbacks,
        role="provider",
        full_name="Sneaky",
        email="sneaky@northside.test",
        is_clinic_admin="on",
    )
    assert response.status_code == 403
    assert row_counts() == before
    assert mail.outbox == []


def test_clinic_link_is_in_the_navigation_of_admins_only(login, clinic_admin, provider):
    assert f'href="{PEOPLE_URL}"' in login(clinic_admin.user).get("/provider/").content.decode()
    assert f'href="{PEOPLE_URL}"' not in login(provider.user).get("/provider/").content.decode()


# Languages


def test_the_invitation_goes_out_in_the_inviting_admins_language(
    admin_client, clinic_admin, django_capture_on_commit_callbacks
):
    clinic_admin.user.language = "es"
    clinic_admin.user.save(update_fields=["language"])
    response = invite(
        admin_client,
        django_capture_on_commit_callbacks,
        role="client",
        full_name="Nora New",
        email="nora@northside.test",
    )
    [message] = mail.outbox
    assert message.subject == "Invitación a Northside Therapy en CareSessions"
    assert "Hola, Nora New:" in message.body
    assert "Ava Admin te ha invitado a Northside Therapy" in message.body
    assert "caduca en 7 días" in message.body
    # The invitee has chosen nothing yet: their pages follow their own browser.
    assert User.objects.get(email="nora@northside.test").language == ""
    shown = admin_client.get(response["Location"]).content.decode()
    assert "Invitación enviada a nora@northside.test. El enlace sirve una sola vez" in shown


def test_without_a_chosen_language_the_admins_browser_decides_the_invitation(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            INVITE_URL,
            {"role": "provider", "full_name": "Omar New", "email": "omar@northside.test"},
            headers={"accept-language": "es-MX,es;q=0.9"},
        )
    [message] = mail.outbox
    assert "como profesional de atención" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            INVITE_URL,
            {
                "role": "client",
                "full_name": "Pia",
                "email": "pia@northside.test",
                "no_care_team_ok": "on",
            },
        )
    english = mail.outbox[1]
    assert english.subject == "You are invited to Northside Therapy on CareSessions"
    assert "expires in 7 days" in english.body


def test_the_clinic_pages_read_in_spanish(admin_client, clinic_admin, client_profile):
    clinic_admin.user.language = "es"
    clinic_admin.user.save(update_fields=["language"])
    people = admin_client.get(PEOPLE_URL).content.decode()
    assert "Personas de Northside Therapy" in people
    assert "Editar equipo de atención de Chloe Client" in people
    assert "Profesionales de atención (2)" in people
    invite_page = admin_client.get(INVITE_URL).content.decode()
    assert "Nombre completo" in invite_page and "Enviar invitación" in invite_page
    assert "Full name" not in invite_page
    care_team = admin_client.get(care_team_url(client_profile)).content.decode()
    assert "Equipo de atención de Chloe Client" in care_team


def test_the_invitation_page_follows_the_invitees_browser(
    admin_client, django_capture_on_commit_callbacks
):
    invite(
        admin_client,
        django_capture_on_commit_callbacks,
        role="client",
        full_name="Nora <b>New</b>",
        email="nora@northside.test",
    )
    link = emailed_link(mail.outbox[0])
    spanish = HttpClient(headers={"accept-language": "es"}).get(link).content.decode()
    assert "Te damos la bienvenida, Nora &lt;b&gt;New&lt;/b&gt;" in spanish
    assert "<strong>nora@northside.test</strong>" in spanish
    gone = HttpClient(headers={"accept-language": "es"}).get(link[:-3] + "x/")
    assert "Este enlace de invitación ya no es válido" in gone.content.decode()
