"""Thin views over `private_services`: an organisation's members add and edit their private offerings and answers.

Access goes through `organisation_access`: members of other organisations get 404, viewers may read the answers page
but change nothing (403). Only offerings private to the URL's organisation are found here, so the shared catalog can
never be edited through these pages (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vendoreval.accounts.access import EDIT, VIEW, organisation_access
from vendoreval.accounts.models import Organisation
from vendoreval.checklist.selectors import current_checklist
from vendoreval.middleware import handles_nul_in_form

from . import private_services as services
from .models import Company, Country, Offering
from .private_forms import AnswerRowForm, PrivateOfferingForm, answer_initial
from .schema import Confidence, DeploymentMode


def _private_offering(organisation: Organisation, key: str) -> Offering:
    return get_object_or_404(Offering.objects.select_related("organisation", "vendor", "model_provider",
                                                             "hosting_operator"),
                             organisation=organisation, key=key)


def _form(request: HttpRequest, organisation: Organisation, offering: Offering | None,
          form: PrivateOfferingForm) -> HttpResponse:
    return render(request, "catalog/private_form.html", {
        "organisation": organisation, "offering": offering, "form": form,
        "companies": Company.objects.only("key", "name", "country_id"), "countries": Country.objects.all(),
        "modes": [(m.value, m.label) for m in DeploymentMode],
    }, status=400 if form.errors else 200)


@handles_nul_in_form
@organisation_access(EDIT)
@require_http_methods(["GET", "POST"])
def private_offering_new(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = PrivateOfferingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offering = services.private_offering_create(organisation=organisation, actor=request.user,
                                                    data=form.cleaned_data)
        messages.success(request, _("%(name)s was added. Now answer the checklist for it.") % {"name": offering.name})
        return redirect("private-offering-answers", org=organisation.slug, key=offering.key)
    return _form(request, organisation, None, form)


@handles_nul_in_form
@organisation_access(EDIT)
@require_http_methods(["GET", "POST"])
def private_offering_edit(request: HttpRequest, organisation: Organisation, key: str) -> HttpResponse:
    offering = _private_offering(organisation, key)
    form = PrivateOfferingForm(request.POST or None, initial=PrivateOfferingForm.initial_of(offering))
    if request.method == "POST" and form.is_valid():
        services.private_offering_update(offering=offering, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("%(name)s was saved.") % {"name": offering.name})
        return redirect("offering", key=offering.key)
    return _form(request, organisation, offering, form)


@handles_nul_in_form
@organisation_access(VIEW, edit_methods=("POST",))
@require_http_methods(["GET", "POST"])
def private_offering_answers(request: HttpRequest, organisation: Organisation, key: str) -> HttpResponse:
    """One row per answerable criterion; a post saves the rows it carries (a criterion whose status is absent stays
    as saved) all together, or none of them when any row has a mistake."""
    offering = _private_offering(organisation, key)
    criteria = services.answerable_criteria(current_checklist())
    answers = {a.criterion_id: a for a in offering.answers.all()}
    sources = services.first_sources(list(answers.values()))
    forms = []
    for c in criteria:
        answer = answers.get(c.pk)
        initial = answer_initial(answer, sources.get(answer.pk) if answer else None, offering)
        posted = request.method == "POST" and f"{c.key}-status" in request.POST
        forms.append(AnswerRowForm(request.POST if posted else None, initial=initial, criterion=c, offering=offering))
    failed = [f for f in forms if f.is_bound and not f.is_valid()]
    if request.method == "POST" and not failed:
        services.private_answers_save(offering=offering, actor=request.user,
                                      targets=[f.target() for f in forms if f.is_bound])
        messages.success(request, _("The answers for %(name)s were saved.") % {"name": offering.name})
        return redirect(reverse("offering", kwargs={"key": offering.key}))
    areas: dict = {}
    for f in forms:
        areas.setdefault(f.criterion.area, []).append(f)
    return render(request, "catalog/private_answers.html", {
        "organisation": organisation, "offering": offering, "areas": list(areas.items()), "failed_rows": failed,
        "can_edit": request.membership.can_edit, "confidences": [(c.value, c.label) for c in Confidence],
    }, status=400 if failed else 200)
