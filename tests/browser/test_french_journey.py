"""A French buyer, in a real Chromium whose preferred language is French: the questionnaire, the results and the report
are in French, and the PDF's headings read back in French. The expected words are those of the French translation
(locale/fr and data/checklist.yaml), written out here."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import PASSWORD
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The report's chapters in French, in the order the report prints them.
FRENCH_CHAPTERS = ["Sommaire", "Synthèse", "Profil d’exigences", "Méthode", "Annexe", "Validation"]


@pytest.fixture
def french_page(browser, live_server, live_catalog, settings, tmp_path):
    settings.VENDOREVAL_REPORT_STORE = tmp_path / "reports"
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def acheteuse(live_catalog):
    user = UserFactory(username="claire.martin")
    MembershipFactory(organisation=OrganisationFactory(name="Direction générale de l’armement (essai)"), user=user,
                      role="owner")
    return user


def wait_saved(page, field_id: str) -> None:
    expect(page.locator(f"#{field_id}-field .save-state")).to_contain_text("Enregistré")


def test_a_french_buyer_answers_reads_the_results_and_signs_a_french_report(french_page, acheteuse):
    page = french_page
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_label("Nom d’utilisateur").fill(acheteuse.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    # questionnaire
    page.get_by_role("link", name="Commencer une évaluation").click()
    page.get_by_label("Nom du projet d’achat").fill("Assistant de revue de conception")
    page.get_by_role("button", name="Commencer").click()
    expect(page.get_by_role("heading", name="Organisation et cas d’usage")).to_be_visible()
    page.get_by_label("Secteur").select_option(label="Défense et aérospatiale")
    wait_saved(page, "f-sector")
    page.get_by_label("Restreint / secret").check()
    wait_saved(page, "f-classification")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_role("heading", name="Pays de confiance")).to_be_visible()

    # results
    page.get_by_role("navigation", name="Évaluation").get_by_role("link", name="Résultats").click()
    expect(page.get_by_role("heading", name=re.compile("Résultats"))).to_be_visible()
    expect(page.get_by_role("heading", name="Offres éliminées")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    # report: in the author's language without being asked
    page.get_by_role("navigation", name="Évaluation").get_by_role("link", name="Rapport", exact=True).click()
    expect(page.get_by_label("Langue du rapport")).to_have_value("fr")
    page.get_by_role("button", name="Générer le PDF").click()
    link = page.get_by_role("link", name=re.compile(r"^Télécharger .+\.pdf$"))
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith("-fr.pdf")
    reader = PdfReader(BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    headings = [title for title in FRENCH_CHAPTERS if title in text]
    assert headings == FRENCH_CHAPTERS
    assert "Executive summary" not in text and "Sign-off" not in text
    assert re.search(r"VE-[0-9A-F]{12}-FR", text)
