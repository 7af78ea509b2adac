"""Thin views over `private_services`: an organisation's members add and edit their private offerings and answers.

Access goes through `organisation_access`: members of other organisations get 404, viewers may read the answers page
but change nothing (403). Only offerings private to the URL's organisation are found here, so the shared catalog can
never be edited through these pages (404).
"""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from vendoreval.accounts.access import EDIT, VIEW, organisation_access
from vendoreval.accounts.models import Organisation
from vendoreval.checklist.models import Criterion
from vendoreval.checklist.selectors import current_checklist

from . import private_services as services
from .models import Company, Country, Offering
from .schema import Confidence, DeploymentMode


def _private_offering(organisation: Organisation, key: str) -> Offering:
    return get_object_or_404(Offering.objects.select_related("organisation", "vendor", "model_provider",
                                                             "hosting_operator"),
                             organisation=organisation, key=key)


def _offering_data(post) -> services.PrivateOfferingData:
    fields = [f.name for f in dataclasses.fields(services.PrivateOfferingData) if f.name != "processing_regions"]
    return services.PrivateOfferingData(**{name: post.get(name, "") for name in fields},
                                        processing_regions=tuple(post.getlist("processing_regions")))


def _form(request: HttpRequest, organisation: Organisation, offering: Offering | None,
          data: services.PrivateOfferingData, errors: dict[str, str]) -> HttpResponse:
    return render(request, "catalog/private_form.html", {
        "organisation": organisation, "offering": offering, "data": data, "errors": errors,
        "companies": Company.objects.only("key", "name", "country_id"), "countries": Country.objects.all(),
        "modes": [(m.value, m.label) for m in DeploymentMode],
    }, status=400 if errors else 200)


@organisation_access(EDIT)
@require_http_methods(["GET", "POST"])
def private_offering_new(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    data, errors = services.PrivateOfferingData(), {}
    if request.method == "POST":
        data = _offering_data(request.POST)
        try:
            offering = services.private_offering_create(organisation=organisation, actor=request.user, data=data)
        except services.OfferingInvalid as exc:
            errors = exc.errors
        else:
            messages.success(request, f"{offering.name} was added. Now answer the checklist for it.")
            return redirect("private-offering-answers", org=organisation.slug, key=offering.key)
    return _form(request, organisation, None, data, errors)


@organisation_access(EDIT)
@require_http_methods(["GET", "POST"])
def private_offering_edit(request: HttpRequest, organisation: Organisation, key: str) -> HttpResponse:
    offering = _private_offering(organisation, key)
    data, errors = services.PrivateOfferingData.of(offering), {}
    if request.method == "POST":
        data = _offering_data(request.POST)
        try:
            services.private_offering_update(offering=offering, actor=request.user, data=data)
        except services.OfferingInvalid as exc:
            errors = exc.errors
        else:
            messages.success(request, f"{offering.name} was saved.")
            return redirect("offering", key=offering.key)
    return _form(request, organisation, offering, data, errors)


@dataclasses.dataclass(frozen=True)
class _RowView:
    criterion: Criterion
    row: services.AnswerRow
    choices: list[tuple[str, str]]
    errors: dict[str, str]


def _status_choices(criterion: Criterion, offering: Offering) -> list[tuple[str, str]]:
    if services.buyer_controlled_required(criterion, offering):
        return [("buyer_controlled", "Buyer-controlled: decided by your own hosting")]
    levels = [(str(i), f"{i} — {criterion.level_meaning(i)}".rstrip(" —")) for i in range(4, -1, -1)]
    return [*levels, ("unknown", "Unknown")]


def _submitted_rows(post, criteria: list[Criterion]) -> list[services.AnswerRow]:
    """The rows in the post; a criterion whose status is absent is not part of it and stays as saved."""
    fields = [f for f in dataclasses.fields(services.AnswerRow) if f.name != "criterion"]
    return [services.AnswerRow(criterion=c.key, **{f.name: post.get(f"{c.key}-{f.name}", f.default) for f in fields})
            for c in criteria if f"{c.key}-status" in post]


@organisation_access(VIEW, edit_methods=("POST",))
@require_http_methods(["GET", "POST"])
def private_offering_answers(request: HttpRequest, organisation: Organisation, key: str) -> HttpResponse:
    offering = _private_offering(organisation, key)
    criteria = services.answerable_criteria(current_checklist())
    errors: list[services.RowError] = []
    rows = {r.criterion: r for r in services.answer_rows_of(offering, criteria)}
    if request.method == "POST":
        submitted = _submitted_rows(request.POST, criteria)
        errors = services.private_answers_save(offering=offering, actor=request.user, rows=submitted)
        if not errors:
            messages.success(request, f"The answers for {offering.name} were saved.")
            return redirect(reverse("offering", kwargs={"key": offering.key}))
        rows.update({r.criterion: r for r in submitted})  # show what was sent, next to its message
    by_row: dict[str, dict[str, str]] = {}
    for e in errors:
        by_row.setdefault(e.criterion, {}).setdefault(e.field, e.message)
    areas: dict = {}
    for c in criteria:
        areas.setdefault(c.area, []).append(
            _RowView(c, rows[c.key], _status_choices(c, offering), by_row.get(c.key, {})))
    return render(request, "catalog/private_answers.html", {
        "organisation": organisation, "offering": offering, "areas": list(areas.items()),
        "errors": errors, "failed_rows": [r for rs in areas.values() for r in rs if r.errors],
        "can_edit": request.membership.can_edit, "confidences": [(c.value, c.label) for c in Confidence],
    }, status=400 if errors else 200)
