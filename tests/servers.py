"""The production web server for tests that need it: gunicorn with DEBUG off on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

from django.conf import settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """gunicorn (one sync worker, DEBUG off, as `make serve` runs it) with extra `args`; yields its base URL."""
    port = free_port()
    environment = {**os.environ, "DEBUG": "0", "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "127.0.0.1",
                   "SECURE_SSL_REDIRECT": "0", "VENDOREVAL_PLAIN_STATIC": "1",
                   "DJANGO_SETTINGS_MODULE": "vendoreval.settings", **(env or {})}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "vendoreval.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--no-control-socket", *args],
        cwd=settings.BASE_DIR, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=5).read()  # noqa: S310 - loopback only
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode()[-3000:]) from None
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start within 60 s") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()
