"""The checklist evolves: a criterion can be removed from the data files, and a new checklist version can be adopted
by an evaluation, its answers carried over where the criterion still exists."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import OWN_HOSTING
from vendoreval.catalog.models import Answer
from vendoreval.checklist.models import ChecklistVersion
from vendoreval.checklist.selectors import current_checklist
from vendoreval.evaluations.context import evaluation_context
from vendoreval.evaluations.models import AuditEvent
from vendoreval.evaluations.services import evaluation_adopt_checklist, evaluation_outcome, evaluation_set_field

pytestmark = pytest.mark.django_db

REMOVED = "I1"  # energy and carbon disclosure: no rule, preset or derivation depends on it


@pytest.fixture
def data(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, copy)
    return copy


def without_criterion(data: Path, key: str, *, version: str | None = None) -> None:
    """The checklist without `key` (and the offerings without their answer to it), optionally as a new version."""
    checklist = yaml.safe_load((data / "checklist.yaml").read_text())
    checklist["criteria"] = [c for c in checklist["criteria"] if c["key"] != key]
    if version:
        checklist["version"], checklist["published"] = version, "2026-12-31"
    (data / "checklist.yaml").write_text(yaml.safe_dump(checklist, sort_keys=False, allow_unicode=True))
    for path in (data / "catalog" / "offerings").glob("*.yaml"):
        offering = yaml.safe_load(path.read_text())
        offering["answers"].pop(key, None)
        path.write_text(yaml.safe_dump(offering, sort_keys=False, allow_unicode=True))


def test_removing_a_criterion_from_the_data_files_loads_and_its_answers_go_with_it(catalog, data, evaluation, owner,
                                                                                    context, client):
    evaluation_set_field(evaluation=evaluation, field=f"must_have:{REMOVED}", values=["2"], actor=owner,
                         context=context)
    assert Answer.objects.filter(criterion__key=REMOVED).exists()
    without_criterion(data, REMOVED)
    call_command("load_catalog", data=data)
    assert not Answer.objects.filter(criterion__key=REMOVED).exists()
    assert not current_checklist().criteria.filter(key=REMOVED).exists()
    client.force_login(owner)
    results = client.get(reverse("evaluation-results", kwargs={"org": evaluation.organisation.slug,
                                                              "slug": evaluation.slug}))
    assert results.status_code == 200  # the must-have on the removed criterion no longer applies


def test_a_new_checklist_version_keeps_older_evaluations_scored_with_the_catalogs_answers(catalog, data, evaluation,
                                                                                           owner):
    before = evaluation_outcome(evaluation, evaluation_context(evaluation.checklist), samples=0)
    without_criterion(data, REMOVED, version="3")
    call_command("load_catalog", data=data)
    assert current_checklist().version == "3" and evaluation.checklist.version == "2"
    after = evaluation_outcome(evaluation, evaluation_context(ChecklistVersion.objects.get(version="2")), samples=0)
    # the catalog's answers now belong to v3; the v2 evaluation still reads them, by criterion key
    known = {key: {c.criterion for c in r.criteria if not c.unknown}
             for key, r in ((r.key, r) for r in (*after.result.ranking, *after.result.excluded))}
    known_before = {r.key: {c.criterion for c in r.criteria if not c.unknown}
                    for r in (*before.result.ranking, *before.result.excluded)}
    assert {k: v - {REMOVED} for k, v in known.items()} == {k: v - {REMOVED} for k, v in known_before.items()}


def test_adopting_a_new_version_carries_answers_over_where_the_criterion_still_exists(catalog, data, evaluation,
                                                                                      owner, context):
    for field, value in [("must_have:A3", "2"), (f"must_have:{REMOVED}", "2"), ("own_hosting:H4", "4"),
                         (f"own_hosting:{REMOVED}", "3"), ("weight:C", "40")]:
        evaluation_set_field(evaluation=evaluation, field=field, values=[value], actor=owner, context=context)
    evaluation.refresh_from_db()
    without_criterion(data, REMOVED, version="3")
    call_command("load_catalog", data=data)
    dropped = evaluation_adopt_checklist(evaluation=evaluation, context=evaluation_context(current_checklist()),
                                         actor=owner)
    evaluation.refresh_from_db()
    assert evaluation.checklist.version == "3"
    assert evaluation.must_haves == {"A3": 2}
    # the fixture's own hosting (tests/conftest.py), with H4 raised to 4 and the removed criterion gone
    assert evaluation.own_hosting_levels == {**{k: v for k, v in OWN_HOSTING.items() if k != REMOVED}, "H4": 4}
    assert evaluation.area_weights["C"] == 40
    assert dropped == [f"must-have on {REMOVED}", f"own-hosting level of {REMOVED}"]
    event = AuditEvent.objects.get(evaluation=evaluation, field="checklist")
    assert (event.old_value, event.new_value) == ("2", "3") and REMOVED in event.note


def test_the_results_page_offers_the_newer_checklist_to_editors(catalog, data, evaluation, owner, viewer, client):
    without_criterion(data, REMOVED, version="3")
    call_command("load_catalog", data=data)
    url = reverse("evaluation-results", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug})
    client.force_login(owner)
    assert "Adopt checklist v3" in client.get(url).content.decode()
    client.force_login(viewer)
    page = client.get(url).content.decode()
    assert "checklist v3 is current" in page and "Adopt checklist v3" not in page
