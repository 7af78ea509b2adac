"""Every evaluation URL goes through `evaluation_access`: the evaluation is resolved inside the member's organisation
(members of other organisations get a 404) and the role is checked as for any organisation URL."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from vendoreval.accounts.access import EDIT, MANAGE, VIEW, allowed, organisation_access

from .models import Evaluation

__all__ = ["EDIT", "MANAGE", "VIEW", "evaluation_access"]


def evaluation_access(need: str = VIEW, *, edit_methods: tuple[str, ...] = ("POST",)) -> Callable:
    """For evaluation views: resolves the evaluation inside the member's organisation and passes it on."""

    def decorator(view: Callable) -> Callable:
        @organisation_access(VIEW)
        @functools.wraps(view)
        def wrapper(request: HttpRequest, organisation, slug: str, *args, **kwargs) -> HttpResponse:
            evaluation = get_object_or_404(Evaluation.objects.select_related("organisation", "checklist"),
                                           organisation=organisation, slug=slug)
            required = EDIT if request.method in edit_methods else need
            if not allowed(request.membership, required):
                raise PermissionDenied("Your role does not allow this change.")
            return view(request, evaluation, *args, **kwargs)

        wrapper.access_need = need  # type: ignore[attr-defined]
        wrapper.edit_methods = edit_methods  # type: ignore[attr-defined]
        return wrapper

    return decorator
