"""Verify a report PDF: is the embedded snapshot the one whose fingerprint the document states, and whose is it?

The PDF is parsed, never rendered, and never stored. A VendorEval report attaches `snapshot.json` and states the
snapshot's SHA-256 in its metadata (subject) and on its cover; the document id is derived from it. A file is intact
when the attachment's SHA-256 equals the fingerprint the document states and the document id matches it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from io import BytesIO

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .rendering import ATTACHMENT_NAME
from .snapshot import SNAPSHOT_FORMAT

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
FINGERPRINT = re.compile(r"SHA-256 ([0-9a-f]{64})")
# "VE-" and the fingerprint's first 12 hex digits, then the language (reports before languages had none)
DOCUMENT_ID = re.compile(r"\b(VE-([0-9A-F]{12})(?:-(EN|FR|DE))?)\b")


@dataclasses.dataclass(frozen=True)
class Verification:
    intact: bool
    verdict: str  # one sentence for people
    document_id: str = ""
    stated_fingerprint: str = ""
    actual_fingerprint: str = ""
    snapshot: dict | None = None

    @property
    def organisation_slug(self) -> str:
        return (self.snapshot or {}).get("organisation", {}).get("slug", "")

    @property
    def evaluation_slug(self) -> str:
        return (self.snapshot or {}).get("evaluation", {}).get("slug", "")


def verify_pdf(content: bytes) -> Verification:
    if len(content) > MAX_UPLOAD_BYTES:
        return Verification(False, _("The file is larger than %(mb)s MB; a VendorEval report is far smaller. "
                                     "Nothing was checked.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    if not content.startswith(b"%PDF-"):
        return Verification(False, _("This is not a PDF file."))
    try:
        reader = PdfReader(BytesIO(content))
        subject = str((reader.metadata or {}).get("/Subject", ""))
        attachments = reader.attachments
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        return Verification(False, _("The PDF could not be read (%(error)s); it is damaged or not a VendorEval "
                                     "report.") % {"error": type(exc).__name__})
    stated = FINGERPRINT.search(subject)
    stated_id = DOCUMENT_ID.search(subject)
    if ATTACHMENT_NAME not in attachments or not stated:
        return Verification(False, _("This PDF carries no VendorEval evaluation snapshot, so it is not a VendorEval "
                                     "report, or its snapshot was removed."))
    raw = attachments[ATTACHMENT_NAME][0]
    actual = hashlib.sha256(raw).hexdigest()
    document_id = stated_id.group(1) if stated_id else ""
    try:
        snapshot = json.loads(raw)
    except ValueError:
        snapshot = None
    same_document = stated_id is not None and stated_id.group(2) == stated.group(1)[:12].upper()
    if actual != stated.group(1) or not same_document:
        return Verification(False, _("Altered: the embedded snapshot does not match the fingerprint the document "
                                     "states. The file was changed after it was produced."),
                            document_id, stated.group(1), actual)
    if not isinstance(snapshot, dict) or snapshot.get("format") != SNAPSHOT_FORMAT:
        return Verification(False, _("The attachment is not a VendorEval evaluation snapshot."), document_id,
                            stated.group(1), actual)
    return Verification(True, _("Intact: document %(document)s is exactly as produced; its embedded snapshot "
                                "matches the fingerprint it states.") % {"document": document_id},
                        document_id, stated.group(1), actual, snapshot)
