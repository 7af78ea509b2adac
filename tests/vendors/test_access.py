"""Every vendor-request URL × every kind of visitor, with the status each must get, written out as a table.

Visitors: nobody (anonymous); the vendor holding this request's link (opened in their session); a vendor holding
another request's link; this request's link after it expired, was revoked or was submitted; a member of a buyer
organisation; a catalog editor; a superuser. The vendor's pages admit only the holder of their own request's link (a
404 for everyone else, as for a page that does not exist; 410 once the request is closed); the editors' pages send
anyone not logged in to log in (a vendor's link is no login) and refuse other accounts (403).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from tests.vendors.conftest import holding, ladder, link, offering_with_unknowns, pdf_bytes, upload
from vendoreval.vendors import services
from vendoreval.vendors.models import VendorProposal, VendorRequest
from vendoreval.vendors.questions import DocumentQuestion

pytestmark = pytest.mark.django_db

VISITORS = ["anonymous", "holder", "other request", "expired", "revoked", "submitted", "member", "editor",
            "superuser"]
LOGIN = "login"  # a redirect to the login page

# (URL name, method): the status per visitor, in the order of VISITORS.
EXPECTED = {
    ("vendor-link", "get"):             (404, 302, 302, 302, 302, 302, 404, 404, 404),
    ("vendor-request", "get"):          (404, 200, 404, 410, 410, 200, 404, 404, 404),
    ("vendor-request", "post"):         (404, 302, 404, 410, 410, 410, 404, 404, 404),
    ("vendor-field", "post"):           (404, 200, 404, 410, 410, 410, 404, 404, 404),
    ("vendor-submit", "post"):          (404, 302, 404, 410, 410, 410, 404, 404, 404),
    ("vendor-requests", "get"):         (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403, 200, 200),
    ("vendor-request-new", "get"):      (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403, 200, 200),
    ("vendor-request-new", "post"):     (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403, 302, 302),
    ("vendor-request-review", "get"):   (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403, 200, 200),
    ("vendor-request-review", "post"):  (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403, 302, 302),
    ("vendor-request-revoke", "post"):  (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403, 302, 302),
    ("vendor-document", "get"):         (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 403, 200, 200),
}


def vendor_url_names() -> set[str]:
    from vendoreval.vendors import urls

    return {p.name for p in urls.urlpatterns}


def test_the_table_covers_every_vendor_url():
    assert vendor_url_names() == {name for name, _ in EXPECTED}
    routes = {str(p.pattern) for p in get_resolver().url_patterns}
    assert "" in routes  # the app's URLs are included at the root


@pytest.fixture
def scene(catalog, editor, open_request, offering):
    """This request (two criteria, the first answered with a PDF), another request on another offering."""
    first_key = None

    def build(state: str):
        nonlocal first_key
        this, token = open_request(offering)
        first_key = this.criteria[0]
        other_offering = offering_with_unknowns(skip=[offering.key])
        other, other_token = open_request(other_offering)
        criterion = this.checklist.criteria.get(key=first_key)
        for question, raw in ((f"level:{first_key}", ladder(first_key)[0]), (f"sources:{first_key}", "https://vendor.example/a")):
            from vendoreval.vendors.questions import question as find

            services.vendor_proposal_answer(vendor_request=this, question=find(question, {first_key: criterion}),
                                            raw=raw)
        services.vendor_proposal_answer(vendor_request=this, question=DocumentQuestion(criterion),
                                        raw=upload("a.pdf", pdf_bytes()))
        if state == "expired":
            VendorRequest.objects.filter(pk=this.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
        elif state == "revoked":
            services.vendor_request_revoke(vendor_request=this, actor=editor)
        elif state == "submitted":
            services.vendor_request_submit(vendor_request=this)
        this.refresh_from_db()
        return this, token, other_token

    return build


CASES = [(name, method, who, expected) for (name, method), statuses in EXPECTED.items()
         for who, expected in zip(VISITORS, statuses, strict=True)]


@pytest.mark.parametrize("name, method, who, expected", CASES,
                         ids=[f"{n}-{m}-{w.replace(' ', '_')}" for n, m, w, _ in CASES])
def test_vendor_url_access(client, scene, editor, superuser, evaluator, name, method, who, expected):
    users = {"editor": editor, "superuser": superuser, "member": evaluator}
    assert visit(client, scene, name, method, who, users) == expected


def visit(client, scene, name: str, method: str, who: str, users: dict):
    state = who if who in ("expired", "revoked", "submitted") else "open"
    this, token, other_token = scene(state)
    if who in users:
        client.force_login(users[who])
    own_token = {"anonymous": None, "other request": other_token}.get(who, token if who not in users else None)
    if name == "vendor-link":
        response = client.get(link(own_token) if own_token else reverse("vendor-link"))
        return response.status_code
    if own_token:
        holding(client, own_token)
    first = this.criteria[0]
    document = VendorProposal.objects.get(request=this, criterion_key=first).document
    kwargs = {
        "vendor-request": {"public_id": this.public_id},
        "vendor-field": {"public_id": this.public_id, "field": f"rationale:{first}"},
        "vendor-submit": {"public_id": this.public_id},
        "vendor-request-review": {"pk": this.pk},
        "vendor-request-revoke": {"pk": this.pk},
        "vendor-document": {"pk": this.pk, "document": document.pk},
    }.get(name, {})
    data = {
        "vendor-request": {f"rationale:{first}": "posted"},
        "vendor-field": {f"rationale:{first}": "posted"},
        "vendor-request-new": {"offering": this.offering.key, "contact_email": "x@vendor.example",
                               "criteria": this.criteria[1], "days": "5"},
        "vendor-request-review": {"criterion": first, "decision": "reject", "reason": "no"},
    }.get(name, {})
    if name == "vendor-request-new":  # a second request for the offering needs the first one closed
        services.vendor_request_revoke(vendor_request=this, actor=users["editor"])
    if name == "vendor-request-review" and method == "post" and who in ("editor", "superuser"):
        services.vendor_request_submit(vendor_request=this)
    response = getattr(client, method)(reverse(name, kwargs=kwargs), data)
    status = response.status_code
    if status == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    if status != 200 or name != "vendor-field" or method != "post":
        proposal = VendorProposal.objects.get(request=this, criterion_key=first)
        if proposal.rationale == "posted" and who != "holder":
            return f"{status} but the answer was saved"
    return status
