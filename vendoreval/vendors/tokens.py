"""The secret in a vendor's link: random, single-purpose (it names one request, which names one offering), stored only
as its SHA-256, so neither the database nor a backup holds a usable link.

The link carries the token in its query string (`?token=…`), never in the path: the access log formats of
docs/deployment.md leave query strings out, and the page it opens moves the request into the session and redirects
to an address without the token, so it also leaves the address bar, the history and the Referer."""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlencode

from django.urls import reverse

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100  # a longer `token` is not one of ours: refused before hashing


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def link_path(token: str) -> str:
    return reverse("vendor-link") + "?" + urlencode({"token": token})
