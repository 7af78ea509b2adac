"""What changed between two evaluation snapshots: a report's and the evaluation as it would be scored now (or the
previous report's and this one's).

Pure: it reads two snapshot dicts (see `snapshot.py`) and lists the ranking moves, the offerings newly excluded or
admitted with why, every changed answer of the offerings the earlier report detailed (old level -> new level, old and
new sources), and the buyer's own requirement changes.
"""

from __future__ import annotations

import dataclasses
from typing import Any

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


def _answer_text(answer: dict) -> str:
    if answer["status"] == "buyer_controlled":
        return "yours"
    return "unknown" if answer["level"] is None else str(answer["level"])


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
            if _answer_text(was) != _answer_text(now) or (detailed and old_sources != new_sources):
                changes.append(AnswerChange(key, names.get(key, key), criterion, titles.get(criterion, ""),
                                            _answer_text(was), _answer_text(now), old_sources, new_sources))
    return changes


def _text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "none"
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

    def compare(what: str, a: Any, b: Any) -> None:
        if _text(a) != _text(b):
            changes.append(RequirementChange(what, _text(a), _text(b)))

    for label, part in (("Sector", "sector"), ("Data classification", "classification")):
        key = "name" if part == "sector" else "label"
        compare(label, old["requirements"][part][key], new["requirements"][part][key])
    for area in sorted(set(was["area_weights"]) | set(now["area_weights"])):
        compare(f"Weight of {area} {areas.get(area, '')}".rstrip(), was["area_weights"].get(area),
                now["area_weights"].get(area))
    compare("Trusted jurisdictions", was["trusted_countries"], now["trusted_countries"])
    compare("Acceptable deployment modes", was["acceptable_modes"], now["acceptable_modes"])
    compare("Uses the licence must permit", was.get("uses", []), now.get("uses", []))
    musts = ({m["criterion"]: m["min_level"] for m in was["must_haves"]},
             {m["criterion"]: m["min_level"] for m in now["must_haves"]})
    for criterion in sorted(set(musts[0]) | set(musts[1])):
        compare(f"Must-have {criterion} {titles.get(criterion, '')}".rstrip(), musts[0].get(criterion),
                musts[1].get(criterion))
    seals = ({m["objective"]: m["min_level"] for m in was["seal_minimums"]},
             {m["objective"]: m["min_level"] for m in now["seal_minimums"]})
    for objective in sorted(set(seals[0]) | set(seals[1])):
        compare(f"Minimum SEAL for {objective}", seals[0].get(objective), seals[1].get(objective))
    for criterion in sorted(set(was["own_hosting_levels"]) | set(now["own_hosting_levels"])):
        compare(f"Your own hosting, {criterion} {titles.get(criterion, '')}".rstrip(),
                was["own_hosting_levels"].get(criterion), now["own_hosting_levels"].get(criterion))
    return changes


def snapshot_changes(old: dict, new: dict, *, since_document: str) -> SnapshotChanges:
    old, new = upgrade(old), upgrade(new)
    moves, admissions = _moves_and_admissions(old, new)
    return SnapshotChanges(since_document=since_document, since_date=old["snapshot_date"], moves=moves,
                           admissions=admissions, answers=_answer_changes(old, new),
                           requirements=_requirement_changes(old, new))
