"""The shared header (templates/layout/header.html): the same navigation on the product's
Jinja2 pages and on allauth's Django pages, for each role, in the reader's language."""

import pytest
from bs4 import BeautifulSoup

from .factories import ClientFactory, ClinicFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

PROVIDER_LINKS = {
    "Dashboard": "/provider/",
    "Sessions": "/provider/sessions/",
    "Schedule": "/provider/sessions/new/",
    "Calendar": "/provider/calendar/",
    "Clients": "/provider/clients/",
}
ACCOUNT_LINKS = {
    "Account settings": "/accounts/settings/",
    "Change password": "/accounts/password/change/",
    "Two-factor authentication": "/accounts/2fa/",
    "API token": "/accounts/api-token/",
}


def header_of(http, path, **headers):
    response = http.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    header = BeautifulSoup(response.content.decode(), "html.parser").find("header")
    assert header is not None, path
    return header


def nav_links(header):
    """{text: href} of the main navigation."""
    return {a.get_text(strip=True): a["href"] for a in header.select("ul.me-auto a.nav-link")}


def current(header):
    return [a.get_text(strip=True) for a in header.select('[aria-current="page"]')]


def menu(header):
    return {a.get_text(strip=True): a["href"] for a in header.select(".dropdown-menu a")}


def test_a_provider_sees_their_navigation_with_the_page_marked(login, provider):
    http = login(provider.user)
    for label, path in PROVIDER_LINKS.items():
        header = header_of(http, path)
        assert nav_links(header) == PROVIDER_LINKS
        assert current(header) == [label]
        assert header.find("a", attrs={"aria-current": "page"})["class"] == ["nav-link", "active"]
    assert menu(header) == ACCOUNT_LINKS
    # Pages outside the navigation mark none of its links.
    assert current(header_of(http, "/accounts/api-token/")) == []


def test_a_clinic_admin_also_sees_the_clinic_link(login, clinic_admin):
    http = login(clinic_admin.user)
    header = header_of(http, "/provider/")
    assert nav_links(header) == {**PROVIDER_LINKS, "Clinic": "/provider/clinic/"}
    assert current(header_of(http, "/provider/clinic/")) == ["Clinic"]
    # Within the clinic's pages the link stays lit, without claiming to be the page.
    audit = header_of(http, "/provider/clinic/audit/")
    clinic_link = audit.find("a", string="Clinic")
    assert "active" in clinic_link["class"] and not clinic_link.has_attr("aria-current")


def test_a_client_sees_the_portal_navigation(login, client_profile):
    http = login(client_profile.user)
    header = header_of(http, "/portal/sessions/")
    assert nav_links(header) == {"My care": "/portal/", "My sessions": "/portal/sessions/"}
    assert current(header) == ["My sessions"]
    assert menu(header) == ACCOUNT_LINKS


def test_staff_see_the_admin_link(login, superuser):
    header = header_of(login(superuser), "/accounts/settings/")
    assert nav_links(header) == {"Admin": "/admin/"}


def test_nobody_logged_out_sees_a_menu(client, db):
    header = header_of(client, "/accounts/login/")
    assert header.find("a", class_="navbar-brand")["href"] == "/"
    assert nav_links(header) == {}
    assert header.find("form") is None and "Log out" not in header.get_text()


def test_names_are_escaped_and_an_email_stands_in_for_no_name(login):
    clinic = ClinicFactory(name='Kids & "Teens" <Clinic>')
    provider = ProviderFactory(clinic=clinic, user__full_name="Ben <b>O'Brien</b>")
    response = login(provider.user).get("/provider/")
    html = response.content.decode()
    assert "Ben &lt;b&gt;O&#39;Brien&lt;/b&gt; · Kids &amp; &#34;Teens&#34; &lt;Clinic&gt;" in html
    assert "<b>O" not in html
    who = BeautifulSoup(html, "html.parser").find(attrs={"data-testid": "who"})
    assert who.get_text() == 'Ben <b>O\'Brien</b> · Kids & "Teens" <Clinic>'
    nameless = UserFactory(full_name="", is_staff=True)
    who = header_of(login(nameless), "/accounts/settings/").find(attrs={"data-testid": "who"})
    assert who.get_text(strip=True) == nameless.email


def test_the_log_out_form_posts_with_the_csrf_token(login, provider):
    form = header_of(login(provider.user), "/provider/").find("form")
    assert (form["method"], form["action"]) == ("post", "/accounts/logout/")
    token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert token["type"] == "hidden" and len(token["value"]) == 64
    assert form.find("button", type="submit").get_text(strip=True) == "Log out"


@pytest.mark.parametrize("path", ["/accounts/password/change/", "/accounts/2fa/"])
def test_allauth_pages_show_the_same_header(login, client_profile, path):
    http = login(client_profile.user)
    ours = header_of(http, "/accounts/settings/")
    theirs = header_of(http, path)
    assert nav_links(theirs) == nav_links(ours)
    assert menu(theirs) == menu(ours) == ACCOUNT_LINKS
    assert (
        theirs.find(attrs={"data-testid": "who"}).get_text() == "Chloe Client · Northside Therapy"
    )
    assert theirs.find("input", attrs={"name": "csrfmiddlewaretoken"})


def test_the_header_speaks_the_readers_language_on_both_engines(login, db):
    client = ClientFactory(user__language="es")
    http = login(client.user)
    for path in ("/portal/", "/accounts/password/change/"):
        header = header_of(http, path)
        assert nav_links(header) == {"Mi atención": "/portal/", "Mis sesiones": "/portal/sessions/"}
        assert "Cerrar sesión" in header.get_text()
        skip_link = header.find_previous_sibling("a")
        assert skip_link.get_text() == "Saltar al contenido principal"
