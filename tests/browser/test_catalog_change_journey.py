"""A catalog change reaches the buyer who relied on it, in a real Chromium: the buyer makes a report, a catalog editor
changes an answer in the admin (who must say why), the results page says the basis moved, the diff page names the
change, and the next report carries a "Changes since the previous report" section."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import log_in
from tests.conftest import OWN_HOSTING
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Re-read the vendor's page on change of control: the new shareholder agreement is not public any more."


@pytest.fixture
def setting(browser, live_catalog, settings, tmp_path):
    """A buyer's defence evaluation (its own hosting stated) and a catalog editor."""
    from vendoreval.accounts.services import catalog_editors_group
    from vendoreval.checklist.selectors import current_checklist
    from vendoreval.evaluations.context import evaluation_context
    from vendoreval.evaluations.services import evaluation_create, evaluation_set_field

    settings.VENDOREVAL_REPORT_STORE = tmp_path / "reports"
    buyer = UserFactory(username="jana.novak")
    organisation = OrganisationFactory(name="Verteidigungstechnik Nord GmbH")
    MembershipFactory(organisation=organisation, user=buyer, role="owner")
    editor = UserFactory(username="catalog.editor", is_staff=True)
    editor.groups.add(catalog_editors_group())
    context = evaluation_context(current_checklist())
    evaluation = evaluation_create(organisation=organisation, name="Design review assistant", actor=buyer,
                                   context=context)
    answers = [("sector", ["defence"]), ("classification", ["restricted"]),
               ("trusted_countries", list(context.default_trusted))]
    answers += [(f"own_hosting:{key}", [str(level)]) for key, level in OWN_HOSTING.items()]
    for field, values in answers:
        evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=buyer, context=context)
    return buyer, editor, evaluation


def download_report(page) -> str:
    """Generate the report on its page and return the text of the downloaded PDF."""
    page.get_by_role("button", name=re.compile("Generate the PDF")).click()
    link = page.get_by_role("link", name=re.compile(r"^Download .+\.pdf$"))
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages)


def test_a_catalog_change_reaches_the_buyer_who_made_a_report(page, browser, live_server, setting):
    from vendoreval.catalog.models import Answer, CatalogRevision

    buyer, editor, evaluation = setting
    base = f"/o/{evaluation.organisation.slug}/e/{evaluation.slug}"
    answer = Answer.objects.get(offering__key="mistral-self-hosted", criterion__key="A3")
    assert answer.level == 2  # data/catalog: no controlling holder, no change-of-control protection documented

    # 1. The buyer makes a report; the results page has nothing to report yet.
    log_in(page, buyer.username)
    page.goto(f"{base}/report/")
    first = download_report(page)
    assert "Changes since the previous report" not in first
    page.goto(f"{base}/")
    expect(page.locator("#ranking")).to_contain_text("Mistral open-weight models, self-hosted")
    expect(page.locator("#changed-since-report")).to_have_count(0)

    # 2. A catalog editor changes the answer in the admin; saving without a reason is refused.
    editor_context = browser.new_context(base_url=live_server.url)
    admin = editor_context.new_page()
    log_in(admin, editor.username)
    admin.goto(f"/admin/catalog/answer/{answer.pk}/change/")
    admin.set_default_timeout(15_000)
    admin.locator("#id_level").select_option("0")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".errorlist")).to_contain_text("This field is required")
    admin.locator("#id_change_reason").fill(REASON)
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    editor_context.close()
    revision = CatalogRevision.objects.order_by("-pk").first()
    assert (revision.author, revision.reason, revision.source) == (editor, REASON, "admin")

    # 3. The buyer's results page says what moved since the report, and the diff page names the change.
    page.goto(f"{base}/")
    banner = page.locator("#changed-since-report")
    expect(banner).to_contain_text("1 answer changed for your shortlist since the report of")
    banner.get_by_role("link", name="What changed").click()
    expect(page.get_by_role("heading", name=re.compile("What changed since report"))).to_be_visible()
    expect(page.locator("#changes")).to_contain_text(
        "Mistral open-weight models, self-hosted by the buyer — A3 Change-of-control risk: 2 → 0")

    # 4. The next report carries the change in its own section.
    page.get_by_role("link", name="Make a new report of the evaluation as it is now").click()
    second = " ".join(download_report(page).split())
    assert "Changes since the previous report" in second
    assert "A3 Change-of-control risk: 2 → 0" in second

    foreign = [url for url in page.requests if not url.startswith(live_server.url) and not url.startswith("data:")]
    assert foreign == []
