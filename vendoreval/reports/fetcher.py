"""The only way the PDF engine may load anything: the report's own stylesheet and bundled fonts, or data: URIs.

No http(s), no other file (not /etc/passwd, not ../ out of the asset folder, not a symlink pointing elsewhere), no
redirects. Anything else raises `ReportAssetRefused`; the renderer fails the whole report rather than produce a
document that silently tried to reach out. Every request is recorded so tests can prove what was asked for.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

STYLESHEET = "css/report.css"
FONT_DIR = "fonts"
FONT_SUFFIXES = {".ttf", ".otf", ".woff", ".woff2"}


class ReportAssetRefused(ValueError):
    """The report asked for something that is not one of its own assets."""


def asset_root() -> Path:
    """The app's own static folder (source, not collected: the report never depends on collectstatic)."""
    return Path(settings.BASE_DIR, "static").resolve()


class ReportAssetFetcher(URLFetcher):
    def __init__(self, root: Path | str | None = None) -> None:
        # fail_on_errors: a refused URL stops the rendering instead of being skipped with a warning.
        super().__init__(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True)
        self.root = Path(root).resolve() if root else asset_root()
        self.requested: list[str] = []
        self.refused: list[str] = []

    @property
    def base_url(self) -> str:
        """Base URL for the report HTML: relative links resolve inside the asset folder."""
        return self.root.as_uri() + "/"

    def allowed_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost") or parts.query:
            return None
        raw = url2pathname(unquote(parts.path))
        if "\x00" in raw:
            return None
        path = Path(os.path.realpath(raw))  # resolves ../ and symlinks before the check
        stylesheet = (self.root / STYLESHEET).resolve()
        fonts = (self.root / FONT_DIR).resolve()
        if path == stylesheet or (path.parent == fonts and path.suffix.lower() in FONT_SUFFIXES):
            return path if path.is_file() else None
        return None

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        self.requested.append(url)
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        path = self.allowed_path(url) if scheme == "file" else None
        if path is None:
            self.refused.append(url)
            raise ReportAssetRefused(f"The report may only load its own stylesheet and fonts, not {url[:200]!r}")
        content_type = mimetypes.guess_type(path.name)[0] or (
            "text/css" if path.suffix == ".css" else "application/octet-stream")
        if content_type == "text/css":
            content_type += "; charset=utf-8"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})
