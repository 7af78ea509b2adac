"""Results are computed once per state: the evaluation's own version, the catalog revision and the private offerings
its organisation sees. Any write to one of them gives fresh results; reading the results page writes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vendoreval.catalog.models import Offering
from vendoreval.evaluations.services import evaluation_outcome, evaluation_set_field

pytestmark = pytest.mark.django_db


def test_the_same_state_is_scored_once(evaluation, context):
    first = evaluation_outcome(evaluation, context, samples=0)
    assert evaluation_outcome(evaluation, context, samples=0) is first


def test_a_change_to_the_evaluation_scores_again(evaluation, context, owner):
    first = evaluation_outcome(evaluation, context, samples=0)
    evaluation_set_field(evaluation=evaluation, field="weight:A", values=["35"], actor=owner, context=context)
    evaluation.refresh_from_db()
    again = evaluation_outcome(evaluation, context, samples=0)
    assert again is not first and again.profile.area_weights["A"] == 35


def test_a_catalog_revision_scores_again(evaluation, context):
    first = evaluation_outcome(evaluation, context, samples=0)
    offering = Offering.objects.filter(organisation__isnull=True).first()
    offering.name = "Renamed in the catalog"
    offering.save()
    again = evaluation_outcome(evaluation, context, samples=0)
    assert again is not first
    assert "Renamed in the catalog" in {r.name for r in (*again.result.ranking, *again.result.excluded)}


def test_a_private_offering_of_the_organisation_scores_again(evaluation, context, owner):
    from vendoreval.catalog.private_forms import PrivateOfferingForm
    from vendoreval.catalog.private_services import private_offering_create

    first = evaluation_outcome(evaluation, context, samples=0)
    form = PrivateOfferingForm(data={"name": "In-house cluster", "vendor": "meta",
                                     "deployment_mode": "self_hosted_open_weights"})
    assert form.is_valid(), form.errors
    private_offering_create(organisation=evaluation.organisation, actor=owner, data=form.cleaned_data)
    evaluation.organisation.refresh_from_db()
    again = evaluation_outcome(evaluation, context, samples=0)
    assert again is not first and "In-house cluster" in {p.offering.name for p in again.offerings.values()}


def test_reading_the_results_page_writes_nothing(client, evaluation, evaluator):
    client.force_login(evaluator)
    url = reverse("evaluation-results", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug})
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
              and "django_session" not in q["sql"]]
    assert writes == []
