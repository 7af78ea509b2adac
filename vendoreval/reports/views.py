"""The report page (status, generate, download, preview) of an evaluation. Viewers may generate and download
reports: generating changes nothing in the evaluation, so every view here needs only the VIEW role."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from vendoreval.accounts.access import organisation_access
from vendoreval.evaluations.access import VIEW, evaluation_access
from vendoreval.evaluations.models import Evaluation
from vendoreval.evaluations.services import evaluation_report_language

from . import services
from .models import Report
from .rendering import report_html
from .snapshot import REPORT_LANGUAGES
from .tasks import generate_report
from .verification import MAX_UPLOAD_BYTES, verify_pdf


def _url(name: str, evaluation: Evaluation, **kwargs) -> str:
    return reverse(name, kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug, **kwargs})


def _task_failed(report: Report) -> bool:
    """The background job failed before it could record why (e.g. it crashed outside the renderer)."""
    if not report.task_id or not report.pending:
        return False
    try:
        result = generate_report.get_result(report.task_id)
    except Exception:  # the immediate backend keeps no results; an unknown id means nothing to report
        return False
    return getattr(result, "status", None) == "FAILED"


def _language(request: HttpRequest, evaluation: Evaluation, data) -> str:
    """The report language asked for (`language` in the query or the form), else the evaluation's."""
    code = data.get("language", "")
    return code if code in REPORT_LANGUAGES else evaluation.report_language


def _status_context(evaluation: Evaluation, report: Report | None, language: str) -> dict:
    return {"evaluation": evaluation, "report": report, "stalled": bool(report and services.report_lost(report)),
            "lost": bool(report and _task_failed(report)),
            "stored": bool(report and services.report_is_stored(report)), "language": language,
            "languages": [(code, name) for code, name in settings.LANGUAGES if code in REPORT_LANGUAGES]}


def _file_response(report: Report) -> FileResponse:
    response = FileResponse(report.file.open("rb"), as_attachment=True, filename=report.download_name,
                            content_type="application/pdf")
    response["Cache-Control"] = "private, max-age=0"
    return response


@evaluation_access(VIEW, edit_methods=())
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")  # a generation request from htmx gets the status fragment, others a redirect
def report_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """GET: what the report of the evaluation as it is now contains, and its status, in the report language asked
    for. POST: generate it in that language; an editor's choice becomes the evaluation's report language."""
    if request.method == "POST":
        language = _language(request, evaluation, request.POST)
        report = services.report_request(evaluation=evaluation, actor=request.user, language=language)
        if request.membership.can_edit:
            evaluation_report_language(evaluation=evaluation, language=language, actor=request.user)
        if request.htmx:
            return render(request, "reports/page.html#status", _status_context(evaluation, report, language))
        return redirect(_url("evaluation-report", evaluation) + f"?language={language}")
    language = _language(request, evaluation, request.GET)
    snapshot, report = services.report_current(evaluation=evaluation, language=language)
    data = snapshot.data
    names = {r["key"]: r["name"] for r in (*data["results"]["ranking"], *data["results"]["excluded"])}
    earlier = (Report.objects.filter(evaluation=evaluation, status=Report.Status.READY)
               .exclude(pk=report.pk if report else None)[:20])
    return render(request, "reports/page.html", {
        **_status_context(evaluation, report, language), "snapshot": snapshot,
        "fingerprint_groups": " ".join(snapshot.fingerprint[i:i + 16] for i in range(0, 64, 16)),
        "shortlist": [names[k] for k in data["shortlist"]["keys"]], "shortlist_source": data["shortlist"]["source"],
        "earlier": earlier,
    })


@evaluation_access(VIEW, edit_methods=())
@require_http_methods(["GET"])
def report_status(request: HttpRequest, evaluation: Evaluation, document_id: str) -> HttpResponse:
    """The status fragment the page polls (htmx, every 2 s) until the report is ready or failed. An unknown document
    (an old link) shows the "not made yet" state with the button to generate the current one."""
    report = Report.objects.filter(evaluation=evaluation, document_id=document_id).first()
    language = report.language if report else _language(request, evaluation, request.GET)
    return render(request, "reports/page.html#status", _status_context(evaluation, report, language))


@evaluation_access(VIEW, edit_methods=())
@require_http_methods(["GET"])
def report_download(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """The PDF of the evaluation as it is now, from the store. A GET changes nothing: when the current report is not
    stored yet, the report page offers to generate it (a POST) and follows its progress."""
    language = _language(request, evaluation, request.GET)
    _, report = services.report_current(evaluation=evaluation, language=language)
    if report is not None and services.report_is_stored(report):
        return _file_response(report)
    return redirect(_url("evaluation-report", evaluation) + f"?language={language}")


@evaluation_access(VIEW, edit_methods=())
@require_http_methods(["GET"])
def report_file(request: HttpRequest, evaluation: Evaluation, document_id: str) -> HttpResponse:
    """A stored report by its document id (earlier snapshots stay downloadable). A document that is not stored (an
    old or mistyped link, a report still rendering) leads to the report page, which shows what exists."""
    report = Report.objects.filter(evaluation=evaluation, document_id=document_id).first()
    if report is None or not services.report_is_stored(report):
        return redirect(_url("evaluation-report", evaluation))
    return _file_response(report)


@evaluation_access(VIEW, edit_methods=())
@require_http_methods(["GET"])
def report_preview(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """The same report as HTML in the browser, from the same snapshot and template as the PDF."""
    language = _language(request, evaluation, request.GET)
    snapshot, _ = services.report_current(evaluation=evaluation, language=language)
    query = f"?language={language}"
    html = report_html(snapshot, stylesheet_href=static("css/report.css"), preview={
        "back": _url("evaluation-report", evaluation) + query,
        "download": _url("evaluation-report-download", evaluation) + query})
    return HttpResponse(html)


@evaluation_access(VIEW, edit_methods=())
@require_http_methods(["GET"])
def report_changes(request: HttpRequest, evaluation: Evaluation, document_id: str) -> HttpResponse:
    """What changed since a stored report: ranking moves, offerings newly excluded or admitted and why, changed
    answers of the offerings it detailed, the buyer's own requirement changes."""
    report = (Report.objects.filter(evaluation=evaluation, document_id=document_id).exclude(snapshot="")
              .first())
    if report is None:
        raise Http404("No such report")
    return render(request, "reports/changes.html", {"evaluation": evaluation, "report": report,
                                                    "changes": services.changes_since(report, evaluation)})


@organisation_access(VIEW)
@require_http_methods(["GET", "POST"])
def report_verify(request: HttpRequest, organisation) -> HttpResponse:
    """Anyone in the organisation checks a report PDF: is it intact, whose is it, what changed since. The upload is
    size-limited, parsed without rendering and never stored."""
    result, changes, evaluation, error = None, None, None, ""
    if request.method == "POST":
        upload = request.FILES.get("report")
        if upload is None:
            error = _("Choose a report PDF to check.")
        elif upload.size > MAX_UPLOAD_BYTES:
            error = _("The file is larger than %(mb)s MB; a VendorEval report is smaller.") % {
                "mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        else:
            result = verify_pdf(upload.read())
            if result.intact and result.organisation_slug == organisation.slug:
                evaluation = Evaluation.objects.filter(organisation=organisation,
                                                       slug=result.evaluation_slug).first()
                report = Report.objects.filter(evaluation=evaluation, document_id=result.document_id).first() \
                    if evaluation else None
                if evaluation is not None and report is not None and report.snapshot:
                    changes = services.changes_since(report, evaluation)
    status = 400 if error else 200
    return render(request, "reports/verify.html", {"organisation": organisation, "result": result, "error": error,
                                                   "evaluation": evaluation, "changes": changes,
                                                   "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024)}, status=status)


@evaluation_access(VIEW, edit_methods=())
@require_http_methods(["GET"])
def report_changes_summary(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """One line for the results page (loaded by htmx): how much changed since the latest stored report."""
    report = (Report.objects.filter(evaluation=evaluation, status=Report.Status.READY).exclude(snapshot="")
              .order_by("-created_at", "-pk").first())
    changes = services.changes_since(report, evaluation) if report is not None else None
    return render(request, "reports/_changes_summary.html", {"evaluation": evaluation, "report": report,
                                                             "changes": changes})
