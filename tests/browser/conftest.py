"""Browser tests: Playwright drives the system Chromium (/usr/bin/chromium; never a downloaded browser) against a
live server started by pytest-django."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct horse battery staple"



@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop running in this thread for the whole session; the ORM calls that the
    # tests and the database flush between them make are ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        # Database connections opened while Playwright's loop ran belong to that loop's context: close them here, or
        # the test database cannot be dropped at the end of the session ("being accessed by other users").
        from django.db import connections

        connections.close_all()
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.requests = requests  # every URL the browser asked for, to prove nothing leaves the app
    yield page
    context.close()


@pytest.fixture
def live_catalog(transactional_db):
    """live_server tests run in a flushed database: load the real catalog into it."""
    from tests.conftest import load_real_catalog

    load_real_catalog()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


@pytest.fixture
def defence_buyer(browser, live_catalog):
    """An owner with a defence & aerospace evaluation on restricted data, trusted jurisdictions confirmed and the
    own hosting stated (tests/conftest.py's OWN_HOSTING): the rules add B1 ≥ 4, C1 ≥ 4, D1 ≥ 3 and D5 ≥ 4."""
    from tests.conftest import OWN_HOSTING
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
    from vendoreval.checklist.selectors import current_checklist
    from vendoreval.evaluations.context import evaluation_context
    from vendoreval.evaluations.services import evaluation_create, evaluation_set_field

    user = UserFactory(username="lena.berg")
    organisation = OrganisationFactory(name="Luftfahrtsysteme Ost GmbH")
    MembershipFactory(organisation=organisation, user=user, role="owner")
    context = evaluation_context(current_checklist())
    evaluation = evaluation_create(organisation=organisation, name="Maintenance manuals assistant", actor=user,
                                   context=context)
    answers = [("sector", ["defence"]), ("classification", ["restricted"]),
               ("trusted_countries", list(context.default_trusted))]
    answers += [(f"own_hosting:{key}", [str(level)]) for key, level in OWN_HOSTING.items()]
    for field, values in answers:
        evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=user, context=context)
    evaluation.refresh_from_db()
    return user, evaluation


def evaluation_path(evaluation, tail: str = "") -> str:
    return f"/o/{evaluation.organisation.slug}/e/{evaluation.slug}/{tail}"
