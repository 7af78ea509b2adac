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
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

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
        if not self.detail:
            return self.label
        return pgettext("a line of the change history", "%(label)s: %(detail)s") % {"label": self.label,
                                                                                 "detail": self.detail}


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


def _quoted(text: str) -> str:
    return _("“%(text)s”") % {"text": text}


def _text(value: Any) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        return _("empty")
    return _quoted(text) if len(text) <= TEXT_LIMIT else _quoted(f"{text[:TEXT_LIMIT - 1]}…")


def _number(value: Any) -> str:
    """A number with the reader's thousands and decimal marks (5,000 / 5 000 / 5.000)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    text = f"{value:,g}" if abs(value) < 1e15 else f"{value:,.0f}"
    marks = {",": str(formats.get_format("THOUSAND_SEPARATOR")), ".": str(formats.get_format("DECIMAL_SEPARATOR"))}
    return "".join(marks.get(ch, ch) for ch in text)


def _level(value: Any, none: str | None = None) -> str:
    return (_("none") if none is None else none) if value is None or value == "" else str(value)


def _choice(names: Mapping[str, str], value: Any) -> str:
    return names.get(value, str(value)) if value else _("not set")


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
        return _("reordered: %(values)s") % {"values": ", ".join(name(v) for v in new_list)}
    return ""


def semicolons(parts: list[str]) -> str:
    """Parts of a line separated as the reader's language writes it ("a; b", French "a ; b")."""
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = pgettext("separates the parts of a list", "%(list)s; %(item)s") % {"list": text, "item": part}
    return text


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
        return Change(str(one) % {"name": name}, detail)
    return Change(str(many), semicolons([f"{name} {detail}" for name, detail in items]))


def _override(value: Any) -> str:
    if not value:
        return _("rule applies")
    level = value.get("level")
    reason = value.get("reason", "")
    if level is None:
        return _("dropped (%(reason)s)") % {"reason": _text(reason)} if reason else _("dropped")
    if reason:
        return _("lowered to %(level)s (%(reason)s)") % {"level": level, "reason": _text(reason)}
    return _("lowered to %(level)s") % {"level": level}


def _override_detail(old: Any, new: Any) -> str:
    if not new:
        return _("override withdrawn, the rule applies again")
    if old and old.get("level") == new.get("level"):
        return _("reason changed to %(reason)s") % {"reason": _text(new.get("reason", ""))}
    return _override(new)


# --- one field ---------------------------------------------------------------------------------------------------


SIMPLE_SETS = {  # field -> (label, which names)
    "trusted_countries": (gettext_lazy("Trusted jurisdictions"), None),
    "acceptable_modes": (gettext_lazy("Acceptable deployment modes"), "modes"),
    "regulations": (gettext_lazy("Regulations"), "regulations"),
    "licence_uses": (gettext_lazy("Uses the model licence must permit"), "uses"),
    "shortlist": (gettext_lazy("Shortlist"), "offerings"),
}
LEVEL_MAPS = {  # field -> (label for one key, label for several, how a key is named, what "no level" reads)
    "must_haves": (gettext_lazy("Must-have %(name)s"), gettext_lazy("Must-haves"), "criterion", gettext_lazy("none")),
    "seal_minimums": (gettext_lazy("Minimum SEAL for %(name)s"), gettext_lazy("Minimum SEALs"), "objective",
                      gettext_lazy("none")),
    "own_hosting_levels": (gettext_lazy("Own-hosting level of %(name)s"), gettext_lazy("Own-hosting levels"),
                           "criterion", gettext_lazy("not stated")),
}


def describe_field(field: str, old: Any, new: Any, labels: Labels, note: str = "") -> list[Change]:
    """The lines for one field changed from `old` to `new` (several lines only for keyed values)."""
    if old == new:
        return [Change(_field_label(field), _("changed, then set back"))]
    if field == "name":
        return [Change(_("Name"), f"{_text(old)} → {_text(new)}")]
    if field == "sector":
        return [Change(_("Sector"), f"{_choice(labels.sectors, old)} → {_choice(labels.sectors, new)}")]
    if field == "classification":
        return [Change(_("Data classification"),
                       f"{_choice(labels.classifications, old)} → {_choice(labels.classifications, new)}")]
    if field == "use_cases":
        return [Change(_("Use cases"), f"{_text(old)} → {_text(new)}")]
    if field in SIMPLE_SETS:
        label, names = SIMPLE_SETS[field]
        return [Change(str(label), _set_diff(old, new, getattr(labels, names) if names else None))]
    if field == "area_weights":
        changed = _keyed(gettext_lazy("Weight of %(name)s"), gettext_lazy("Weights"),
                         [(labels.area(k), f"{_number(a)} → {_number(b)}") for k, a, b in _map_changes(old, new)])
        return [changed] if changed else []
    if field in LEVEL_MAPS:
        one, many, kind, none = LEVEL_MAPS[field]
        name = labels.criterion if kind == "criterion" else labels.objective
        changed = _keyed(one, many, [(name(k), f"{_level(a, str(none))} → {_level(b, str(none))}")
                                     for k, a, b in _map_changes(old, new)])
        return [changed] if changed else []
    if field == "overrides":
        changed = _keyed(gettext_lazy("Override of must-have %(name)s"), gettext_lazy("Overrides of must-haves"),
                         [(labels.criterion(k), _override_detail(a, b)) for k, a, b in _map_changes(old, new)])
        return [changed] if changed else []
    if field == "monthly_users":
        not_stated = _("not stated")
        return [Change(_("Monthly active users"), f"{_level(_number(old) if old else None, not_stated)} → "
                                                  f"{_level(_number(new) if new else None, not_stated)}")]
    if field == "trusted_confirmed":
        return [Change(_("Trusted jurisdictions confirmed") if new else _("Trusted jurisdictions no longer confirmed"))]
    if field == "checklist":
        note = checklist_note(note, labels)
        return [Change(_("Checklist"), f"v{old} → v{new}" + (f" ({note})" if note else ""))]
    return [Change(_field_label(field), f"{_generic(old)} → {_generic(new)}")]


FIELD_LABELS = {
    "name": gettext_lazy("Name"), "sector": gettext_lazy("Sector"),
    "classification": gettext_lazy("Data classification"), "use_cases": gettext_lazy("Use cases"),
    "area_weights": gettext_lazy("Weights"), "must_haves": gettext_lazy("Must-haves"),
    "seal_minimums": gettext_lazy("Minimum SEALs"), "overrides": gettext_lazy("Overrides of must-haves"),
    "own_hosting_levels": gettext_lazy("Own-hosting levels"), "monthly_users": gettext_lazy("Monthly active users"),
    "trusted_confirmed": gettext_lazy("Trusted jurisdictions confirmed"), "checklist": gettext_lazy("Checklist"),
    **{f: label for f, (label, _names) in SIMPLE_SETS.items()},
}


def _field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field.replace("_", " ").capitalize()))


def _generic(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or _("none")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or _("none")
    return _text(value) if isinstance(value, str) else str(value)


# --- notes -------------------------------------------------------------------------------------------------------
# The audit trail keeps its notes in English (one stored form, whoever wrote them); they are read in the reader's
# language here. A note of another form is shown as it is.

COPY_NOTE = re.compile(r"copy of the requirement profile of “(?P<name>.*)”", re.S)
CARRIED_NOTE = re.compile(r"answers carried over(?:; not carried over: (?P<dropped>.*))?", re.S)
CATALOG_NOTE = re.compile(r"catalog revision (?P<revision>\d+): (?P<reason>.*)", re.S)
DROPPED_ITEM = re.compile(r"(?P<what>must-have on|override of|own-hosting level of|minimum SEAL of|sector) "
                          r"(?P<key>\S+)")


def dropped_item(text: str, labels: Labels | None = None) -> str:
    """One answer a checklist change could not carry over ("must-have on B9"), in the reader's language."""
    found = DROPPED_ITEM.fullmatch(text)
    if found is None:
        return text
    key, what = found["key"], found["what"]
    if what == "sector":
        return _("sector %(name)s") % {"name": labels.sectors.get(key, key) if labels else key}
    name = (labels.objective(key) if what == "minimum SEAL of" else labels.criterion(key)) if labels else key
    template = {"must-have on": _("must-have on %(name)s"), "override of": _("override of %(name)s"),
                "own-hosting level of": _("own-hosting level of %(name)s"),
                "minimum SEAL of": _("minimum SEAL of %(name)s")}[what]
    return template % {"name": name}


def checklist_note(note: str, labels: Labels | None = None) -> str:
    """The note of a move to another checklist version, in the reader's language."""
    found = CARRIED_NOTE.fullmatch(note or "")
    if found is None:
        return note
    if not found["dropped"]:
        return _("answers carried over")
    return _("answers carried over; not carried over: %(answers)s") % {
        "answers": ", ".join(dropped_item(d, labels) for d in found["dropped"].split(", "))}


def _copy_note(note: str) -> str:
    found = COPY_NOTE.fullmatch(note or "")
    if found is None:
        return note
    return _("copy of the requirement profile of %(name)s") % {"name": _quoted(found["name"])}


def describe_action(event: Mapping[str, Any]) -> Change:
    action, note, new = event.get("action", ""), event.get("note", ""), event.get("new_value")
    if action == "created":
        label = _("Created the evaluation %(name)s") % {"name": _text(new)} if new else _("Created the evaluation")
        return Change(label, _copy_note(note))
    if action == "report_generated":
        return Change(ngettext("Generated report", "Generated reports", 1), note)
    if action == "archived":
        return Change(_("Archived the evaluation"))
    if action == "unarchived":
        return Change(_("Took the evaluation out of the archive"))
    if action == "duplicated":
        return Change(_("Duplicated it as %(name)s") % {"name": _text(new)} if new else _("Duplicated it"), note)
    if action == "report_language":
        names = dict(settings.LANGUAGES)
        return Change(_("Report language"), f"{names.get(event.get('old_value'), '—')} → {names.get(new, new)}")
    if action == "catalog_changed":
        found = CATALOG_NOTE.fullmatch(note or "")
        revision = found["revision"] if found else (new or {}).get("revision", "") if isinstance(new, dict) else ""
        return Change(_("Catalog revision %(revision)s changed the results") % {"revision": revision},
                      found["reason"] if found else note)
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
            lines.append(Change(ngettext("Generated report", "Generated reports", len(reports)),
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
