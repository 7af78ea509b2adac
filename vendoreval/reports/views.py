"""The report page (status, generate, download, preview) of an evaluation. Viewers may generate and download
reports: generating changes nothing in the evaluation, so every view here needs only the VIEW role."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from vendoreval.evaluations.access import VIEW, evaluation_access
from vendoreval.evaluations.models import Evaluation

from . import services
from .models import Report
from .rendering import report_html
from .tasks import generate_report


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


def _status_context(evaluation: Evaluation, report: Report | None) -> dict:
    return {"evaluation": evaluation, "report": report, "stalled": bool(report and services.report_lost(report)),
            "lost": bool(report and _task_failed(report)),
            "stored": bool(report and services.report_is_stored(report))}


def _file_response(report: Report) -> FileResponse:
    response = FileResponse(report.file.open("rb"), as_attachment=True, filename=report.download_name,
                            content_type="application/pdf")
    response["Cache-Control"] = "private, max-age=0"
    return response


@evaluation_access(VIEW, edit_methods=())
@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """GET: what the report of the evaluation as it is now contains, and its status. POST: generate it."""
    if request.method == "POST":
        report = services.report_request(evaluation=evaluation, actor=request.user)
        if request.htmx:
            return render(request, "reports/page.html#status", _status_context(evaluation, report))
        return redirect(_url("evaluation-report", evaluation))
    snapshot, report = services.report_current(evaluation=evaluation)
    data = snapshot.data
    names = {r["key"]: r["name"] for r in (*data["results"]["ranking"], *data["results"]["excluded"])}
    earlier = (Report.objects.filter(evaluation=evaluation).exclude(fingerprint=snapshot.fingerprint)
               .filter(status=Report.Status.READY)[:20])
    return render(request, "reports/page.html", {
        **_status_context(evaluation, report), "snapshot": snapshot,
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
    return render(request, "reports/page.html#status", _status_context(evaluation, report))


@evaluation_access(VIEW, edit_methods=())
@require_http_methods(["GET"])
def report_download(request: HttpRequest, evaluation: Evaluation) -> HttpResponse:
    """The PDF of the evaluation as it is now, from the store. When it is not stored yet, the render is queued for the
    background worker — a web worker never renders a PDF — and the report page follows its progress. (With the
    immediate task backend of tests and `make run` the render has already happened and the file is served.)"""
    report = services.report_request(evaluation=evaluation, actor=request.user)
    if report.status == Report.Status.READY and services.report_is_stored(report):
        return _file_response(report)
    return redirect(_url("evaluation-report", evaluation))


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
    snapshot, _ = services.report_current(evaluation=evaluation)
    html = report_html(snapshot, stylesheet_href=static("css/report.css"), preview={
        "back": _url("evaluation-report", evaluation), "download": _url("evaluation-report-download", evaluation)})
    return HttpResponse(html)
