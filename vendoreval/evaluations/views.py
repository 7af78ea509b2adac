"""Thin views over the evaluation services. Full pages define their fragments as partials; htmx requests get just
the fragment. Every form also works as a plain POST without JavaScript."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from vendoreval.accounts.access import MANAGE, organisation_access
from vendoreval.accounts.models import Membership
from vendoreval.catalog.models import Offering
from vendoreval.checklist.selectors import current_checklist
from vendoreval.fields import html_id
from vendoreval.middleware import handles_nul_in_form
from vendoreval.scoring.conditions import conditions

from . import exports, services
from .access import EDIT, VIEW, evaluation_access
from .comparison import comparison_table
from .context import evaluation_context
from .history import Labels, group_history
from .models import AuditEvent, DeletedEvaluation, Evaluation
from .profile import must_haves_of
from .questionnaire import STEP_KEYS, STEPS, fields_by_area, progress
from .questions import NAME_MAX, FieldError, answer_names, seal_ladder, step_questions
from .questions import question as find_question
from .selectors import NOT_CHANGES, archived_counts, evaluation_list
from .work_queue import work_queue


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's evaluations across their organisations: the current ones, or (`?archived=1`) the archived
    ones. A visitor who is not signed in reads what VendorEval does, and finds the way to log in."""
    if not request.user.is_authenticated:
        return render(request, "welcome.html")
    archived = request.GET.get("archived") == "1"
    rows = evaluation_list(request.user, archived=archived)
    counts = archived_counts(request.user)
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    sections = [{"membership": m, "rows": [r for r in rows if r.evaluation.organisation_id == m.organisation_id],
                 "archived_count": counts.get(m.organisation_id, 0)} for m in memberships]
    return render(request, "home.html", {"sections": sections, "archived": archived,
                                         "view": "archive" if archived else "list"})


def _url(name: str, evaluation: Evaluation, **kwargs) -> str:
    return reverse(name, kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug, **kwargs})


@handles_nul_in_form
@organisation_access(EDIT)
@require_http_methods(["GET", "POST"])
def evaluation_new(request: HttpRequest, organisation) -> HttpResponse:
    error, name = "", ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            evaluation = services.evaluation_create(organisation=organisation, name=name, actor=request.user,
                                                    context=evaluation_context(current_checklist()))
        except FieldError as exc:
            error = exc.message
        else:
            return redirect(_url("evaluation-step", evaluation, step=STEP_KEYS[0]))
    return render(request, "evaluations/new.html", {"organisation": organisation, "error": error, "name": name},
                  status=400 if error else 200)


@handles_nul_in_form
@evaluation_access(VIEW)
@require_http_methods(["GET", "POST"])
def questionnaire_step(request: HttpRequest, evaluation: Evaluation, step: str) -> HttpResponse:
    if step not in STEP_KEYS:
        raise Http404("No such step")
    context = evaluation_context(evaluation.checklist)
    errors: dict[str, str] = {}
    submitted: dict[str, list[str]] = {}
    asks: list[str] = []  # questions a save raised (a new sector while the buyer's own weights were kept)
    if request.method == "POST":  # the no-JavaScript path: save every answer of the step that was posted
        for q in step_questions(step, evaluation, context, must_haves_of(evaluation, context)):
            if not q.posted(request.POST):
                continue
            raw = q.raw(request.POST)
            try:
                evaluation = services.evaluation_answer(evaluation=evaluation, question=q, raw=raw,
                                                        actor=request.user, context=context)
            except FieldError as exc:
                errors[q.name], submitted[q.name] = exc.message, raw
            else:
                if q.follow_up(evaluation, context):
                    asks.append(q.name)
        if not errors:
            following = STEP_KEYS.index(step) + 1
            if asks:  # stay on the step and ask before going on
                return redirect(_url("evaluation-step", evaluation, step=step) + "?" + urlencode({"ask": asks[0]})
                                + f"#{html_id(asks[0])}-field")
            if "next" in request.POST and following < len(STEP_KEYS):
                return redirect(_url("evaluation-step", evaluation, step=STEP_KEYS[following]))
            if "next" in request.POST:
                return redirect(_url("evaluation-results", evaluation))
            return redirect(_url("evaluation-step", evaluation, step=step))
    must_haves = must_haves_of(evaluation, context)
    ask = request.GET.get("ask", "")
    fields = [q.asking_field(evaluation, context) if q.name == ask and not errors else
              q.field(evaluation, error=errors.get(q.name, ""), submitted=submitted.get(q.name))
              for q in step_questions(step, evaluation, context, must_haves)]
    index = STEP_KEYS.index(step)
    return render(request, "evaluations/questionnaire.html", {
        "evaluation": evaluation, "steps": STEPS, "step": STEPS[index], "fields": fields,
        "previous": STEP_KEYS[index - 1] if index else None,
        "following": STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else None,
        "progress": progress(evaluation), "can_edit": request.membership.can_edit, "errors": errors,
        "must_haves": must_haves, "criteria": context.criteria_by_key,
        "areas": fields_by_area(fields, context) if step == "requirements" else [], "seal_ladder": seal_ladder(),
    }, status=400 if errors else 200)


@handles_nul_in_form
@evaluation_access(EDIT)
@require_http_methods(["POST"])
def questionnaire_field(request: HttpRequest, evaluation: Evaluation, field: str) -> HttpResponse:
    """Autosave of one answer (htmx). Returns the field fragment with its saved state or its error; text fields take
    only the fragment's status part, so what the buyer is typing is never replaced."""
    context = evaluation_context(evaluation.checklist)
    q = find_question(field, evaluation, context)
    if q is None:  # a tampered or stale field name: refuse before touching anything
        return HttpResponse(_("Unknown question “%(name)s”.") % {"name": field}, status=400,
                            content_type="text/plain; charset=utf-8")
    raw = q.raw(request.POST)
    try:
        evaluation = services.evaluation_answer(evaluation=evaluation, question=q, raw=raw, actor=request.user,
                                                context=context)
    except FieldError as exc:
        status, target = 422, q.field(evaluation, error=exc.message, submitted=raw)
    else:
        status, target = 200, q.saved_field(evaluation, context)
    return render(request, "evaluations/questionnaire.html#field", {
        "field": target, "evaluation": evaluation, "can_edit": True, "progress": progress(evaluation),
        "oob": True, "saved_at": timezone.localtime(),
    }, status=status)


@handles_nul_in_form
@evaluation_access(VIEW)
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")  # the same URL answers a whole page or, for htmx, the ranking fragment
def evaluation_results(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    context = evaluation_context(evaluation.checklist)
    errors: dict[str, str] = {}
    if request.method == "POST":  # weights changed on the results page
        for q in step_questions("weights", evaluation, context, ()):
            if q.posted(request.POST):
                try:
                    evaluation = services.evaluation_answer(evaluation=evaluation, question=q,
                                                            raw=q.raw(request.POST), actor=request.user,
                                                            context=context)
                except FieldError as exc:
                    errors[q.name] = exc.message
        if not errors and not request.htmx:
            return redirect(_url("evaluation-results", evaluation))
    outcome = services.evaluation_outcome(evaluation, context)
    top = outcome.result.ranking[0] if outcome.result.ranking else None
    page = {
        "evaluation": evaluation, "outcome": outcome, "context": context, "errors": errors,
        "objectives": context.measured_objectives,
        "recommendation_conditions": conditions(top, outcome.profile) if top and outcome.ready else None,
        "weights": [q.field(evaluation, error=errors.get(q.name, ""))
                    for q in step_questions("weights", evaluation, context, outcome.must_haves)],
        "area_names": context.area_names, "progress": progress(evaluation),
        "can_edit": request.membership.can_edit, "criteria": context.criteria_by_key,
        "newer_checklist": _newer_checklist(evaluation),
    }
    template = "evaluations/results.html#ranking" if request.htmx else "evaluations/results.html"
    return render(request, template, page, status=422 if errors else 200)


def _compared(request: HttpRequest, evaluation: Evaluation, outcome) -> tuple[list[str], str]:
    """The offerings to compare (`?o=…`, or the shortlist) and what is wrong with the choice, if anything."""
    keys = list(dict.fromkeys(request.GET.getlist("o"))) or evaluation.shortlist
    unknown = [k for k in keys if k not in outcome.offerings]
    if unknown:
        return keys, ngettext("Unknown offering %(keys)s.", "Unknown offerings %(keys)s.", len(unknown)) % {
            "keys": ", ".join(unknown)}
    if not 2 <= len(keys) <= 6:
        return keys, _("Pick between 2 and 6 offerings to compare.")
    return keys, ""


@evaluation_access(VIEW)
@require_http_methods(["GET"])
def evaluation_compare(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    context = evaluation_context(evaluation.checklist)
    outcome = services.evaluation_outcome(evaluation, context, samples=0)
    keys, error = _compared(request, evaluation, outcome)
    table = None if error else comparison_table(outcome, keys, context)
    return render(request, "evaluations/compare.html", {
        "evaluation": evaluation, "outcome": outcome, "table": table, "error": error, "selected": keys,
        "all_offerings": [*outcome.result.ranking, *outcome.result.excluded],
        "can_edit": request.membership.can_edit,
        "shortlist_names": [p.offering.name for k in evaluation.shortlist if (p := outcome.offerings.get(k))],
        "export_query": urlencode([("o", k) for k in keys]),
    }, status=400 if error else 200)


@evaluation_access(EDIT)
@require_http_methods(["POST"])
def evaluation_shortlist(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    keys = request.POST.getlist("o")
    try:
        services.evaluation_set_shortlist(evaluation=evaluation, keys=keys, actor=request.user,
                                          context=evaluation_context(evaluation.checklist))
    except FieldError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ngettext("Shortlist saved: %(n)s offering for the report.",
                                           "Shortlist saved: %(n)s offerings for the report.", len(keys)) % {
            "n": len(keys)})
    query = "&".join(f"o={k}" for k in keys)
    return redirect(_url("evaluation-compare", evaluation) + (f"?{query}" if query else ""))


def history_labels(evaluation: Evaluation, context) -> Labels:
    """The names the activity page reads the evaluation's answers with (the report reads the same from its
    snapshot)."""
    return Labels(areas=context.area_names, criteria={c.key: c.local_title for c in context.criteria},
                  objectives={o.key: o.name for o in context.spec.objectives},
                  offerings=dict(Offering.objects.visible_to([evaluation.organisation]).values_list("key", "name")),
                  **answer_names(context))


@evaluation_access(VIEW)
@require_http_methods(["GET"])
def evaluation_activity(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """Who changed what, newest first; consecutive changes by one person grouped, with the labels people read."""
    events = [{**e, "at": timezone.localtime(e["at"]), "actor": e.pop("actor__username") or ""}
              for e in AuditEvent.objects.filter(evaluation=evaluation).order_by("at", "pk").values(
                  "at", "actor__username", "action", "field", "old_value", "new_value", "note")]
    groups = group_history(events, history_labels(evaluation, evaluation_context(evaluation.checklist)),
                           newest_first=True)
    return render(request, "evaluations/activity.html", {"evaluation": evaluation, "groups": groups})


def _newer_checklist(evaluation: Evaluation):
    current = current_checklist()
    return current if current is not None and current.pk != evaluation.checklist_id else None


@evaluation_access(EDIT)
@require_http_methods(["POST"])
def evaluation_adopt_checklist(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """Move the evaluation to the current checklist version, its answers carried over where they still apply."""
    current = current_checklist()
    if current is None or current.pk == evaluation.checklist_id:
        messages.info(request, _("The evaluation already uses the current checklist."))
    else:
        dropped = services.evaluation_adopt_checklist(evaluation=evaluation, context=evaluation_context(current),
                                                      actor=request.user)
        if dropped:
            message = _("The evaluation now uses checklist v%(version)s; your answers were carried over except "
                        "%(keys)s.") % {"version": current.version, "keys": ", ".join(dropped)}
        else:
            message = _("The evaluation now uses checklist v%(version)s; your answers were carried over.") % {
                "version": current.version}
        messages.success(request, message)
    return redirect(_url("evaluation-results", evaluation))


@login_required
@require_http_methods(["GET"])
def catalog_work_queue(request: HttpRequest) -> HttpResponse:
    """For catalog editors: unknown and stale answers of the shared catalog, by how many evaluations rely on them."""
    if not (request.user.is_staff and request.user.has_perm("catalog.change_answer")):
        raise PermissionDenied(_("The work queue is for catalog editors."))
    items = work_queue(timezone.localdate())
    return render(request, "evaluations/work_queue.html", {"items": items[:500], "total": len(items)})


# --- managing evaluations: duplicate, archive, delete --------------------------------------------------------------


@evaluation_access(EDIT, edit_methods=())
@require_http_methods(["GET", "POST"])
def evaluation_duplicate(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """A new evaluation with this one's requirement profile, as a template for another use case."""
    error, name = "", (_("%(name)s (copy)") % {"name": evaluation.name})[:NAME_MAX]
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            duplicate = services.evaluation_duplicate(evaluation=evaluation, name=name, actor=request.user,
                                                      context=evaluation_context(evaluation.checklist))
        except FieldError as exc:
            error = exc.message
        else:
            messages.success(request, _("“%(name)s” starts with the requirement profile of “%(source)s”. Describe its "
                                        "use case; the shortlist and the history were not copied.") % {
                "name": duplicate.name, "source": evaluation.name})
            return redirect(_url("evaluation-step", duplicate, step=STEP_KEYS[0]))
    return render(request, "evaluations/duplicate.html", {"evaluation": evaluation, "error": error, "name": name,
                                                          "name_max": NAME_MAX}, status=400 if error else 200)


def _archive(request: HttpRequest, evaluation: Evaluation, *, archived: bool) -> HttpResponse:
    services.evaluation_archive(evaluation=evaluation, actor=request.user, archived=archived)
    view = "archive" if request.POST.get("view") == "archive" else "list"
    if request.htmx:  # the list's row: the evaluation itself where it still belongs, otherwise a notice with undo
        context = {"m": request.membership, "view": view}
        if archived == (view == "archive"):
            [row] = evaluation_list(request.user, archived=None, pk=evaluation.pk)
            return render(request, "home.html#row", {**context, "row": row})
        return render(request, "home.html#moved", {**context, "evaluation": evaluation, "archived": archived})
    if archived:
        messages.success(request, _("“%(name)s” is archived. It stays readable; find it under Archived.") % {
            "name": evaluation.name})
    else:
        messages.success(request, _("“%(name)s” is back in the list of evaluations.") % {"name": evaluation.name})
    return redirect(reverse("home") + ("?archived=1" if view == "archive" else ""))


@evaluation_access(EDIT, edit_methods=())
@require_http_methods(["POST"])
@vary_on_headers("HX-Request")  # htmx gets the list's row, a plain post a redirect
def evaluation_archive(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    return _archive(request, evaluation, archived=True)


@evaluation_access(EDIT, edit_methods=())
@require_http_methods(["POST"])
@vary_on_headers("HX-Request")
def evaluation_unarchive(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    return _archive(request, evaluation, archived=False)


@evaluation_access(MANAGE, edit_methods=())
@require_http_methods(["GET", "POST"])
def evaluation_delete(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """GET: what deleting takes with it, and the button. POST (from that page, which says which evaluation): delete.
    Only owners; the organisation's record of deleted evaluations keeps who deleted what."""
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") == evaluation.slug:
            record = services.evaluation_delete(evaluation=evaluation, actor=request.user,
                                                context=evaluation_context(evaluation.checklist))
            messages.success(request, _("“%(name)s” was deleted with its history and reports. The record of deleted "
                                        "evaluations keeps who deleted it and when.") % {"name": record.name})
            return redirect("home")
        error = _("Confirm with the button below which evaluation to delete.")
    events = evaluation.audit_events.aggregate(
        changes=Count("pk", filter=~Q(action__in=NOT_CHANGES)), reports=Count("pk", filter=Q(
            action="report_generated")))
    return render(request, "evaluations/delete.html", {"evaluation": evaluation, "error": error, **events,
                                                       "can_edit": request.membership.can_edit},
                  status=400 if error else 200)


@organisation_access(MANAGE)
@require_http_methods(["GET"])
def deleted_evaluations(request: HttpRequest, organisation) -> HttpResponse:
    """The organisation's record of deleted evaluations: what, who, when (owners)."""
    return render(request, "evaluations/deleted.html", {
        "organisation": organisation,
        "records": DeletedEvaluation.objects.filter(organisation=organisation).select_related("deleted_by")})


# --- exports ---------------------------------------------------------------------------------------------------------


CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv; charset=utf-8"}


def _export(sheets: list, fmt: str, *, name: str, title: str) -> HttpResponse:
    if fmt == "xlsx":
        body = exports.xlsx_bytes(sheets, title=title)
    else:  # the first sheet: the view itself; with a byte order mark, so spreadsheets read the text as UTF-8
        body = ("\ufeff" + exports.csv_text(sheets[0])).encode("utf-8")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.{fmt}"'
    response["Cache-Control"] = "private, max-age=0"
    return response


@evaluation_access(VIEW, edit_methods=())
@require_http_methods(["GET"])
def evaluation_ranking_export(request: HttpRequest, evaluation: Evaluation, fmt: str) -> HttpResponse:
    """The results page's ranking (and, in XLSX, the excluded offerings and every source) as a download."""
    outcome = services.evaluation_outcome(evaluation, evaluation_context(evaluation.checklist))
    return _export(exports.ranking_sheets(outcome), fmt, name=f"{evaluation.slug}-ranking",
                   title=_("Ranking: %(name)s") % {"name": evaluation.name})


@evaluation_access(VIEW, edit_methods=())
@require_http_methods(["GET"])
def evaluation_compare_export(request: HttpRequest, evaluation: Evaluation, fmt: str) -> HttpResponse:
    """The comparison page (same `?o=` selection) as a download; a choice the page refuses leads back to it."""
    context = evaluation_context(evaluation.checklist)
    outcome = services.evaluation_outcome(evaluation, context, samples=0)
    keys, error = _compared(request, evaluation, outcome)
    if error:
        query = request.META.get("QUERY_STRING", "")
        return redirect(_url("evaluation-compare", evaluation) + (f"?{query}" if query else ""))
    return _export(exports.comparison_sheets(outcome, comparison_table(outcome, keys, context)), fmt,
                   name=f"{evaluation.slug}-comparison",
                   title=_("Comparison: %(name)s") % {"name": evaluation.name})
