"""Where generated reports are kept: VENDOREVAL_REPORT_STORE, read when used (so tests and settings overrides apply)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class ReportStore(FileSystemStorage):
    """A file-system store rooted at settings.VENDOREVAL_REPORT_STORE; never served as media (no base URL)."""

    @property
    def base_location(self):  # type: ignore[override]
        return os.fspath(settings.VENDOREVAL_REPORT_STORE)

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):  # type: ignore[override]
        return None


def report_store() -> ReportStore:
    return ReportStore()


def report_file_name(fingerprint: str, language: str = "en") -> str:
    """Stored PDFs are keyed by the snapshot fingerprint and the language (two-level fan-out keeps directories
    small)."""
    return f"{fingerprint[:2]}/{fingerprint}-{language}.pdf"
