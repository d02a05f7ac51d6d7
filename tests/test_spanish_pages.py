"""Every page in Spanish: no English text of the interface is left on it (issue 13)."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation

from sessions_app import services

from .sessions_helpers import before, complete, schedule

CATALOG = Path(__file__).resolve().parents[1] / "locale" / "es" / "LC_MESSAGES" / "django.po"
# Attributes that people read (or hear) as well as the text between tags.
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


def english_texts():
    """The catalog's English sentences that read differently in Spanish, without their
    placeholders: none of them may appear on a Spanish page."""
    text = CATALOG.read_text()
    texts = set()
    for block in text.split("\n\n"):
        msgid = re.search(r'(?m)^msgid ((?:".*"\n)+)', block + "\n")
        if msgid is None or "msgid_plural" in block:
            continue
        english = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        if "%(" in english or len(english.split()) < 2:
            continue
        with translation.override("es"):
            if translation.gettext(english) != english:
                texts.add(english.replace('\\"', '"'))
    return texts


def read_text(html):
    soup = BeautifulSoup(html, "html5lib")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    parts = [soup.get_text(" ")]
    for element in soup.find_all(True):
        parts += [element.get(name, "") for name in READ_ATTRIBUTES]
    return re.sub(r"\s+", " ", " ".join(parts))


@pytest.fixture
def spanish(client_profile, provider, clinic_admin):
    for person in (client_profile, provider, clinic_admin):
        person.user.language = "es"
        person.user.save(update_fields=["language"])


@pytest.fixture
def care(spanish, session, client_profile, provider, clinic_admin):
    """A session with an answered item, feedback, a message each way, and a closed one."""
    walk = session.assignments.get(title="Walk")
    services.assignment_submit(actor=client_profile.user, assignment=walk, response="Hecho.")
    services.message_post(actor=client_profile.user, session=session, body="Hola")
    services.message_post(actor=provider.user, session=session, body="Hola, Chloe")
    [closed] = schedule(
        by=provider,
        client=client_profile,
        provider=provider,
        start=before(session),
        homework=["Diario"],
    )
    complete(closed, client=client_profile, provider=provider)
    services.session_close(actor=provider.user, session=closed, note="", force=False)
    return session, closed


def test_the_catalog_has_english_to_look_for():
    assert len(english_texts()) > 150


def provider_pages(session, closed, client_profile):
    return [
        reverse("sessions_app:provider-dashboard"),
        reverse("sessions_app:provider-session-list"),
        reverse("sessions_app:provider-session-list") + "?starts_after=nonsense",
        reverse("sessions_app:provider-session-schedule"),
        reverse("sessions_app:provider-session-detail", args=[session.uuid]),
        reverse("sessions_app:provider-session-detail", args=[closed.uuid]),
        reverse("sessions_app:provider-session-close", args=[session.uuid]),
        reverse("sessions_app:provider-session-next", args=[closed.uuid]),
        reverse("sessions_app:provider-client-list"),
        reverse("sessions_app:provider-client-detail", args=[client_profile.uuid]),
        reverse("clinic:people"),
        reverse("clinic:invite"),
        reverse("clinic:care-team-edit", args=[client_profile.uuid]),
        reverse("clinic:audit"),
        reverse("clinic:account"),
        reverse("clinic:api-token"),
        "/no-such-page/",
    ]


def client_pages(session, closed):
    return [
        reverse("sessions_app:portal-dashboard"),
        reverse("sessions_app:portal-session-list"),
        reverse("sessions_app:portal-session-detail", args=[session.uuid]),
        reverse("sessions_app:portal-session-detail", args=[closed.uuid]),
        reverse("clinic:account"),
    ]


def assert_spanish(response, english):
    assert response.status_code in (200, 404), response.status_code
    assert response["Content-Language"] == "es"
    text = read_text(response.content.decode())
    left = sorted(sentence for sentence in english if sentence in text)
    assert not left, f"{response.request['PATH_INFO']}: English left: {left}"


@pytest.mark.usefixtures("mfa_not_required")
def test_provider_and_admin_pages_have_no_english_left(care, client, clinic_admin, client_profile):
    session, closed = care
    english = english_texts()
    client.force_login(clinic_admin.user)
    for path in provider_pages(session, closed, client_profile):
        assert_spanish(client.get(path), english)


def test_portal_pages_have_no_english_left(care, client, client_profile):
    session, closed = care
    english = english_texts()
    client.force_login(client_profile.user)
    for path in client_pages(session, closed):
        assert_spanish(client.get(path), english)


def test_the_log_in_page_follows_the_browser(client, db):
    english = english_texts()
    assert_spanish(client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="es"), english)
    english_page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en")
    assert english_page["Content-Language"] == "en"
    assert "Log in" in read_text(english_page.content.decode())
