"""Writes of reports: request one for the evaluation as it is now, render it once, store it by fingerprint.

A report row is created per (evaluation, snapshot fingerprint) and carries the canonical snapshot, so whoever renders
it — the background worker, the download view, the command line — renders exactly that snapshot. Rendering is
claimed with a conditional update, so two workers never render the same report twice; a stored, ready report is
served again without rendering.

A render holds a lease: while it renders, a heartbeat thread writes `heartbeat_at` every VENDOREVAL_REPORT_HEARTBEAT
seconds. A render whose heartbeat is older than VENDOREVAL_REPORT_LEASE has lost its worker (killed, out of memory,
the machine gone): `report_reap_lost` queues it again once, and marks it failed with a message for people if it is
lost again. The report worker runs the reaper every few seconds, and asking for the report (POST) runs it for that
report; showing the report page (GET) never writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import threading
import traceback
from collections.abc import Iterator

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vendoreval.evaluations.context import EvaluationContext
from vendoreval.evaluations.models import AuditEvent, Evaluation
from vendoreval.evaluations.services import report_language_of

from . import rendering
from .changes import SnapshotChanges, snapshot_changes
from .models import Report
from .snapshot import ReportSnapshot, localized, report_snapshot
from .storage import report_file_name

logger = logging.getLogger(__name__)
AUTOMATIC_RETRIES = 1  # a render whose worker died is queued again this many times, then marked failed
# Messages stored on a failed report are written in the report's language (the language its reader chose).
LOST_TWICE = gettext_lazy("The rendering was interrupted twice: the worker rendering it stopped before it finished "
                          "(last at %(time)s). This can happen when the server restarts or runs out of memory. Try "
                          "again; tell your administrator if it keeps happening.")


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.VENDOREVAL_REPORT_LEASE)


def report_lost(report: Report, now: dt.datetime | None = None) -> bool:
    """Being rendered, but its worker has not written a heartbeat for longer than the lease: it has stopped."""
    if report.status != Report.Status.RUNNING:
        return False
    beat = report.heartbeat_at or report.started_at
    return beat is None or (now or timezone.now()) - beat > lease()


def report_current(*, evaluation: Evaluation, context: EvaluationContext | None = None, language: str | None = None
                   ) -> tuple[ReportSnapshot, Report | None]:
    """The evaluation's snapshot as of now, read in `language` (the evaluation's report language by default), and
    the report already made (or being made) from it in that language, if any."""
    snapshot = report_snapshot(evaluation=evaluation, context=context).in_language(
        language or evaluation.report_language)
    report = Report.objects.filter(evaluation=evaluation, fingerprint=snapshot.fingerprint,
                                   language=snapshot.language).first()
    return snapshot, report


def report_is_stored(report: Report) -> bool:
    return report.status == Report.Status.READY and bool(report.file) and report.file.storage.exists(report.file.name)


def report_get_or_create(*, evaluation: Evaluation, snapshot: ReportSnapshot, actor=None) -> Report:
    """The report row for this snapshot in its language; a ready report whose file has gone missing is queued
    again."""
    defaults = {"document_id": snapshot.document_id, "snapshot_date": snapshot.date,
                "basis": snapshot.data.get("basis", ""),
                "snapshot": snapshot.canonical.decode("utf-8"), "requested_by": actor}
    identity = {"evaluation": evaluation, "fingerprint": snapshot.fingerprint, "language": snapshot.language}
    try:
        with transaction.atomic():
            report, _ = Report.objects.get_or_create(**identity, defaults=defaults)
    except IntegrityError:  # a concurrent request created it first
        report = Report.objects.get(**identity)
    if report.status == Report.Status.READY and not report_is_stored(report):
        Report.objects.filter(pk=report.pk, status=Report.Status.READY).update(
            status=Report.Status.QUEUED, file="", task_id="", attempts=0)
        report.refresh_from_db()
    return report


def _enqueue(report: Report) -> None:
    """Queue the render of a queued report that has no job yet (runs inline with the immediate backend)."""
    from .tasks import generate_report  # the task module imports this one

    result = generate_report.enqueue(report.pk)
    Report.objects.filter(pk=report.pk, task_id="").update(task_id=str(result.id)[:64])


def _abandon_job(task_id: str, now: dt.datetime) -> None:
    """The queue's record of a job whose worker died still says it is running: say it failed."""
    from django_tasks_db.models import DBTaskResult

    if not task_id:
        return
    with contextlib.suppress(ValueError, DBTaskResult.DoesNotExist):  # not a database-backend job id
        DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
            status="FAILED", finished_at=now, exception_class_path="vendoreval.reports.services.WorkerLost",
            traceback="The worker running this job stopped (no heartbeat within the lease).")


class WorkerLost(Exception):
    """Recorded on a job whose worker stopped while running it."""


def report_reap_lost(*, now: dt.datetime | None = None, report_ids: list[int] | None = None) -> list[Report]:
    """Find renders whose worker died (heartbeat older than the lease): queue each again once, or mark it failed
    with a message for people when it was lost before. Returns the reports changed. Safe to run from several
    processes at once (each report is re-checked under its row lock)."""
    now = now or timezone.now()
    cutoff = now - lease()
    candidates = Report.objects.filter(status=Report.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True))
    if report_ids is not None:
        candidates = candidates.filter(pk__in=report_ids)
    changed = []
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            report = Report.objects.select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked
                                                      ).filter(pk=pk).first()
            if report is None or not report_lost(report, now):
                continue  # finished, or taken care of by another process meanwhile
            lost_job = report.task_id
            if report.attempts <= AUTOMATIC_RETRIES:
                Report.objects.filter(pk=pk).update(status=Report.Status.QUEUED, interrupted_at=now, task_id="",
                                                    started_at=None, heartbeat_at=None, error="")
                logger.warning("Report %s: its worker stopped while rendering it; queued again", report.document_id)
            else:
                when = timezone.localtime(now).strftime("%H:%M")
                with translation.override(report.language):
                    error = LOST_TWICE % {"time": when}
                Report.objects.filter(pk=pk).update(status=Report.Status.FAILED, interrupted_at=now,
                                                    finished_at=now, error=error)
                logger.error("Report %s: its worker stopped again while rendering it; marked failed",
                             report.document_id)
        _abandon_job(lost_job, now)
        report.refresh_from_db()
        if report.status == Report.Status.QUEUED:
            _enqueue(report)
            report.refresh_from_db()
        changed.append(report)
    return changed


def report_request(*, evaluation: Evaluation, actor=None, context: EvaluationContext | None = None,
                   language: str | None = None) -> Report:
    """Ask for the report of the evaluation as it is now, in `language` (the evaluation's report language by
    default): queue a background render unless it exists or is underway.

    A failed report is queued again (the user asked to retry); a render whose worker died is taken over."""
    snapshot = report_snapshot(evaluation=evaluation, context=context).in_language(
        language or evaluation.report_language)
    report = report_get_or_create(evaluation=evaluation, snapshot=snapshot, actor=actor)
    if report_lost(report):
        report_reap_lost(report_ids=[report.pk])
        report.refresh_from_db()
    if report.status == Report.Status.FAILED:
        Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
            status=Report.Status.QUEUED, error="", started_at=None, finished_at=None, heartbeat_at=None,
            interrupted_at=None, attempts=0, task_id="", requested_by=actor)
        report.refresh_from_db()
    if report.status == Report.Status.QUEUED and not report.task_id:
        _enqueue(report)
        report.refresh_from_db()
    return report


def _claim(report: Report) -> int | None:
    """Move a queued (or failed) report to running and start its lease; the attempt's number, or None when another
    process already has it."""
    now = timezone.now()
    claimed = Report.objects.filter(pk=report.pk, status__in=[Report.Status.QUEUED, Report.Status.FAILED]).update(
        status=Report.Status.RUNNING, started_at=now, heartbeat_at=now, error="", attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Report.objects.values_list("attempts", flat=True).get(pk=report.pk)


@contextlib.contextmanager
def _heartbeat(report: Report, attempt: int) -> Iterator[None]:
    """While the block runs, a thread renews the render's lease every VENDOREVAL_REPORT_HEARTBEAT seconds (on its
    own database connection). Not inside a transaction: there the claim is not visible to another connection yet."""
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()
    every = settings.VENDOREVAL_REPORT_HEARTBEAT

    def beat() -> None:
        from django.db import connection as own

        try:
            while not stop.wait(every):
                Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING, attempts=attempt).update(
                    heartbeat_at=timezone.now())
        except Exception:  # the lease then runs out, and the reaper takes over
            logger.exception("Report %s: the heartbeat stopped", report.document_id)
        finally:
            own.close()

    thread = threading.Thread(target=beat, name=f"report-{report.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)


def report_render(*, report: Report, actor=None) -> Report:
    """Render and store a queued report. Idempotent: a report that is ready or being rendered elsewhere is left alone.

    On failure the report is marked failed with a message for people, and the error is raised again. A render that
    lost its lease meanwhile (its report was queued again elsewhere) records nothing."""
    attempt = _claim(report)
    if attempt is None:
        report.refresh_from_db()
        return report
    report.refresh_from_db()
    mine = Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING, attempts=attempt)
    try:
        with _heartbeat(report, attempt):
            snapshot = ReportSnapshot.from_json(report.snapshot, report.language)
            if snapshot.fingerprint != report.fingerprint:
                with translation.override(report.language):
                    raise rendering.ReportRenderError(_("The stored snapshot does not match the report's "
                                                        "fingerprint."))
            pdf = rendering.render_pdf(snapshot)
        name = report_file_name(report.fingerprint, report.language)
        storage = report.file.storage
        if storage.exists(name):  # left over from an earlier attempt: replace, never keep a suffixed copy
            storage.delete(name)
        stored = storage.save(name, ContentFile(pdf))
    except Exception as exc:
        with translation.override(report.language):
            message = str(exc) if isinstance(exc, rendering.ReportRenderError) else _(
                "The PDF could not be rendered (%(error)s). The error has been logged; try again, and tell your "
                "administrator if it keeps failing.") % {"error": type(exc).__name__}
        logger.error("Report %s failed:\n%s", report.document_id, traceback.format_exc())
        mine.update(status=Report.Status.FAILED, error=message, finished_at=timezone.now())
        report.refresh_from_db()
        raise
    with transaction.atomic():
        if mine.update(status=Report.Status.READY, file=stored, error="", finished_at=timezone.now()):
            AuditEvent.objects.create(evaluation_id=report.evaluation_id, actor=actor or report.requested_by,
                                      action="report_generated", note=report.document_id,
                                      new_value=report.fingerprint)
        else:
            logger.warning("Report %s: rendered after its lease ran out; the render queued again records it",
                           report.document_id)
    report.refresh_from_db()
    return report


def report_ensure(*, evaluation: Evaluation, actor=None, context: EvaluationContext | None = None,
                  language: str | None = None) -> tuple[Report, bool]:
    """The stored report of the evaluation as it is now, in `language` (the evaluation's report language by
    default), rendering it here if needed (command line).

    Returns (report, rendered_now). The report is not ready when another process is rendering it right now."""
    snapshot = report_snapshot(evaluation=evaluation, context=context).in_language(
        language or evaluation.report_language)
    report = report_get_or_create(evaluation=evaluation, snapshot=snapshot, actor=actor)
    if report_is_stored(report):
        return report, False
    report = report_render(report=report, actor=actor)
    return report, report.status == Report.Status.READY


def changes_since(report: Report, evaluation: Evaluation) -> SnapshotChanges:
    """What changed between a stored report and the evaluation as it would be scored now, told in the reader's
    language."""
    language = report_language_of(translation.get_language())
    old = localized(json.loads(report.snapshot), language)
    now = report_snapshot(evaluation=evaluation, detail=tuple(old["shortlist"]["keys"]), with_changes=False)
    return snapshot_changes(old, now.in_language(language).localized, since_document=report.document_id)
