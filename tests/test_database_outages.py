"""The database going away and coming back (a PostgreSQL restart, a failover): kept connections are checked before
reuse, the report worker keeps running, and `make serve` starts a worker again when it exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from vendoreval.reports.management.commands.report_worker import run_surviving_database_outages

POSTGRES = connection.vendor == "postgresql"
needs_postgres = pytest.mark.skipif(not POSTGRES, reason="terminates PostgreSQL server processes")


def terminate_backends(where: str, params: list) -> int:
    """As a PostgreSQL restart does: end the server processes of the matching connections (from another one)."""
    ended = []

    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {where} "  # noqa: S608
                               "AND pid <> pg_backend_pid()", params)
                ended.extend(cursor.fetchall())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return len(ended)


def test_kept_connections_are_health_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_first_request_after_the_server_dropped_the_connection_succeeds():
    """gunicorn keeps its worker's connection between requests; the server then drops it, as a restart does."""
    from tests.servers import gunicorn

    app = f"vendoreval-web-test-{os.getpid()}"
    with gunicorn(env={"PGAPPNAME": app, "DATABASE_URL": os.environ["DATABASE_URL"]}) as base:
        assert urllib.request.urlopen(base + "/health/", timeout=30).status == 200  # noqa: S310 - loopback only
        assert terminate_backends("application_name = %s", [app]) == 1
        # without the health check, this request used the dead connection: 503 (a 500 on any other page)
        assert urllib.request.urlopen(base + "/health/", timeout=30).status == 200  # noqa: S310


def test_the_worker_loop_waits_out_a_database_outage_and_goes_on():
    calls, pauses = [], []

    def run():
        calls.append(1)
        if len(calls) < 4:
            raise OperationalError("connection refused")
        return "done"

    assert run_surviving_database_outages(run, is_running=lambda: True, sleep=pauses.append, max_backoff=4) == "done"
    assert pauses == [1, 2, 4]


def test_the_worker_loop_stops_when_asked_to_during_an_outage():
    def run():
        raise OperationalError("server closed the connection unexpectedly")

    assert run_surviving_database_outages(run, is_running=lambda: False, sleep=lambda s: None) is None


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_report_worker_survives_its_connections_being_dropped(viewer, evaluation, settings, tmp_path):
    from tests.reports.test_lost_worker import wait_for, worker_env
    from vendoreval.reports.models import Report

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    app = f"vendoreval-worker-test-{os.getpid()}"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "report_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        env={**worker_env(tmp_path / "reports"), "PGAPPNAME": app}, cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(3):  # three "restarts" of the server under the running worker
            wait_for(lambda: terminate_backends("application_name = %s", [app]), "the worker to connect")
            time.sleep(0.5)
            assert worker.poll() is None, worker.stderr.read().decode()[-3000:]
        client = Client()
        client.force_login(viewer)
        client.post(reverse("evaluation-report", kwargs={"org": evaluation.organisation.slug,
                                                         "slug": evaluation.slug}))
        wait_for(lambda: Report.objects.get().status == "ready", "the worker to render the report", timeout=180)
        assert worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        worker.stderr.close()


SCRIPT = Path(settings.BASE_DIR) / "scripts" / "restart-on-exit.sh"
BASH = "/bin/bash"


def test_make_serve_starts_a_worker_again_when_it_exits(tmp_path):
    log = tmp_path / "runs"
    child = f"echo started >> {log}; exit 3"
    supervisor = subprocess.Popen([BASH, str(SCRIPT), "test worker", "bash", "-c", child],
                                  env={**os.environ, "RESTART_DELAY": "0.1"}, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while (not log.exists() or log.read_text().count("started") < 3) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert log.read_text().count("started") >= 3
    finally:
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=30)
    assert supervisor.returncode == 0
    assert "test worker exited (status 3); starting it again" in supervisor.stderr.read()
    supervisor.stderr.close()


def test_stopping_make_serve_stops_the_worker_once_and_waits_for_it(tmp_path):
    log = tmp_path / "events"
    child = (f"trap 'echo stopping >> {log}; sleep 0.3; echo stopped >> {log}; exit 0' TERM; "
             f"echo started >> {log}; sleep 30 & wait")
    supervisor = subprocess.Popen([BASH, str(SCRIPT), "test worker", "bash", "-c", child],
                                  env={**os.environ, "RESTART_DELAY": "0.1"})
    deadline = time.monotonic() + 30
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    supervisor.send_signal(signal.SIGTERM)
    supervisor.wait(timeout=30)
    assert log.read_text().split() == ["started", "stopping", "stopped"]  # one SIGTERM, awaited, no restart
    assert supervisor.returncode == 0


def test_make_serve_runs_the_report_workers_under_the_restart_loop():
    script = (Path(settings.BASE_DIR) / "scripts" / "serve.sh").read_text()
    worker = 'bash scripts/restart-on-exit.sh "report worker" nice -n "$TASK_NICE" "$PY" manage.py report_worker'
    assert worker in script
