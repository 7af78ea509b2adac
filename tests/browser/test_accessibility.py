"""EN 301 549 / WCAG 2.1 AA: axe-core finds no serious or critical violation on the main pages, and a buyer can
complete the questionnaire with the keyboard alone."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, log_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SIX = ["mistral-self-hosted", "teuken-self-hosted", "ovhcloud-ai-endpoints", "azure-openai", "mistral-api",
       "aws-bedrock"]


@pytest.fixture
def setup(browser, live_catalog):
    from vendoreval.checklist.selectors import current_checklist
    from vendoreval.evaluations.context import evaluation_context
    from vendoreval.evaluations.services import evaluation_create, evaluation_set_field

    user = UserFactory(username="kari.nordmann")
    organisation = OrganisationFactory(name="Statens Innkjøp")
    MembershipFactory(organisation=organisation, user=user, role="owner")
    context = evaluation_context(current_checklist())
    evaluation = evaluation_create(organisation=organisation, name="Saksbehandling", actor=user, context=context)
    for field, values in [("sector", ["public"]), ("classification", ["confidential"])]:
        evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=user, context=context)
    return user, evaluation


def serious_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test` (npm install of axe-core, pinned in package.json)")
    page.evaluate(AXE.read_text())  # evaluated through the DevTools protocol: the page's CSP stays on
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_main_pages_have_no_serious_accessibility_violations(page, setup):
    user, evaluation = setup
    page.goto("/accounts/login/")
    assert serious_violations(page) == [], "login"
    log_in(page, user.username)
    base = f"/o/{evaluation.organisation.slug}/e/{evaluation.slug}"
    pages = {
        "questionnaire: organisation": f"{base}/questionnaire/organisation/",
        "questionnaire: jurisdictions": f"{base}/questionnaire/jurisdictions/",
        "questionnaire: deployment": f"{base}/questionnaire/deployment/",
        "questionnaire: must-haves": f"{base}/questionnaire/requirements/",
        "questionnaire: weights": f"{base}/questionnaire/weights/",
        "results": f"{base}/",
        "comparison": f"{base}/compare/?o=mistral-self-hosted&o=ovhcloud-ai-endpoints&o=azure-openai",
        "comparison of six": f"{base}/compare/?" + "&".join(f"o={k}" for k in SIX),
        "catalog": "/catalog/",
        "offering": "/catalog/mistral-on-azure/",
    }
    found = {}
    for name, path in pages.items():
        page.goto(path)
        violations = serious_violations(page)
        if violations:
            found[name] = violations
    assert found == {}


def test_field_errors_are_announced(page, setup):
    user, evaluation = setup
    log_in(page, user.username)
    page.goto(f"/o/{evaluation.organisation.slug}/e/{evaluation.slug}/questionnaire/weights/")
    field = page.get_by_label("A Ownership & control")
    field.fill("-3")
    field.press("Tab")
    error = page.locator("#f-weight-a-error")
    expect(error).to_have_text("A weight cannot be negative.")
    expect(error).to_have_attribute("role", "alert")
    expect(page.get_by_label("A Ownership & control")).to_have_attribute("aria-describedby", "f-weight-a-error")


def test_comparison_never_relies_on_colour_alone(page, setup):
    user, evaluation = setup
    log_in(page, user.username)
    page.goto(f"/o/{evaluation.organisation.slug}/e/{evaluation.slug}/compare/?o=mistral-self-hosted&o=azure-openai")
    differing = page.locator("tr.diff").first
    expect(differing).to_contain_text("≠")  # a text marker, not only the outline colour
    first_level = page.locator("td .level").first
    assert re.fullmatch(r"[0-4]|unknown", first_level.inner_text().strip())  # the level is written, not just coloured
    expect(page.locator(".chart svg text").first).to_be_visible()  # bars carry their values as text


def test_questionnaire_can_be_completed_with_the_keyboard_alone(page, setup):
    user, evaluation = setup
    log_in(page, user.username)
    page.goto(f"/o/{evaluation.organisation.slug}/e/{evaluation.slug}/questionnaire/organisation/")

    def tab_to(predicate_js: str, limit: int = 300) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({predicate_js}); }}"):
                return
        raise AssertionError(f"keyboard focus never reached {predicate_js}")

    tab_to("e.id === 'f-name'")
    page.keyboard.press("Control+A")
    page.keyboard.type("Saksbehandling med KI")
    tab_to("e.id === 'f-sector'")
    expect(page.locator("#f-name-field .save-state")).to_contain_text("Saved")
    page.keyboard.press("ArrowDown")  # public -> finance
    tab_to("e.name === 'classification'")
    page.keyboard.press("ArrowDown")
    tab_to("e.id === 'f-use-cases'")
    expect(page.locator("#f-classification-field .save-state")).to_contain_text("Saved")
    page.keyboard.type("Drafting replies to citizens")
    tab_to("e.name === 'next'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Trusted jurisdictions")).to_be_visible()

    tab_to("e.id === 'f-trusted-countries-ch'")
    page.keyboard.press("Space")
    expect(page.locator("#f-trusted-countries-field .save-state")).to_contain_text("Saved")
    tab_to("e.name === 'next'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Deployment", exact=True)).to_be_visible()
    tab_to("e.name === 'next'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Must-haves", exact=True)).to_be_visible()
    tab_to("e.name === 'next'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Area weights")).to_be_visible()
    tab_to("e.id === 'f-weight-b'")
    page.keyboard.press("Control+A")
    page.keyboard.type("25")
    tab_to("e.name === 'next'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Results"))).to_be_visible()

    evaluation.refresh_from_db()
    assert evaluation.name == "Saksbehandling med KI"
    assert evaluation.sector == "finance"
    assert evaluation.classification == "restricted"
    assert evaluation.use_cases == "Drafting replies to citizens"
    assert "CH" in evaluation.trusted_countries
    assert evaluation.area_weights["B"] == 25


def test_managing_evaluations_has_no_serious_accessibility_violations(page, setup):
    """The list with its actions, the archive, duplicating, the delete confirmation, the record of deleted
    evaluations and the readable history."""
    from vendoreval.checklist.selectors import current_checklist
    from vendoreval.evaluations.context import evaluation_context
    from vendoreval.evaluations.services import evaluation_archive, evaluation_delete, evaluation_duplicate

    user, evaluation = setup
    context = evaluation_context(current_checklist())
    archived = evaluation_duplicate(evaluation=evaluation, name="Arkiv", actor=user, context=context)
    evaluation_archive(evaluation=archived, actor=user)
    gone = evaluation_duplicate(evaluation=evaluation, name="Slettet", actor=user, context=context)
    evaluation_delete(evaluation=gone, actor=user, context=context)
    log_in(page, user.username)
    org = evaluation.organisation.slug
    base = f"/o/{org}/e/{evaluation.slug}"
    pages = {
        "evaluations list": "/",
        "archived evaluations": "/?archived=1",
        "duplicate": f"{base}/duplicate/",
        "delete confirmation": f"{base}/delete/",
        "deleted evaluations": f"/o/{org}/deleted-evaluations/",
        "activity": f"{base}/activity/",
    }
    found = {}
    for name, path in pages.items():
        page.goto(path)
        violations = serious_violations(page)
        if violations:
            found[name] = violations
    assert found == {}
    page.goto("/")  # archiving from the list (htmx) leaves an accessible notice with its undo
    page.get_by_role("button", name=f"Archive {evaluation.name}").click()
    expect(page.get_by_role("status")).to_contain_text("is archived")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("link", name=evaluation.name, exact=True)).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_deciding_controls_and_small_screens_have_no_serious_accessibility_violations(page, defence_buyer, width):
    """The pages in the states this work added: an override in force and one being written, every must-have group
    open and filtered, the question whether to replace tuned weights, the own-hosting ladders, a refused text with its
    counter, and the results and a comparison of six offerings as cards and scrolling frames on a phone."""
    from vendoreval.evaluations.context import evaluation_context
    from vendoreval.evaluations.services import evaluation_set_field

    user, evaluation = defence_buyer
    context = evaluation_context(evaluation.checklist)
    for field, values in [("override:B1", ["drop", "Air-gapped site"]), ("weight:E", ["7"]), ("sector", ["health"])]:
        evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=user, context=context)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, user.username)
    base = f"/o/{evaluation.organisation.slug}/e/{evaluation.slug}"
    found = {}

    def check(name):
        violations = serious_violations(page)
        if violations:
            found[name] = violations

    page.goto(f"{base}/questionnaire/requirements/")
    page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
    page.get_by_label("Find a criterion").fill("data")
    check("must-haves: override in force, one being written, groups open and filtered")
    page.goto(f"{base}/questionnaire/organisation/?ask=sector")
    expect(page.get_by_role("button", name="Keep my weights")).to_be_visible()
    check("organisation: replace the tuned weights?")
    page.get_by_label("Evaluation name").fill("x" * 200)
    page.get_by_label("Evaluation name").evaluate("i => { i.value += 'yz'; i.dispatchEvent(new Event('input', "
                                                  "{bubbles: true})); }")
    expect(page.locator("#f-name-error")).to_be_visible()
    check("organisation: text refused over its limit")
    page.goto(f"{base}/questionnaire/deployment/")
    check("deployment: own-hosting ladders")
    page.goto(f"{base}/")
    check("results")
    page.goto(f"{base}/compare/?" + "&".join(f"o={k}" for k in SIX))
    check("comparison of six")
    assert found == {}


@pytest.mark.parametrize("language", ["fr", "de"])
def test_french_and_german_pages_have_no_serious_accessibility_violations(browser, live_server, setup, language):
    """The same pages read in French and German: no serious violation, and the page says which language it is in
    (axe checks the lang attribute; a screen reader reads with it)."""
    user, evaluation = setup
    context = browser.new_context(base_url=live_server.url, locale=language, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == language
    assert serious_violations(page) == [], "welcome"
    log_in_as(page, user.username)
    base = f"/o/{evaluation.organisation.slug}/e/{evaluation.slug}"
    found = {}
    for path in [f"{base}/questionnaire/organisation/", f"{base}/questionnaire/requirements/",
                 f"{base}/questionnaire/weights/", f"{base}/", f"{base}/compare/?" + "&".join(f"o={k}" for k in SIX),
                 f"{base}/report/", f"{base}/activity/", "/catalog/", "/catalog/mistral-on-azure/"]:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, path
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    context.close()
    assert found == {}


def log_in_as(page, username: str) -> None:
    """Log in whatever the page's language: the form's fields by their names."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url("**/")
