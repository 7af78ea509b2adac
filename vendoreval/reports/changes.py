"""What changed between two evaluation snapshots: a report's and the evaluation as it would be scored now (or the
previous report's and this one's).

Pure: it reads two snapshot dicts (see `snapshot.py`) and lists the ranking moves, the offerings newly excluded or
admitted with why, every changed answer of the offerings the earlier report detailed (old level -> new level, old and
new sources), and the buyer's own requirement changes.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .snapshot import upgrade


@dataclasses.dataclass(frozen=True)
class RankMove:
    key: str
    name: str
    old_rank: int
    new_rank: int


@dataclasses.dataclass(frozen=True)
class Admission:
    key: str
    name: str
    admitted: bool  # True: newly passes every requirement; False: newly excluded
    reasons: list[str]


@dataclasses.dataclass(frozen=True)
class AnswerChange:
    offering: str  # offering key
    offering_name: str
    criterion: str
    title: str
    old: str  # level or "unknown" / "yours"
    new: str
    old_sources: list[str]
    new_sources: list[str]


@dataclasses.dataclass(frozen=True)
class RequirementChange:
    what: str
    old: str
    new: str


@dataclasses.dataclass(frozen=True)
class SnapshotChanges:
    since_document: str
    since_date: str
    moves: list[RankMove]
    admissions: list[Admission]
    answers: list[AnswerChange]
    requirements: list[RequirementChange]

    @property
    def empty(self) -> bool:
        return not (self.moves or self.admissions or self.answers or self.requirements)

    def as_data(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> SnapshotChanges:
        return cls(since_document=data["since_document"], since_date=data["since_date"],
                   moves=[RankMove(**m) for m in data["moves"]],
                   admissions=[Admission(**a) for a in data["admissions"]],
                   answers=[AnswerChange(**a) for a in data["answers"]],
                   requirements=[RequirementChange(**r) for r in data["requirements"]])


def _results(data: dict) -> dict[str, dict]:
    return {r["key"]: r for r in (*data["results"]["ranking"], *data["results"]["excluded"])}


def _answer_value(answer: dict) -> str | int:
    """What an answer is, whatever the language: its level, "unknown" or "yours" (compared, never shown)."""
    if answer["status"] == "buyer_controlled":
        return "yours"
    return "unknown" if answer["level"] is None else answer["level"]


def _answer_text(answer: dict) -> str:
    """An answer's level as people read it, in the active language."""
    value = _answer_value(answer)
    if value == "yours":
        return pgettext("answer level: the buyer's own hosting decides", "yours")
    if value == "unknown":
        return pgettext("answer level", "unknown")
    return str(value)


def _answers_of(data: dict, key: str) -> dict[str, dict]:
    """The answers of one offering: with their sources where the snapshot details the offering, else its levels."""
    if key in data["offerings"]:
        return {a["criterion"]: a for a in data["offerings"][key]["answers"]}
    for item in data["inputs"]:
        if item["key"] == key:
            return {a["criterion"]: {"criterion": a["criterion"], "level": a["level"], "evidence": [],
                                     "status": "buyer_controlled" if a["buyer_controlled"] else
                                     "unknown" if a["level"] is None else "level"} for a in item["answers"]}
    return {}


def _moves_and_admissions(old: dict, new: dict) -> tuple[list[RankMove], list[Admission]]:
    before, after = _results(old), _results(new)
    moves, admissions = [], []
    for key, now in after.items():
        was = before.get(key)
        if was is None:
            continue
        if was["rank"] and now["rank"] and was["rank"] != now["rank"]:
            moves.append(RankMove(key, now["name"], was["rank"], now["rank"]))
        if bool(was["knockouts"]) != bool(now["knockouts"]):
            admissions.append(Admission(key, now["name"], admitted=not now["knockouts"],
                                        reasons=[k["reason"] for k in now["knockouts"]]))
    moves.sort(key=lambda m: m.new_rank)
    admissions.sort(key=lambda a: (not a.admitted, a.name))
    return moves, admissions


def _answer_changes(old: dict, new: dict) -> list[AnswerChange]:
    titles = {c["key"]: c["title"] for c in new["checklist"]["criteria"]}
    names = {k: r["name"] for k, r in _results(new).items()}
    changes = []
    for key in old["shortlist"]["keys"]:
        before, after = _answers_of(old, key), _answers_of(new, key)
        for criterion, was in before.items():
            now = after.get(criterion)
            if now is None:
                continue
            old_sources = sorted({e["url"] for e in was.get("evidence", [])})
            new_sources = sorted({e["url"] for e in now.get("evidence", [])})
            detailed = key in new["offerings"]
            if _answer_value(was) != _answer_value(now) or (detailed and old_sources != new_sources):
                changes.append(AnswerChange(key, names.get(key, key), criterion, titles.get(criterion, ""),
                                            _answer_text(was), _answer_text(now), old_sources, new_sources))
    return changes


def _text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return pgettext("nothing to list", "none")
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in sorted(value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _requirement_changes(old: dict, new: dict) -> list[RequirementChange]:
    areas = {a["key"]: a["name"] for a in new["checklist"]["areas"]}
    titles = {c["key"]: c["title"] for c in new["checklist"]["criteria"]}
    was, now = old["scoring_profile"], new["scoring_profile"]
    changes = []

    def compare(what: str, a: Any, b: Any, *, same: bool | None = None) -> None:
        """`same`: whether the values are equal when their shown text may differ by language (names)."""
        if (_text(a) != _text(b)) if same is None else not same:
            changes.append(RequirementChange(what, _text(a), _text(b)))

    for label, part in ((_("Sector"), "sector"), (_("Data classification"), "classification")):
        key = "name" if part == "sector" else "label"
        before, after = old["requirements"][part], new["requirements"][part]
        # compared by key where both snapshots have it: a name's translation is not a change
        same = before.get("key") == after.get("key") if "key" in before and "key" in after else None
        compare(label, before[key], after[key], same=same)
    for area in sorted(set(was["area_weights"]) | set(now["area_weights"])):
        compare((_("Weight of %(area)s %(name)s") % {"area": area, "name": areas.get(area, "")}).rstrip(),
                was["area_weights"].get(area), now["area_weights"].get(area))
    compare(_("Trusted jurisdictions"), was["trusted_countries"], now["trusted_countries"])
    compare(_("Acceptable deployment modes"), was["acceptable_modes"], now["acceptable_modes"])
    compare(_("Uses the licence must permit"), was.get("uses", []), now.get("uses", []))
    musts = ({m["criterion"]: m["min_level"] for m in was["must_haves"]},
             {m["criterion"]: m["min_level"] for m in now["must_haves"]})
    for criterion in sorted(set(musts[0]) | set(musts[1])):
        compare((_("Must-have %(criterion)s %(title)s") % {"criterion": criterion,
                                                           "title": titles.get(criterion, "")}).rstrip(),
                musts[0].get(criterion), musts[1].get(criterion))
    seals = ({m["objective"]: m["min_level"] for m in was["seal_minimums"]},
             {m["objective"]: m["min_level"] for m in now["seal_minimums"]})
    for objective in sorted(set(seals[0]) | set(seals[1])):
        compare(_("Minimum SEAL for %(objective)s") % {"objective": objective}, seals[0].get(objective),
                seals[1].get(objective))
    for criterion in sorted(set(was["own_hosting_levels"]) | set(now["own_hosting_levels"])):
        compare((_("Your own hosting, %(criterion)s %(title)s") % {"criterion": criterion,
                                                                   "title": titles.get(criterion, "")}).rstrip(),
                was["own_hosting_levels"].get(criterion), now["own_hosting_levels"].get(criterion))
    return changes


def snapshot_changes(old: dict, new: dict, *, since_document: str) -> SnapshotChanges:
    old, new = upgrade(old), upgrade(new)
    moves, admissions = _moves_and_admissions(old, new)
    return SnapshotChanges(since_document=since_document, since_date=old["snapshot_date"], moves=moves,
                           admissions=admissions, answers=_answer_changes(old, new),
                           requirements=_requirement_changes(old, new))
