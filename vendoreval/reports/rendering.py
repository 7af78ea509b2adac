"""Render the report: HTML from the template (also the browser preview), PDF/A-3b from that HTML with WeasyPrint.

Both are pure functions of the snapshot. The PDF embeds the snapshot JSON as an associated file (AFRelationship
Source) and takes every date from the snapshot, never from the clock, so the same snapshot gives the same document.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import zlib

import pydyf
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML, Attachment
from weasyprint.urls import FatalURLFetchingError

from .document import report_document
from .fetcher import STYLESHEET, ReportAssetFetcher
from .snapshot import ReportSnapshot

TEMPLATE = "reports/report.html"
ATTACHMENT_NAME = "snapshot.json"
PDF_VARIANT = "pdf/a-3b"
STREAM_COMPRESSION = 6

logger = logging.getLogger(__name__)


class ReportRenderError(Exception):
    """The report could not be rendered; the message is shown to the user."""


def report_html(snapshot: ReportSnapshot, *, stylesheet_href: str = STYLESHEET, preview: dict | None = None) -> str:
    """The report as an HTML document in the snapshot's language. For the PDF the stylesheet is relative to the asset
    folder; the preview passes the static URL and links back to the app."""
    with translation.override(snapshot.language):
        context = report_document(snapshot)
        context.update({"stylesheet_href": stylesheet_href, "preview": preview, "language": snapshot.language})
        return render_to_string(TEMPLATE, context)


def _finish(document, pdf) -> None:
    """Last touches on the PDF before it is written (WeasyPrint's finisher hook).

    * WeasyPrint lists an embedded file twice in the catalog's /AF array; PDF/A-3 wants each associated file once.
    * pydyf deflates streams at level 9, which costs a fifth of a long report's render time for a file about 2%
      smaller than level 6; the streams are deflated here at level 6 instead.
    """
    af = pdf.catalog.get("AF")
    if af:
        unique = list(dict.fromkeys(af))
        af.clear()
        af.extend(unique)
    to_bytes = getattr(pydyf, "_to_bytes", None)  # pydyf's own serialiser; without it, leave pydyf's level 9
    for obj in pdf.objects if to_bytes else ():
        if isinstance(obj, pydyf.Stream) and obj.compress and "Filter" not in obj.extra:
            raw = b"\n".join(to_bytes(item) for item in obj.stream)
            obj.stream = [zlib.compress(raw, STREAM_COMPRESSION)]
            obj.extra["Filter"] = "/FlateDecode"
            obj.compress = False


@contextlib.contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while WeasyPrint works.

    A long report allocates a few million short-lived objects; the collector would scan the growing heap again and
    again (about a tenth of the render time, measured with `make bench`). Reference counting still frees what can be
    freed, and the collector resumes, for the cycles left over, as soon as the PDF is written.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(snapshot: ReportSnapshot, *, fetcher: ReportAssetFetcher | None = None) -> bytes:
    """The report as a PDF/A-3b document in the snapshot's language (its error messages too)."""
    with translation.override(snapshot.language):
        return _render_pdf(snapshot, fetcher or ReportAssetFetcher())


def _render_pdf(snapshot: ReportSnapshot, fetcher: ReportAssetFetcher) -> bytes:
    html = report_html(snapshot)
    moment = dt.datetime.combine(snapshot.date, dt.time(12, 0))  # the snapshot date, never the clock
    attachment = Attachment(
        string=snapshot.canonical, name=ATTACHMENT_NAME, url_fetcher=fetcher, relationship="Source",
        description=_("Evaluation snapshot %(document)s (SHA-256 %(fingerprint)s): the exact inputs and results "
                      "this report was rendered from") % {"document": snapshot.document_id,
                                                          "fingerprint": snapshot.fingerprint},
        created=moment, modified=moment)
    try:
        with _collector_paused():
            pdf = HTML(string=html, base_url=fetcher.base_url, url_fetcher=fetcher).write_pdf(
                pdf_variant=PDF_VARIANT, pdf_tags=True, attachments=[attachment],
                pdf_identifier=f"{snapshot.fingerprint[:29]}-{snapshot.language}".encode("ascii"), finisher=_finish)
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint; make it an ordinary, reportable error
        raise ReportRenderError(_("The report tried to load a resource that is not one of its own assets: "
                                  "%(resources)s") % {"resources": ", ".join(fetcher.refused) or exc}) from None
    if fetcher.refused:  # belt and braces: never ship a document that tried to reach out
        raise ReportRenderError(_("The report tried to load %(resources)s") % {
            "resources": ", ".join(fetcher.refused)})
    return pdf
