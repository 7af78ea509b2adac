"""No traps where the buyer decides: overriding a rule's must-have and undoing that override are two separate actions,
undoing restores the rule's must-have and clears the override with its reason (recorded in the history), and a new
sector never replaces weights the buyer tuned without asking.

The shared evaluation (tests/conftest.py) is a defence buyer with restricted data, so data/checklist.yaml's rules add
B1 ≥ 4 (sector and classification) and D1 ≥ 3.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from vendoreval.evaluations.models import AuditEvent, Evaluation

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CHECKLIST = yaml.safe_load((Path(settings.DATA_DIR) / "checklist.yaml").read_text(encoding="utf-8"))
PRESETS = {p["key"]: p for p in CHECKLIST["sector_presets"]}
REASON = "Our own data centre runs the models; no foreign provider is involved"


def field_url(evaluation, field):
    return reverse("evaluation-field", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug,
                                               "field": field})


def url(name, evaluation, **kwargs):
    return reverse(name, kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug, **kwargs})


@pytest.fixture
def buyer(client, evaluation, evaluator):
    client.force_login(evaluator)
    return client


def b1_exclusion(buyer, evaluation) -> bool:
    """Whether the results page still excludes Mistral on Azure for B1 (data/catalog: B1 0, CLOUD Act)."""
    html = buyer.get(url("evaluation-results", evaluation)).content.decode()
    return "B1 Extraterritorial exposure is 0, must-have is 4" in html


def dropped(buyer, evaluation):
    response = buyer.post(field_url(evaluation, "override:B1"),
                          {"override:B1": "drop", "override:B1:reason": REASON, "override:B1:action": "apply"}, **HTMX)
    assert response.status_code == 200, response.content
    return response.content.decode()


# --- overriding and undoing ------------------------------------------------------------------------------------------


def test_overriding_drops_the_must_have_and_says_so(buyer, evaluation):
    assert b1_exclusion(buyer, evaluation)
    html = dropped(buyer, evaluation)
    assert "overridden" in html and "dropped by the buyer" in html
    evaluation.refresh_from_db()
    assert evaluation.overrides == {"B1": {"level": None, "reason": REASON}}
    assert not b1_exclusion(buyer, evaluation)


def test_undo_restores_the_rules_must_have_and_clears_the_override_and_its_reason(buyer, evaluation, evaluator):
    dropped(buyer, evaluation)
    # the browser posts what the field still holds (the level and the reason) along with the Undo button
    response = buyer.post(field_url(evaluation, "override:B1"),
                          {"override:B1": "drop", "override:B1:reason": REASON, "override:B1:action": "undo"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Override this must-have" in html and "overridden" not in html and REASON not in html
    evaluation.refresh_from_db()
    assert evaluation.overrides == {}
    assert b1_exclusion(buyer, evaluation)
    undo = AuditEvent.objects.filter(evaluation=evaluation, field="overrides").order_by("pk").last()
    assert (undo.actor, undo.old_value, undo.new_value) == (evaluator, {"B1": {"level": None, "reason": REASON}}, {})
    # the readable history says so (a later session, so it is not merged with the override itself)
    AuditEvent.objects.filter(pk=undo.pk).update(at=undo.at.replace(year=undo.at.year + 1))
    activity = buyer.get(url("evaluation-activity", evaluation)).content.decode()
    assert "override withdrawn, the rule applies again" in activity


def test_a_reason_left_filled_without_a_level_never_drops_the_must_have(buyer, evaluation):
    """The old trap: "keep ≥ 4" chosen while a reason was still typed dropped the must-have."""
    before = Evaluation.objects.values().get(pk=evaluation.pk)
    response = buyer.post(field_url(evaluation, "override:B1"),
                          {"override:B1": "", "override:B1:reason": REASON}, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose the new minimum: a lower level, or drop the must-have." in html
    assert REASON in html  # what was typed stays on screen
    assert Evaluation.objects.values().get(pk=evaluation.pk) == before
    assert b1_exclusion(buyer, evaluation)


def test_emptying_the_reason_keeps_the_override_and_asks_for_one(buyer, evaluation):
    dropped(buyer, evaluation)
    response = buyer.post(field_url(evaluation, "override:B1"),
                          {"override:B1": "drop", "override:B1:reason": ""}, **HTMX)
    assert response.status_code == 422
    assert "Say why this must-have does not apply" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.overrides == {"B1": {"level": None, "reason": REASON}}


def test_nothing_chosen_and_nothing_typed_changes_nothing(buyer, evaluation):
    """An untouched override block posted with the step's Save button leaves the rule (or an override) alone."""
    dropped(buyer, evaluation)
    events = AuditEvent.objects.count()
    response = buyer.post(field_url(evaluation, "override:B1"), {"override:B1:reason": ""}, **HTMX)
    assert response.status_code == 200
    evaluation.refresh_from_db()
    assert evaluation.overrides == {"B1": {"level": None, "reason": REASON}}
    assert AuditEvent.objects.count() == events


def test_the_override_button_with_nothing_chosen_says_what_is_missing(buyer, evaluation):
    response = buyer.post(field_url(evaluation, "override:D1"),
                          {"override:D1": "", "override:D1:reason": "", "override:D1:action": "apply"}, **HTMX)
    assert response.status_code == 422
    assert "Choose the new minimum (a lower level, or drop the must-have) and say why." in response.content.decode()


def test_an_override_only_lowers_the_must_have(buyer, evaluation):
    response = buyer.post(field_url(evaluation, "override:D1"),
                          {"override:D1": "3", "override:D1:reason": REASON, "override:D1:action": "apply"}, **HTMX)
    assert response.status_code == 422
    assert "An override lowers the must-have: choose a level below 3, or drop it." in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.overrides == {}


def test_changing_the_reason_of_an_override_keeps_it_and_is_recorded(buyer, evaluation):
    dropped(buyer, evaluation)
    response = buyer.post(field_url(evaluation, "override:B1"),
                          {"override:B1": "drop", "override:B1:reason": "Air-gapped site, CISO approval 2027-03"},
                          **HTMX)
    assert response.status_code == 200 and "Saved" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.overrides == {"B1": {"level": None, "reason": "Air-gapped site, CISO approval 2027-03"}}


def test_override_and_undo_are_two_separate_buttons_and_the_reason_is_a_textarea(buyer, evaluation):
    page = buyer.get(url("evaluation-step", evaluation, step="requirements")).content.decode()
    block = page.split('id="f-override-b1-field"', 1)[1].split('id="f-override-c1-field"', 1)[0]
    assert re.search(r'<button [^>]*value="apply"[^>]*>Override must-have B1</button>', block)
    assert "Undo" not in block
    assert '<textarea name="override:B1:reason"' in block
    dropped(buyer, evaluation)
    page = buyer.get(url("evaluation-step", evaluation, step="requirements")).content.decode()
    block = page.split('id="f-override-b1-field"', 1)[1].split('id="f-override-c1-field"', 1)[0]
    assert re.search(r'<button [^>]*value="undo"[^>]*>Undo the override: must-have B1 ≥ 4 applies again</button>',
                     block)
    assert 'value="apply"' not in block
    assert f">{REASON}</textarea>" in block


def test_override_and_undo_work_without_javascript(buyer, evaluation):
    step = url("evaluation-step", evaluation, step="requirements")
    response = buyer.post(step, {"override:D1": "1", "override:D1:reason": REASON, "override:D1:action": "apply",
                                 "override:B1:reason": "", "override:C1:reason": ""})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.overrides == {"D1": {"level": 1, "reason": REASON}}
    response = buyer.post(step, {"override:D1": "1", "override:D1:reason": REASON, "override:D1:action": "undo"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.overrides == {}


# --- a new sector and the buyer's own weights -------------------------------------------------------------------


def tune_weights(buyer, evaluation):
    assert buyer.post(field_url(evaluation, "weight:E"), {"weight:E": "7"}, **HTMX).status_code == 200
    evaluation.refresh_from_db()
    return dict(evaluation.area_weights)


def test_a_new_sector_asks_before_replacing_weights_the_buyer_tuned(buyer, evaluation):
    tuned = tune_weights(buyer, evaluation)
    response = buyer.post(field_url(evaluation, "sector"), {"sector": "health"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Replace them with the weights of Healthcare (A 10, B 15, C 20, D 10, E 10, F 5, G 10, H 15, I 5)?" in html
    assert "Use the weights of Healthcare</button>" in html and "Keep my weights</button>" in html
    evaluation.refresh_from_db()
    assert evaluation.sector == "health"
    assert evaluation.area_weights == tuned  # kept until the buyer confirms


def test_confirming_replaces_the_weights_with_the_new_sectors_and_is_recorded(buyer, evaluation, evaluator):
    tuned = tune_weights(buyer, evaluation)
    buyer.post(field_url(evaluation, "sector"), {"sector": "health"}, **HTMX)
    response = buyer.post(field_url(evaluation, "sector"), {"sector": "health", "sector:weights": "replace"}, **HTMX)
    assert response.status_code == 200
    assert "Keep my weights" not in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.area_weights == PRESETS["health"]["weights"]
    event = AuditEvent.objects.filter(evaluation=evaluation, field="area_weights").order_by("pk").last()
    assert (event.actor, event.old_value, event.new_value) == (evaluator, tuned, PRESETS["health"]["weights"])


def test_keeping_the_weights_changes_nothing_and_stops_asking(buyer, evaluation):
    tuned = tune_weights(buyer, evaluation)
    buyer.post(field_url(evaluation, "sector"), {"sector": "health"}, **HTMX)
    events = AuditEvent.objects.count()
    response = buyer.post(field_url(evaluation, "sector"), {"sector": "health", "sector:weights": "keep"}, **HTMX)
    assert response.status_code == 200
    assert "Keep my weights" not in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.area_weights == tuned
    assert AuditEvent.objects.count() == events


def test_untouched_weights_follow_the_sector_without_a_question(buyer, evaluation):
    response = buyer.post(field_url(evaluation, "sector"), {"sector": "finance"}, **HTMX)
    assert "Keep my weights" not in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.area_weights == PRESETS["finance"]["weights"]


def test_without_javascript_a_new_sector_stays_on_the_step_and_asks(buyer, evaluation):
    tuned = tune_weights(buyer, evaluation)
    step = url("evaluation-step", evaluation, step="organisation")
    response = buyer.post(step, {"name": evaluation.name, "sector": "health", "classification": "restricted",
                                 "next": "1"})
    assert response.status_code == 302
    assert response["Location"] == step + "?ask=sector#f-sector-field"
    page = buyer.get(response["Location"]).content.decode()
    assert "Replace them with the weights of Healthcare" in page
    evaluation.refresh_from_db()
    assert evaluation.area_weights == tuned
    response = buyer.post(step, {"name": evaluation.name, "sector": "health", "sector:weights": "replace"})
    assert response.status_code == 302 and response["Location"] == step
    evaluation.refresh_from_db()
    assert evaluation.area_weights == PRESETS["health"]["weights"]
