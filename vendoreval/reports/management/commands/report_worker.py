"""The report worker: django-tasks' `db_worker`, plus what running it for real needs.

- A reaper thread finds renders whose worker died (no heartbeat within VENDOREVAL_REPORT_LEASE, e.g. a worker killed
  mid-render on another machine, or this one's previous run): it queues each again once, then marks it failed
  (`services.report_reap_lost`). It checks every quarter of the lease, on its own database connection.
- The database going away (a PostgreSQL restart, a failover, a network cut) does not end the worker: it logs, waits
  (1 s, doubling up to 30 s) and goes on; connections are health-checked before reuse (CONN_HEALTH_CHECKS).
- SIGTERM stops it gracefully, as db_worker: the report being rendered is finished first.

Run it as `python manage.py report_worker` (same options as db_worker) under a supervisor that restarts it if it
exits anyway (systemd `Restart=always`; `make serve` restarts it too).
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.management.base import CommandError
from django.db import DatabaseError, close_old_connections, connections
from django.db import connection as db_connection
from django_tasks_db.management.commands import db_worker

from vendoreval.reports import services

logger = logging.getLogger("vendoreval.reports.worker")
DATABASE_ERRORS = (DatabaseError,)  # OperationalError and InterfaceError included: the server went away
MAX_BACKOFF = 30.0


def reap_forever(stop: threading.Event, every: float) -> None:
    """The reaper loop: runs until `stop` is set; a database error is logged and the next round tries again."""
    try:
        while not stop.wait(every):
            try:
                close_old_connections()  # health check / reconnect, as at the start of a request
                for report in services.report_reap_lost():
                    logger.warning("Report %s had lost its worker: now %s", report.document_id, report.status)
            except DATABASE_ERRORS as exc:
                logger.warning("Reaper: the database is unavailable (%s); trying again in %.0f s", exc, every)
                db_connection.close()
    finally:
        db_connection.close()


def run_surviving_database_outages(run, *, is_running, sleep=time.sleep, max_backoff: float = MAX_BACKOFF) -> None:
    """Call `run()` until it returns; when it raises a database error, close the connections, wait, and call it
    again (waits of 1 s doubling up to `max_backoff`, reset after a successful minute). `is_running()` False (a
    shutdown was asked for) ends it instead."""
    delay = 1.0
    while True:
        started = time.monotonic()
        try:
            return run()
        except DATABASE_ERRORS as exc:
            if not is_running():
                return None
            if time.monotonic() - started > 60:
                delay = 1.0
            logger.warning("The database is unavailable (%s: %s); the worker tries again in %.0f s",
                           type(exc).__name__, exc, delay)
            for conn in connections.all(initialized_only=True):
                try:
                    conn.close()
                except DATABASE_ERRORS:
                    conn.connection = None
            sleep(delay)
            delay = min(delay * 2, max_backoff)


class ReportWorker(db_worker.Worker):
    def run(self) -> None:
        run_surviving_database_outages(super().run, is_running=lambda: self.running)


class Command(db_worker.Command):
    help = ("Run the report worker: the database task worker, plus the reaper of renders whose worker died; "
            "it survives database outages.")

    def handle(self, *, verbosity: int, queue_name: str, interval: float, batch: bool, backend_name: str,
               startup_delay: bool, reload: bool, max_tasks: int | None, worker_id: str, exclude_queues: str,
               **options) -> None:
        from django.conf import settings

        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        if reload:
            logger.info("The report worker does not reload on code changes; restart it instead.")
        worker = ReportWorker(queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
                              startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
                              excluded_queue_names=excluded)
        stop = threading.Event()
        every = max(settings.VENDOREVAL_REPORT_LEASE / 4, 0.5)
        reaper = threading.Thread(target=reap_forever, args=(stop, every), name="report-reaper", daemon=True)
        reaper.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
