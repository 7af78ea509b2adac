"""A report worker whose renders never finish, to be killed mid-render by tests: `python stalling_worker.py`, with the
environment of `tests.reports.test_lost_worker.worker_env`. It is the real `report_worker` (claim, heartbeat thread,
reaper thread), except that rendering the PDF waits forever."""

import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendoreval.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from vendoreval.reports import rendering  # noqa: E402


def render_forever(*args, **kwargs):
    print("rendering", flush=True)
    threading.Event().wait()


rendering.render_pdf = render_forever
call_command("report_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2")
