"""Thin views over the evaluation services. Full pages define their fragments as partials; htmx requests get just
the fragment. Every form also works as a plain POST without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from vendoreval.accounts.access import organisation_access
from vendoreval.checklist.selectors import current_checklist

from . import services
from .access import EDIT, VIEW, evaluation_access
from .comparison import comparison_table
from .context import evaluation_context
from .models import AuditEvent, Evaluation
from .questionnaire import STEP_KEYS, STEPS, progress, step_fields
from .selectors import evaluations_for_user


def _values(request: HttpRequest, field: str) -> list[str]:
    if field.startswith("override:"):
        return [request.POST.get(field, ""), request.POST.get(f"{field}:reason", "")]
    return request.POST.getlist(field)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's evaluations across their organisations."""
    return render(request, "home.html", {"evaluations": evaluations_for_user(request.user)})


def _url(name: str, evaluation: Evaluation, **kwargs) -> str:
    return reverse(name, kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug, **kwargs})


@organisation_access(EDIT)
@require_http_methods(["GET", "POST"])
def evaluation_new(request: HttpRequest, organisation) -> HttpResponse:
    error, name = "", ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            evaluation = services.evaluation_create(organisation=organisation, name=name, actor=request.user,
                                                    context=evaluation_context(current_checklist()))
        except services.FieldError as exc:
            error = exc.message
        else:
            return redirect(_url("evaluation-step", evaluation, step=STEP_KEYS[0]))
    return render(request, "evaluations/new.html", {"organisation": organisation, "error": error, "name": name},
                  status=400 if error else 200)


@evaluation_access(VIEW)
@require_http_methods(["GET", "POST"])
def questionnaire_step(request: HttpRequest, evaluation: Evaluation, step: str) -> HttpResponse:
    if step not in STEP_KEYS:
        raise Http404("No such step")
    context = evaluation_context(evaluation.checklist)
    errors: dict[str, str] = {}
    submitted: dict[str, list[str]] = {}
    if request.method == "POST":  # the no-JavaScript path: save every field of the step
        for field in step_fields(step, evaluation, context, services.must_haves_of(evaluation, context)):
            values = _values(request, field.name)
            posted = field.name in request.POST or f"{field.name}:reason" in request.POST
            if not posted and field.kind != "checkboxes":  # an unticked group posts nothing and means "none"
                continue
            try:
                services.evaluation_set_field(evaluation=evaluation, field=field.name, values=values,
                                              actor=request.user, context=context)
            except services.FieldError as exc:
                errors[field.name] = exc.message
                submitted[field.name] = values
        if not errors:
            following = STEP_KEYS.index(step) + 1
            if "next" in request.POST and following < len(STEP_KEYS):
                return redirect(_url("evaluation-step", evaluation, step=STEP_KEYS[following]))
            if "next" in request.POST:
                return redirect(_url("evaluation-results", evaluation))
            return redirect(_url("evaluation-step", evaluation, step=step))
        evaluation.refresh_from_db()
    fields = step_fields(step, evaluation, context, services.must_haves_of(evaluation, context))
    for field in fields:
        if field.name in errors:
            field.error = errors[field.name]
            field.value = _shown_value(field, submitted[field.name])
    index = STEP_KEYS.index(step)
    return render(request, "evaluations/questionnaire.html", {
        "evaluation": evaluation, "steps": STEPS, "step": STEPS[index], "fields": fields,
        "previous": STEP_KEYS[index - 1] if index else None,
        "following": STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else None,
        "progress": progress(evaluation), "can_edit": request.membership.can_edit, "errors": errors,
        "must_haves": services.must_haves_of(evaluation, context), "criteria": context.criteria_by_key,
    }, status=400 if errors else 200)


def _shown_value(field, values: list[str]):
    """What the buyer typed stays on screen next to the error, even though it was not saved."""
    if field.kind == "checkboxes":
        return values
    if field.kind == "override":
        field.extra["level"], field.extra["reason"] = values[0], values[1]
        return field.value
    return values[0] if values else ""


@evaluation_access(EDIT)
@require_http_methods(["POST"])
def questionnaire_field(request: HttpRequest, evaluation: Evaluation, field: str) -> HttpResponse:
    """Autosave of one field (htmx). Returns the field fragment with its saved state or its error."""
    context = evaluation_context(evaluation.checklist)
    if _field(field, evaluation, context) is None:  # a tampered or stale field name: refuse before touching anything
        return HttpResponse(f"Unknown question “{field}”.", status=400, content_type="text/plain; charset=utf-8")
    values = _values(request, field)
    status, error = 200, ""
    try:
        services.evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=request.user,
                                      context=context)
    except services.FieldError as exc:
        status, error = 422, exc.message
    evaluation.refresh_from_db()
    target = _field(field, evaluation, context)
    if error:
        target.error = error
        target.value = _shown_value(target, values)
    else:
        target.saved = True
    return render(request, "evaluations/questionnaire.html#field", {
        "field": target, "evaluation": evaluation, "can_edit": True, "progress": progress(evaluation),
        "oob": True, "saved_at": timezone.localtime(),
    }, status=status)


def _field(name: str, evaluation: Evaluation, context):
    must_haves = services.must_haves_of(evaluation, context)
    for step in STEP_KEYS:
        for field in step_fields(step, evaluation, context, must_haves):
            if field.name == name:
                return field
    return None


@evaluation_access(VIEW)
@require_http_methods(["GET", "POST"])
def evaluation_results(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    context = evaluation_context(evaluation.checklist)
    errors: dict[str, str] = {}
    if request.method == "POST":  # weights changed on the results page
        for area in context.spec.areas:
            name = f"weight:{area.key}"
            if name in request.POST:
                try:
                    services.evaluation_set_field(evaluation=evaluation, field=name, values=request.POST.getlist(name),
                                                  actor=request.user, context=context)
                except services.FieldError as exc:
                    errors[name] = exc.message
        evaluation.refresh_from_db()
        if not errors and not request.htmx:
            return redirect(_url("evaluation-results", evaluation))
    outcome = services.evaluation_outcome(evaluation, context)
    services.evaluation_record_catalog(evaluation=evaluation, as_of=outcome.catalog_as_of, actor=request.user)
    page = {
        "evaluation": evaluation, "outcome": outcome, "context": context, "errors": errors,
        "weights": step_fields("weights", evaluation, context, outcome.must_haves),
        "area_names": context.area_names, "progress": progress(evaluation),
        "can_edit": request.membership.can_edit, "criteria": context.criteria_by_key,
    }
    for field in page["weights"]:
        field.error = errors.get(field.name, "")
    template = "evaluations/results.html#ranking" if request.htmx else "evaluations/results.html"
    return render(request, template, page, status=422 if errors else 200)


@evaluation_access(VIEW)
@require_http_methods(["GET"])
def evaluation_compare(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    context = evaluation_context(evaluation.checklist)
    outcome = services.evaluation_outcome(evaluation, context, samples=0)
    keys = list(dict.fromkeys(request.GET.getlist("o"))) or evaluation.shortlist
    error = ""
    unknown = [k for k in keys if k not in outcome.offerings]
    if unknown:
        error = f"Unknown offering {', '.join(unknown)}."
    elif not 2 <= len(keys) <= 6:
        error = "Pick between 2 and 6 offerings to compare."
    table = None if error else comparison_table(outcome, keys, context)
    return render(request, "evaluations/compare.html", {
        "evaluation": evaluation, "outcome": outcome, "table": table, "error": error, "selected": keys,
        "all_offerings": [*outcome.result.ranking, *outcome.result.excluded],
        "can_edit": request.membership.can_edit,
        "shortlist_names": [p.offering.name for k in evaluation.shortlist if (p := outcome.offerings.get(k))],
    }, status=400 if error else 200)


@evaluation_access(EDIT)
@require_http_methods(["POST"])
def evaluation_shortlist(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    keys = request.POST.getlist("o")
    try:
        services.evaluation_set_shortlist(evaluation=evaluation, keys=keys, actor=request.user,
                                          context=evaluation_context(evaluation.checklist))
    except services.FieldError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Shortlist saved: {len(keys)} offering{'s' if len(keys) != 1 else ''} for the report.")
    query = "&".join(f"o={k}" for k in keys)
    return redirect(_url("evaluation-compare", evaluation) + (f"?{query}" if query else ""))


@evaluation_access(VIEW)
@require_http_methods(["GET"])
def evaluation_activity(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    events = AuditEvent.objects.filter(evaluation=evaluation).select_related("actor")
    return render(request, "evaluations/activity.html", {"evaluation": evaluation, "events": events})
