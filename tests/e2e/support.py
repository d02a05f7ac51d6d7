"""What every browser test does on every page: axe-core, a screenshot, and (on a phone) a
layout check. A `Tab` is one person's browser tab; each page it arrives at goes through
`Tab.arrived`, and a page it navigated to without that check fails the test."""

import json
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.mfa_helpers import totp_code, wait_for_fresh_totp_period

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
DOC_SCREENSHOTS = ROOT / "docs" / "screenshots"

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# WCAG 2.2 A and AA, as axe-core tags them; serious and critical violations fail the test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()

JS = Path(__file__).parent / "js"
# Every visible control or heading: none may stick out of a phone's screen or cover another.
_LAYOUT_PROBLEMS = (JS / "layout_problems.js").read_text()
# What the focused element looks like: a keyboard user must see where they are.
_FOCUS = (JS / "focus.js").read_text()


def has_authenticator(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def check_accessibility(page, name, *, context=None):
    """axe-core on the page as it is now (or on the part that `context` selects)."""
    results = AXE.run(
        page,
        context=context,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    if failing:
        failing_results = type(results)({"violations": failing})
        raise AssertionError(
            f"axe-core on {name} ({page.url}):\n{failing_results.generate_report()}"
        )
    return violations


def check_phone_layout(page, name):
    problems = page.evaluate(_LAYOUT_PROBLEMS)
    assert not problems, f"{name} on a phone ({page.url}):\n  " + "\n  ".join(problems)


def check_focus_visible(page):
    focus = page.evaluate(_FOCUS)
    assert focus is not None, "the keyboard focus is on nothing"
    assert focus["onScreen"], f"{focus['element']} has the focus but is not on screen"
    assert focus["outline"] or focus["shadow"], f"{focus['element']} shows no focus indicator"


class Tab:
    """One person's browser tab in a test: it checks and photographs every page it reaches."""

    def __init__(self, page, *, base_url, folder, who, phone=False):
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.who = who
        self.phone = phone
        self.unchecked = []
        self.findings = {}
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.unchecked.append(frame.url)

    def open(self, path, name):
        """Type an address into the browser; returns the response (its status)."""
        response = self.page.goto(self.base_url + path)
        self.arrived(name)
        return response

    @contextmanager
    def to(self, name, *, doc=None):
        """Whatever runs inside leads to a new page, which is then checked.

        with tab.to("session detail"):
            page.get_by_role("link", name="Open this session").click()
        """
        with self.page.expect_event(
            "framenavigated", predicate=lambda frame: frame == self.page.main_frame
        ):
            yield
        self.arrived(name, doc=doc)

    def arrived(self, name, *, doc=None):
        self.page.wait_for_load_state("load")
        self.unchecked.clear()
        self.check(name, doc=doc)

    def check(self, name, *, doc=None, context=None):
        """axe-core, the phone layout and a screenshot of the page as it is now. For a menu
        that opens over the page, `context` limits axe to the menu: what it covers while
        open is checked when the page is reached."""
        label = f"{self.who} {name}"
        self.findings[label] = check_accessibility(self.page, label, context=context)
        if self.phone:
            check_phone_layout(self.page, label)
        self.screenshot(label, doc=doc)

    def screenshot(self, label, *, doc=None):
        self.folder.mkdir(parents=True, exist_ok=True)
        number = len(list(self.folder.glob("*.png"))) + 1
        path = self.folder / f"{number:02d}-{slug(label)}.png"
        self.page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
        if doc and os.environ.get("E2E_DOC_SCREENSHOTS"):
            DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOC_SCREENSHOTS / f"{doc}.png")
        return path

    def save_findings(self):
        """Violations below serious (not failures) are kept for whoever polishes next."""
        if any(self.findings.values()):
            path = self.folder / f"axe-{slug(self.who)}.json"
            path.write_text(json.dumps(self.findings, indent=1))

    # --- what people do -----------------------------------------------------------------

    def log_in(self, user, *, lands, doc=None, password=PASSWORD):
        """Email and password, then (for those who have set up an authenticator app, as every
        provider must) the code the app shows."""
        page = self.page
        self.open("/accounts/login/", "log-in page")
        language = page.locator("html").get_attribute("lang")
        with translation.override(language):
            email, secret, log_in = (gettext(t) for t in ("Email", "Password", "Log in"))
        page.get_by_label(email).fill(user.email)
        page.get_by_label(secret).fill(password)
        if not has_authenticator(user):
            with self.to(lands, doc=doc):
                page.get_by_role("button", name=log_in).click()
            return
        with self.to("two-factor page"):
            page.get_by_role("button", name="Log in").click()
        # The code must reach the server within its 30-second period.
        wait_for_fresh_totp_period(margin=5)
        page.get_by_label("Code").fill(totp_code(user))
        with self.to(lands, doc=doc):
            page.get_by_role("button", name="Sign in").click()

    def open_menu(self):
        """On a phone the navigation is folded away behind the menu button."""
        page = self.page
        page.get_by_role("button", name="Toggle navigation").click()
        # Bootstrap marks the menu .show once it has finished unfolding.
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
        self.check("menu open")

    def log_out(self):
        page = self.page
        menu = page.get_by_test_id("who")
        if self.phone and not menu.is_visible():
            self.open_menu()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        self.check("account menu open", context=".dropdown-menu.show")
        with self.to("log-in page after logging out"):
            page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("heading", name="Log in to CareSessions")).to_be_visible()

    def flash(self):
        """The message the last action left at the top of the page."""
        return self.page.locator("main .alert").first
