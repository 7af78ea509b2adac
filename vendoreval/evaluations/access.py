"""Every evaluation URL goes through `evaluation_access`: the evaluation is resolved inside the member's organisation
(members of other organisations get a 404) and the role is checked with the same rule as any organisation URL."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse

from vendoreval.accounts.access import EDIT, MANAGE, VIEW, allowed
from vendoreval.accounts.models import Membership

from .models import Evaluation

__all__ = ["EDIT", "MANAGE", "VIEW", "evaluation_access"]


def evaluation_access(need: str = VIEW, *, edit_methods: tuple[str, ...] = ("POST",)) -> Callable:
    """For evaluation views: the evaluation and the member's role in one query; the view receives the evaluation.

    Anonymous visitors are sent to log in; an evaluation of an organisation the user is not a member of, or one that
    does not exist, is a 404 alike; a role that does not allow the method is a 403."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, org: str, slug: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            evaluation = (Evaluation.objects.select_related("organisation", "checklist")
                          .filter(organisation__slug=org, slug=slug, organisation__memberships__user=request.user)
                          .annotate(member_role=F("organisation__memberships__role"),
                                    membership_pk=F("organisation__memberships__pk"))
                          .first())
            if evaluation is None:
                raise Http404("No such evaluation")
            request.membership = Membership(pk=evaluation.membership_pk, organisation=evaluation.organisation,
                                            user=request.user, role=evaluation.member_role)
            required = EDIT if request.method in edit_methods else need
            if not allowed(request.membership, required):
                raise PermissionDenied("Your role does not allow this change.")
            return view(request, evaluation, *args, **kwargs)

        wrapper.access_need = need  # type: ignore[attr-defined]
        wrapper.edit_methods = edit_methods  # type: ignore[attr-defined]
        return wrapper

    return decorator
