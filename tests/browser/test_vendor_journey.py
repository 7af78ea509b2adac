"""A vendor self-assessment end to end, in a real Chromium: a catalog editor asks the vendor, the vendor opens the
e-mailed link (read from the locmem outbox), answers two criteria with a public page and a PDF, submits; the editor
accepts one answer and rejects the other; the catalog page and a newly rendered report show the accepted answer as
vendor-stated."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, log_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.vendors.conftest import ladder, offering_with_unknowns, pdf_bytes, unknown_criteria

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(browser, live_catalog, settings, tmp_path):
    from vendoreval.accounts.services import user_create

    settings.VENDOREVAL_VENDOR_UPLOADS = tmp_path / "vendor-uploads"
    settings.VENDOREVAL_REPORT_STORE = tmp_path / "reports"
    editor = user_create(username="erika.editor", password=PASSWORD, email="erika@vendoreval.example", staff=True)
    buyer = UserFactory(username="bruno.buyer")
    MembershipFactory(organisation=OrganisationFactory(name="Agence Achats Publics"), user=buyer, role="owner")
    return editor, buyer


def wait_saved(page, field_id: str) -> None:
    expect(page.locator(f"#{field_id}-field .save-state")).to_contain_text("Saved")


def test_editor_asks_vendor_answers_editor_reviews_and_catalog_and_report_show_it(page, browser, live_server,
                                                                                  people, tmp_path):
    editor, buyer = people
    offering = offering_with_unknowns()
    first, second = unknown_criteria(offering)[:2]
    level = ladder(first)[0]

    # The editor opens a request from the offering's catalog page.
    log_in(page, editor.username)
    page.goto(f"/catalog/{offering.key}/")
    page.get_by_role("link", name="Ask the vendor about this offering").click()
    expect(page.get_by_role("heading", name=f"Ask a vendor about {offering.name}")).to_be_visible()
    expect(page.locator(f"#id_criteria_{first}")).to_be_checked()  # unknown answers are ticked by default
    page.get_by_label("Vendor contact's e-mail").fill("compliance@vendor.example")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Request \d+: "))).to_be_visible()
    expect(page.get_by_text("waiting for the vendor")).to_be_visible()

    # The vendor follows the e-mail's link, in a browser of their own, without an account.
    [message] = mail.outbox
    address = re.search(r"https?://\S+/vendor/\?token=\S+", message.body).group(0)
    vendor_context = browser.new_context(viewport={"width": 1280, "height": 900})
    vendor = vendor_context.new_page()
    vendor.set_default_timeout(15_000)
    vendor.goto(address)
    expect(vendor).to_have_url(re.compile(r"/vendor/r/[0-9a-f-]{36}/$"))  # the token has left the address bar
    expect(vendor.get_by_role("heading", name=f"Describe {offering.name}")).to_be_visible()

    vendor.locator(f"#f-level-{first.lower()}").select_option(level)
    wait_saved(vendor, f"f-level-{first.lower()}")
    vendor.locator(f"#f-rationale-{first.lower()}").fill("Keys are generated and held in our EU data centres.")
    vendor.locator(f"#f-rationale-{first.lower()}").blur()
    wait_saved(vendor, f"f-rationale-{first.lower()}")
    vendor.locator(f"#f-sources-{first.lower()}").fill("https://vendor.example/docs/key-management")
    vendor.locator(f"#f-sources-{first.lower()}").blur()
    wait_saved(vendor, f"f-sources-{first.lower()}")
    pdf = tmp_path / "key-management.pdf"
    pdf.write_bytes(pdf_bytes(2))
    vendor.locator(f"#f-document-{first.lower()}").set_input_files(str(pdf))
    wait_saved(vendor, f"f-document-{first.lower()}")
    expect(vendor.locator(f"#f-document-{first.lower()}-field")).to_contain_text("Attached: key-management.pdf")

    vendor.locator(f"#f-level-{second.lower()}").select_option(ladder(second)[0])
    wait_saved(vendor, f"f-level-{second.lower()}")
    vendor.locator(f"#f-sources-{second.lower()}").fill("https://vendor.example/docs/other")
    vendor.locator(f"#f-sources-{second.lower()}").blur()
    wait_saved(vendor, f"f-sources-{second.lower()}")

    vendor.reload()  # everything is still there
    expect(vendor.locator(f"#f-level-{first.lower()}")).to_have_value(level)
    vendor.get_by_role("button", name="Submit my answers for review").click()
    expect(vendor.get_by_text("waiting for review")).to_be_visible()
    expect(vendor.locator("main form")).to_have_count(0)  # after submission, the state and nothing else
    vendor_context.close()

    # The editor reviews: accepts the first answer, rejects the second.
    page.goto("/vendor-requests/")
    expect(page.get_by_text("to review")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^\d+$")).first.click()
    section = page.locator(f"#review-{first}")
    expect(section).to_contain_text("https://vendor.example/docs/key-management")
    expect(section.get_by_role("link", name="key-management.pdf")).to_be_visible()
    section.get_by_label(re.compile("Reason for your decision")).fill("The key-management page says so.")
    section.get_by_role("button", name=f"Accept {first} as vendor-stated").click()
    expect(page.locator(f"#review-{first}")).to_contain_text("accepted by erika.editor")
    other = page.locator(f"#review-{second}")
    other.get_by_label(re.compile("Reason for your decision")).fill("The page does not cover this.")
    other.get_by_role("button", name=f"Reject {second}").click()
    expect(page.locator(f"#review-{second}")).to_contain_text("rejected by erika.editor")

    # The catalog page shows the accepted answer with its own badge; the rejected one is unchanged.
    page.goto(f"/catalog/{offering.key}/")
    row = page.locator(f"#answer-{first}")
    expect(row.locator(".badge.vendor").first).to_have_text("vendor-stated")
    expect(row.locator(".level")).to_have_text(level)
    expect(page.locator(f"#answer-{second} .badge.vendor")).to_have_count(0)

    # A buyer's report, rendered now, shows the answer as vendor-stated.
    from vendoreval.checklist.selectors import current_checklist
    from vendoreval.evaluations.context import evaluation_context
    from vendoreval.evaluations.services import evaluation_create, evaluation_set_field

    context = evaluation_context(current_checklist())
    evaluation = evaluation_create(organisation=buyer.memberships.get().organisation, name="Assistant",
                                   actor=buyer, context=context)
    evaluation_set_field(evaluation=evaluation, field="shortlist", values=[offering.key], actor=buyer,
                         context=context)
    page.get_by_role("button", name="Log out").click()
    log_in(page, buyer.username)
    page.goto(f"/o/{evaluation.organisation.slug}/e/{evaluation.slug}/report/")
    page.get_by_role("button", name="Generate the PDF").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download .*\.pdf$")).click()
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(Path(download.value.path()).read_bytes())).pages)
    flat = re.sub(r"\s+", "", text)
    assert re.search(rf"{first}[^·]*·level{level}·[^·]*vendor-stated", flat), "the appendix names it vendor-stated"


def test_vendor_and_editor_pages_have_no_serious_accessibility_violations(page, browser, people):
    from tests.browser.test_accessibility import serious_violations
    from vendoreval.vendors import services

    editor, _ = people
    offering = offering_with_unknowns()
    vendor_request, token = services.vendor_request_create(
        offering=offering, new=services.NewRequest(contact_email="a@vendor.example",
                                                   criteria=unknown_criteria(offering)[:2]),
        created_by=editor, base_url="")
    page.goto(f"/vendor/?token={token}")
    assert serious_violations(page) == [], "vendor's page"
    log_in(page, editor.username)
    for name, address in {"requests": "/vendor-requests/", "new": f"/vendor-requests/new/?offering={offering.key}",
                          "review": f"/vendor-requests/{vendor_request.pk}/"}.items():
        page.goto(address)
        assert serious_violations(page) == [], name
