"""The outer guard of every request: what no view can handle gets a 400 page before any view, middleware or the
database sees it.

- A NUL character anywhere in the path, the query string, a cookie or the submitted form data. PostgreSQL cannot
  store or compare text containing NUL (the driver raises), so it would otherwise become a 500 wherever such a value
  reaches a query: a `str` URL parameter (a report's document id), a query parameter (`?q=`, `?o=`), a form field.
  A view that explains a NUL next to the field itself (a form with its own message) opts out of the form-data check
  with `@handles_nul_in_form`; the path, query and cookies are always checked.
- A form body that cannot be decoded: a charset other than UTF-8 (Django refuses it with BadRequest, and its 400
  handler then re-reads the same body for the CSRF check, so the error escaped as the server's bare 500 page), an
  unknown or non-text codec, a malformed multipart body, too many fields.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy

logger = logging.getLogger("django.security.BadRequest")

NUL = "\x00"
BODY_ERRORS = (BadRequest, SuspiciousOperation, MultiPartParserError, LookupError, UnicodeError, ValueError)


def handles_nul_in_form(view: Callable) -> Callable:
    """Mark a view that reports a NUL in its form fields itself (next to the field), instead of the outer 400."""
    view.handles_nul_in_form = True  # type: ignore[attr-defined]
    return view


def _has_nul(values: QueryDict | MultiValueDict | dict) -> bool:
    if isinstance(values, MultiValueDict):
        pairs = ((key, value) for key, items in values.lists() for value in items)
    else:
        pairs = values.items()
    for key, value in pairs:
        if NUL in key:
            return True
        text = value if isinstance(value, str) else getattr(value, "name", "") or ""
        if NUL in text:
            return True
    return False


def bad_request(request: HttpRequest, reason: str) -> HttpResponse:
    """The 400 page, in the visitor's language (their language cookie or browser: this runs before the session and
    LocaleMiddleware); the log says why in English."""
    with translation.override("en"):
        logger.warning("Bad request (%s): %s", str(reason), request.path.replace(NUL, "\\x00"))
    code = translation.get_language_from_request(request)
    with translation.override(code):
        html = loader.render_to_string("400.html", {"reason": reason, "LANGUAGE_CODE": code})
    return HttpResponseBadRequest(html)


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or NUL in request.path_info:
            return bad_request(request, gettext_lazy("a NUL character in the address"))
        try:
            query = request.GET
        except BODY_ERRORS:
            return bad_request(request, gettext_lazy("an undecodable query string"))
        if _has_nul(query) or _has_nul(request.COOKIES):
            return bad_request(request, gettext_lazy("a NUL character in the address or a cookie"))
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            try:
                request.POST  # noqa: B018 - parse the body once, here, where a failure can still be answered
                request.FILES  # noqa: B018
            except BODY_ERRORS:
                # Nothing downstream may try to parse it again (Django's 400 handler would, for its CSRF check).
                request._post, request._files = QueryDict(), MultiValueDict()
                return bad_request(request, gettext_lazy("a form body that cannot be read (use UTF-8)"))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args, kwargs) -> HttpResponse | None:
        if getattr(view, "handles_nul_in_form", False):
            return None
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and (_has_nul(request.POST)
                                                                            or _has_nul(request.FILES)):
            return bad_request(request, gettext_lazy("a NUL character in the submitted form"))
        return None
