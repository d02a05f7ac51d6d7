"""The smaller things a new user met (issue 18 points 8-16)."""

import io
import re
from pathlib import Path

from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.test import Client as HttpClient

from clinic import selectors as clinic_selectors

ROOT = Path(__file__).resolve().parents[1]


def test_a_provider_on_no_care_team_is_told_who_adds_them_instead_of_a_dead_button(
    login, clinic_admin, off_team_provider, client_profile
):
    response = login(off_team_provider.user).get("/provider/")
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    notice = soup.find(id="no-clients").get_text(" ", strip=True)
    assert "A clinic administrator adds you to care teams: Ava Admin." in notice
    assert "Schedule sessions" not in response.content.decode()


def test_a_provider_with_clients_keeps_the_schedule_button(login, provider, client_profile):
    page = login(provider.user).get("/provider/").content.decode()
    assert "Schedule sessions" in page
    assert 'id="no-clients"' not in page


# 15. The demo (DEBUG on) shows the product's 404, 403 and 500 pages, not Django's debug pages


def test_the_demo_shows_the_products_404_for_another_clinics_session_and_unknown_paths(
    settings, login, other_clinic_provider, session
):
    settings.DEBUG = True
    http = login(other_clinic_provider.user)
    for path in (f"/provider/sessions/{session.uuid}/", "/no/such/page/"):
        response = http.get(path)
        assert response.status_code == 404
        page = response.content.decode()
        assert "URLconf" not in page and "Django tried these URL patterns" not in page
        assert "Page not found" in page


def test_the_demo_shows_the_products_403_and_500(settings, login, provider, monkeypatch):
    settings.DEBUG = True
    http = login(provider.user)
    forbidden = http.get("/provider/clinic/")
    assert forbidden.status_code == 403
    assert "Traceback" not in forbidden.content.decode()

    def broken(**kwargs):
        raise RuntimeError("boom")

    # The dashboard of a provider on no care team asks for the clinic's admins: it breaks.
    monkeypatch.setattr(clinic_selectors, "has_clients", lambda **kwargs: False)
    monkeypatch.setattr(clinic_selectors, "clinic_admins", broken)
    response = http.get("/provider/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "Traceback" not in page and "boom" not in page


# 10. Password reset: the product's layout and wording, no host name in the email


def test_the_password_reset_pages_and_email_read_like_the_product(client, provider):
    page = client.get("/accounts/password/reset/").content.decode()
    assert "Skip to main content" in page  # the product's layout
    assert "Reset My Password" not in page
    assert "Email me a link" in page
    response = client.post("/accounts/password/reset/", {"email": provider.user.email})
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "Check your email" in done and "Skip to main content" in done
    [message] = mail.outbox
    assert message.subject == "Choose a new CareSessions password"
    assert "Hello from" not in message.body and "testserver" not in message.subject
    assert "Choose it here" in message.body


# 11. The log-in page: one "Forgot your password?", and the address filled in after an invitation


def test_the_login_page_offers_the_reset_link_once(client):
    page = client.get("/accounts/login/").content.decode()
    assert page.count("Forgot your password?") == 1


def test_after_setting_a_password_from_an_invitation_the_email_is_filled_in(
    login, clinic_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(clinic_admin.user).post(
            "/provider/clinic/invite/",
            {
                "role": "client",
                "full_name": "Nora",
                "email": "nora@northside.test",
                "care_team": [str(clinic_admin.uuid)],
            },
        )
    link = re.search(r"http://testserver(/invitation/[^/\s]+/)", mail.outbox[0].body).group(1)
    invitee = HttpClient()
    password = "a-fresh-passphrase-91"
    response = invitee.post(link, {"new_password1": password, "new_password2": password})
    page = invitee.get(response["Location"])
    box = BeautifulSoup(page.content.decode(), "html.parser").find("input", attrs={"name": "login"})
    assert box["value"] == "nora@northside.test"


# 12. "This password is too common" under the password, not under its confirmation


def test_a_too_common_password_is_refused_under_the_password_box(
    login, clinic_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(clinic_admin.user).post(
            "/provider/clinic/invite/",
            {
                "role": "client",
                "full_name": "Nora",
                "email": "nora@northside.test",
                "care_team": [str(clinic_admin.uuid)],
            },
        )
    link = re.search(r"http://testserver(/invitation/[^/\s]+/)", mail.outbox[0].body).group(1)
    response = HttpClient().post(
        link, {"new_password1": "password123", "new_password2": "password123"}
    )
    errors = response.context["form"].errors
    assert any("too common" in error for error in errors["new_password1"])
    assert "new_password2" not in errors


# 14. A favicon on every page


def test_every_page_names_a_favicon(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert (ROOT / "static" / "favicon.svg").read_text().startswith("<svg")


# 16. seed_demo prints the address the server really listens on; the README says PORT


def test_seed_demo_prints_the_address_of_make_run(db, monkeypatch):
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8100")
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Log in at http://127.0.0.1:8100/ " in out.getvalue()


def test_the_readme_mentions_port_and_links_the_projects_own_design_document():
    readme = (ROOT / "README.md").read_text()
    assert "PORT=" in readme
    assert "](docs/design.md)" in readme
    assert "DESIGN.md" not in readme and "../shared" not in readme
    design = (ROOT / "docs" / "design.md").read_text()
    assert "## People and what they may see" in design


def test_the_portal_names_an_answer_box_once(login, client_profile, session):
    page = login(client_profile.user).get(f"/portal/sessions/{session.uuid}/").content.decode()
    soup = BeautifulSoup(page, "html.parser")
    boxes = soup.select("textarea[name=response]")
    assert boxes, "an editable homework item"
    card = boxes[0].find_parent(class_="card")
    assert card.get_text(" ", strip=True).count("Your answer") == 1


# 7. Never lose what a person typed (the browser test: tests/e2e/test_rough_edges_browser.py)


def test_pages_carry_the_stay_logged_in_dialog_and_the_keep_alive_address(login, client_profile):
    page = login(client_profile.user).get("/portal/").content.decode()
    dialog = BeautifulSoup(page, "html.parser").find("dialog", id="idle-dialog")
    assert dialog["data-timeout"] == "900"
    assert dialog["data-keep-alive"] == "/accounts/keep-alive/"
    assert "Stay logged in" in dialog.get_text()
    assert '<script src="/static/js/idle.js">' in page


def test_the_keep_alive_request_is_activity(login, client_profile, monkeypatch):
    from clinic import security

    http = login(client_profile.user)
    http.get("/portal/")
    now = security.time.time()
    session = http.session
    session[security.LAST_SEEN] = int(now) - 600
    session.save()
    assert http.get("/accounts/keep-alive/").status_code == 204
    assert http.session[security.LAST_SEEN] >= int(now)


def test_a_form_sent_after_the_log_in_ended_leads_back_to_its_page(client, session):
    page = f"/portal/sessions/{session.uuid}/"
    action = f"/portal/homework/{session.assignments.first().uuid}/answer/"
    response = client.post(
        action, {"response": "x"}, headers={"referer": f"http://testserver{page}"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=" + page
    # A Referer from another site is not followed: the home page instead.
    response = client.post(action, {}, headers={"referer": "https://evil.example/x"})
    assert response["Location"] == "/accounts/login/?next=/"


# 12. A homework row's title is optional, as its card says: no "required" mark


def test_the_homework_title_is_not_marked_required(login, provider, client_profile):
    page = login(provider.user).get("/provider/sessions/new/").content.decode()
    soup = BeautifulSoup(page, "html.parser")
    label = soup.find("label", attrs={"for": "id_homework-0-title"})
    assert label is not None
    assert label.find(class_="asteriskField") is None
    assert "leave the title empty to skip" in page


# 14. The API token page does not mark "Clinic" in the navigation


def test_the_api_token_page_marks_no_clinic_link(login, clinic_admin):
    page = login(clinic_admin.user).get("/accounts/api-token/").content.decode()
    nav = BeautifulSoup(page, "html.parser").find("nav")
    clinic = nav.find("a", href="/provider/clinic/")
    assert "active" not in clinic.get("class", [])
    assert not nav.select("[aria-current=page]")


def test_the_people_pages_mark_the_clinic_link(login, clinic_admin, provider):
    page = login(clinic_admin.user).get(f"/provider/clinic/providers/{provider.uuid}/edit/")
    nav = BeautifulSoup(page.content.decode(), "html.parser").find("nav")
    assert "active" in nav.find("a", href="/provider/clinic/")["class"]
