"""Vendor self-assessment fixtures: catalog editors, a shared offering with unknown answers, requests opened through
the service (their token as the e-mail carries it), and small PDFs made on the spot."""

from __future__ import annotations

import io

import pytest


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    """Every test stores vendor documents in its own folder."""
    settings.VENDOREVAL_VENDOR_UPLOADS = tmp_path / "vendor-uploads"
    return settings.VENDOREVAL_VENDOR_UPLOADS


@pytest.fixture
def editor(db):
    from vendoreval.accounts.services import user_create

    return user_create(username="erika.editor", password="correct horse battery staple",
                       email="erika@vendoreval.example", staff=True)


@pytest.fixture
def superuser(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", "root@vendoreval.example", "correct horse battery")


def unknown_criteria(offering) -> list[str]:
    from vendoreval.checklist.selectors import current_checklist
    from vendoreval.vendors import selectors

    return selectors.default_criteria(selectors.offering_profile(offering, current_checklist()))


def ladder(key: str) -> list[str]:
    """The levels a criterion's ladder defines, strongest first (a ladder may skip some: 4, 2, 0)."""
    from vendoreval.checklist.selectors import current_checklist

    return sorted(current_checklist().criteria.get(key=key).levels, reverse=True)


def offering_with_unknowns(count: int = 2, *, skip=()):
    """A shared offering with at least `count` unknown or stale answers the vendor can be asked (any will do: the
    interim catalog changes)."""
    from vendoreval.catalog.models import Offering

    for offering in Offering.objects.shared().exclude(key__in=list(skip)).order_by("key"):
        if len(unknown_criteria(offering)) >= count:
            return offering
    pytest.fail("no shared offering with unknown answers in the catalog")


@pytest.fixture
def offering(catalog):
    return offering_with_unknowns()


@pytest.fixture
def open_request(editor):
    """open_request(offering, criteria=None, days=None) -> (request, token), through the service as an editor does."""
    from vendoreval.vendors import services

    def make(offering, criteria=None, days=None, email="compliance@vendor.example"):
        return services.vendor_request_create(
            offering=offering, new=services.NewRequest(contact_email=email,
                                                       criteria=criteria or unknown_criteria(offering)[:2],
                                                       days=days),
            created_by=editor, base_url="http://testserver")

    return make


def link(token: str) -> str:
    from vendoreval.vendors.tokens import link_path

    return link_path(token)


def holding(client, token: str):
    """The client after opening the e-mailed link (its session holds the request)."""
    response = client.get(link(token))
    assert response.status_code == 302, response.status_code
    return client


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)
