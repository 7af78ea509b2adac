"""Hostile or careless input to the questionnaire gets a message next to the field and changes nothing: a NUL byte,
text over its limit (never cut silently), an absurd weight, two create requests for the same name at once."""

import re
import threading

import pytest
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse

from vendoreval.evaluations.models import AuditEvent, Evaluation

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def field_url(evaluation, field):
    return reverse("evaluation-field", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug,
                                               "field": field})


@pytest.fixture
def buyer(client, evaluation, evaluator):
    client.force_login(evaluator)
    return client


def refused(buyer, evaluation, data, field, message):
    before = Evaluation.objects.values().get(pk=evaluation.pk)
    events = AuditEvent.objects.count()
    response = buyer.post(field_url(evaluation, field), data, **HTMX)
    assert response.status_code == 422, response.content
    assert message in response.content.decode()
    assert Evaluation.objects.values().get(pk=evaluation.pk) == before
    assert AuditEvent.objects.count() == events
    return response.content.decode()


@pytest.mark.parametrize("field", ["name", "use_cases"])
def test_a_nul_byte_in_text_is_refused_next_to_the_field(buyer, evaluation, field):
    refused(buyer, evaluation, {field: "Engineering\x00assistant"}, field, "null character")


def test_a_nul_byte_in_an_override_reason_is_refused(buyer, evaluation):
    refused(buyer, evaluation, {"override:D1": "2", "override:D1:reason": "CISO\x00ok"}, "override:D1",
            "null character")


@pytest.mark.parametrize("field, limit", [("name", 200), ("use_cases", 5000)])
def test_text_over_its_limit_is_refused_not_cut(buyer, evaluation, field, limit):
    html = refused(buyer, evaluation, {field: "x" * (limit + 1)}, field,
                   f"Keep this under {limit} characters: it has {limit + 1}.")
    assert "x" * (limit + 1) in html  # what was typed stays on screen


def step_page(buyer, evaluation, step):
    return buyer.get(reverse("evaluation-step", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug,
                                                        "step": step})).content.decode()


def test_every_free_text_shows_its_limit_with_a_counter(buyer, evaluation):
    evaluation_name = "Engineering assistant"  # tests/conftest.py: 21 characters
    page = step_page(buyer, evaluation, "organisation")
    assert re.search(r'<input type="text" name="name" id="f-name" value="Engineering assistant" maxlength="200"', page)
    assert (f'<span class="counter" id="f-name-counter" data-limit="200">{len(evaluation_name)} of 200 characters'
            in page)
    assert re.search(r'<textarea name="use_cases" id="f-use-cases" maxlength="5000"', page)
    assert '<span class="counter" id="f-use-cases-counter" data-limit="5000">0 of 5000 characters' in page
    page = step_page(buyer, evaluation, "requirements")
    assert re.search(r'<textarea name="override:B1:reason" id="f-override-b1-reason" maxlength="500"', page)
    assert '<span class="counter" id="f-override-b1-counter" data-limit="500">0 of 500 characters' in page


def test_the_limit_message_is_next_to_the_field_and_names_it(buyer, evaluation):
    html = refused(buyer, evaluation, {"use_cases": "u" * 5003}, "use_cases", "")
    assert re.search(r'<textarea name="use_cases" id="f-use-cases"[^>]* aria-invalid="true" '
                     r'aria-describedby="f-use-cases-help f-use-cases-counter f-use-cases-error">', html)
    assert ('<p class="errorlist" id="f-use-cases-error" role="alert">Keep this under 5000 characters: it has 5003. '
            "Nothing was cut; shorten it and save again.</p>") in html
    assert "5003 of 5000 characters" in html  # the counter counts what was typed, not what is stored


def test_without_javascript_text_over_its_limit_is_refused_next_to_it_and_the_rest_is_saved(buyer, evaluation):
    step = reverse("evaluation-step", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug,
                                              "step": "organisation"})
    response = buyer.post(step, {"name": "n" * 201, "use_cases": "Drafting tender answers", "sector": "defence",
                                 "classification": "restricted", "next": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert ('<p class="errorlist" id="f-name-error" role="alert">Keep this under 200 characters: it has 201.'
            in html)
    assert 'value="' + "n" * 201 + '"' in html  # kept whole on screen
    evaluation.refresh_from_db()
    assert evaluation.name == "Engineering assistant" and evaluation.use_cases == "Drafting tender answers"


def test_text_at_its_limit_is_saved_whole(buyer, evaluation):
    assert buyer.post(field_url(evaluation, "use_cases"), {"use_cases": "y" * 5000}, **HTMX).status_code == 200
    evaluation.refresh_from_db()
    assert evaluation.use_cases == "y" * 5000


def test_an_override_reason_over_500_characters_is_refused(buyer, evaluation):
    refused(buyer, evaluation, {"override:D1": "2", "override:D1:reason": "r" * 501}, "override:D1",
            "Keep this under 500 characters: it has 501.")


@pytest.mark.parametrize("value, message", [
    ("1e308", "Weights run from 0 to 1000"), ("1001", "Weights run from 0 to 1000"),
    ("inf", "Weights run from 0 to 1000"), ("nan", "Enter a number, for example 15 (got “nan”)."),
])
def test_an_absurd_weight_is_refused_and_results_stay_readable(buyer, evaluation, value, message):
    refused(buyer, evaluation, {"weight:A": value}, "weight:A", message)
    results = reverse("evaluation-results", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug})
    assert buyer.get(results).status_code == 200


def test_the_largest_weight_is_accepted(buyer, evaluation):
    assert buyer.post(field_url(evaluation, "weight:A"), {"weight:A": "1000"}, **HTMX).status_code == 200
    evaluation.refresh_from_db()
    assert evaluation.area_weights["A"] == 1000


@pytest.mark.django_db(transaction=True)
def test_two_create_requests_with_the_same_name_at_once_both_succeed(organisation, evaluator, catalog):
    """Both requests find the slug free before either inserts; the database's unique constraint decides and the
    second takes the next free slug instead of failing with a 500."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises the two transactions; the race needs PostgreSQL")
    barrier = threading.Barrier(2, timeout=10)
    waited = threading.local()

    def both_checked(sender, instance, **kwargs):
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()

    url = reverse("evaluation-new", kwargs={"org": organisation.slug})
    statuses = []

    def create():
        client = Client()
        client.force_login(evaluator)
        statuses.append(client.post(url, {"name": "Tender 2027"}).status_code)
        connection.close()

    pre_save.connect(both_checked, sender=Evaluation, dispatch_uid="race")
    try:
        threads = [threading.Thread(target=create) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        pre_save.disconnect(dispatch_uid="race", sender=Evaluation)
    assert statuses == [302, 302]
    assert sorted(Evaluation.objects.filter(organisation=organisation).values_list("slug", flat=True)) == [
        "tender-2027", "tender-2027-2"]
