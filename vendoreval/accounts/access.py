"""Access control for every organisation URL: anonymous users are sent to log in, members of other organisations get a
404 (an organisation's content is not revealed), and members whose role does not allow a change get 403.

It lives with the organisations and roles it checks, so every app above (catalog, evaluations, reports) guards its
views with it without importing each other."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .models import Membership

VIEW = "view"
EDIT = "edit"
MANAGE = "manage"


def allowed(membership: Membership, need: str) -> bool:
    return need == VIEW or (need == EDIT and membership.can_edit) or (need == MANAGE and membership.can_manage_members)


def organisation_access(need: str = VIEW, *, edit_methods: tuple[str, ...] = ()) -> Callable:
    """For organisation-level views: `request.membership` is set. Methods in `edit_methods` need EDIT rights."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, org: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = (Membership.objects.select_related("organisation")
                          .filter(user=request.user, organisation__slug=org).first())
            if membership is None:
                raise Http404("No such organisation")
            required = EDIT if request.method in edit_methods else need
            if not allowed(membership, required):
                raise PermissionDenied("Your role does not allow this change.")
            request.membership = membership
            return view(request, membership.organisation, *args, **kwargs)

        wrapper.access_need = need  # type: ignore[attr-defined]
        wrapper.edit_methods = edit_methods  # type: ignore[attr-defined]
        return wrapper

    return decorator
