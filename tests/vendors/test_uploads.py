"""PDF uploads: checked by their content, refused with a clear message when not a PDF or too large (nothing stored),
kept outside the web root, and served to catalog editors only, as a download with safe headers."""

from __future__ import annotations

import stat

import pytest
from django.conf import settings
from django.urls import reverse

from tests.vendors.conftest import holding, pdf_bytes, upload
from vendoreval.vendors.models import VendorAuditEvent, VendorDocument

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def vendor(client, offering, open_request):
    vendor_request, token = open_request(offering)
    holding(client, token)
    return vendor_request


def post_document(client, vendor_request, file, *, htmx=True):
    key = vendor_request.criteria[0]
    name = f"document:{key}"
    if htmx:
        address = reverse("vendor-field", kwargs={"public_id": vendor_request.public_id, "field": name})
        return client.post(address, {name: file}, **HTMX)
    return client.post(reverse("vendor-request", kwargs={"public_id": vendor_request.public_id}), {name: file})


def stored_files(uploads) -> list:
    return sorted(uploads.iterdir()) if uploads.exists() else []


@pytest.mark.parametrize("name, content, why", [
    ("report.pdf", b"Hello, I am plain text named like a PDF.\n", "not a PDF document"),
    ("report.pdf", b"%PDF-1.7\nthis is no PDF structure at all\n%%EOF", "cannot be read as one"),
    ("image.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "not a PDF document"),
    ("empty.pdf", b"", "not a PDF document"),
    ("page.pdf", b"<html><script>alert(1)</script></html>", "not a PDF document"),
])
@pytest.mark.parametrize("htmx", [True, False], ids=["autosave", "no-javascript"])
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_stored(client, vendor, uploads, name, content, why,
                                                                   htmx):
    response = post_document(client, vendor, upload(name, content), htmx=htmx)
    assert response.status_code == (422 if htmx else 400)
    html = response.content.decode()
    assert why in html and "Nothing was stored" in html
    assert stored_files(uploads) == [] and not VendorDocument.objects.exists()
    assert not VendorAuditEvent.objects.filter(action="uploaded").exists()


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(client, vendor, uploads, settings):
    big = pdf_bytes(pages=30)
    settings.VENDOREVAL_VENDOR_UPLOAD_MAX_BYTES = len(big) - 1
    response = post_document(client, vendor, upload("big.pdf", big))
    assert response.status_code == 422
    assert "documents may be at most" in response.content.decode()
    assert stored_files(uploads) == [] and not VendorDocument.objects.exists()


def test_a_pdf_is_stored_outside_the_web_root_under_a_random_name(client, vendor, uploads):
    content = pdf_bytes(pages=3)
    response = post_document(client, vendor, upload("../../etc/Über Bericht<script>.pdf", content))
    assert response.status_code == 200
    document = VendorDocument.objects.get()
    assert (document.pages, document.size) == (3, len(content))
    assert document.original_name == "Über-Bericht-script-.pdf"
    [path] = stored_files(uploads)
    assert path.name == document.stored_name and path.read_bytes() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for public in (settings.STATIC_ROOT, settings.MEDIA_ROOT, *settings.STATICFILES_DIRS):
        assert not path.resolve().is_relative_to(public.resolve())


def test_a_new_pdf_replaces_the_old_one_and_removing_deletes_it(client, vendor, uploads,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_document(client, vendor, upload("one.pdf", pdf_bytes()))
        post_document(client, vendor, upload("two.pdf", pdf_bytes(2)))
    assert [d.original_name for d in VendorDocument.objects.all()] == ["two.pdf"]
    assert len(stored_files(uploads)) == 1
    key = vendor.criteria[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("vendor-field", kwargs={"public_id": vendor.public_id,
                                                               "field": f"document:{key}"}),
                               {f"document:{key}:remove": "remove"}, **HTMX)
    assert response.status_code == 200
    assert not VendorDocument.objects.exists() and stored_files(uploads) == []


def test_editors_download_it_with_safe_headers_and_nobody_else_can(client, vendor, editor, evaluator):
    content = pdf_bytes()
    post_document(client, vendor, upload("proof.pdf", content))
    document = VendorDocument.objects.get()
    address = reverse("vendor-document", kwargs={"pk": vendor.pk, "document": document.pk})
    refused = client.get(address)  # the vendor's own session: no login
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("login"))
    client.force_login(evaluator)
    assert client.get(address).status_code == 403
    client.force_login(editor)
    response = client.get(address)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="proof.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]
    wrong = reverse("vendor-document", kwargs={"pk": vendor.pk + 1000, "document": document.pk})
    assert client.get(wrong).status_code == 404  # a document is reached through its own request only
    assert VendorAuditEvent.objects.filter(action="downloaded", actor=editor).count() == 1
