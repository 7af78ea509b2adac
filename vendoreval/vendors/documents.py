"""PDF documents a vendor attaches to a proposal: checked by their content, stored outside the web root.

A file counts as a PDF when it starts with `%PDF-` and pypdf reads at least one page from it, unencrypted; its name
and declared content type are not trusted. Files are written under random names in
`settings.VENDOREVAL_VENDOR_UPLOADS`, readable by the app's user only, and served to catalog editors only, as a
download (`views.vendor_document`)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import os
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from vendoreval.fields import FieldError

logger = logging.getLogger(__name__)

MAGIC = b"%PDF-"
NAME_MAX = 120


@dataclasses.dataclass(frozen=True)
class CheckedPdf:
    original_name: str
    size: int
    sha256: str
    pages: int
    content: bytes


def upload_dir() -> Path:
    return Path(settings.VENDOREVAL_VENDOR_UPLOADS)


def safe_name(name: str) -> str:
    """The uploaded file's name as shown and offered for download: letters (any script), digits, dot, dash,
    underscore; no folders; ends in .pdf."""
    stem = re.sub(r"[^\w.-]+", "-", Path(name or "").name).strip(".-")[: NAME_MAX - 4] or "document"
    return stem if stem.lower().endswith(".pdf") else f"{stem}.pdf"


def _too_large(size: int) -> str:
    limit = settings.VENDOREVAL_VENDOR_UPLOAD_MAX_BYTES
    return _("This file is %(size)s MB; documents may be at most %(limit)s MB. Nothing was stored. Upload a smaller "
             "PDF, or give the public page that holds it instead.") % {
        "size": floatformat(size / 1024 / 1024, 1), "limit": floatformat(limit / 1024 / 1024, -1)}


def check_pdf(name: str, upload: UploadedFile) -> CheckedPdf:
    """The upload's content, if it is a readable PDF within the size limit; otherwise FieldError(name, why)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    limit = settings.VENDOREVAL_VENDOR_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise FieldError(name, _too_large(upload.size))
    content = b"".join(upload.chunks())
    if len(content) > limit:
        raise FieldError(name, _too_large(len(content)))
    not_pdf = _("This file is not a PDF document (checked by its content, whatever its name says). Nothing was "
                "stored. Export the document as PDF and upload that.")
    if not content.startswith(MAGIC):
        raise FieldError(name, not_pdf)
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise FieldError(name, _("This PDF is password-protected, so editors could not read it. Nothing was "
                                     "stored. Upload a copy without a password."))
        pages = len(reader.pages)
    except FieldError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError, OSError):
        raise FieldError(name, _("This file is not a PDF document: it starts like a PDF but cannot be read as one. "
                                 "Nothing was stored. Export the document as PDF and upload that.")) from None
    if pages < 1:
        raise FieldError(name, _("This PDF has no pages. Nothing was stored."))
    return CheckedPdf(original_name=safe_name(upload.name or ""), size=len(content),
                      sha256=hashlib.sha256(content).hexdigest(), pages=pages, content=content)


def store(pdf: CheckedPdf) -> str:
    """Write the document under a new random name; returns that name."""
    directory = upload_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.pdf"
    fd = os.open(directory / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pdf.content)
    return stored_name


def path_of(stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.pdf", stored_name):  # never a path a row could smuggle in
        raise ValueError(f"not a stored document name: {stored_name!r}")
    return upload_dir() / stored_name


def discard(stored_name: str) -> None:
    try:
        path_of(stored_name).unlink(missing_ok=True)
    except OSError:
        logger.warning("could not delete vendor document %s", stored_name)
