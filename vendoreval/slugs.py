"""Unique slugs under concurrency: the database's unique constraint decides, a clash moves on to the next candidate.

Checking `exists()` and then inserting is racy (two requests see the slug free and both insert); here the insert is
tried inside a savepoint and an IntegrityError on the slug's unique constraint tries "base-2", "base-3", ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils.text import slugify

T = TypeVar("T")
ATTEMPTS = 50


def slug_base(text: str, *, max_length: int, fallback: str) -> str:
    """The slug for `text`, short enough to take a "-NN" suffix."""
    return slugify(text)[: max_length - 4].strip("-") or fallback


def create_with_unique_slug(create: Callable[[str], T], base: str, *, taken: Callable[[str], bool]) -> T:
    """Call `create(slug)` with the first free candidate; a concurrent insert of the same slug retries the next one.

    `taken(slug)` skips candidates known to be used (one query each) so the usual case inserts once.
    """
    candidates = (base if n == 1 else f"{base}-{n}" for n in range(1, ATTEMPTS + 1))
    for slug in candidates:
        if taken(slug):
            continue
        try:
            with transaction.atomic():
                return create(slug)
        except IntegrityError:
            if not taken(slug):  # the clash was not on the slug: a real error
                raise
    raise IntegrityError(f"no free slug for {base!r} after {ATTEMPTS} attempts")
