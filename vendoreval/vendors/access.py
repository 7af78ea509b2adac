"""Who reaches which vendor page.

The vendor's pages are reached through the link only: opening it (`views.vendor_link`) puts the request into the
session, and each request page (`vendor_access`) admits a session holding that request, whoever is or is not logged
in; any other visitor gets a 404, as for a page that does not exist. The token therefore reaches nothing else: every
other URL sees an anonymous visitor. Editors' pages (`editor_access`) admit staff in the catalog editors group and
superusers; anonymous visitors are sent to log in and other accounts get a 403."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from vendoreval.accounts.services import CATALOG_EDITORS

from . import ratelimit
from .models import VendorRequest

SESSION_KEY = "vendor_requests"
MAX_GRANTS = 20  # a session remembers this many links


def is_catalog_editor(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.groups.filter(name=CATALOG_EDITORS).exists())


def grant(request: HttpRequest, vendor_request: VendorRequest) -> None:
    """The session may open this request's pages from now on (a fresh session key: no fixation)."""
    granted = [pk for pk in request.session.get(SESSION_KEY, []) if pk != vendor_request.pk]
    request.session.cycle_key()
    request.session[SESSION_KEY] = [*granted, vendor_request.pk][-MAX_GRANTS:]


def granted(request: HttpRequest, vendor_request: VendorRequest) -> bool:
    grants = request.session.get(SESSION_KEY, [])
    return isinstance(grants, list) and vendor_request.pk in grants


def too_many_requests(request: HttpRequest) -> HttpResponse:
    response = render(request, "vendors/rate_limited.html", status=429)
    response["Retry-After"] = "600"
    return response


def vendor_access(view: Callable) -> Callable:
    """For the vendor's request pages: the request named by `public_id`, if this session opened its link."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, public_id, *args, **kwargs) -> HttpResponse:
        vendor_request = (VendorRequest.objects.select_related("offering__vendor", "checklist")
                          .filter(public_id=public_id).first())
        if vendor_request is None or not granted(request, vendor_request):
            if ratelimit.exceeded(request):
                return too_many_requests(request)
            raise Http404("No such request")
        if ratelimit.exceeded(request, request_pk=vendor_request.pk):
            return too_many_requests(request)
        return view(request, vendor_request, *args, **kwargs)

    wrapper.vendor_access = True  # type: ignore[attr-defined]
    return wrapper


def editor_access(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_catalog_editor(request.user):
            raise PermissionDenied("Only catalog editors manage vendor requests.")
        return view(request, *args, **kwargs)

    wrapper.editor_access = True  # type: ignore[attr-defined]
    return wrapper
