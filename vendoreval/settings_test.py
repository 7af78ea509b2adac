"""Settings for the test suite: the local defaults, without the demo account, with fast password hashing."""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("VENDOREVAL_DEMO", "0")

from .settings import *  # noqa: E402,F403 - the test settings are the real settings plus a few overrides

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
VENDOREVAL_REPORT_STORE = VAR_DIR / "test-reports"  # noqa: F405
