"""Rate limits on the vendor pages: per link, per client address, and harder on opening links (token lookups)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.vendors.conftest import holding, link

pytestmark = pytest.mark.django_db


def test_too_many_requests_on_one_link_get_a_429_page(client, settings, offering, open_request):
    settings.VENDOREVAL_VENDOR_RATE_PER_REQUEST = (5, 3600)
    vendor_request, token = open_request(offering)
    holding(client, token)
    page = reverse("vendor-request", kwargs={"public_id": vendor_request.public_id})
    statuses = [client.get(page).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    response = client.get(page)
    assert response["Retry-After"] == "600" and "Too many requests" in response.content.decode()


def test_guessing_tokens_is_limited_per_address(client, settings, offering, open_request):
    settings.VENDOREVAL_VENDOR_RATE_LINK_PER_IP = (3, 3600)
    _, token = open_request(offering)
    statuses = [client.get(link(f"guess-{n}")).status_code for n in range(3)]
    assert statuses == [404] * 3
    assert client.get(link(token)).status_code == 429  # even the right token waits now
    other = client.get(link(token), REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 302  # another address is counted apart


def test_every_vendor_page_counts_against_the_address(client, settings, offering, open_request):
    settings.VENDOREVAL_VENDOR_RATE_PER_IP = (2, 3600)
    vendor_request, token = open_request(offering)
    unknown = reverse("vendor-request", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    assert [client.get(unknown).status_code for _ in range(3)] == [404, 404, 429]
