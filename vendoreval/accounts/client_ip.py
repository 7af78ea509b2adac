"""The client's address, for login throttling (django-axes: `AXES_CLIENT_IP_CALLABLE`).

Behind the documented TLS proxy every request comes from the proxy's address, so counting failed logins per
REMOTE_ADDR would count every client as one: five wrong passwords from anywhere would lock a user name for everyone.
Each trusted proxy appends the address it received the request from to X-Forwarded-For (nginx:
`$proxy_add_x_forwarded_for`), so with `VENDOREVAL_PROXY_HOPS` trusted proxies in front the client is the entry that
many places from the right. Entries further left were written by the client itself and are never trusted. Without a
proxy (0 hops) the header is ignored: a client could put anything there.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.VENDOREVAL_PROXY_HOPS
    if hops <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        return remote  # the proxy did not add the header: not a request through it
    return _address(forwarded[-hops]) or remote
