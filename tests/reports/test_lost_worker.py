"""A report whose worker is killed mid-render (SIGKILL: no chance to clean up) is noticed by its missing heartbeat,
rendered again once automatically, and marked failed with a message for people if its worker dies again. The report
page says what happened, and showing it never writes to the database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vendoreval.reports import services
from vendoreval.reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)

LEASE, HEARTBEAT = 3.0, 0.3
HERE = Path(__file__).resolve().parent


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(store: Path) -> dict[str, str]:
    """The worker's environment: the test database, the database task queue, a short lease."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vendoreval.settings", "DEBUG": "1", "VENDOREVAL_DEMO": "0",
           "DATABASE_URL": database_url(), "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
           "VENDOREVAL_REPORT_STORE": str(store), "VENDOREVAL_REPORT_LEASE_SECONDS": str(LEASE),
           "VENDOREVAL_REPORT_HEARTBEAT_SECONDS": str(HEARTBEAT), "PYTHONPATH": str(settings.BASE_DIR)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def wait_for(condition, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def start_stalling_worker(store: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(HERE / "stalling_worker.py")], env=worker_env(store),
                            cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def killed_mid_render(process: subprocess.Popen, report: Report, attempt: int) -> None:
    """Wait until the worker renders `report` (attempt `attempt`) and has renewed its lease, then SIGKILL it."""
    try:
        def renewed():
            report.refresh_from_db()
            return (report.status == "running" and report.attempts == attempt and report.heartbeat_at
                    and report.heartbeat_at > report.started_at)
        wait_for(renewed, f"attempt {attempt} to render and beat")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def page(client, evaluation):
    return client.get(reverse("evaluation-report", kwargs={"org": evaluation.organisation.slug,
                                                           "slug": evaluation.slug}))


def test_a_killed_worker_is_noticed_retried_once_and_then_reported(client, viewer, evaluation, settings, tmp_path):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VENDOREVAL_REPORT_LEASE, settings.VENDOREVAL_REPORT_HEARTBEAT = LEASE, HEARTBEAT
    settings.VENDOREVAL_REPORT_STORE = tmp_path / "reports"
    client.force_login(viewer)
    client.post(reverse("evaluation-report", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug}))
    report = Report.objects.get()
    first_job = report.task_id

    # 1. a worker takes the job, renews its lease while rendering, and is killed
    killed_mid_render(start_stalling_worker(settings.VENDOREVAL_REPORT_STORE), report, attempt=1)
    wait_for(lambda: services.report_lost(Report.objects.get()), "the lease to run out", timeout=LEASE * 5)
    with CaptureQueriesContext(connection) as queries:
        shown = page(client, evaluation).content.decode()
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(
        ("UPDATE", "INSERT", "DELETE")) and "django_session" not in q["sql"]]
    assert writes == []  # showing the page only reads
    assert "it seems to have stopped" in shown and "started again automatically" in shown
    assert Report.objects.get().status == "running"

    # 2. the next worker's reaper queues it again (once) and renders it: killed again
    killed_mid_render(start_stalling_worker(settings.VENDOREVAL_REPORT_STORE), report, attempt=2)
    report.refresh_from_db()
    assert report.interrupted_at is not None and report.task_id != first_job
    assert DBTaskResult.objects.get(id=first_job).status == "FAILED"  # the dead job's record says so
    assert "An earlier attempt stopped without finishing" in page(client, evaluation).content.decode()

    # 3. lost twice: marked failed, with a message for people
    wait_for(lambda: services.report_lost(Report.objects.get()), "the lease to run out", timeout=LEASE * 5)
    assert [r.status for r in services.report_reap_lost()] == ["failed"]
    shown = page(client, evaluation).content.decode()
    assert "interrupted twice" in shown and "Try again" in shown

    # 4. trying again renders it with a worker that lives
    client.post(reverse("evaluation-report", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug}))
    report.refresh_from_db()
    assert (report.status, report.attempts, report.interrupted_at) == ("queued", 0, None)
    subprocess.run([sys.executable, "manage.py", "report_worker", "--batch", "--no-reload", "--no-startup-delay",
                    "--interval", "0"], env=worker_env(settings.VENDOREVAL_REPORT_STORE), cwd=settings.BASE_DIR,
                   check=True, capture_output=True, timeout=300)
    report.refresh_from_db()
    assert report.status == "ready" and report.attempts == 1
    assert "Download" in page(client, evaluation).content.decode()


def test_a_render_that_is_alive_keeps_its_lease(viewer, evaluation, settings):
    """The reaper leaves a render alone while its heartbeat is fresh, whatever time it started."""
    import datetime as dt

    from django.utils import timezone

    settings.VENDOREVAL_REPORT_LEASE = 60
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued, not rendered inline
    report = services.report_get_or_create(evaluation=evaluation, snapshot=services.report_snapshot(
        evaluation=evaluation))
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(status="running", attempts=1, started_at=now - dt.timedelta(hours=1),
                                               heartbeat_at=now - dt.timedelta(seconds=30))
    assert services.report_reap_lost(now=now) == []
    assert services.report_reap_lost(now=now + dt.timedelta(seconds=31))[0].status == "queued"
