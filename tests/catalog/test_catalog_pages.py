"""A signed-in user browses the catalog: offerings with their chain, and every answer with its sources."""

import datetime as dt

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

DATA = settings.DATA_DIR
OFFERING_FILES = sorted((DATA / "catalog" / "offerings").glob("*.yaml"))
CRITERIA = yaml.safe_load((DATA / "checklist.yaml").read_text())["criteria"]


def test_catalog_needs_a_login(client, catalog):
    response = client.get(reverse("catalog"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_catalog_lists_offerings_with_vendor_mode_and_hosting_chain(client, evaluator, catalog):
    client.force_login(evaluator)
    html = client.get(reverse("catalog")).content.decode()
    from vendoreval.catalog.revisions import catalog_as_of

    assert f"{len(OFFERING_FILES)} offerings" in html  # one offering per data file
    assert f"catalog as of {catalog_as_of():%Y-%m-%d}" in html
    row = html.split('href="/catalog/mistral-on-azure/"', 1)[1].split("</tr>", 1)[0]
    assert "Hosted by a third-party cloud" in row
    assert "hosting operator: Microsoft Corporation (US)" in row and "untrusted" in row


def test_offering_page_shows_every_answer_with_sources_gaps_and_derived_exposure(client, evaluator, catalog):
    client.force_login(evaluator)
    html = client.get(reverse("offering", kwargs={"key": "mistral-on-azure"})).content.decode()
    assert html.count('id="answer-') == len(CRITERIA)  # every criterion of the checklist file, derived ones too
    b1 = html.split('id="answer-B1"', 1)[1].split("</tr>", 1)[0]
    assert "derived" in b1 and "hosting operator Microsoft Corporation (US): CLOUD Act, FISA 702" in b1
    offering = yaml.safe_load((DATA / "catalog" / "offerings" / "mistral-on-azure.yaml").read_text())
    accessed = next(e["accessed"] for a in offering["answers"].values() for e in a.get("evidence", []))
    assert f"accessed {accessed:%Y-%m-%d}" in html
    assert "data gap" in html
    assert "hosting operator: <strong>Microsoft Corporation</strong>" in html


def test_old_sources_are_flagged_stale(client, evaluator, catalog):
    from vendoreval.catalog.models import Answer

    answer = Answer.objects.filter(offering__key="ovhcloud-ai-endpoints", status="level").first()
    client.force_login(evaluator)

    def row():
        html = client.get(reverse("offering", kwargs={"key": "ovhcloud-ai-endpoints"})).content.decode()
        return html.split(f'id="answer-{answer.criterion.key}"', 1)[1].split("</tr>", 1)[0]

    assert "stale evidence" not in row()  # the catalog's sources are recent
    answer.evidence.update(source_date=dt.date(2020, 1, 1))
    assert "stale evidence" in row() and "source 2020-01-01" in row()


def test_offering_page_names_the_vendors_notable_shareholders(client, evaluator, catalog):
    client.force_login(evaluator)
    html = client.get(reverse("offering", kwargs={"key": "ionos-ai-model-hub"})).content.decode()
    assert "Notable shareholders of IONOS Group SE" in html
    assert "Warburg Pincus LLC — 21.2%" in html and "United Internet AG — 63.8%" in html
