"""Writes of reports: request one for the evaluation as it is now, render it once, store it by fingerprint.

A report row is created per (evaluation, snapshot fingerprint) and carries the canonical snapshot, so whoever renders
it — the background worker, the download view, the command line — renders exactly that snapshot. Rendering is
claimed with a conditional update, so two workers never render the same report twice; a stored, ready report is
served again without rendering.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from vendoreval.evaluations.context import EvaluationContext
from vendoreval.evaluations.models import AuditEvent, Evaluation

from . import rendering
from .changes import SnapshotChanges, snapshot_changes
from .models import Report
from .snapshot import ReportSnapshot, report_snapshot
from .storage import report_file_name

logger = logging.getLogger(__name__)
STALLED_AFTER = dt.timedelta(minutes=15)  # a render still "running" after this long is presumed lost (worker killed)


def report_stalled(report: Report) -> bool:
    return bool(report.status == Report.Status.RUNNING and report.started_at
                and timezone.now() - report.started_at > STALLED_AFTER)


def report_current(*, evaluation: Evaluation, context: EvaluationContext | None = None
                   ) -> tuple[ReportSnapshot, Report | None]:
    """The evaluation's snapshot as of now, and the report already made (or being made) from it, if any."""
    snapshot = report_snapshot(evaluation=evaluation, context=context)
    report = Report.objects.filter(evaluation=evaluation, fingerprint=snapshot.fingerprint).first()
    return snapshot, report


def report_is_stored(report: Report) -> bool:
    return report.status == Report.Status.READY and bool(report.file) and report.file.storage.exists(report.file.name)


def report_get_or_create(*, evaluation: Evaluation, snapshot: ReportSnapshot, actor=None) -> Report:
    """The report row for this snapshot; a ready report whose file has gone missing is queued again."""
    defaults = {"document_id": snapshot.document_id, "snapshot_date": snapshot.date,
                "basis": snapshot.data.get("basis", ""),
                "snapshot": snapshot.canonical.decode("utf-8"), "requested_by": actor}
    try:
        with transaction.atomic():
            report, _ = Report.objects.get_or_create(evaluation=evaluation, fingerprint=snapshot.fingerprint,
                                                     defaults=defaults)
    except IntegrityError:  # a concurrent request created it first
        report = Report.objects.get(evaluation=evaluation, fingerprint=snapshot.fingerprint)
    if report.status == Report.Status.READY and not report_is_stored(report):
        Report.objects.filter(pk=report.pk, status=Report.Status.READY).update(status=Report.Status.QUEUED, file="")
        report.refresh_from_db()
    return report


def report_request(*, evaluation: Evaluation, actor=None, context: EvaluationContext | None = None) -> Report:
    """Ask for the report of the evaluation as it is now: queue a background render unless it exists or is underway.

    A failed report is queued again (the user asked to retry)."""
    from .tasks import generate_report  # the task module imports this one

    snapshot = report_snapshot(evaluation=evaluation, context=context)
    report = report_get_or_create(evaluation=evaluation, snapshot=snapshot, actor=actor)
    if report_stalled(report):
        Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING).update(
            status=Report.Status.FAILED, error="The rendering did not finish.")
        report.refresh_from_db()
    if report.status == Report.Status.FAILED:
        Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
            status=Report.Status.QUEUED, error="", started_at=None, finished_at=None, requested_by=actor)
        report.refresh_from_db()
    if report.status == Report.Status.QUEUED:
        result = generate_report.enqueue(report.pk)  # runs inline with the immediate backend (tests, make run)
        Report.objects.filter(pk=report.pk).update(task_id=str(result.id)[:64])
        report.refresh_from_db()
    return report


def _claim(report: Report) -> bool:
    """Move a queued (or failed) report to running; False when another process already has it."""
    claimed = Report.objects.filter(pk=report.pk, status__in=[Report.Status.QUEUED, Report.Status.FAILED]).update(
        status=Report.Status.RUNNING, started_at=timezone.now(), error="")
    return bool(claimed)


def report_render(*, report: Report, actor=None) -> Report:
    """Render and store a queued report. Idempotent: a report that is ready or being rendered elsewhere is left alone.

    On failure the report is marked failed with a message for people, and the error is raised again."""
    if not _claim(report):
        report.refresh_from_db()
        return report
    report.refresh_from_db()
    try:
        snapshot = ReportSnapshot.from_json(report.snapshot)
        if snapshot.fingerprint != report.fingerprint:
            raise rendering.ReportRenderError("The stored snapshot does not match the report's fingerprint.")
        pdf = rendering.render_pdf(snapshot)
        name = report_file_name(report.fingerprint)
        storage = report.file.storage
        if storage.exists(name):  # left over from an earlier attempt: replace, never keep a suffixed copy
            storage.delete(name)
        stored = storage.save(name, ContentFile(pdf))
    except Exception as exc:
        message = str(exc) if isinstance(exc, rendering.ReportRenderError) else (
            f"The PDF could not be rendered ({type(exc).__name__}). The error has been logged; try again, and tell "
            "your administrator if it keeps failing.")
        logger.error("Report %s failed:\n%s", report.document_id, traceback.format_exc())
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error=message,
                                                   finished_at=timezone.now())
        report.refresh_from_db()
        raise
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(status=Report.Status.READY, file=stored, error="",
                                                   finished_at=timezone.now())
        AuditEvent.objects.create(evaluation_id=report.evaluation_id, actor=actor or report.requested_by,
                                  action="report_generated", note=report.document_id, new_value=report.fingerprint)
    report.refresh_from_db()
    return report


def report_ensure(*, evaluation: Evaluation, actor=None, context: EvaluationContext | None = None
                  ) -> tuple[Report, bool]:
    """The stored report of the evaluation as it is now, rendering it here if needed (download link, command line).

    Returns (report, rendered_now). The report is not ready when another process is rendering it right now."""
    snapshot = report_snapshot(evaluation=evaluation, context=context)
    report = report_get_or_create(evaluation=evaluation, snapshot=snapshot, actor=actor)
    if report_is_stored(report):
        return report, False
    report = report_render(report=report, actor=actor)
    return report, report.status == Report.Status.READY


def changes_since(report: Report, evaluation: Evaluation) -> SnapshotChanges:
    """What changed between a stored report and the evaluation as it would be scored now."""
    old = json.loads(report.snapshot)
    now = report_snapshot(evaluation=evaluation, detail=tuple(old["shortlist"]["keys"]), with_changes=False)
    return snapshot_changes(old, now.data, since_document=report.document_id)
