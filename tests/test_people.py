"""The people page (issue 18, points 1-5; issue 19 point 7): role-specific invitations,
re-send and revoke, deactivate and reactivate, editing a person, and addresses that have an
account at another clinic."""

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session as LoginSession
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from clinic.models import CareProvider, Client, Invitation, User
from sessions_app import services as session_services
from sessions_app.models import Session

from .factories import PASSWORD
from .rows import row_counts
from .sessions_helpers import schedule

INVITE_URL = "/provider/clinic/invite/"
PEOPLE_URL = "/provider/clinic/"
NEW_PASSWORD = "a-fresh-passphrase-91"


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def field_names(response):
    form = soup(response).find("form", attrs={"action": INVITE_URL})
    return {
        tag["name"]
        for tag in form.find_all(["input", "select", "textarea"])
        if tag.get("type") != "hidden" and tag.get("name")
    }


def emailed_link(message):
    match = re.search(r"http://testserver(/invitation/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def set_password(link):
    return HttpClient().post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


@pytest.fixture
def admin_page(login, clinic_admin):
    return login(clinic_admin.user)


@pytest.fixture
def post(admin_page, django_capture_on_commit_callbacks):
    def _post(url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_page.post(url, data or {})

    return _post


# 1. The invite form: the fields of the chosen role only, the others refused


def test_the_invite_form_shows_the_fields_of_the_chosen_role_only_without_a_script(admin_page):
    client_fields = field_names(admin_page.get(INVITE_URL + "?role=client"))
    assert client_fields == {"full_name", "email", "date_of_birth", "care_team"}
    provider_fields = field_names(admin_page.get(INVITE_URL + "?role=provider"))
    assert provider_fields == {"full_name", "email", "title", "is_clinic_admin"}
    # The role is chosen with plain links, which work without JavaScript.
    links = [a["href"] for a in soup(admin_page.get(INVITE_URL)).select("#invite-role a")]
    assert links == [INVITE_URL + "?role=client", INVITE_URL + "?role=provider"]


@pytest.mark.parametrize(
    "data",
    [
        {"role": "client", "title": "Boss", "no_care_team_ok": "on"},
        {"role": "client", "is_clinic_admin": "on", "no_care_team_ok": "on"},
        {"role": "provider", "date_of_birth": "1990-01-01"},
        {"role": "provider", "care_team": "PROVIDER"},
    ],
)
def test_a_field_of_the_other_role_is_refused_not_ignored(post, clinic_admin, data):
    if data.get("care_team") == "PROVIDER":
        data["care_team"] = str(clinic_admin.uuid)
    before = row_counts()
    response = post(INVITE_URL, {"full_name": "Nora New", "email": "nora@northside.test", **data})
    assert response.status_code == 200
    assert "leave it out" in response.content.decode()
    assert row_counts() == before
    assert mail.outbox == []


def test_a_date_of_birth_in_the_future_is_refused(post, clinic_admin):
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    before = row_counts()
    response = post(
        INVITE_URL,
        {
            "role": "client",
            "full_name": "Nora New",
            "email": "nora@northside.test",
            "date_of_birth": tomorrow.isoformat(),
            "care_team": [str(clinic_admin.uuid)],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"] == [
        "A date of birth cannot be in the future."
    ]
    assert row_counts() == before


def test_a_client_without_a_care_team_needs_a_confirmation(post):
    data = {"role": "client", "full_name": "Nora New", "email": "nora@northside.test"}
    before = row_counts()
    response = post(INVITE_URL, data)
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["no_care_team_ok"][0]
        .startswith("Nobody is on this client's care team yet")
    )
    box = soup(response).find("input", attrs={"name": "no_care_team_ok"})
    assert box["type"] == "checkbox"
    assert row_counts() == before
    response = post(INVITE_URL, {**data, "no_care_team_ok": "on"})
    assert response.status_code == 302
    assert Client.objects.filter(user__email="nora@northside.test").exists()


# Issue 19 point 7: providers are posted by UUID, never by a counting id


def test_care_team_forms_post_provider_uuids_and_refuse_integer_ids(
    admin_page, post, clinic_admin, provider, client_profile
):
    for url in (INVITE_URL, reverse("clinic:care-team-edit", args=[client_profile.uuid])):
        values = {box["value"] for box in soup(admin_page.get(url)).select('[name="care_team"]')}
        assert values == {str(clinic_admin.uuid), str(provider.uuid)}
    url = reverse("clinic:care-team-edit", args=[client_profile.uuid])
    response = post(url, {"care_team": [str(provider.pk)]})
    assert response.status_code == 200
    assert response.context["form"].errors["care_team"]
    assert post(url, {"care_team": [str(provider.uuid)]}).status_code == 302
    assert list(client_profile.care_team.all()) == [provider]


# 2. Re-send and revoke


def invite_nora(post, **extra):
    data = {"role": "client", "full_name": "Nora New", "email": "nora@northside.test"}
    response = post(INVITE_URL, {**data, "no_care_team_ok": "on", **extra})
    assert response.status_code == 302, response.context["form"].errors
    return Invitation.objects.get(email="nora@northside.test")


def test_resending_makes_a_new_link_and_the_old_one_stops_working(post, admin_page):
    invitation = invite_nora(post)
    old_link = emailed_link(mail.outbox[0])
    # Inviting again points to re-send instead of saying the address has an account.
    again = post(
        INVITE_URL,
        {
            "role": "client",
            "full_name": "N",
            "email": "nora@northside.test",
            "no_care_team_ok": "1",
        },
    )
    assert "re-send or revoke it" in again.content.decode()
    people = admin_page.get(PEOPLE_URL).content.decode()
    assert reverse("clinic:invitation-resend", args=[invitation.uuid]) in people
    response = post(reverse("clinic:invitation-resend", args=[invitation.uuid]))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new_link = emailed_link(mail.outbox[1])
    assert new_link != old_link
    assert HttpClient().get(old_link).status_code == 404
    assert set_password(old_link).status_code == 404
    assert set_password(new_link).status_code == 302
    assert User.objects.get(email="nora@northside.test").check_password(NEW_PASSWORD)


def test_revoking_ends_the_link_and_removes_the_unused_account(post, admin_page):
    invitation = invite_nora(post)
    link = emailed_link(mail.outbox[0])
    response = post(reverse("clinic:invitation-revoke", args=[invitation.uuid]))
    assert response.status_code == 302
    assert set_password(link).status_code == 404
    assert not User.objects.filter(email="nora@northside.test").exists()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    admin_page.get(PEOPLE_URL)  # shows and so clears the messages naming the address
    assert "nora@northside.test" not in admin_page.get(PEOPLE_URL).content.decode()
    # Revoked once is revoked: a second time changes nothing.
    post(reverse("clinic:invitation-revoke", args=[invitation.uuid]))
    assert Invitation.objects.get(pk=invitation.pk).revoked_at == invitation.revoked_at


def test_another_clinics_admin_cannot_resend_or_revoke(post, login, other_clinic_provider):
    invitation = invite_nora(post)
    other = login(other_clinic_provider.user)
    for name in ("clinic:invitation-resend", "clinic:invitation-revoke"):
        assert other.post(reverse(name, args=[invitation.uuid])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_pending


# 3. Deactivate and reactivate


def logged_in_client(user):
    http = HttpClient()
    response = http.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return http


def test_a_deactivated_client_is_logged_out_cannot_log_in_and_keeps_their_records(
    post, client_profile, session
):
    http = logged_in_client(client_profile.user)
    assert http.get("/portal/").status_code == 200
    key = http.session.session_key
    response = post(reverse("clinic:client-deactivate", args=[client_profile.uuid]))
    assert response.status_code == 302
    assert not LoginSession.objects.filter(session_key=key).exists()
    assert http.get("/portal/").status_code == 302
    again = HttpClient()
    refused = again.post(
        "/accounts/login/",
        {"login": client_profile.user.email, "password": PASSWORD},
        follow=True,
    )
    assert SESSION_KEY not in again.session
    assert "This account is deactivated" in refused.content.decode()
    assert Session.objects.filter(pk=session.pk, client=client_profile).exists()
    assert not User.objects.get(pk=client_profile.user.pk).is_active
    # Reactivated, they log in again.
    post(reverse("clinic:client-reactivate", args=[client_profile.uuid]))
    assert logged_in_client(client_profile.user).get("/portal/").status_code == 200


def test_an_admin_cannot_deactivate_themselves(post, clinic_admin):
    response = post(reverse("clinic:provider-deactivate", args=[clinic_admin.uuid]))
    assert response.status_code == 302
    assert User.objects.get(pk=clinic_admin.user.pk).is_active


def test_a_deactivated_providers_sessions_are_handed_over_in_one_step(
    admin_page,
    post,
    clinic,
    clinic_admin,
    provider,
    off_team_provider,
    client_profile,
    other_client,
):
    # The provider holds one open session of each client; Cara joins Dylan's team.
    other_client.memberships.create(provider=off_team_provider)
    [chloe_session] = schedule(by=provider, client=client_profile)
    [dylan_session] = schedule(by=provider, client=other_client)
    response = post(reverse("clinic:provider-deactivate", args=[provider.uuid]))
    hand_over = reverse("clinic:provider-hand-over", args=[provider.uuid])
    assert response["Location"] == hand_over
    page = admin_page.get(hand_over)
    choices = {
        select["name"]: [option["value"] for option in select.find_all("option")]
        for select in soup(page).select("select")
    }
    assert choices == {
        f"client_{client_profile.uuid}": ["", str(clinic_admin.uuid)],
        f"client_{other_client.uuid}": ["", str(off_team_provider.uuid)],
    }
    response = post(
        hand_over,
        {
            f"client_{client_profile.uuid}": str(clinic_admin.uuid),
            f"client_{other_client.uuid}": str(off_team_provider.uuid),
        },
    )
    assert response.status_code == 302
    chloe_session.refresh_from_db()
    dylan_session.refresh_from_db()
    assert (chloe_session.provider, dylan_session.provider) == (clinic_admin, off_team_provider)


def test_a_session_cannot_be_handed_to_someone_off_the_care_team(
    post, provider, off_team_provider, client_profile
):
    [held] = schedule(by=provider, client=client_profile)
    post(reverse("clinic:provider-deactivate", args=[provider.uuid]))
    response = post(
        reverse("clinic:provider-hand-over", args=[provider.uuid]),
        {f"client_{client_profile.uuid}": str(off_team_provider.uuid)},
    )
    assert response.status_code == 200
    held.refresh_from_db()
    assert held.provider == provider


# 4. Editing a person


def test_the_admin_edits_a_providers_name_title_admin_flag_and_care_teams(
    post, provider, client_profile, other_client
):
    url = reverse("clinic:provider-edit", args=[provider.uuid])
    response = post(
        url,
        {
            "full_name": "Ben Renamed",
            "title": "Lead counsellor",
            "is_clinic_admin": "on",
            "clients": [str(client_profile.uuid)],
        },
    )
    assert response.status_code == 302
    provider = CareProvider.objects.get(pk=provider.pk)
    assert (provider.user.full_name, provider.title, provider.is_clinic_admin) == (
        "Ben Renamed",
        "Lead counsellor",
        True,
    )
    assert list(provider.clients.all()) == [client_profile]


def test_the_admin_edits_a_clients_name_birth_date_and_care_team(
    post, client_profile, off_team_provider
):
    url = reverse("clinic:client-edit", args=[client_profile.uuid])
    response = post(
        url,
        {
            "full_name": "Chloe Renamed",
            "date_of_birth": "1990-05-17",
            "care_team": [str(off_team_provider.uuid)],
        },
    )
    assert response.status_code == 302
    client = Client.objects.get(pk=client_profile.pk)
    assert client.user.full_name == "Chloe Renamed"
    assert client.date_of_birth == dt.date(1990, 5, 17)
    assert list(client.care_team.all()) == [off_team_provider]
    future = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    response = post(url, {"full_name": "Chloe", "date_of_birth": future})
    assert response.status_code == 200
    assert Client.objects.get(pk=client_profile.pk).date_of_birth == dt.date(1990, 5, 17)


def test_an_admin_cannot_take_away_their_own_admin_flag(post, clinic_admin):
    url = reverse("clinic:provider-edit", args=[clinic_admin.uuid])
    response = post(url, {"full_name": "Ava Admin", "title": ""})
    assert response.status_code == 200
    assert CareProvider.objects.get(pk=clinic_admin.pk).is_clinic_admin


def test_another_clinics_person_cannot_be_edited_or_deactivated(
    post, other_clinic_provider, other_clinic_client
):
    for name, profile in [
        ("clinic:provider-edit", other_clinic_provider),
        ("clinic:provider-deactivate", other_clinic_provider),
        ("clinic:client-edit", other_clinic_client),
        ("clinic:client-deactivate", other_clinic_client),
    ]:
        assert post(reverse(name, args=[profile.uuid]), {"full_name": "X"}).status_code == 404
    assert User.objects.get(pk=other_clinic_client.user.pk).is_active


# 5. An address with an account at another clinic


def test_an_address_with_an_account_elsewhere_is_answered_as_a_new_one(
    post, admin_page, other_clinic_client
):
    erin = other_clinic_client.user
    users_before = list(User.objects.values_list("pk", "email", "full_name", "password"))
    response = post(
        INVITE_URL,
        {
            "role": "client",
            "full_name": "Erin W",
            "email": "ERIN@riverside.test",
            "no_care_team_ok": "on",
        },
    )
    assert response.status_code == 302
    shown = admin_page.get(PEOPLE_URL).content.decode()
    assert "Invitation sent to erin@riverside.test" in shown
    assert "already has an account" not in shown
    # Nothing of the owner's changed and no account was made.
    assert list(User.objects.values_list("pk", "email", "full_name", "password")) == users_before
    assert not Client.objects.filter(user=erin, clinic__slug="northside").exists()
    [message] = mail.outbox
    assert message.to == ["erin@riverside.test"]
    assert "already has an account on CareSessions, at another clinic" in message.body
    assert "/invitation/" not in message.body
    # Listed as sent, and it can be revoked like any other.
    invitation = Invitation.objects.get(email="erin@riverside.test")
    assert reverse("clinic:invitation-revoke", args=[invitation.uuid]) in shown
    assert post(reverse("clinic:invitation-revoke", args=[invitation.uuid])).status_code == 302
    assert User.objects.get(pk=erin.pk).is_active


def test_a_hand_over_is_kept_in_the_sessions_history_and_refuses_a_double_booking(
    post, clinic_admin, provider, client_profile
):
    [first] = schedule(by=provider, client=client_profile)
    # Ava already holds a session of Chloe at the same time.
    [clash] = schedule(
        by=clinic_admin,
        client=client_profile,
        provider=clinic_admin,
        start=first.starts_at,
        allow_overlap=True,
    )
    post(reverse("clinic:provider-deactivate", args=[provider.uuid]))
    url = reverse("clinic:provider-hand-over", args=[provider.uuid])
    response = post(url, {f"client_{client_profile.uuid}": str(clinic_admin.uuid)})
    assert response.status_code == 200
    assert "already holds a session of Chloe Client" in response.content.decode()
    first.refresh_from_db()
    assert first.provider == provider
    session_services.session_cancel(actor=clinic_admin.user, session=clash, reason="Moved")
    assert post(url, {f"client_{client_profile.uuid}": str(clinic_admin.uuid)}).status_code == 302
    first.refresh_from_db()
    assert first.provider == clinic_admin
    [change] = first.changes.all()
    assert change.fields == {"provider": ["Ben Provider", "Ava Admin"]}
    assert change.changed_by == clinic_admin
