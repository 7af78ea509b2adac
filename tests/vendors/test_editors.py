"""The editors' side: opening a request from the page (default criteria, a new offering as a draft), revoking,
reviewing rules (a fresh confirmed answer is not replaced), the admin's read-only records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.vendors.conftest import holding, ladder, unknown_criteria
from vendoreval.catalog.models import Answer, Evidence, Offering
from vendoreval.checklist.selectors import current_checklist
from vendoreval.fields import FieldError
from vendoreval.vendors import services
from vendoreval.vendors.models import VendorProposal, VendorRequest
from vendoreval.vendors.questions import question

pytestmark = pytest.mark.django_db


def test_the_new_request_page_ticks_unknown_and_stale_answers_and_sends_the_link(client, editor, offering):
    client.force_login(editor)
    page = client.get(reverse("vendor-request-new"), {"offering": offering.key})
    html = page.content.decode()
    defaults = unknown_criteria(offering)
    for key in defaults:
        assert f'value="{key}" id="id_criteria_{key}" checked' in html
    response = client.post(reverse("vendor-request-new"), {
        "offering": offering.key, "contact_email": "Compliance@Vendor.example", "criteria": defaults[:3],
        "days": "30"})
    vendor_request = VendorRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("vendor-request-review", kwargs={"pk": vendor_request.pk})
    assert vendor_request.criteria == defaults[:3]
    assert vendor_request.contact_email == "compliance@vendor.example"
    assert abs((vendor_request.expires_at - timezone.now()) - dt.timedelta(days=30)) < dt.timedelta(minutes=1)
    assert mail.outbox[0].to == ["compliance@vendor.example"] and "/vendor/?token=" in mail.outbox[0].body


@pytest.mark.parametrize("change, field, message", [
    ({"contact_email": "not an address"}, "contact_email", "e-mail address"),
    ({"criteria": []}, "criteria", "at least one criterion"),
    ({"criteria": ["ZZ9"]}, "criteria", "cannot be asked: ZZ9"),
    ({"days": "400"}, "days", "1 to 90 days"),
])
def test_a_bad_request_is_refused_next_to_the_field(client, editor, offering, change, field, message):
    client.force_login(editor)
    data = {"offering": offering.key, "contact_email": "a@vendor.example", "criteria": unknown_criteria(offering),
            "days": "30", **change}
    response = client.post(reverse("vendor-request-new"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not VendorRequest.objects.exists() and not mail.outbox


def test_a_new_offering_is_created_as_a_draft_outside_the_catalog(client, editor, evaluator, offering):
    client.force_login(editor)
    response = client.post(reverse("vendor-request-new"), {
        "offering_name": "Sovereign LLM Cloud", "vendor": offering.vendor.key, "deployment_mode": "public_api",
        "contact_email": "a@vendor.example", "criteria": unknown_criteria(offering)[:2], "days": "10"})
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = Offering.objects.get(name="Sovereign LLM Cloud")
    assert draft.draft and draft.organisation is None
    assert draft.history.first().history_user == editor
    client.force_login(evaluator)
    assert "Sovereign LLM Cloud" not in client.get(reverse("catalog")).content.decode()
    assert client.get(reverse("offering", kwargs={"key": draft.key})).status_code == 404
    assert draft.key not in {o.key for o in Offering.objects.shared()}  # nor in the data files' export


def test_a_failed_request_for_a_new_offering_leaves_no_draft(client, editor, offering):
    client.force_login(editor)
    response = client.post(reverse("vendor-request-new"), {
        "offering_name": "Half-made", "vendor": offering.vendor.key, "deployment_mode": "public_api",
        "contact_email": "", "criteria": unknown_criteria(offering)[:2], "days": "10"})
    assert response.status_code == 400
    assert not Offering.objects.filter(name="Half-made").exists()


def test_revoking_from_the_review_page(client, editor, offering, open_request):
    vendor_request, token = open_request(offering)
    client.force_login(editor)
    response = client.post(reverse("vendor-request-revoke", kwargs={"pk": vendor_request.pk}))
    assert response.status_code == 302
    vendor_request.refresh_from_db()
    assert vendor_request.revoked_by == editor and vendor_request.state == "revoked"
    again = client.post(reverse("vendor-request-revoke", kwargs={"pk": vendor_request.pk}), follow=True)
    assert "was no longer open" in again.content.decode()


def submitted_request(offering, open_request, key: str, level: str):
    vendor_request, _ = open_request(offering, criteria=[key])
    criteria = {key: vendor_request.checklist.criteria.get(key=key)}
    for name, raw in ((f"level:{key}", level), (f"sources:{key}", "https://vendor.example/p")):
        services.vendor_proposal_answer(vendor_request=vendor_request, question=question(name, criteria), raw=raw)
    services.vendor_request_submit(vendor_request=vendor_request)
    return vendor_request, VendorProposal.objects.get(request=vendor_request)


def test_a_vendor_statement_never_replaces_a_fresh_confirmed_answer(offering, open_request, editor):
    key = unknown_criteria(offering)[0]
    criterion = current_checklist().criteria.get(key=key)
    answer, _ = Answer.objects.update_or_create(offering=offering, criterion=criterion, defaults={
        "status": "level", "level": 1, "rationale": "From the vendor's own terms."})
    Evidence.objects.filter(content_type=ContentType.objects.get_for_model(Answer), object_id=answer.pk).delete()
    Evidence.objects.create(subject=answer, url="https://vendor.example/terms", accessed=timezone.localdate(),
                            source_date=timezone.localdate(), confidence="confirmed")
    _, proposal = submitted_request(offering, open_request, key, level=ladder(key)[0])
    with pytest.raises(FieldError, match="weighed below"):
        services.vendor_proposal_review(proposal=proposal, accept=True, reason="looks fine", reviewer=editor)
    answer.refresh_from_db()
    assert answer.level == 1
    proposal.refresh_from_db()
    assert proposal.decision == ""
    services.vendor_proposal_review(proposal=proposal, accept=False, reason="confirmed source stands",
                                    reviewer=editor)
    proposal.refresh_from_db()
    assert proposal.decision == "rejected"


def test_a_proposal_is_reviewed_once_and_only_after_submission(offering, open_request, editor):
    key = unknown_criteria(offering)[0]
    vendor_request, token = open_request(offering, criteria=[key])
    criteria = {key: vendor_request.checklist.criteria.get(key=key)}
    services.vendor_proposal_answer(vendor_request=vendor_request, question=question(f"level:{key}", criteria),
                                    raw=ladder(key)[0])
    services.vendor_proposal_answer(vendor_request=vendor_request, question=question(f"sources:{key}", criteria),
                                    raw="https://vendor.example/p")
    proposal = VendorProposal.objects.get()
    with pytest.raises(FieldError, match="submitted"):
        services.vendor_proposal_review(proposal=proposal, accept=True, reason="r", reviewer=editor)
    services.vendor_request_submit(vendor_request=vendor_request)
    services.vendor_proposal_review(proposal=proposal, accept=True, reason="r", reviewer=editor)
    with pytest.raises(FieldError, match="already accepted"):
        services.vendor_proposal_review(proposal=proposal, accept=False, reason="r", reviewer=editor)
    vendor_request.refresh_from_db()
    assert vendor_request.state == "reviewed"


def test_vendor_text_is_escaped_in_the_admin(client, superuser, offering, open_request):
    vendor_request, token = open_request(offering)
    key = vendor_request.criteria[0]
    criteria = {key: vendor_request.checklist.criteria.get(key=key)}
    services.vendor_proposal_answer(vendor_request=vendor_request, question=question(f"rationale:{key}", criteria),
                                    raw="<img src=x onerror=alert(1)>")
    client.force_login(superuser)
    html = client.get(reverse("admin:vendors_vendorrequest_change", args=[vendor_request.pk])).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert token not in html


def test_the_vendor_page_escapes_its_own_text_and_keeps_the_csp(client, offering, open_request):
    vendor_request, token = open_request(offering)
    key = vendor_request.criteria[0]
    criteria = {key: vendor_request.checklist.criteria.get(key=key)}
    services.vendor_proposal_answer(vendor_request=vendor_request, question=question(f"rationale:{key}", criteria),
                                    raw="</textarea><script>alert(1)</script>")
    holding(client, token)
    response = client.get(reverse("vendor-request", kwargs={"public_id": vendor_request.public_id}))
    html = response.content.decode()
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html and "<script>" not in html.replace("<script src=", "")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_vendor_posts_need_the_csrf_token(offering, open_request):
    from django.test import Client

    vendor_request, token = open_request(offering)
    client = Client(enforce_csrf_checks=True)
    holding(client, token)
    key = vendor_request.criteria[0]
    address = reverse("vendor-field", kwargs={"public_id": vendor_request.public_id, "field": f"level:{key}"})
    level = ladder(key)[0]
    assert client.post(address, {f"level:{key}": level}, HTTP_HX_REQUEST="true").status_code == 403
    page = client.get(reverse("vendor-request", kwargs={"public_id": vendor_request.public_id}))
    csrf = page.cookies["csrftoken"].value
    assert client.post(address, {f"level:{key}": level}, HTTP_HX_REQUEST="true",
                       HTTP_X_CSRFTOKEN=csrf).status_code == 200
