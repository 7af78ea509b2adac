"""The questionnaire autosaves each answer, validates it next to the field, and records who changed what."""

import pytest
from django.urls import reverse

from vendoreval.evaluations.models import AuditEvent, Evaluation

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def field_url(evaluation, field):
    return reverse("evaluation-field", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug,
                                               "field": field})


def step_url(evaluation, step):
    return reverse("evaluation-step", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug,
                                              "step": step})


@pytest.fixture
def buyer(client, evaluation, evaluator):
    client.force_login(evaluator)
    return client


def test_autosave_stores_the_answer_and_shows_it_saved(buyer, evaluation, evaluator):
    response = buyer.post(field_url(evaluation, "use_cases"), {"use_cases": "Résumés of test reports"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saved" in html and "<html" not in html
    evaluation.refresh_from_db()
    assert evaluation.use_cases == "Résumés of test reports"
    event = AuditEvent.objects.filter(evaluation=evaluation, field="use_cases").get()
    assert (event.actor, event.old_value, event.new_value) == (evaluator, "", "Résumés of test reports")


def test_leaving_and_coming_back_shows_every_saved_answer(buyer, evaluation):
    buyer.post(field_url(evaluation, "trusted_countries"), {"trusted_countries": ["FR", "DE", "CH"]}, **HTMX)
    buyer.post(field_url(evaluation, "weight:B"), {"weight:B": "33"}, **HTMX)
    page = buyer.get(step_url(evaluation, "jurisdictions")).content.decode()
    assert 'value="CH" id="f-trusted-countries-ch" checked' in page
    assert 'value="US" id="f-trusted-countries-us" checked' not in page
    assert 'value="33.0"' in buyer.get(step_url(evaluation, "weights")).content.decode()


@pytest.mark.parametrize("field, values, message", [
    ("weight:A", ["-5"], "A weight cannot be negative."),
    ("weight:A", ["lots"], "Enter a number, for example 15"),
    ("must_have:B1", ["5"], "Levels run from 0 to 4 (got 5)."),
    ("trusted_countries", ["FR", "XX"], "unknown country XX"),
    ("acceptable_modes", ["carrier_pigeon"], "unknown deployment mode carrier_pigeon"),
    ("sector", ["space-pirates"], "Unknown sector"),
])
def test_invalid_answer_is_refused_next_to_the_field_and_changes_nothing(buyer, evaluation, field, values, message):
    before = Evaluation.objects.values().get(pk=evaluation.pk)
    events = AuditEvent.objects.count()
    response = buyer.post(field_url(evaluation, field), {field: values}, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert "Not saved" in html
    after = Evaluation.objects.values().get(pk=evaluation.pk)
    assert after == before
    assert AuditEvent.objects.count() == events


def test_rejected_value_stays_on_screen_so_nothing_typed_is_lost(buyer, evaluation):
    html = buyer.post(field_url(evaluation, "weight:C"), {"weight:C": "-12"}, **HTMX).content.decode()
    assert 'value="-12"' in html


def test_all_weights_zero_is_refused(buyer, evaluation):
    for area in "ABCDEFGH":
        assert buyer.post(field_url(evaluation, f"weight:{area}"), {f"weight:{area}": "0"}, **HTMX).status_code == 200
    response = buyer.post(field_url(evaluation, "weight:I"), {"weight:I": "0"}, **HTMX)
    assert response.status_code == 422
    assert "at least one area must have a weight above zero" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.area_weights["I"] == 5


def test_tampered_field_name_gets_a_clear_400(buyer, evaluation):
    response = buyer.post(field_url(evaluation, "must_have:Z9"), {"must_have:Z9": "3"}, **HTMX)
    assert response.status_code == 400
    assert "Unknown question" in response.content.decode()
    evaluation.refresh_from_db()
    assert "Z9" not in evaluation.must_haves


def test_rule_added_must_haves_say_which_answer_added_them(buyer, evaluation):
    page = buyer.get(step_url(evaluation, "requirements")).content.decode()
    assert ("must-have B1 ≥ 4 — added because the sector is Defence &amp; aerospace and data classification is "
            "restricted") in page


def test_overriding_a_rule_needs_a_reason_which_is_recorded(buyer, evaluation, evaluator):
    refused = buyer.post(field_url(evaluation, "override:D1"), {"override:D1": "2", "override:D1:reason": ""}, **HTMX)
    assert refused.status_code == 422
    assert "Say why this must-have does not apply" in refused.content.decode()
    accepted = buyer.post(field_url(evaluation, "override:D1"),
                          {"override:D1": "2", "override:D1:reason": "Dedicated cloud accepted by the CISO"}, **HTMX)
    assert accepted.status_code == 200
    evaluation.refresh_from_db()
    assert evaluation.overrides == {"D1": {"level": 2, "reason": "Dedicated cloud accepted by the CISO"}}
    event = AuditEvent.objects.get(evaluation=evaluation, field="overrides")
    assert event.actor == evaluator and event.new_value["D1"]["reason"] == "Dedicated cloud accepted by the CISO"


def test_choosing_a_sector_brings_its_preset_weights_until_the_buyer_tunes_them(buyer, evaluation):
    buyer.post(field_url(evaluation, "sector"), {"sector": "finance"}, **HTMX)
    evaluation.refresh_from_db()
    assert evaluation.area_weights["E"] == 20
    buyer.post(field_url(evaluation, "weight:E"), {"weight:E": "7"}, **HTMX)
    buyer.post(field_url(evaluation, "sector"), {"sector": "health"}, **HTMX)
    evaluation.refresh_from_db()
    assert evaluation.area_weights["E"] == 7


def test_every_step_works_as_a_plain_form_post_without_javascript(buyer, evaluation):
    response = buyer.post(step_url(evaluation, "organisation"), {
        "name": "Assistant 2027", "sector": "public", "classification": "confidential",
        "use_cases": "Drafting answers to citizens", "regulations": ["nis2"], "next": "1",
    })
    assert response.status_code == 302
    assert response["Location"] == step_url(evaluation, "jurisdictions")
    evaluation.refresh_from_db()
    assert (evaluation.name, evaluation.sector, evaluation.classification, evaluation.regulations) == (
        "Assistant 2027", "public", "confidential", ["nis2"])


def test_plain_post_with_an_error_shows_it_next_to_the_field_and_keeps_the_rest(buyer, evaluation):
    response = buyer.post(step_url(evaluation, "weights"), {**{f"weight:{a}": "10" for a in "ABCDEFGHI"},
                                                            "weight:C": "-1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "A weight cannot be negative." in html and 'value="-1"' in html
    evaluation.refresh_from_db()
    assert evaluation.area_weights["A"] == 10 and evaluation.area_weights["C"] == 15


def test_progress_shows_what_is_left(buyer, organisation, owner, context):
    from vendoreval.evaluations.services import evaluation_create

    fresh = evaluation_create(organisation=organisation, name="Fresh", actor=owner, context=context)
    page = buyer.get(step_url(fresh, "organisation")).content.decode()
    assert "Questionnaire progress: 3 of 5 steps answered" in page
    assert "Still to answer: Organisation and use case, Must-haves" in page


def test_viewer_sees_the_answers_but_cannot_change_them(client, evaluation, viewer):
    client.force_login(viewer)
    page = client.get(step_url(evaluation, "organisation")).content.decode()
    assert "read-only access" in page and "hx-post" not in page
    assert client.post(field_url(evaluation, "name"), {"name": "Hijacked"}, **HTMX).status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.name == "Engineering assistant"


def test_an_autosave_takes_at_most_eight_queries(buyer, evaluation, django_assert_max_num_queries):
    """Session, user, evaluation with the member's role, then lock, update and audit row (plus the test's savepoint)."""
    buyer.post(field_url(evaluation, "weight:B"), {"weight:B": "30"}, **HTMX)  # warm: the checklist is read once
    with django_assert_max_num_queries(8):
        response = buyer.post(field_url(evaluation, "weight:B"), {"weight:B": "31"}, **HTMX)
    assert response.status_code == 200
    evaluation.refresh_from_db()
    assert evaluation.area_weights["B"] == 31
