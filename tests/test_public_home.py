"""The home page for a visitor who is not signed in says what VendorEval does and how to log in, reveals nothing of
any organisation, and loads nothing from other hosts."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_visitor_reads_what_vendoreval_does_and_finds_the_login(client, evaluation):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    text = " ".join(html.split()).lower()
    for promise in ("CLOUD Act", "run the models themselves", "a report a committee can sign",
                    "never a guess"):
        assert promise.lower() in text, promise
    assert f'href="{reverse("login")}"' in html
    # nothing of any organisation: the evaluation that exists is not mentioned
    assert evaluation.name not in html and evaluation.organisation.name not in html
    # every asset is the app's own
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") or a.startswith("#") for a in assets), assets
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_signed_in_member_gets_their_evaluations_instead(client, evaluation, viewer):
    client.force_login(viewer)
    html = client.get(reverse("home")).content.decode()
    assert evaluation.name in html and "Choose an AI supplier you can legally" not in html
