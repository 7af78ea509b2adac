"""Results rank the offerings that pass, list the excluded ones with every reason, and update in place."""

import re

import pytest
from django.urls import reverse

from vendoreval.catalog.models import Answer, Evidence, Offering

pytestmark = pytest.mark.django_db


def url(name, evaluation, query=""):
    return reverse(name, kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug}) + query


@pytest.fixture
def buyer(client, evaluation, evaluator):
    client.force_login(evaluator)
    return client


def excluded_row(html: str, key: str) -> str:
    """The row of one offering in the "Excluded offerings" table."""
    excluded = html.split("<h2>Excluded offerings</h2>", 1)[1]
    assert f'name="o" value="{key}"' in excluded, f"{key} is not among the excluded offerings"
    return excluded.split(f'name="o" value="{key}"', 1)[1].split("</tr>", 1)[0]


def ranked_keys(html: str) -> list[str]:
    ranking = html.split("<h2>Ranking</h2>", 1)[1].split("<h2>Excluded offerings</h2>", 1)[0]
    return re.findall(r'name="o" value="([a-z0-9-]+)"', ranking)


def test_offering_under_the_cloud_act_is_excluded_with_that_reason(buyer, evaluation):
    html = buyer.get(url("evaluation-results", evaluation)).content.decode()
    # data/catalog: Mistral's models on Azure are contracted with Microsoft Corporation (US)
    row = excluded_row(html, "mistral-on-azure")
    assert "Mistral models on Microsoft Azure Foundry" in row
    assert "B1 Extraterritorial exposure is 0, must-have is 4" in row
    assert "Microsoft Corporation (US): CLOUD Act, FISA 702" in row
    assert "added because the sector is Defence &amp; aerospace and data classification is restricted" in row


def test_self_hosted_open_weights_pass_a_restricted_defence_profile(buyer, evaluation):
    keys = ranked_keys(buyer.get(url("evaluation-results", evaluation)).content.decode())
    assert "mistral-self-hosted" in keys
    assert not {"mistral-on-azure", "azure-openai", "deepseek-api", "vertex-ai-gemini"} & set(keys)


def test_changing_a_weight_reranks_in_place(buyer, evaluation):
    before = ranked_keys(buyer.get(url("evaluation-results", evaluation)).content.decode())
    assert len(before) >= 2
    assert before[0] == "mistral-self-hosted"
    weights = {f"weight:{a}": "0" for a in "ABCDEFGHI"}
    weights["weight:H"] = "100"  # only security & assurance counts now
    response = buyer.post(url("evaluation-results", evaluation), weights, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="ranking"')
    assert "<html" not in fragment
    # data/catalog, area H (H1-H4): Cohere's private deployment answers H1 3, H2 4, H3 yours (4), H4 unknown:
    # (3 + 4 + 4 + 0) / 16 = 68.75; every other passing offering has only H3 (yours, 4): 4 / 16 = 25
    after = ranked_keys(fragment)
    assert after[0] == "cohere-private" and sorted(after) == sorted(before)
    assert "Fit 68.8: only Security &amp; assurance is weighted" in fragment
    evaluation.refresh_from_db()
    assert evaluation.area_weights["H"] == 100 and evaluation.area_weights["A"] == 0


def test_results_show_the_sensitivity_verdict(buyer, evaluation):
    html = buyer.get(url("evaluation-results", evaluation)).content.decode()
    assert re.search(r"(Robust|Not robust): .+ ranks first in \d+% of 2,000 weight samples", html)
    # the verdict is about the offering the ranking shows first
    first = ranked_keys(html)[0]
    name = re.search(rf'for="cmp-{first}">Compare ([^<]+)</label>', html).group(1)
    assert re.search(rf"(Robust|Not robust): {re.escape(name)} ranks first in \d+% of 2,000 weight samples", html)


def test_results_page_queries_do_not_grow_with_the_catalog(buyer, evaluation, django_assert_max_num_queries):
    with django_assert_max_num_queries(60) as small:
        buyer.get(url("evaluation-results", evaluation))
    template = Offering.objects.get(key="ovhcloud-ai-endpoints")
    for i in range(15):  # fifteen more private offerings, each with every answer and evidence
        copy = Offering.objects.create(key=f"private-{i}", name=f"In-house {i}", vendor=template.vendor,
                                       product="In-house", deployment_mode=template.deployment_mode,
                                       hosting_operator=template.hosting_operator, organisation=evaluation.organisation)
        for answer in template.answers.all():
            new = Answer.objects.create(offering=copy, criterion=answer.criterion, status=answer.status,
                                        level=answer.level, rationale=answer.rationale)
            for e in answer.evidence.all():
                Evidence.objects.create(subject=new, url=e.url, accessed=e.accessed, confidence=e.confidence,
                                        source_date=e.source_date)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = buyer.get(url("evaluation-results", evaluation)).content.decode()
    assert "In-house 14" in html


def test_comparison_shows_two_offerings_side_by_side_with_differences_and_evidence_links(buyer, evaluation):
    response = buyer.get(url("evaluation-compare", evaluation, "?o=mistral-self-hosted&o=mistral-on-azure"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "Area profile" in html
    assert 'class="diff"' in html
    assert "/catalog/mistral-on-azure/#answer-B1" in html
    assert 'Mistral open-weight models, self-hosted <span class="badge ok">rank 1</span>' in html
    assert 'Mistral models on Microsoft Azure Foundry <span class="badge bad">excluded</span>' in html


@pytest.mark.parametrize("query, message", [
    ("?o=mistral-api", "Pick between 2 and 6 offerings to compare."),
    ("?o=a&o=b", "Unknown offering a, b."),
    ("?" + "&".join(f"o={k}" for k in ["mistral-api", "mistral-self-hosted", "mistral-on-azure", "openai-api-eu",
                                        "anthropic-api", "azure-openai", "aws-bedrock"]),
     "Pick between 2 and 6 offerings to compare."),
])
def test_comparison_refuses_a_bad_selection_with_a_message(buyer, evaluation, query, message):
    response = buyer.get(url("evaluation-compare", evaluation, query))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_private_offerings_are_scored_only_for_their_organisation(buyer, evaluation, outsider, client):
    template = Offering.objects.get(key="mistral-self-hosted")
    Offering.objects.create(key="our-inhouse-llm", name="Our in-house LLM", vendor=template.vendor, product="x",
                            deployment_mode=template.deployment_mode, organisation=evaluation.organisation)
    assert "Our in-house LLM" in buyer.get(url("evaluation-results", evaluation)).content.decode()
    client.force_login(outsider)
    assert "Our in-house LLM" not in client.get(reverse("catalog")).content.decode()
    assert client.get(reverse("offering", kwargs={"key": "our-inhouse-llm"})).status_code == 404


def test_evaluation_records_the_catalog_date_it_was_scored_against(buyer, evaluation, evaluator, catalog):
    from vendoreval.evaluations.models import AuditEvent

    assert evaluation.catalog_as_of is None
    buyer.get(url("evaluation-results", evaluation))
    buyer.get(url("evaluation-results", evaluation))
    evaluation.refresh_from_db()
    assert evaluation.catalog_as_of == catalog.as_of
    events = AuditEvent.objects.filter(evaluation=evaluation, field="catalog_as_of")
    assert [(e.actor, e.new_value) for e in events] == [(evaluator, catalog.as_of.isoformat())]


def test_buyer_saves_a_shortlist_for_the_report_and_it_is_audited(buyer, evaluation, evaluator):
    from vendoreval.evaluations.models import AuditEvent

    response = buyer.post(url("evaluation-shortlist", evaluation), {"o": ["mistral-self-hosted", "llama-self-hosted"]})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.shortlist == ["mistral-self-hosted", "llama-self-hosted"]
    event = AuditEvent.objects.get(evaluation=evaluation, field="shortlist")
    assert event.actor == evaluator and event.new_value == ["mistral-self-hosted", "llama-self-hosted"]
    page = buyer.get(response["Location"]).content.decode()
    assert "Report shortlist: Mistral open-weight models, self-hosted, Meta Llama (open weights, self-hosted)." in page


def test_shortlist_refuses_unknown_offerings(buyer, evaluation):
    response = buyer.post(url("evaluation-shortlist", evaluation), {"o": ["mistral-self-hosted", "nope"]},
                          follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Unknown offering nope."]
    assert "Shortlist saved" not in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.shortlist == []
