"""What every typed answer of the app shares, whoever types it (a buyer in the questionnaire, a vendor in a
self-assessment): the error shown next to a field, and how posted text and levels are cleaned. No app imports here,
so every app may use it."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext as _


class FieldError(Exception):
    """A value that cannot be saved; `message` is shown next to the field."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def clean_text(name: str, raw: str, *, max_length: int) -> str:
    """Text as typed, trimmed; refused (never cut) when too long or when it holds characters no one types."""
    text = raw.strip()
    if "\x00" in text:
        raise FieldError(name, _("This text contains a null character (\\0), which cannot be stored. Remove it and "
                                 "save again."))
    if len(text) > max_length:
        raise FieldError(name, _("Keep this under %(limit)d characters: it has %(length)d. Nothing was cut; shorten it "
                                 "and save again.") % {"limit": max_length, "length": len(text)})
    return text


def parse_level(name: str, raw: str, *, allow_blank: bool) -> int | None:
    raw = raw.strip()
    if raw == "" and allow_blank:
        return None
    try:
        level = int(raw)
    except ValueError:
        raise FieldError(name, _("Choose a level from 0 to 4 (got “%(value)s”).") % {"value": raw}) from None
    if not 0 <= level <= 4:
        raise FieldError(name, _("Levels run from 0 to 4 (got %(level)d).") % {"level": level})
    return level


def level_choices(criterion=None, *, blank: str | None = "—") -> list[tuple[str, str]]:
    """Levels 4..0, each with what it means for `criterion` (from its ladder) when one is given."""
    choices = [("", blank)] if blank is not None else []
    for level in range(4, -1, -1):
        meaning = criterion.level_meaning(level) if criterion is not None else ""
        choices.append((str(level), f"{level} — {meaning}" if meaning else str(level)))
    return choices


def html_id(name: str) -> str:
    """The id of the control that answers the question called `name` ("must_have:C1" -> "f-must-have-c1")."""
    return "f-" + name.replace(":", "-").replace("_", "-").lower()


@dataclasses.dataclass
class Field:
    """A question as the template renders it: value shown, error and saved state."""

    name: str
    label: str
    kind: str  # text | textarea | select | radio | checkboxes | number | level | override
    value: Any
    choices: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    help: str = ""
    error: str = ""
    saved: bool = False
    max_length: int | None = None
    extra: dict = dataclasses.field(default_factory=dict)

    @property
    def html_id(self) -> str:
        return html_id(self.name)

    @property
    def values(self) -> set[str]:
        return {str(v) for v in self.value} if isinstance(self.value, (list, tuple, set)) else {str(self.value)}
