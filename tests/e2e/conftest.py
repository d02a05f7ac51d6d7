"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from .support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, Tab, slug


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    # Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls
    # (the test's own data set-up, the database flush) unless told the thread is sync.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Generous waits: CI machines are small and busy. Playwright waits for what the test expects
# (an element, a navigation) and goes on at once when it is there, so this costs nothing.
TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def chromium(_orm_beside_playwright):
    if not Path(CHROMIUM).exists():
        pytest.exit(
            f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium)",
            returncode=3,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def open_tab(request, chromium, live_server):
    """open_tab("Chloe", phone=True, locale="es-ES"): a fresh browser (no cookies) for one
    person."""
    folder = ARTIFACTS / slug(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    contexts, tabs = [], []

    def _open(who, *, phone=False, locale="en-US"):
        # locale: the browser's language, sent as Accept-Language.
        context = chromium.new_context(locale=locale, **(PHONE if phone else DESKTOP))
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        tab = Tab(
            context.new_page(),
            base_url=live_server.url,
            folder=folder,
            who=who,
            phone=phone,
        )
        tabs.append(tab)
        return tab

    yield _open

    failed = getattr(request.node, "report_call", None) is None or request.node.report_call.failed
    for tab in tabs:
        if failed and not tab.page.is_closed():
            tab.screenshot(f"{tab.who} FAILED here")
        tab.save_findings()
    for context in contexts:
        context.close()
    if not failed:
        unchecked = {tab.who: tab.unchecked for tab in tabs if tab.unchecked}
        assert not unchecked, f"pages reached without the accessibility check: {unchecked}"
