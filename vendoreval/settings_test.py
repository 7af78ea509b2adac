"""Settings for the test suite: the local defaults, without the demo account, with fast password hashing."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("VENDOREVAL_DEMO", "0")

from .settings import *  # noqa: F403 - the test settings are the real settings plus a few overrides

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
VENDOREVAL_REPORT_STORE = VAR_DIR / "test-reports"  # noqa: F405
VENDOREVAL_VENDOR_UPLOADS = VAR_DIR / "test-vendor-uploads"  # noqa: F405

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not Django's default in-memory test database: that one is shared between the live server's threads
    # with table locks that fail at once instead of waiting, so two autosaves the browser sends together collided
    # ("database table is locked"). A file database waits for the lock as the real one does.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-vendoreval.sqlite3")}  # noqa: F405
