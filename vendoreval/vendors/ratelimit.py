"""Fixed-window request counters for the vendor pages, in the database so every web worker shares them.

`exceeded(...)` counts one request against each key and says whether any went over its limit. Keys are stored as
SHA-256 digests (no client address is kept here); rows of past windows are deleted as new windows open."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import VendorRateBucket


def client_ip(request: HttpRequest) -> str:
    """The client's address as login throttling reads it (axes' callable when one is configured, for a proxy)."""
    callable_path = getattr(settings, "AXES_CLIENT_IP_CALLABLE", None)
    if callable_path:
        return import_string(callable_path)(request)
    return request.META.get("REMOTE_ADDR", "")


def _count(name: str, limit: int, seconds: int) -> bool:
    now = timezone.now()
    window = int(now.timestamp()) // seconds
    key = hashlib.sha256(f"{name}|{seconds}|{window}".encode()).hexdigest()
    with transaction.atomic():
        if not VendorRateBucket.objects.filter(key=key).update(hits=F("hits") + 1):
            VendorRateBucket.objects.filter(expires_at__lt=now).delete()
            expires = dt.datetime.fromtimestamp((window + 1) * seconds, tz=dt.UTC)
            try:
                with transaction.atomic():
                    VendorRateBucket.objects.create(key=key, hits=1, expires_at=expires)
            except IntegrityError:  # another worker opened the window first
                VendorRateBucket.objects.filter(key=key).update(hits=F("hits") + 1)
        hits = VendorRateBucket.objects.filter(key=key).values_list("hits", flat=True).first() or 0
    return hits > limit


def exceeded(request: HttpRequest, *, link: bool = False, request_pk: int | None = None) -> bool:
    """Count this request; True when it is over a limit (then answer 429). `link`: a token lookup."""
    ip = client_ip(request)
    checks = [(f"ip:{ip}", *settings.VENDOREVAL_VENDOR_RATE_PER_IP)]
    if link:
        checks.append((f"link:{ip}", *settings.VENDOREVAL_VENDOR_RATE_LINK_PER_IP))
    if request_pk is not None:
        checks.append((f"request:{request_pk}", *settings.VENDOREVAL_VENDOR_RATE_PER_REQUEST))
    over = [_count(name, limit, seconds) for name, limit, seconds in checks]
    return any(over)
