"""An evaluation's change history as people read it: field labels and values, consecutive edits grouped.

One pure module (no database, no clock) used by the activity page and by the report's change-history appendix, so
both say the same thing. It takes plain event dicts — the audit rows as the report snapshot stores them: `at`
(datetime or ISO text), `actor`, `action`, `field`, `old_value`, `new_value`, `note` — and `Labels`, the names a
person reads for the keys the events hold (areas, criteria, sectors, …). A key without a label is shown as it is.

Grouping: consecutive events by the same person, each less than `BURST_GAP` after the previous one, form one group
under one time and person heading. Within a group, several edits of the same field become one line from the first
old value to the last new value; a field edited and set back says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings

BURST_GAP = dt.timedelta(minutes=30)
TEXT_LIMIT = 80  # long texts (use cases, reasons) are shown up to this many characters


@dataclasses.dataclass(frozen=True)
class Labels:
    """Names for the keys an evaluation's answers hold."""

    areas: Mapping[str, str] = dataclasses.field(default_factory=dict)
    criteria: Mapping[str, str] = dataclasses.field(default_factory=dict)  # key -> title
    objectives: Mapping[str, str] = dataclasses.field(default_factory=dict)
    sectors: Mapping[str, str] = dataclasses.field(default_factory=dict)
    classifications: Mapping[str, str] = dataclasses.field(default_factory=dict)
    regulations: Mapping[str, str] = dataclasses.field(default_factory=dict)
    modes: Mapping[str, str] = dataclasses.field(default_factory=dict)
    uses: Mapping[str, str] = dataclasses.field(default_factory=dict)
    offerings: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def area(self, key: str) -> str:
        return self.areas.get(key, key)

    def criterion(self, key: str) -> str:
        title = self.criteria.get(key)
        return f"{key} {title}" if title else key

    def objective(self, key: str) -> str:
        name = self.objectives.get(key)
        return f"{key} {name}" if name else key


@dataclasses.dataclass(frozen=True)
class Change:
    """One line: what changed (`label`) and how (`detail`, may be empty for actions)."""

    label: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.label}: {self.detail}" if self.detail else self.label


@dataclasses.dataclass(frozen=True)
class Group:
    """Consecutive events by one person: one heading (when, who) and the lines of what changed."""

    actor: str
    start: dt.datetime
    end: dt.datetime
    changes: tuple[Change, ...]

    @property
    def when(self) -> str:
        first = f"{self.start:%Y-%m-%d %H:%M}"
        if self.end - self.start < dt.timedelta(minutes=1):
            return first
        if self.end.date() == self.start.date():
            return f"{first}–{self.end:%H:%M}"
        return f"{first} – {self.end:%Y-%m-%d %H:%M}"


# --- values ------------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        return "empty"
    return f"“{text}”" if len(text) <= TEXT_LIMIT else f"“{text[:TEXT_LIMIT - 1]}…”"


def _number(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"{value:,g}" if abs(value) < 1e15 else f"{value:,.0f}"


def _level(value: Any, none: str = "none") -> str:
    return none if value is None or value == "" else str(value)


def _choice(names: Mapping[str, str], value: Any) -> str:
    return names.get(value, str(value)) if value else "not set"


def _set_diff(old: Any, new: Any, names: Mapping[str, str] | None = None) -> str:
    """Added and removed members: "+ CH, − SE"; a reordering of the same members says so."""
    old_list, new_list = list(old or []), list(new or [])
    name = (lambda v: names.get(v, str(v))) if names else str
    added = [name(v) for v in new_list if v not in old_list]
    removed = [name(v) for v in old_list if v not in new_list]
    parts = [f"+ {v}" for v in added] + [f"− {v}" for v in removed]
    if parts:
        return ", ".join(parts)
    if old_list != new_list:
        return "reordered: " + ", ".join(name(v) for v in new_list)
    return ""


def _map_changes(old: Any, new: Any) -> list[tuple[str, Any, Any]]:
    """(key, old, new) for every key whose value differs, in the order the keys first appear."""
    old_map, new_map = dict(old or {}), dict(new or {})
    keys = list(dict.fromkeys([*old_map, *new_map]))
    return [(k, old_map.get(k), new_map.get(k)) for k in keys if old_map.get(k) != new_map.get(k)]


def _keyed(one: str, many: str, items: list[tuple[str, str]]) -> Change | None:
    """One changed key: "Weight of X: 20 → 25"; several: "Weights: X 20 → 25; Y 1 → 2"."""
    if not items:
        return None
    if len(items) == 1:
        name, detail = items[0]
        return Change(one.format(name=name), detail)
    return Change(many, "; ".join(f"{name} {detail}" for name, detail in items))


def _override(value: Any) -> str:
    if not value:
        return "rule applies"
    level = value.get("level")
    reason = value.get("reason", "")
    what = "dropped" if level is None else f"lowered to {level}"
    return f"{what} ({_text(reason)})" if reason else what


def _override_detail(old: Any, new: Any) -> str:
    if not new:
        return "override withdrawn, the rule applies again"
    if old and old.get("level") == new.get("level"):
        return f"reason changed to {_text(new.get('reason', ''))}"
    return _override(new)


# --- one field ---------------------------------------------------------------------------------------------------


SIMPLE_SETS = {  # field -> (label, which names)
    "trusted_countries": ("Trusted jurisdictions", None),
    "acceptable_modes": ("Acceptable deployment modes", "modes"),
    "regulations": ("Regulations", "regulations"),
    "licence_uses": ("Uses the model licence must permit", "uses"),
    "shortlist": ("Shortlist", "offerings"),
}
LEVEL_MAPS = {  # field -> (label for one key, label for several, how a key is named, what "no level" reads)
    "must_haves": ("Must-have {name}", "Must-haves", "criterion", "none"),
    "seal_minimums": ("Minimum SEAL for {name}", "Minimum SEALs", "objective", "none"),
    "own_hosting_levels": ("Own-hosting level of {name}", "Own-hosting levels", "criterion", "not stated"),
}


def describe_field(field: str, old: Any, new: Any, labels: Labels, note: str = "") -> list[Change]:
    """The lines for one field changed from `old` to `new` (several lines only for keyed values)."""
    if old == new:
        return [Change(_field_label(field), "changed, then set back")]
    if field == "name":
        return [Change("Name", f"{_text(old)} → {_text(new)}")]
    if field == "sector":
        return [Change("Sector", f"{_choice(labels.sectors, old)} → {_choice(labels.sectors, new)}")]
    if field == "classification":
        return [Change("Data classification",
                       f"{_choice(labels.classifications, old)} → {_choice(labels.classifications, new)}")]
    if field == "use_cases":
        return [Change("Use cases", f"{_text(old)} → {_text(new)}")]
    if field in SIMPLE_SETS:
        label, names = SIMPLE_SETS[field]
        return [Change(label, _set_diff(old, new, getattr(labels, names) if names else None))]
    if field == "area_weights":
        changed = _keyed("Weight of {name}", "Weights",
                         [(labels.area(k), f"{_number(a)} → {_number(b)}") for k, a, b in _map_changes(old, new)])
        return [changed] if changed else []
    if field in LEVEL_MAPS:
        one, many, kind, none = LEVEL_MAPS[field]
        name = labels.criterion if kind == "criterion" else labels.objective
        changed = _keyed(one, many, [(name(k), f"{_level(a, none)} → {_level(b, none)}")
                                     for k, a, b in _map_changes(old, new)])
        return [changed] if changed else []
    if field == "overrides":
        changed = _keyed("Override of must-have {name}", "Overrides of must-haves",
                         [(labels.criterion(k), _override_detail(a, b)) for k, a, b in _map_changes(old, new)])
        return [changed] if changed else []
    if field == "monthly_users":
        return [Change("Monthly active users", f"{_level(_number(old) if old else None, 'not stated')} → "
                                               f"{_level(_number(new) if new else None, 'not stated')}")]
    if field == "trusted_confirmed":
        return [Change("Trusted jurisdictions confirmed" if new else "Trusted jurisdictions no longer confirmed")]
    if field == "checklist":
        return [Change("Checklist", f"v{old} → v{new}" + (f" ({note})" if note else ""))]
    return [Change(_field_label(field), f"{_generic(old)} → {_generic(new)}")]


FIELD_LABELS = {
    "name": "Name", "sector": "Sector", "classification": "Data classification", "use_cases": "Use cases",
    "area_weights": "Weights", "must_haves": "Must-haves", "seal_minimums": "Minimum SEALs",
    "overrides": "Overrides of must-haves", "own_hosting_levels": "Own-hosting levels",
    "monthly_users": "Monthly active users", "trusted_confirmed": "Trusted jurisdictions confirmed",
    "checklist": "Checklist", **{f: label for f, (label, _) in SIMPLE_SETS.items()},
}


def _field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def _generic(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "none"
    return _text(value) if isinstance(value, str) else str(value)


def describe_action(event: Mapping[str, Any]) -> Change:
    action, note, new = event.get("action", ""), event.get("note", ""), event.get("new_value")
    if action == "created":
        return Change(f"Created the evaluation {_text(new)}" if new else "Created the evaluation", note)
    if action == "report_generated":
        return Change("Generated report", note)
    if action == "archived":
        return Change("Archived the evaluation")
    if action == "unarchived":
        return Change("Took the evaluation out of the archive")
    if action == "duplicated":
        return Change(f"Duplicated it as {_text(new)}" if new else "Duplicated it", note)
    if action == "report_language":
        names = dict(settings.LANGUAGES)
        return Change(f"Report language: {names.get(event.get('old_value'), '—')} → {names.get(new, new)}")
    return Change(" ".join(p for p in (action.replace("_", " ").capitalize(), event.get("field", "")) if p), note)


# --- grouping -----------------------------------------------------------------------------------------------------


def _moment(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


REPORTS = object()  # where the reports generated in a group are listed


def _lines(events: list[Mapping[str, Any]], labels: Labels) -> list[Change]:
    """One group's lines: each field once (first old → last new), actions in place; reports generated together."""
    slots: list[Any] = []  # a field name (merged later), REPORTS, or a Change
    fields: dict[str, dict] = {}
    reports: list[str] = []
    for e in events:
        if e.get("action") == "changed" and e.get("field"):
            field = e["field"]
            if field in fields:
                fields[field]["new"] = e.get("new_value")
                if e.get("note"):
                    fields[field]["notes"].append(e["note"])
            else:
                fields[field] = {"old": e.get("old_value"), "new": e.get("new_value"),
                                 "notes": [e["note"]] if e.get("note") else []}
                slots.append(field)
        elif e.get("action") == "report_generated":
            if not reports:
                slots.append(REPORTS)
            reports.append(e.get("note", ""))
        else:
            slots.append(describe_action(e))
    lines: list[Change] = []
    for slot in slots:
        if isinstance(slot, Change):
            lines.append(slot)
        elif slot is REPORTS:
            lines.append(Change("Generated report" + ("s" if len(reports) > 1 else ""),
                                ", ".join(r for r in reports if r)))
        else:
            f = fields[slot]
            lines += describe_field(slot, f["old"], f["new"], labels, "; ".join(f["notes"]))
    return lines


def group_history(events: Iterable[Mapping[str, Any]], labels: Labels, *, gap: dt.timedelta = BURST_GAP,
                  newest_first: bool = False) -> list[Group]:
    """The events (any order) as groups of consecutive edits by one person, oldest first unless `newest_first`."""
    ordered = sorted(events, key=lambda e: _moment(e["at"]))  # stable: rows of one instant keep their order
    bursts: list[list[Mapping[str, Any]]] = []
    for e in ordered:
        last = bursts[-1][-1] if bursts else None
        if (last is not None and (last.get("actor") or "") == (e.get("actor") or "")
                and _moment(e["at"]) - _moment(last["at"]) < gap):
            bursts[-1].append(e)
        else:
            bursts.append([e])
    groups = [Group(actor=b[0].get("actor") or "", start=_moment(b[0]["at"]), end=_moment(b[-1]["at"]),
                    changes=tuple(_lines(b, labels))) for b in bursts]
    return groups[::-1] if newest_first else groups
