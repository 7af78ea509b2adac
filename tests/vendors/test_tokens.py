"""The link's token: refused after expiry, revocation and submission, on another request's pages, and when tampered
with; it reaches no other page of the app; it is stored nowhere but as its hash."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.vendors.conftest import holding, ladder, link, offering_with_unknowns
from vendoreval.vendors import services
from vendoreval.vendors.models import VendorAuditEvent, VendorProposal, VendorRequest

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def urls(vendor_request):
    key = vendor_request.criteria[0]
    kwargs = {"public_id": vendor_request.public_id}
    return {
        "page": reverse("vendor-request", kwargs=kwargs),
        "field": reverse("vendor-field", kwargs={**kwargs, "field": f"level:{key}"}),
        "submit": reverse("vendor-submit", kwargs=kwargs),
    }, {f"level:{key}": ladder(key)[0]}


def assert_refused_and_unchanged(client, vendor_request, *, page_status: int, words: str):
    address, data = urls(vendor_request)
    page = client.get(address["page"])
    assert page.status_code == page_status
    html = page.content.decode()
    assert words in html
    assert "<form" not in html.split('id="main"')[1], "a closed request shows its state, nothing else"
    assert vendor_request.offering.name not in html.split('id="main"')[1]
    for name in ("page", "field", "submit"):
        assert client.post(address[name], data, **HTMX).status_code == 410, name
    [posted] = data.values()
    assert not VendorProposal.objects.filter(request=vendor_request, level=int(posted)).exists()


def test_an_expired_link_shows_that_it_expired_and_saves_nothing(client, offering, open_request):
    vendor_request, token = open_request(offering, days=1)
    holding(client, token)
    VendorRequest.objects.filter(pk=vendor_request.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    vendor_request.refresh_from_db()
    assert_refused_and_unchanged(client, vendor_request, page_status=410, words="expired")


def test_a_revoked_link_stops_at_once(client, offering, open_request, editor):
    vendor_request, token = open_request(offering)
    holding(client, token)
    assert services.vendor_request_revoke(vendor_request=vendor_request, actor=editor)
    assert_refused_and_unchanged(client, vendor_request, page_status=410, words="withdrawn")
    assert holding(client, token)  # opening the link again shows the same state, nothing more
    assert client.get(urls(vendor_request)[0]["page"]).status_code == 410


def test_after_submission_the_link_only_says_so(client, offering, open_request):
    vendor_request, token = open_request(offering)
    holding(client, token)
    key = vendor_request.criteria[0]
    address, _ = urls(vendor_request)
    client.post(reverse("vendor-field", kwargs={"public_id": vendor_request.public_id, "field": f"level:{key}"}),
                {f"level:{key}": ladder(key)[-1]}, **HTMX)
    client.post(reverse("vendor-field", kwargs={"public_id": vendor_request.public_id, "field": f"sources:{key}"}),
                {f"sources:{key}": "https://vendor.example/p"}, **HTMX)
    assert client.post(address["submit"]).status_code == 302
    vendor_request.refresh_from_db()
    assert_refused_and_unchanged(client, vendor_request, page_status=200, words="waiting for review")
    assert VendorProposal.objects.get(request=vendor_request, criterion_key=key).level == int(ladder(key)[-1])
    assert VendorAuditEvent.objects.filter(request=vendor_request, action="submitted").count() == 1


def test_a_link_opens_only_its_own_request(client, offering, open_request):
    mine, token = open_request(offering)
    theirs, _ = open_request(offering_with_unknowns(skip=[offering.key]))
    holding(client, token)
    address, data = urls(theirs)
    assert client.get(address["page"]).status_code == 404
    for name in ("page", "field", "submit"):
        assert client.post(address[name], data, **HTMX).status_code == 404, name
    assert not VendorProposal.objects.filter(request=theirs).exists()
    assert client.get(urls(mine)[0]["page"]).status_code == 200


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
    lambda t: t[:-2],  # cut short
    lambda t: t + "x",  # extended
    lambda t: t.upper(),
    lambda t: "x" * 500,  # absurdly long: refused before any hashing
    lambda t: "",
])
def test_a_tampered_token_opens_nothing(client, offering, open_request, tamper):
    vendor_request, token = open_request(offering)
    response = client.get(link(tamper(token)))
    assert response.status_code == 404 and "This link is not valid" in response.content.decode()
    assert client.get(urls(vendor_request)[0]["page"]).status_code == 404
    assert not VendorAuditEvent.objects.filter(request=vendor_request, action="opened").exists()


def test_the_token_reaches_no_other_page_nor_offering(client, offering, open_request, evaluation):
    vendor_request, token = open_request(offering)
    holding(client, token)
    login = reverse("login")
    org, slug = evaluation.organisation.slug, evaluation.slug
    assert "Log in" in client.get(reverse("home")).content.decode()  # the public home page, nothing of anyone's
    for address in (reverse("catalog"), reverse("offering", kwargs={"key": offering.key}),
                    reverse("offering", kwargs={"key": offering_with_unknowns(skip=[offering.key]).key}),
                    reverse("evaluation-results", kwargs={"org": org, "slug": slug}),
                    reverse("members", kwargs={"org": org}),
                    reverse("vendor-requests"), reverse("vendor-request-new"),
                    reverse("vendor-request-review", kwargs={"pk": vendor_request.pk})):
        response = client.get(address)
        assert response.status_code == 302 and response["Location"].startswith(login), address
    admin = client.get(reverse("admin:catalog_offering_changelist"))
    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]


def test_the_token_is_kept_only_as_its_hash(offering, open_request):
    from django.core import mail

    from vendoreval.vendors.tokens import token_hash

    vendor_request, token = open_request(offering)
    assert vendor_request.token_hash == token_hash(token) and token not in vendor_request.token_hash
    assert len(token) >= 40  # 32 random bytes
    assert services.vendor_request_find(token) == vendor_request
    assert token in mail.outbox[0].body
    assert f"/{token}" not in mail.outbox[0].body  # never in a path


def test_one_open_request_per_offering(offering, open_request, editor):
    from vendoreval.fields import FieldError

    first, _ = open_request(offering)
    with pytest.raises(FieldError, match="still open"):
        open_request(offering)
    services.vendor_request_revoke(vendor_request=first, actor=editor)
    second, _ = open_request(offering)
    assert second.pk != first.pk
