"""The report's content, shaped for the template from the snapshot alone (no database, no clock).

The snapshot's results are read back into the scoring core's typed models (knock-outs with their kind, subject,
required and actual values; objectives with their assured and attainable SEAL), and every section is a typed value
built by one small function. Numbers are formatted by `scoring.numbers`, the one rounding rule of every page. Each
source document is numbered once, in the order the appendix lists the answers, and every section cites those
numbers; how strongly a source supports a claim (its confidence) and the evidence note travel with the claim.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vendoreval.catalog.schema import DEPLOYMENT_MODE_LABELS, DeploymentMode
from vendoreval.evaluations.charts import area_profile_svg
from vendoreval.evaluations.history import Labels, group_history
from vendoreval.scoring.conditions import Conditions, conditions
from vendoreval.scoring.models import (
    Blocker,
    Confidence,
    CriterionResult,
    EvaluationResult,
    Knockout,
    OfferingResult,
    RequirementProfile,
)
from vendoreval.scoring.numbers import percent, shown
from vendoreval.scoring.seal import SEAL_LADDER

from .changes import SnapshotChanges
from .snapshot import ReportSnapshot, upgrade

STRENGTH_LEVEL = 3  # vendor answers at or above this level are listed as strengths
RISK_LEVEL = 1  # known answers at or below this level are listed as risks
LABEL_NAMES = {"sectors", "classifications", "regulations", "modes", "uses"}
CHART_GROUP = 5  # offerings per area-profile chart: each fits a page legibly, and styles stay distinct


def ordinal(n: int) -> str:
    """A rank as the summary's sentence says it ("It ranks first / 2nd / 11th of ..."), in the active language."""
    if n == 1:
        return pgettext("ranks first of the offerings", "first")
    if 10 <= n % 100 <= 20:
        return pgettext("ordinal number", "%(n)sth") % {"n": n}
    suffix = n % 10
    if suffix == 1:
        return pgettext("ordinal number", "%(n)sst") % {"n": n}
    if suffix == 2:
        return pgettext("ordinal number", "%(n)snd") % {"n": n}
    if suffix == 3:
        return pgettext("ordinal number", "%(n)srd") % {"n": n}
    return pgettext("ordinal number", "%(n)sth") % {"n": n}


def mode_label(mode: str) -> str:
    try:
        return DEPLOYMENT_MODE_LABELS[DeploymentMode(mode)]
    except ValueError:
        return mode.replace("_", " ")


# --- citations --------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Source:
    """A document the report cites, listed once in appendix B whatever the number of claims it supports."""

    number: int
    url: str
    title: str
    source_date: str | None
    accessed: str

    @property
    def linkable(self) -> bool:
        """Only web addresses become links in the PDF; anything else is shown as text."""
        return self.url.lower().startswith(("https://", "http://"))


@dataclasses.dataclass(frozen=True)
class Citation:
    """One claim's use of a source: the source's number, how strongly it supports the claim, and the evidence note."""

    number: int
    confidence: str
    note: str

    @property
    def confidence_label(self) -> str:
        return Confidence(self.confidence).label


class Citations:
    """Numbers each document once, in the order the report first cites it."""

    def __init__(self) -> None:
        self._numbers: dict[tuple, int] = {}
        self.sources: list[Source] = []

    def cite(self, rows: list[dict]) -> list[Citation]:
        cited: list[Citation] = []
        for row in rows:
            key = (row["url"], row["title"], row["source_date"], row["accessed"])
            if key not in self._numbers:
                self._numbers[key] = len(self.sources) + 1
                self.sources.append(Source(self._numbers[key], *key))
            citation = Citation(self._numbers[key], row["confidence"], row["note"])
            if citation not in cited:
                cited.append(citation)
        return cited


def numbers(citations: list[Citation]) -> list[int]:
    """The distinct source numbers of some citations, in order: "[3][7]" where the evidence details are elsewhere."""
    return list(dict.fromkeys(c.number for c in citations))


# --- typed pieces -----------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Exclusion:
    """A knock-out as the report states it, from its typed fields."""

    knockout: Knockout
    title: str  # the criterion's title, or the objective's name

    @property
    def short(self) -> str:
        k = self.knockout
        if k.kind == "deployment_mode":
            return _("Deployment mode %(mode)s is not acceptable") % {"mode": mode_label(k.actual)}
        values = {"subject": k.subject, "title": self.title, "actual": k.actual, "required": k.required}
        if k.kind == "seal":
            if k.unverified:
                return _("%(subject)s %(title)s is at SEAL %(actual)s, minimum is SEAL %(required)s "
                         "(unverified)") % values
            return _("%(subject)s %(title)s is at SEAL %(actual)s, minimum is SEAL %(required)s") % values
        if k.unverified:
            return _("%(subject)s %(title)s is %(actual)s, must-have is %(required)s (unverified)") % values
        return _("%(subject)s %(title)s is %(actual)s, must-have is %(required)s") % values

    @property
    def reason(self) -> str:
        return self.knockout.reason


@dataclasses.dataclass(frozen=True)
class Item:
    """A criterion listed in an offering's strengths, risks, gaps or stale evidence."""

    key: str
    title: str
    level: str
    text: str
    citations: list[int]


@dataclasses.dataclass(frozen=True)
class AppendixAnswer:
    key: str
    title: str
    level: str
    confidence: str
    derived: bool
    yours: bool
    stale: bool
    unknown: bool
    rationale: str
    citations: list[Citation]
    numbers: list[int]
    listed: bool  # the answer's own sources are listed (derived answers point to the chain instead)
    notes: list[Citation]


@dataclasses.dataclass(frozen=True)
class ObjectiveCell:
    key: str
    score: str
    seal: int
    attainable: int
    unknowns: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class OfferingSection:
    n: int
    key: str
    name: str
    vendor: str
    offering: dict
    rank: int | None
    excluded: bool
    knockouts: list[str]
    fit: str
    sovereignty: str
    seal: int
    seal_attainable: int
    seal_unknowns: tuple[str, ...]
    confidence: str
    vendor_stated: str
    first: str
    explanation: str
    chain: list[dict]
    exposure: list[str]
    changes_of_control: list[dict]
    strengths: list[Item]
    risks: list[Item]
    gaps: list[Item]
    stale: list[Item]
    buyer_controlled: list[Item]
    answers: list[AppendixAnswer]
    areas: dict[str, float]
    objectives: list[ObjectiveCell]


@dataclasses.dataclass(frozen=True)
class Recommendation:
    key: str
    name: str
    vendor: str
    rank: int
    rank_text: str
    passing: int
    fit: str
    sovereignty: str
    seal: int
    seal_attainable: int
    explanation: str
    exposure: str | None
    mode: str
    first: str | None
    runner_up: str | None
    margin: str | None
    leader_not_shortlisted: str | None
    conditions: Conditions
    condition_titles: dict[str, str]
    overrides: list[dict]

    @property
    def unknown_text(self) -> str:
        return "; ".join(f"{k} {self.condition_titles.get(k, '')}".strip() for k in self.conditions.unknown)

    @property
    def stale_text(self) -> str:
        return "; ".join(f"{k} {self.condition_titles.get(k, '')}".strip() for k in self.conditions.stale)

    @property
    def known_share(self) -> str:
        return percent(self.conditions.known_share)

    @property
    def confirmed_share(self) -> str:
        return percent(self.conditions.confirmed_share)

    @property
    def vendor_stated_share(self) -> str:
        return percent(self.conditions.vendor_stated_share)


# --- building the document ----------------------------------------------------------------------------------------


def _level_text(cell: CriterionResult) -> str:
    if cell.unknown:
        return pgettext("answer level", "unknown")
    if cell.buyer_controlled:
        return _("%(level)s (yours)") % {"level": cell.level}
    return str(cell.level)


def _appendix(result: OfferingResult, answers: dict, chain_sources: list[dict], citations: Citations,
              criteria: dict) -> list[AppendixAnswer]:
    rows = []
    for cell in result.criteria:
        answer = answers[cell.criterion]
        cites = citations.cite(chain_sources if answer["derived"] else answer["evidence"])
        rows.append(AppendixAnswer(
            key=cell.criterion, title=criteria[cell.criterion]["title"], level=_level_text(cell),
            confidence=cell.confidence.label if cell.confidence and not cell.unknown else "—",
            derived=answer["derived"], yours=cell.buyer_controlled, stale=cell.stale, unknown=cell.unknown,
            rationale=answer["rationale"],
            # derived answers cite the chain by number only (its notes are in the offering's section); answers the
            # buyer controls show catalog sources only when the catalog has some
            citations=cites, numbers=numbers(cites),
            listed=not answer["derived"] and (bool(cites) or not cell.buyer_controlled),
            notes=[c for c in cites if c.note] if not answer["derived"] else []))
    return rows


def _items(result: OfferingResult, answers: dict, criteria: dict, cited: dict[str, list[int]]) -> dict[str, list]:
    def item(cell: CriterionResult, text: str) -> Item:
        return Item(cell.criterion, criteria[cell.criterion]["title"], _level_text(cell), text, cited[cell.criterion])

    def meaning(cell: CriterionResult) -> str:
        return criteria[cell.criterion]["levels"].get(str(cell.level), "")

    known = [c for c in result.criteria if not c.unknown and not c.buyer_controlled]
    stale = []
    for c in result.criteria:
        if c.stale:
            dates = sorted(e["source_date"] for e in answers[c.criterion]["evidence"] if e["source_date"])
            stale.append(item(c, _("newest source dated %(date)s") % {"date": dates[-1]} if dates
                              else _("sources undated")))
    return {
        "strengths": [item(c, meaning(c)) for c in known if c.level >= STRENGTH_LEVEL],
        "risks": [item(c, _("derived from the chain; see the exposure above") if answers[c.criterion]["derived"]
                       else meaning(c)) for c in known if c.level <= RISK_LEVEL],
        "gaps": [item(c, answers[c.criterion]["rationale"]) for c in result.criteria if c.unknown],
        "stale": stale,
        "buyer_controlled": [item(c, "") for c in result.criteria if c.buyer_controlled],
    }


def _offering_section(n: int, result: OfferingResult, offering: dict, citations: Citations, criteria: dict,
                      objectives: dict, share: float | None) -> OfferingSection:
    answers = {a["criterion"]: a for a in offering["answers"]}
    chain_sources = [e for member in offering["chain"] for e in member["evidence"]]
    appendix = _appendix(result, answers, chain_sources, citations, criteria)
    chain = [{**member, "citations": citations.cite(member["evidence"])} for member in offering["chain"]]
    items = _items(result, answers, criteria, {a.key: a.numbers for a in appendix})
    return OfferingSection(
        n=n, key=result.key, name=result.name, vendor=result.vendor, offering=offering, rank=result.rank,
        excluded=result.excluded, knockouts=[k.reason for k in result.knockouts], fit=shown(result.fit_score),
        sovereignty=shown(result.sovereignty_score), seal=result.seal, seal_attainable=result.seal_attainable,
        seal_unknowns=result.seal_unknowns, confidence=percent(result.confidence),
        vendor_stated=percent(result.vendor_stated),
        first=percent(share) if share is not None else "—", explanation=result.explanation, chain=chain,
        exposure=[answers[k]["rationale"] for k in ("A1", "B1", "C1", "D3", "D5")
                  if k in answers and answers[k]["derived"]],
        changes_of_control=[m for m in offering["chain"] if m["pending_change_of_control"]],
        answers=appendix, areas={a.area: a.score for a in result.areas},
        objectives=[ObjectiveCell(o.objective, shown(o.score, 0), o.seal, o.attainable, o.unknowns)
                    for o in result.objectives if o.objective in objectives],
        **items)


def _recommendation(result: EvaluationResult, shortlist: list[str], acceptability: dict, offerings: dict,
                    profile: RequirementProfile, criteria: dict, must_haves: list[dict]) -> Recommendation | None:
    ranking = result.ranking
    if not ranking:
        return None
    shortlisted = [r for r in ranking if r.key in shortlist]
    chosen = shortlisted[0] if shortlisted else ranking[0]
    runner_up = next((r for r in ranking if r.key != chosen.key), None)
    offering = offerings.get(chosen.key, {})
    b1 = next((a["rationale"] for a in offering.get("answers", []) if a["criterion"] == "B1"), None)
    return Recommendation(
        key=chosen.key, name=chosen.name, vendor=chosen.vendor, rank=chosen.rank, rank_text=ordinal(chosen.rank),
        passing=len(ranking), fit=shown(chosen.fit_score), sovereignty=shown(chosen.sovereignty_score),
        seal=chosen.seal, seal_attainable=chosen.seal_attainable, explanation=chosen.explanation, exposure=b1,
        mode=offering.get("deployment_mode_label", mode_label(chosen.deployment_mode)),
        first=percent(acceptability[chosen.key]) if chosen.key in acceptability else None,
        runner_up=runner_up.name if runner_up else None,
        margin=shown(chosen.fit_score - runner_up.fit_score) if runner_up else None,
        leader_not_shortlisted=ranking[0].name if ranking[0].key != chosen.key else None,
        conditions=conditions(chosen, profile), condition_titles={k: c["title"] for k, c in criteria.items()},
        overrides=[m for m in must_haves if m["override_reason"]])


def _matrix(checklist: dict, sections: list[OfferingSection]) -> list[dict]:
    matrix = []
    answers = [{a.key: a for a in s.answers} for s in sections]
    for area in checklist["areas"]:
        matrix.append({"kind": "area", "key": area["key"], "title": area["name"],
                       "cells": [shown(s.areas[area["key"]], 0) for s in sections]})
        for c in checklist["criteria"]:
            if c["area"] != area["key"]:
                continue
            cells = [{"level": a[c["key"]].level, "stale": a[c["key"]].stale, "unknown": a[c["key"]].unknown,
                      "yours": a[c["key"]].yours, "digit": a[c["key"]].level[:1]} for a in answers]
            matrix.append({"kind": "criterion", "key": c["key"], "title": c["title"], "cells": cells,
                           "differs": len({cell["level"] for cell in cells}) > 1})
    return matrix


def _charts(areas: list[dict], sections: list[OfferingSection]) -> list[dict]:
    charts = []
    for start in range(0, len(sections), CHART_GROUP):
        group = sections[start:start + CHART_GROUP]
        label = f"{group[0].n}–{group[-1].n}" if len(group) > 1 else f"{group[0].n}"
        if len(group) > 1:
            title = _("Area profile of shortlisted offerings %(first)s–%(last)s (0–100)")
            caption = _("Area profile of shortlisted offerings %(first)s–%(last)s (area scores 0–100).")
        else:
            title = _("Area profile of shortlisted offering %(first)s (0–100)")
            caption = _("Area profile of shortlisted offering %(first)s (area scores 0–100).")
        numbers_ = {"first": group[0].n, "last": group[-1].n}
        svg = area_profile_svg([(a["key"], a["name"]) for a in areas],
                               [(f"{s.n}. {s.name}", [s.areas[a["key"]] for a in areas]) for s in group],
                               title=title % numbers_, id_prefix=f"c{len(charts) + 1}-")
        charts.append({"label": label, "caption": caption % numbers_, "svg": svg})
    return charts


def _sensitivity(sensitivity: dict, ranking, shortlist: list[str], area_names: dict, names: dict) -> dict:
    acceptability = sensitivity.get("acceptability", {})
    flip = sensitivity.get("flip")
    return {
        "verdict": sensitivity.get("verdict", _("Not analysed.")), "robust": sensitivity.get("robust", False),
        "samples": sensitivity.get("samples"), "seed": sensitivity.get("seed"),
        "rows": [{"rank": r.rank, "name": r.name, "share": percent(acceptability.get(r.key, 0.0)),
                  "shortlisted": r.key in shortlist} for r in ranking],
        "flip": {"area": flip["area"], "area_name": area_names.get(flip["area"], flip["area"]),
                 "from": f"{shown(flip['from_weight'], 0)}%", "to": f"{shown(flip['to_weight'], 0)}%",
                 "direction": "rise" if flip["to_weight"] > flip["from_weight"] else "fall",
                 "new_winner": names.get(flip["new_winner"], flip["new_winner"])} if flip else None,
    }


def _requirements(data: dict, profile: RequirementProfile, checklist: dict, criteria: dict) -> dict:
    requirements = data["requirements"]
    weights = profile.area_weights
    total = sum(weights.values()) or 1.0
    names = requirements["country_names"]
    return {
        **requirements,
        "trusted_countries": [{"code": c, "name": names.get(c, c)} for c in sorted(profile.trusted_countries)],
        "acceptable_modes": [{"key": m, "label": mode_label(m)} for m in sorted(profile.acceptable_modes)],
        "uses": [requirements["use_names"].get(u, u) for u in sorted(profile.uses)],
        "monthly_users": profile.monthly_users,
        "seal_minimums": list(profile.seal_minimums),
        "own_hosting_levels": dict(sorted(profile.own_hosting_levels.items())),
        "must_haves": [{**m, "title": criteria.get(m["criterion"], {}).get("title", "")}
                       for m in requirements["must_haves"]],
        "weights": [{"key": a["key"], "name": a["name"], "weight": f"{weights.get(a['key'], 0):g}",
                     "share": percent(weights.get(a["key"], 0) / total)} for a in checklist["areas"]],
    }


def _objectives(checklist: dict, profile: RequirementProfile) -> list[dict]:
    weights = profile.objective_weights or {}
    return [{**o, "weight": f'{weights.get(o["key"], o["weight"]):g}',
             "areas": ", ".join(a["key"] for a in checklist["areas"]
                                if any(c["area"] == a["key"] and c["csf_objective"] == o["key"]
                                       for c in checklist["criteria"]))}
            for o in checklist["csf_objectives"]]


def _blockers(blockers: list[dict], criteria: dict, objectives: dict) -> list[dict]:
    found = []
    for b in (Blocker.model_validate(b) for b in blockers):
        if b.kind == "seal":
            title = _("minimum SEAL-%(level)s for %(objective)s %(name)s") % {
                "level": b.required, "objective": b.subject, "name": objectives.get(b.subject, "")}
        else:
            title = _("must-have %(criterion)s %(title)s ≥ %(level)s") % {
                "criterion": b.subject, "title": criteria.get(b.subject, {}).get("title", ""), "level": b.required}
        found.append({"title": title, "blocks": b.blocks, "passing_if_relaxed": b.passing_if_relaxed,
                      "passing_now": b.passing_now})
    return found


def history_labels(data: dict) -> Labels:
    """The change history's labels from the snapshot (older snapshots without value names show the keys)."""
    checklist, results = data["checklist"], data["results"]
    return Labels(areas={a["key"]: a["name"] for a in checklist["areas"]},
                  criteria={c["key"]: c["title"] for c in checklist["criteria"]},
                  objectives={o["key"]: o["name"] for o in checklist["csf_objectives"]},
                  offerings={r["key"]: r["name"] for r in (*results["ranking"], *results["excluded"])},
                  **{"modes": {m.value: label for m, label in DEPLOYMENT_MODE_LABELS.items()},
                     **{k: v for k, v in data["requirements"].get("names", {}).items() if k in LABEL_NAMES}})


def checklist_in(checklist: dict, language: str) -> dict:
    """The snapshot's checklist with its names, titles, questions and ladders in `language` (its translations are
    part of the checklist data the snapshot keeps)."""
    if language == "en":
        return checklist

    def item(entry: dict, fields: tuple[str, ...]) -> dict:
        translated = (entry.get("translations") or {}).get(language, {})
        return {**entry, **{f: translated[f] for f in fields if translated.get(f)}}

    return {**checklist,
            "csf_objectives": [item(o, ("name",)) for o in checklist["csf_objectives"]],
            "areas": [item(a, ("name",)) for a in checklist["areas"]],
            "criteria": [item(c, ("title", "question", "levels")) for c in checklist["criteria"]]}


def report_document(snapshot: ReportSnapshot) -> dict:
    """Everything the report template needs, from the snapshot, in the snapshot's language."""
    data = upgrade(snapshot.localized)
    data["checklist"] = checklist = checklist_in(data["checklist"], snapshot.language)
    criteria = {c["key"]: c for c in checklist["criteria"]}
    objective_names = {o["key"]: o["name"] for o in checklist["csf_objectives"]}
    area_names = {a["key"]: a["name"] for a in checklist["areas"]}
    result = EvaluationResult.model_validate(data["results"])
    profile = RequirementProfile.model_validate(data["scoring_profile"])
    by_key = {r.key: r for r in (*result.ranking, *result.excluded)}
    names = {k: r.name for k, r in by_key.items()}
    sensitivity = data["sensitivity"] or {}
    acceptability = sensitivity.get("acceptability", {})
    shortlist = data["shortlist"]["keys"]
    measured = {o.objective for r in by_key.values() for o in r.objectives}

    citations = Citations()
    sections = [_offering_section(n, by_key[key], data["offerings"][key], citations, criteria, measured,
                                  acceptability.get(key)) for n, key in enumerate(shortlist, start=1)]
    history = group_history(data["history"], history_labels(data))
    organisation, evaluation = data["organisation"]["name"], data["evaluation"]["name"]
    return {
        "snapshot": data, "document_id": snapshot.document_id, "fingerprint": snapshot.fingerprint,
        "date": snapshot.date.isoformat(), "draft": bool(data["missing"]), "missing": data["missing"],
        "meta": {
            "title": (_("Procurement report: %(evaluation)s (DRAFT)") if data["missing"]
                      else _("Procurement report: %(evaluation)s")) % {"evaluation": evaluation},
            "author": organisation,
            # verification reads the document id and "SHA-256 <fingerprint>" back from this subject
            "subject": _("Sovereignty evaluation of AI (LLM) suppliers for %(organisation)s; document %(document)s, "
                         "snapshot SHA-256 %(fingerprint)s") % {
                "organisation": organisation, "document": snapshot.document_id, "fingerprint": snapshot.fingerprint},
            "keywords": _("VendorEval, procurement, digital sovereignty, Cloud Sovereignty Framework, SEAL"),
        },
        "organisation": organisation, "evaluation": evaluation,
        "checklist_version": checklist["version"], "catalog_as_of": data["catalog"]["as_of"],
        "catalog_revision": data["catalog"].get("revision"),
        "recommendation": None if data["missing"] else _recommendation(
            result, shortlist, acceptability, data["offerings"], profile, criteria,
            data["requirements"]["must_haves"]),
        "ranking": [{"rank": r.rank, "key": r.key, "name": r.name, "vendor": r.vendor, "fit": shown(r.fit_score),
                     "sovereignty": shown(r.sovereignty_score), "seal": r.seal, "seal_attainable": r.seal_attainable,
                     "confidence": percent(r.confidence), "vendor_stated": percent(r.vendor_stated),
                     "gaps": len(r.data_gaps),
                     "first": percent(acceptability.get(r.key, 0.0)), "shortlisted": r.key in shortlist}
                    for r in result.ranking],
        "excluded": [{"key": r.key, "name": r.name, "fit": shown(r.fit_score), "shortlisted": r.key in shortlist,
                      "reasons": [Exclusion(k, criteria.get(k.subject, {}).get("title", "")
                                            or objective_names.get(k.subject, "")).short for k in r.knockouts]}
                     for r in result.excluded],
        "blockers": _blockers(data["blockers"], criteria, objective_names),
        "sensitivity": _sensitivity(sensitivity, result.ranking, shortlist, area_names, names),
        "requirements": _requirements(data, profile, checklist, criteria),
        "objectives": _objectives(checklist, profile),
        "measured_objectives": [o for o in checklist["csf_objectives"] if o["key"] in measured],
        "seal_ladder": [(level, _(name), _(meaning)) for level, name, meaning in SEAL_LADDER],
        "stale_after_days": data["method"]["stale_after_days"],
        "shortlist_source": data["shortlist"]["source"],
        "zero_share": percent(0.0),
        "own_hosting_text": ", ".join(f"{key} {level}" for key, level in sorted(profile.own_hosting_levels.items())),
        "sections": sections, "matrix": _matrix(checklist, sections), "charts": _charts(checklist["areas"], sections),
        "sources": citations.sources, "history": history,
        "criteria_count": len(checklist["criteria"]), "offering_count": len(by_key),
        "changes": SnapshotChanges.from_data(data["changes_since"]) if data.get("changes_since") else None,
    }
