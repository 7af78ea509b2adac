"""The whole self-assessment through its pages: the link, the vendor's answers (autosave and the no-JavaScript post),
submission, review; a proposal changes nothing until an editor accepts it, and an accepted answer is shown as
vendor-stated on the catalog page, in results and in the report."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.vendors.conftest import holding, ladder, link, pdf_bytes, upload
from vendoreval.catalog.models import Answer, CatalogRevision, Evidence, Source
from vendoreval.vendors.models import VendorAuditEvent, VendorProposal

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def page_url(vendor_request) -> str:
    return reverse("vendor-request", kwargs={"public_id": vendor_request.public_id})


def field_url(vendor_request, name: str) -> str:
    return reverse("vendor-field", kwargs={"public_id": vendor_request.public_id, "field": name})


def catalog_state(offering) -> list:
    """Everything the catalog holds about the offering's answers, with their sources and history."""
    answers = list(Answer.objects.filter(offering=offering).order_by("pk")
                   .values_list("pk", "criterion__key", "status", "level", "rationale"))
    evidence = list(Evidence.objects.filter(object_id__in=[a[0] for a in answers]).order_by("pk")
                    .values_list("pk", "url", "confidence", "note"))
    history = Answer.history.filter(offering_id=offering.pk).count()
    return [answers, evidence, history, Source.objects.count()]


def answer(client, vendor_request, key: str, *, level: str, rationale: str, sources: str, document=None):
    for name, value in ((f"level:{key}", level), (f"rationale:{key}", rationale), (f"sources:{key}", sources)):
        response = client.post(field_url(vendor_request, name), {name: value}, **HTMX)
        assert response.status_code == 200, (name, response.content.decode()[:500])
        assert "Saved" in response.content.decode()
    if document is not None:
        name = f"document:{key}"
        response = client.post(field_url(vendor_request, name), {name: document}, **HTMX)
        assert response.status_code == 200, response.content.decode()[:500]


def test_the_email_link_opens_the_request_and_leaves_the_token_behind(client, offering, open_request):
    vendor_request, token = open_request(offering)
    [message] = mail.outbox
    assert message.to == ["compliance@vendor.example"]
    assert f"http://testserver{link(token)}" in message.body
    assert f"/vendor/?token={token}" in message.body  # in the query string, never the path
    response = client.get(link(token))
    assert response.status_code == 302 and response["Location"] == page_url(vendor_request)
    assert token not in response["Location"] and response["Referrer-Policy"] == "no-referrer"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert offering.name in html and token not in html
    for key in vendor_request.criteria:
        criterion = vendor_request.checklist.criteria.get(key=key)
        assert criterion.title in html
        for meaning in criterion.levels.values():  # the ladder in plain words
            assert str(meaning) in html or str(meaning).replace("'", "&#x27;") in html
    assert list(VendorAuditEvent.objects.filter(request=vendor_request).values_list("action", flat=True)
                ) == ["viewed", "opened", "created"]
    assert vendor_request.token_hash != token
    assert not VendorAuditEvent.objects.filter(detail__contains=token).exists()


def test_answers_autosave_and_change_nothing_in_the_catalog_until_accepted(client, offering, open_request):
    vendor_request, token = open_request(offering)
    first, second = vendor_request.criteria
    before = catalog_state(offering)
    holding(client, token)
    answer(client, vendor_request, first, level=ladder(first)[0], rationale="Keys stay in the EU.",
           sources="https://vendor.example/docs/keys\nhttps://vendor.example/trust/eu", document=upload("keys.pdf",
                                                                                                     pdf_bytes(2)))
    answer(client, vendor_request, second, level=ladder(second)[-1], rationale="Partly.",
           sources="https://vendor.example/docs/x")
    proposal = VendorProposal.objects.get(request=vendor_request, criterion_key=first)
    assert (proposal.level, proposal.sources) == (int(ladder(first)[0]), ["https://vendor.example/docs/keys",
                                                      "https://vendor.example/trust/eu"])
    assert proposal.document.pages == 2 and proposal.document.original_name == "keys.pdf"
    assert client.post(reverse("vendor-submit", kwargs={"public_id": vendor_request.public_id})).status_code == 302
    vendor_request.refresh_from_db()
    assert vendor_request.submitted_at is not None
    assert catalog_state(offering) == before, "a proposal changed the catalog by itself"
    assert [m.subject for m in mail.outbox][-1].startswith("VendorEval: the vendor answered")


def test_the_no_javascript_post_saves_every_answer_and_reports_errors_next_to_each(client, offering, open_request):
    vendor_request, token = open_request(offering)
    first, second = vendor_request.criteria
    holding(client, token)
    response = client.post(page_url(vendor_request), {
        f"level:{first}": ladder(first)[0], f"rationale:{first}": "All of it.", f"sources:{first}": "https://vendor.example/a",
        f"document:{first}": upload("a.pdf", pdf_bytes()),
        f"level:{second}": "7", f"sources:{second}": "https://vendor.example/",
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert "Levels run from 0 to 4 (got 7)." in html
    assert "is a site&#x27;s home page" in html
    saved = VendorProposal.objects.get(request=vendor_request, criterion_key=first)
    assert (saved.level, saved.rationale, saved.sources, saved.document.original_name) == (
        int(ladder(first)[0]), "All of it.", ["https://vendor.example/a"], "a.pdf")
    assert not VendorProposal.objects.filter(request=vendor_request, criterion_key=second, level__isnull=False)
    ok = client.post(page_url(vendor_request), {f"level:{second}": ladder(second)[-1]})
    assert ok.status_code == 302 and ok["Location"] == page_url(vendor_request)


def test_submission_needs_complete_answers(client, offering, open_request):
    vendor_request, token = open_request(offering)
    first = vendor_request.criteria[0]
    holding(client, token)
    submit = reverse("vendor-submit", kwargs={"public_id": vendor_request.public_id})
    response = client.post(submit)
    assert response.status_code == 400 and "Answer at least one criterion" in response.content.decode()
    client.post(field_url(vendor_request, f"level:{first}"), {f"level:{first}": ladder(first)[0]}, **HTMX)
    response = client.post(submit)
    assert response.status_code == 400 and f"Finish or clear {first}" in response.content.decode()
    vendor_request.refresh_from_db()
    assert vendor_request.submitted_at is None


@pytest.fixture
def reviewed(client, offering, open_request, editor):
    """A request whose first answer was accepted and second rejected, through the pages."""
    vendor_request, token = open_request(offering)
    first, second = vendor_request.criteria
    holding(client, token)
    answer(client, vendor_request, first, level=ladder(first)[0],
           rationale="We hold the keys <script>alert(1)</script> in FR.",
           sources="https://vendor.example/docs/keys", document=upload("keys.pdf", pdf_bytes()))
    answer(client, vendor_request, second, level=ladder(second)[0], rationale="Trust us.",
           sources="https://vendor.example/docs/y")
    client.post(reverse("vendor-submit", kwargs={"public_id": vendor_request.public_id}))
    client.logout()
    client.force_login(editor)
    review = reverse("vendor-request-review", kwargs={"pk": vendor_request.pk})
    refused = client.post(review, {"criterion": first, "decision": "accept", "reason": ""})
    assert refused.status_code == 400 and "Give the reason" in refused.content.decode()
    assert client.post(review, {"criterion": first, "decision": "accept",
                                "reason": "Matches the public key-management page."}).status_code == 302
    assert client.post(review, {"criterion": second, "decision": "reject",
                                "reason": "The page does not say so."}).status_code == 302
    return vendor_request, first, second


def test_review_accepts_one_into_the_catalog_as_vendor_stated_and_rejects_the_other(client, offering, reviewed,
                                                                                     editor):
    vendor_request, first, second = reviewed
    accepted = Answer.objects.get(offering=offering, criterion__key=first)
    assert (accepted.status, accepted.level) == ("level", int(ladder(first)[0]))
    evidence = list(accepted.evidence.all())
    assert [(e.url, e.confidence) for e in evidence] == [("https://vendor.example/docs/keys", "vendor_stated")]
    assert f"request {vendor_request.pk}" in evidence[0].note and "PDF" in evidence[0].note
    latest = accepted.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == f"vendor request {vendor_request.pk}: {first} accepted by {editor.username}"
    assert evidence[0].history.first().history_user == editor
    assert Source.objects.get(url="https://vendor.example/docs/keys").publisher == "vendor"
    # the acceptance is one catalog revision of its own, with the reviewer's reason; the rejection changes nothing
    (revision,) = CatalogRevision.objects.filter(source="vendor")
    assert revision.author == editor and "Matches the public key-management page." in revision.reason
    answer_changes = [(c.offering_key, c.criterion_key, c.new_level) for c in revision.changes.filter(model="answer")]
    assert answer_changes == [(offering.key, first, int(ladder(first)[0]))]
    rejected = Answer.objects.filter(offering=offering, criterion__key=second).first()
    assert rejected is None or not rejected.evidence.filter(confidence="vendor_stated").exists()
    assert set(VendorAuditEvent.objects.filter(request=vendor_request, actor=editor)
               .values_list("action", flat=True)) >= {"accepted", "rejected", "created"}
    html = client.get(reverse("vendor-request-review", kwargs={"pk": vendor_request.pk})).content.decode()
    assert "Matches the public key-management page." in html and "The page does not say so." in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_an_accepted_answer_shows_as_vendor_stated_on_the_catalog_page(client, offering, reviewed, evaluator):
    vendor_request, first, second = reviewed
    client.force_login(evaluator)
    html = client.get(reverse("offering", kwargs={"key": offering.key})).content.decode()
    row = re.search(rf'<tr id="answer-{first}">.*?</tr>', html, re.S).group(0)
    assert 'class="badge vendor"' in row and "vendor-stated" in row and f">{ladder(first)[0]}<" in row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row and "<script>alert(1)" not in html
    other = re.search(rf'<tr id="answer-{second}">.*?</tr>', html, re.S).group(0)
    assert "vendor-stated" not in other


def test_an_accepted_answer_shows_as_vendor_stated_in_results_and_the_report(client, offering, reviewed, owner,
                                                                             organisation, context):
    from tests.reports.conftest import pdf_text, squash
    from vendoreval.evaluations.services import evaluation_create, evaluation_outcome, evaluation_set_field
    from vendoreval.reports.rendering import render_pdf
    from vendoreval.reports.snapshot import report_snapshot

    vendor_request, first, _ = reviewed
    evaluation = evaluation_create(organisation=organisation, name="Open field", actor=owner, context=context)
    evaluation_set_field(evaluation=evaluation, field="shortlist", values=[offering.key], actor=owner,
                         context=context)
    evaluation.refresh_from_db()
    outcome = evaluation_outcome(evaluation, context, samples=0)
    result = next(r for r in (*outcome.result.ranking, *outcome.result.excluded) if r.key == offering.key)
    cell = next(c for c in result.criteria if c.criterion == first)
    assert cell.confidence == "vendor_stated" and result.vendor_stated > 0
    assert cell.confidence != "confirmed"

    client.force_login(owner)
    html = client.get(reverse("evaluation-results", kwargs={"org": organisation.slug, "slug": evaluation.slug})
                      ).content.decode()
    if not result.excluded:
        row = re.search(rf'<tr>\s*<td[^>]*><input type="checkbox" name="o" value="{offering.key}".*?</tr>', html,
                        re.S).group(0)
        assert "vendor-stated" in row

    text = pdf_text(render_pdf(report_snapshot(evaluation=evaluation, context=context)))
    flat = squash(text)
    assert re.search(rf"{first}[^·]*·level{ladder(first)[0]}·[^·]*vendor-stated", flat), \
        "the report's appendix labels the accepted answer vendor-stated"
    assert "<script>alert(1)" in text  # in a PDF, text is text: escaped markup would show as &lt;


def test_vendor_text_is_escaped_in_the_report(client, offering, reviewed, owner, organisation, context):
    from vendoreval.evaluations.services import evaluation_create, evaluation_set_field

    evaluation = evaluation_create(organisation=organisation, name="Escapes", actor=owner, context=context)
    evaluation_set_field(evaluation=evaluation, field="shortlist", values=[offering.key], actor=owner,
                         context=context)
    client.force_login(owner)
    html = client.get(reverse("evaluation-report-preview", kwargs={"org": organisation.slug,
                                                                   "slug": evaluation.slug})).content.decode()
    assert "vendor-stated" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_a_plain_post_of_untouched_answers_writes_nothing(client, offering, open_request):
    vendor_request, token = open_request(offering)
    holding(client, token)
    empty = {f"{part}:{key}": "" for key in vendor_request.criteria for part in ("level", "rationale", "sources")}
    response = client.post(page_url(vendor_request), empty)
    assert response.status_code == 302
    assert not VendorProposal.objects.filter(request=vendor_request).exists()
    assert not VendorAuditEvent.objects.filter(request=vendor_request, action="saved").exists()
