"""The report's content, shaped for the template from the snapshot alone (no database, no clock).

Everything the report says is derived here from the snapshot's plain data, so the same snapshot always gives the same
document. Numbers are formatted here, not by locale-dependent template filters. Each source document is numbered
once, in the order the appendix lists the answers, and every section cites those numbers; how strongly a source
supports a claim (its confidence) and the evidence note travel with the claim, not with the document.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from vendoreval.evaluations.charts import area_profile_svg
from vendoreval.scoring.models import Confidence

from .snapshot import ReportSnapshot

SEAL_LADDER = [
    (0, "No sovereignty", "The service is under exclusive control of parties outside the trusted jurisdictions; "
                          "their law does not practically apply."),
    (1, "Jurisdictional sovereignty", "Trusted law formally applies, but with limited practical enforceability; "
                                      "untrusted parties keep exclusive control."),
    (2, "Data sovereignty", "Trusted law applies and is enforceable; material dependencies on untrusted parties "
                            "remain."),
    (3, "Digital resilience", "Trusted actors exercise meaningful but not full influence; untrusted control is "
                              "marginal."),
    (4, "Full digital sovereignty", "Technology, operations and data are under complete trusted control."),
]
STRENGTH_LEVEL = 3  # vendor answers at or above this level are listed as strengths
RISK_LEVEL = 1  # known answers at or below this level are listed as risks
CHART_GROUP = 5  # offerings per area-profile chart: each fits a page legibly, and styles stay distinct


def short_reason(knockout: dict) -> str:
    """The knock-out without its explanation: "B1 Extraterritorial exposure is 0, must-have is 4"."""
    reason = knockout["reason"]
    if knockout["kind"] == "deployment_mode":
        return reason.split(": the profile", 1)[0]
    return reason.split(" (", 1)[0]


def ordinal(n: int) -> str:
    if n == 1:
        return "first"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def num(value: float) -> str:
    return f"{value:.1f}"


def short_value(value: Any, limit: int = 160) -> str:
    """A change-history value in one line: lists joined, dicts as key: value."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        text = ", ".join(str(v) for v in value) or "none"
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v}"
                         for k, v in value.items()) or "none"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


# --- building the document ----------------------------------------------------------------------------------------


def _level_text(cell: dict) -> str:
    if cell["unknown"]:
        return "unknown"
    if cell["buyer_controlled"]:
        return f"{cell['level']} (yours)"
    return str(cell["level"])


def _offering_section(n: int, result: dict, offering: dict, citations: Citations, criteria: dict,
                      share: float | None) -> dict:
    answers = {a["criterion"]: a for a in offering["answers"]}
    chain_sources = [e for member in offering["chain"] for e in member["evidence"]]
    cited: dict[str, list[int]] = {}
    appendix = []
    for cell in result["criteria"]:
        answer = answers[cell["criterion"]]
        criterion = criteria[cell["criterion"]]
        cites = citations.cite(chain_sources if answer["derived"] else answer["evidence"])
        cited[cell["criterion"]] = numbers(cites)
        appendix.append({
            "key": cell["criterion"], "title": criterion["title"], "level": _level_text(cell),
            "confidence": Confidence(cell["confidence"]).label if cell["confidence"] and not cell["unknown"] else "—",
            "derived": answer["derived"], "yours": cell["buyer_controlled"], "stale": cell["stale"],
            "rationale": answer["rationale"],
            # derived answers cite the chain by number only (its notes are in the offering's section); answers
            # the buyer controls show catalog sources only when the catalog has some
            "citations": cites, "numbers": numbers(cites),
            "listed": not answer["derived"] and (bool(cites) or not cell["buyer_controlled"]),
            "notes": [c for c in cites if c.note] if not answer["derived"] else [],
        })
    chain = [{**member, "citations": citations.cite(member["evidence"])} for member in offering["chain"]]

    def item(cell: dict, text: str) -> dict:
        c = criteria[cell["criterion"]]
        return {"key": cell["criterion"], "title": c["title"], "level": _level_text(cell), "text": text,
                "citations": cited[cell["criterion"]]}

    strengths = [item(c, criteria[c["criterion"]]["levels"].get(str(c["level"]), ""))
                 for c in result["criteria"]
                 if not c["unknown"] and not c["buyer_controlled"] and c["level"] >= STRENGTH_LEVEL]
    risks = [item(c, "derived from the chain; see the exposure above" if answers[c["criterion"]]["derived"]
                  else criteria[c["criterion"]]["levels"].get(str(c["level"]), "")) for c in result["criteria"]
             if not c["unknown"] and not c["buyer_controlled"] and c["level"] <= RISK_LEVEL]
    gaps = [item(c, answers[c["criterion"]]["rationale"]) for c in result["criteria"] if c["unknown"]]
    stale = []
    for c in result["criteria"]:
        if c["stale"]:
            dates = sorted(e["source_date"] for e in answers[c["criterion"]]["evidence"] if e["source_date"])
            stale.append(item(c, f"newest source dated {dates[-1]}" if dates else "sources undated"))
    buyer_controlled = [item(c, "") for c in result["criteria"] if c["buyer_controlled"]]
    changes_of_control = [m for m in offering["chain"] if m["pending_change_of_control"]]
    exposure = [answers[k]["rationale"] for k in ("A1", "B1", "D3") if k in answers and answers[k]["derived"]]
    return {
        "n": n, "key": result["key"], "name": result["name"], "vendor": result["vendor"], "offering": offering,
        "rank": result["rank"], "excluded": bool(result["knockouts"]),
        "knockouts": [k["reason"] for k in result["knockouts"]],
        "fit": num(result["fit_score"]), "sovereignty": num(result["sovereignty_score"]), "seal": result["seal"],
        "confidence": pct(result["confidence"]), "first": pct(share) if share is not None else "—",
        "explanation": result["explanation"], "chain": chain, "exposure": exposure,
        "changes_of_control": changes_of_control, "strengths": strengths, "risks": risks, "gaps": gaps,
        "stale": stale, "buyer_controlled": buyer_controlled, "answers": appendix,
        "areas": {a["area"]: a["score"] for a in result["areas"]},
    }


def _recommendation(ranking: list[dict], shortlist: list[str], names: dict, acceptability: dict,
                    offerings: dict) -> dict | None:
    if not ranking:
        return None
    shortlisted = [r for r in ranking if r["key"] in shortlist]
    chosen = shortlisted[0] if shortlisted else ranking[0]
    runner_up = next((r for r in ranking if r["key"] != chosen["key"]), None)
    b1 = next((a["rationale"] for a in offerings.get(chosen["key"], {}).get("answers", [])
               if a["criterion"] == "B1"), None)
    return {
        "key": chosen["key"], "name": chosen["name"], "vendor": chosen["vendor"], "rank": chosen["rank"],
        "rank_text": ordinal(chosen["rank"]),
        "passing": len(ranking), "fit": num(chosen["fit_score"]), "sovereignty": num(chosen["sovereignty_score"]),
        "seal": chosen["seal"], "explanation": chosen["explanation"], "exposure": b1,
        "mode": offerings.get(chosen["key"], {}).get("deployment_mode_label", chosen["deployment_mode"]),
        "first": pct(acceptability[chosen["key"]]) if chosen["key"] in acceptability else None,
        "runner_up": runner_up["name"] if runner_up else None,
        "margin": num(chosen["fit_score"] - runner_up["fit_score"]) if runner_up else None,
        "leader_not_shortlisted": names[ranking[0]["key"]] if ranking[0]["key"] != chosen["key"] else None,
    }


def _unique_ids(svg: str, prefix: str) -> SafeString:
    """Several charts in one document: give each chart's own ids (title, patterns) a prefix so references stay local.
    Only the chart module's fixed ids are touched; its text is already escaped."""
    for name in ("chart-title", "p-hatch2", "p-dots2", "p-hatch", "p-dots", "p-cross"):
        svg = (svg.replace(f'id="{name}"', f'id="{prefix}{name}"').replace(f"url(#{name})", f"url(#{prefix}{name})")
               .replace(f'aria-labelledby="{name}"', f'aria-labelledby="{prefix}{name}"'))
    return mark_safe(svg)


def report_document(snapshot: ReportSnapshot) -> dict:
    """Everything the report template needs, from the snapshot."""
    data = snapshot.data
    checklist = data["checklist"]
    criteria = {c["key"]: c for c in checklist["criteria"]}
    areas = checklist["areas"]
    area_names = {a["key"]: a["name"] for a in areas}
    results = data["results"]
    ranking, excluded = results["ranking"], results["excluded"]
    by_key = {r["key"]: r for r in (*ranking, *excluded)}
    names = {k: r["name"] for k, r in by_key.items()}
    sensitivity = data["sensitivity"] or {}
    acceptability = sensitivity.get("acceptability", {})
    shortlist = data["shortlist"]["keys"]
    requirements = data["requirements"]
    weight_total = sum(requirements["area_weights"].values()) or 1.0

    citations = Citations()
    sections = [_offering_section(n, by_key[key], data["offerings"][key], citations, criteria, acceptability.get(key))
                for n, key in enumerate(shortlist, start=1)]

    matrix = []
    for area in areas:
        matrix.append({"kind": "area", "key": area["key"], "title": area["name"],
                       "cells": [f"{s['areas'][area['key']]:.0f}" for s in sections]})
        for c in checklist["criteria"]:
            if c["area"] != area["key"]:
                continue
            cells = []
            for s in sections:
                answer = next(a for a in s["answers"] if a["key"] == c["key"])
                cells.append({"level": answer["level"], "stale": answer["stale"],
                              "unknown": answer["level"] == "unknown"})
            differs = len({cell["level"] for cell in cells}) > 1
            matrix.append({"kind": "criterion", "key": c["key"], "title": c["title"], "cells": cells,
                           "differs": differs})
    charts = []
    for start in range(0, len(sections), CHART_GROUP):
        group = sections[start:start + CHART_GROUP]
        label = f"offerings {group[0]['n']}–{group[-1]['n']}" if len(group) > 1 else f"offering {group[0]['n']}"
        svg = area_profile_svg([(a["key"], a["name"]) for a in areas],
                               [(f"{s['n']}. {s['name']}", [s["areas"][a["key"]] for a in areas]) for s in group],
                               title=f"Area profile of shortlisted {label} (0–100)")
        charts.append({"label": label, "svg": _unique_ids(svg, f"c{len(charts) + 1}-")})

    flip = sensitivity.get("flip")
    must_haves = []
    for m in requirements["must_haves"]:
        must_haves.append({**m, "title": criteria.get(m["criterion"], {}).get("title", "")})
    history = [{**e, "when": e["at"][:16].replace("T", " "), "old": short_value(e["old_value"]),
                "new": short_value(e["new_value"])} for e in data["history"]]

    organisation = data["organisation"]["name"]
    evaluation = data["evaluation"]["name"]
    return {
        "snapshot": data, "document_id": snapshot.document_id, "fingerprint": snapshot.fingerprint,
        "date": snapshot.date.isoformat(),
        "meta": {
            "title": f"Procurement report: {evaluation}",
            "author": organisation,
            "subject": (f"Sovereignty evaluation of AI (LLM) suppliers for {organisation}; document "
                        f"{snapshot.document_id}, snapshot SHA-256 {snapshot.fingerprint}"),
            "keywords": "VendorEval, procurement, digital sovereignty, Cloud Sovereignty Framework, SEAL",
        },
        "organisation": organisation, "evaluation": evaluation,
        "checklist_version": checklist["version"], "catalog_as_of": data["catalog"]["as_of"],
        "recommendation": _recommendation(ranking, shortlist, names, acceptability, data["offerings"]),
        "ranking": [{"rank": r["rank"], "key": r["key"], "name": r["name"], "vendor": r["vendor"],
                     "fit": num(r["fit_score"]), "sovereignty": num(r["sovereignty_score"]), "seal": r["seal"],
                     "confidence": pct(r["confidence"]), "gaps": len(r["data_gaps"]),
                     "first": pct(acceptability.get(r["key"], 0.0)), "shortlisted": r["key"] in shortlist}
                    for r in ranking],
        "excluded": [{"key": r["key"], "name": r["name"], "fit": num(r["fit_score"]),
                      "reasons": [short_reason(k) for k in r["knockouts"]], "shortlisted": r["key"] in shortlist}
                     for r in excluded],
        "sensitivity": {
            "verdict": sensitivity.get("verdict", "Not analysed."), "robust": sensitivity.get("robust", False),
            "samples": sensitivity.get("samples"), "seed": sensitivity.get("seed"),
            "rows": [{"rank": r["rank"], "name": r["name"], "share": pct(acceptability.get(r["key"], 0.0)),
                      "bar": round(acceptability.get(r["key"], 0.0) * 100), "shortlisted": r["key"] in shortlist}
                     for r in ranking],
            "flip": {"area": flip["area"], "area_name": area_names.get(flip["area"], flip["area"]),
                     "from": f"{flip['from_weight']:.0f}%", "to": f"{flip['to_weight']:.0f}%",
                     "direction": "rise" if flip["to_weight"] > flip["from_weight"] else "fall",
                     "new_winner": names.get(flip["new_winner"], flip["new_winner"])} if flip else None,
        },
        "requirements": {
            **requirements, "must_haves": must_haves,
            "weights": [{"key": a["key"], "name": a["name"],
                         "weight": f'{requirements["area_weights"].get(a["key"], 0):g}',
                         "share": pct(requirements["area_weights"].get(a["key"], 0) / weight_total)}
                        for a in areas],
        },
        "objectives": [{**o, "weight": f'{requirements["objective_weights"].get(o["key"], o["weight"]):g}',
                        "areas": ", ".join(a["key"] for a in areas
                                           if any(c["area"] == a["key"] and c["csf_objective"] == o["key"]
                                                  for c in checklist["criteria"]))}
                       for o in checklist["objectives"]],
        "seal_ladder": SEAL_LADDER,
        "stale_after_days": data["method"]["stale_after_days"],
        "shortlist_source": data["shortlist"]["source"],
        "sections": sections, "matrix": matrix, "charts": charts,
        "sources": citations.sources, "history": history,
        "criteria_count": len(checklist["criteria"]), "offering_count": len(by_key),
    }
