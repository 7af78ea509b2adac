"""Every evaluation URL goes through `evaluation_access`: anonymous users are sent to log in, members of other
organisations get a 404 (an evaluation's existence is not revealed), and viewers who try to change something get 403."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from vendoreval.accounts.models import Membership

from .models import Evaluation

VIEW = "view"
EDIT = "edit"
MANAGE = "manage"


def _allowed(membership: Membership, need: str) -> bool:
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
            if not _allowed(membership, required):
                raise PermissionDenied("Your role does not allow this change.")
            request.membership = membership
            return view(request, membership.organisation, *args, **kwargs)

        wrapper.access_need = need  # type: ignore[attr-defined]
        wrapper.edit_methods = edit_methods  # type: ignore[attr-defined]
        return wrapper

    return decorator


def evaluation_access(need: str = VIEW, *, edit_methods: tuple[str, ...] = ("POST",)) -> Callable:
    """For evaluation views: resolves the evaluation inside the member's organisation and passes it on."""

    def decorator(view: Callable) -> Callable:
        @organisation_access(VIEW)
        @functools.wraps(view)
        def wrapper(request: HttpRequest, organisation, slug: str, *args, **kwargs) -> HttpResponse:
            evaluation = get_object_or_404(Evaluation.objects.select_related("organisation", "checklist"),
                                           organisation=organisation, slug=slug)
            required = EDIT if request.method in edit_methods else need
            if not _allowed(request.membership, required):
                raise PermissionDenied("Your role does not allow this change.")
            return view(request, evaluation, *args, **kwargs)

        wrapper.access_need = need  # type: ignore[attr-defined]
        wrapper.edit_methods = edit_methods  # type: ignore[attr-defined]
        return wrapper

    return decorator
