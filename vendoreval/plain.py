"""Plain data for serialising: one conversion for the canonical JSON of report snapshots and the YAML catalog files.

Pydantic models are dumped, enums become their values, sets become sorted lists (their order would otherwise depend
on string hashing), tuples lists. Dates and datetimes become ISO text for JSON; YAML keeps dates as dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel


def plain(value: Any, *, dates_as_text: bool = True) -> Any:
    def walk(v: Any) -> Any:
        if isinstance(v, BaseModel):
            return walk(v.model_dump(mode="python"))
        if isinstance(v, Enum):
            return walk(v.value)
        if isinstance(v, Mapping):
            return {k if type(k) is str else walk(k): walk(item) for k, item in v.items()}
        if isinstance(v, (set, frozenset)):
            return sorted(walk(item) for item in v)
        if isinstance(v, (list, tuple)):
            return [walk(item) for item in v]
        if isinstance(v, dt.datetime) and dates_as_text:
            from django.utils import timezone

            return timezone.localtime(v).isoformat(timespec="seconds") if timezone.is_aware(v) else v.isoformat()
        if isinstance(v, dt.date) and dates_as_text:
            return v.isoformat()
        if isinstance(v, float) and v != v:
            raise ValueError("NaN cannot be serialised")
        if v is None or isinstance(v, (bool, int, float, str, dt.date)):
            return v
        return str(v)  # URLs and other value types

    return walk(value)
