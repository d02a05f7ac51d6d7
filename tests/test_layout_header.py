"""The layout's header (clinic/templatetags/layout.py) shows what the templates showed, for
each role and page: tests/templates/header_reference.html is those templates' copy."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, engines
from django.test import RequestFactory
from django.urls import resolve

from clinic.templatetags.layout import site_header

from .factories import ClinicFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

REFERENCE = engines["django"].from_string(
    (Path(__file__).parent / "templates" / "header_reference.html").read_text()
)
PROVIDER_PAGES = [
    "/provider/",
    "/provider/sessions/",
    "/provider/sessions/new/",
    "/provider/clients/",
    "/provider/clinic/",
    "/provider/clinic/audit/",
    "/accounts/api-token/",
    "/",
]
CLIENT_PAGES = ["/portal/", "/portal/sessions/", "/accounts/api-token/", "/"]


def normalized(html):
    """The HTML as a browser reads it: runs of white space are one, and white space beside
    a tag is nothing (the templates' indentation)."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", html).strip()


def both(user, path):
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    context = RequestContext(request)
    # The same context for both: its CSRF token is made once.
    with context.bind_template(REFERENCE.template):
        ours = site_header(context)
        theirs = REFERENCE.template.nodelist.render(context)
    return normalized(ours), normalized(theirs)


def test_a_provider_sees_their_navigation_with_the_page_marked(provider, client_profile):
    for path in PROVIDER_PAGES:
        ours, theirs = both(provider.user, path)
        assert ours == theirs, path
    ours, _ = both(provider.user, "/provider/sessions/")
    assert 'class="nav-link active" aria-current="page"' in ours
    assert "Clinic</a>" not in ours


def test_a_clinic_admin_also_sees_the_clinic_link(clinic_admin):
    for path in PROVIDER_PAGES:
        ours, theirs = both(clinic_admin.user, path)
        assert ours == theirs, path
    ours, _ = both(clinic_admin.user, "/provider/clinic/audit/")
    assert '<a class="nav-link active" href="/provider/clinic/">Clinic</a>' in ours


def test_a_client_sees_the_portal_navigation(client_profile):
    for path in CLIENT_PAGES:
        ours, theirs = both(client_profile.user, path)
        assert ours == theirs, path
    assert "My sessions" in ours


def test_staff_see_the_admin_link_and_nobody_logged_out_sees_a_menu(superuser):
    ours, theirs = both(superuser, "/admin/")
    assert ours == theirs
    assert ">Admin</a>" in ours
    ours, theirs = both(AnonymousUser(), "/")
    assert ours == theirs
    assert "Log out" not in ours and "navbar-brand" in ours


def test_names_are_escaped_and_an_email_stands_in_for_no_name():
    clinic = ClinicFactory(name='Kids & "Teens" <Clinic>')
    provider = ProviderFactory(clinic=clinic, user__full_name="Ben <b>O'Brien</b>")
    ours, theirs = both(provider.user, "/provider/")
    assert ours == theirs
    assert "&lt;b&gt;" in ours and "<b>" not in ours
    nameless = UserFactory(full_name="", is_staff=True)
    ours, theirs = both(nameless, "/admin/")
    assert ours == theirs
    assert nameless.email in ours


def test_the_log_out_form_carries_the_csrf_token(provider):
    ours, _ = both(provider.user, "/provider/")
    assert re.search(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]{64}">', ours)
