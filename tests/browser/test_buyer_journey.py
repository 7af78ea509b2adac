"""A new buyer, in a real Chromium, completes the questionnaire and finds the reasons for each exclusion."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def buyer(browser, live_catalog):
    user = UserFactory(username="anna.mueller")
    MembershipFactory(organisation=OrganisationFactory(name="Rüstungsgüter Süd GmbH"), user=user, role="owner")
    return user


def wait_saved(page, field_id: str) -> None:
    expect(page.locator(f"#{field_id}-field .save-state")).to_contain_text("Saved")


def test_new_buyer_completes_the_questionnaire_and_sees_cloud_act_exclusions(page, live_server, buyer):
    log_in(page, buyer.username)
    page.get_by_role("link", name="Start an evaluation").click()
    page.get_by_label("Name of the procurement exercise").fill("Konstruktionsassistent 2027")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Organisation and use case")).to_be_visible()

    page.get_by_label("Sector").select_option("defence")
    wait_saved(page, "f-sector")
    page.get_by_label("Restricted / secret").check()
    wait_saved(page, "f-classification")
    page.get_by_label("Use cases").fill("Assistant for design reviews and test reports")
    page.get_by_label("Use cases").blur()
    wait_saved(page, "f-use-cases")

    # Reload mid-way: every answer is still there.
    page.reload()
    expect(page.get_by_label("Sector")).to_have_value("defence")
    expect(page.get_by_label("Restricted / secret")).to_be_checked()
    expect(page.get_by_label("Use cases")).to_have_value("Assistant for design reviews and test reports")

    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Trusted jurisdictions")).to_be_visible()
    expect(page.get_by_label("France (FR)")).to_be_checked()
    expect(page.get_by_label("United States (US)")).not_to_be_checked()
    page.get_by_label("Switzerland (CH)").check()
    wait_saved(page, "f-trusted-countries")

    page.get_by_role("link", name=re.compile("Must-haves")).click()
    expect(page.get_by_text("must-have B1 ≥ 4 — added because the sector is Defence & aerospace and data "
                            "classification is restricted")).to_be_visible()

    page.get_by_role("link", name=re.compile("Area weights")).click()
    page.get_by_label("B Legal exposure").fill("30")
    page.get_by_label("B Legal exposure").blur()
    wait_saved(page, "f-weight-b")
    page.reload()
    expect(page.get_by_label("B Legal exposure")).to_have_value("30.0")

    page.get_by_role("button", name="Save and see results").click()
    expect(page.get_by_role("heading", name=re.compile("Results"))).to_be_visible()
    excluded = page.locator("section", has=page.get_by_role("heading", name="Excluded offerings"))
    azure_row = excluded.locator("tr", has=page.get_by_role("link", name="Azure OpenAI", exact=False)).first
    expect(azure_row).to_contain_text("Microsoft Corporation (US): CLOUD Act, FISA 702")
    expect(page.locator("#ranking")).to_contain_text("Mistral open-weight models, self-hosted")

    # Compare two offerings, one passing and one excluded.
    page.locator("input[name=o]:checked").evaluate_all("boxes => boxes.forEach(b => b.click())")
    page.get_by_label("Compare Mistral open-weight models, self-hosted").check()
    azure_box = excluded.locator("input[name=o]").first
    azure_box.check()
    page.get_by_role("button", name="Compare the selected offerings").click()
    expect(page.get_by_role("heading", name="Side by side")).to_be_visible()
    expect(page.get_by_role("img", name="Area profile of the compared")).to_be_visible()
    expect(page.get_by_role("img", name="CSF objective scores of the")).to_be_visible()
    expect(page.locator("tr.diff").first).to_be_visible()

    origin = live_server.url
    foreign = [url for url in page.requests if not url.startswith(origin) and not url.startswith("data:")]
    assert foreign == [], f"the app asked the browser to reach other hosts: {foreign}"


def test_weight_change_on_the_results_page_reranks_without_a_reload(page, buyer):
    from vendoreval.checklist.selectors import current_checklist
    from vendoreval.evaluations.context import evaluation_context
    from vendoreval.evaluations.services import evaluation_create

    organisation = buyer.memberships.get().organisation
    evaluation = evaluation_create(organisation=organisation, name="Quick", actor=buyer,
                                   context=evaluation_context(current_checklist()))
    log_in(page, buyer.username)
    page.goto(f"/o/{organisation.slug}/e/{evaluation.slug}/")
    page.evaluate("window.__marker = 'same page'")
    before = page.locator("#ranking").inner_text()
    for area in "ABCDEFGH":
        field = page.get_by_label(re.compile(f"^{area} "))
        field.fill("0")
        field.blur()
    page.get_by_label(re.compile("^I ")).fill("100")
    with page.expect_response(lambda r: r.request.method == "POST" and "weight%3AI=100" in (r.request.post_data or "")):
        page.get_by_label(re.compile("^I ")).blur()
    expect(page.locator("#ranking")).not_to_have_text(before)
    assert page.evaluate("window.__marker") == "same page", "the ranking must update in place, not by reloading"
    evaluation.refresh_from_db()
    assert evaluation.area_weights == {**dict.fromkeys("ABCDEFGH", 0), "I": 100}
