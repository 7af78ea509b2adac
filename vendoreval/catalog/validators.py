"""Web addresses in the catalog: only http and https, wherever they are entered (admin, data files, private offerings)
and wherever they are shown as links. A `javascript:` or `data:` address would run or show whatever it carries when
clicked; the Content-Security-Policy stops the script, but the address should never get that far."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WEB_SCHEMES = ("http", "https")
_web_url = URLValidator(schemes=list(WEB_SCHEMES))
WEB_URL_MESSAGE = gettext_lazy("Give a web address starting with https:// (or http://).")


def is_web_url(value: Any) -> bool:
    """True for a well-formed http(s) address; everything else is shown as text, never as a link."""
    if not isinstance(value, str):
        return False
    try:
        _web_url(value)
    except ValidationError:
        return False
    return urlsplit(value).scheme.lower() in WEB_SCHEMES


def validate_web_url(value: str) -> None:
    if not is_web_url(value):
        raise ValidationError(WEB_URL_MESSAGE, code="invalid_url")


def validate_links(value: Any) -> None:
    """An offering's links: a list of {"title": text, "url": http(s) address}, nothing else."""
    if not isinstance(value, list):
        raise ValidationError(_('Give the links as a list: [{"title": "…", "url": "https://…"}].'),
                              code="invalid_links")
    for number, link in enumerate(value, start=1):
        if not isinstance(link, dict) or set(link) != {"title", "url"}:
            raise ValidationError(_('Link %(number)d: give exactly a "title" and a "url".') % {"number": number},
                                  code="invalid_links")
        if not isinstance(link["title"], str) or not link["title"].strip():
            raise ValidationError(_("Link %(number)d: give it a title.") % {"number": number}, code="invalid_links")
        if not is_web_url(link["url"]):
            raise ValidationError(_("Link %(number)d: give a web address starting with https:// (or http://).")
                                  % {"number": number}, code="invalid_url")
