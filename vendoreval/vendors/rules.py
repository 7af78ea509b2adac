"""The rules of vendor self-assessments, said once. Pure: no database."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from vendoreval.catalog.files import is_bare_domain
from vendoreval.scoring.models import Confidence

MAX_SOURCES = 5
SOURCE_MAX_LENGTH = 500
RATIONALE_MAX = 4000
REASON_MAX = 1000
MIN_DAYS, MAX_DAYS = 1, 90

_url = URLValidator(schemes=["http", "https"])


def source_problem(url: str) -> str | None:
    """Why `url` cannot back a catalog answer, or None: a public http(s) page, not a site's root."""
    if len(url) > SOURCE_MAX_LENGTH:
        return _("%(start)s… is longer than %(max)d characters.") % {"start": url[:60], "max": SOURCE_MAX_LENGTH}
    try:
        _url(url)
    except ValidationError:
        return _("“%(url)s” is not the address of a web page (it should start with https://).") % {"url": url}
    if is_bare_domain(url) or not urlsplit(url).hostname:
        return _("%(url)s is a site's home page; give the specific page that states the answer.") % {"url": url}
    return None


def replace_refusal(confidence: Confidence | None, stale: bool) -> str | None:
    """A vendor's statement is weighed below confirmed evidence: it never replaces a current answer backed by the
    vendor's own or an official document that is not stale. Returns why it cannot be accepted, or None."""
    if confidence is Confidence.CONFIRMED and not stale:
        return _("The catalog's answer rests on a confirmed, current source; a vendor's self-assessment is weighed "
                 "below it and cannot replace it. Reject this proposal, or update the answer in the catalog admin "
                 "from a confirmed source.")
    return None


def provenance(request_pk: int, reviewer: str, has_document: bool) -> str:
    """The evidence note of an accepted answer: where it came from and who reviewed it."""
    document = " The vendor also supplied a PDF, kept with the request for catalog editors." if has_document else ""
    return (f"Stated by the vendor in self-assessment request {request_pk}; reviewed and accepted by {reviewer}."
            f"{document}")
