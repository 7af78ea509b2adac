"""The evaluation snapshot: the exact inputs and results a report is rendered from, as canonical JSON.

The snapshot holds no clock: its date is the day the evaluation was last changed, and evidence staleness is judged
against that day. Canonical JSON (sorted keys, sets as sorted lists, UTF-8, no insignificant whitespace) makes the
SHA-256 fingerprint stable, so the same evaluation against the same catalog always gives the same document id, and
the report — a pure function of the snapshot — the same text. The JSON is embedded in the PDF so the decision can be
re-checked without the app.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone, translation

from vendoreval.catalog.exporter import checklist_data
from vendoreval.catalog.models import Company, Evidence, Subprocessor
from vendoreval.catalog.schema import DEPLOYMENT_MODE_LABELS, DeploymentMode
from vendoreval.evaluations.context import EvaluationContext, evaluation_context
from vendoreval.evaluations.models import AuditEvent, Classification, Evaluation
from vendoreval.evaluations.questions import USE_CHOICES, answer_names
from vendoreval.evaluations.services import Outcome, evaluation_outcome
from vendoreval.plain import plain

SNAPSHOT_FORMAT = "vendoreval-report-snapshot"
SNAPSHOT_VERSION = 6  # bump when the report's content or layout changes: stored PDFs are keyed by the fingerprint
SENSITIVITY_SAMPLES = 2000
DEFAULT_SHORTLIST_SIZE = 3
# Generating a report, choosing its language, archiving and duplicating change nothing the report shows: they must not
# change its snapshot.
HIDDEN_HISTORY = {"report_generated", "archived", "unarchived", "duplicated", "report_language"}


REPORT_LANGUAGES = ("en", "fr", "de")


@dataclasses.dataclass(frozen=True)
class ReportSnapshot:
    """The snapshot (language-neutral: its canonical JSON holds the English text and, under `translations`, every
    sentence the app wrote in French and German) and the language a report of it is read in."""

    data: dict[str, Any]
    canonical: bytes  # canonical JSON of `data`
    fingerprint: str  # SHA-256 of `canonical`, hex
    date: dt.date
    language: str = "en"  # not part of the snapshot: the same snapshot makes one document per language

    @property
    def document_id(self) -> str:
        return document_id_for(self.fingerprint, self.language)

    @classmethod
    def from_data(cls, data: dict[str, Any], language: str = "en") -> ReportSnapshot:
        canonical = canonical_json(data)
        fingerprint = hashlib.sha256(canonical).hexdigest()
        plain = json.loads(canonical)
        return cls(data=plain, canonical=canonical, fingerprint=fingerprint,
                   date=dt.date.fromisoformat(plain["snapshot_date"]), language=language)

    @classmethod
    def from_json(cls, canonical: str | bytes, language: str = "en") -> ReportSnapshot:
        return cls.from_data(json.loads(canonical), language)

    def in_language(self, language: str) -> ReportSnapshot:
        if language not in REPORT_LANGUAGES:
            raise ValueError(f"reports are written in {', '.join(REPORT_LANGUAGES)}, not {language!r}")
        return dataclasses.replace(self, language=language)

    @property
    def localized(self) -> dict[str, Any]:
        """The snapshot's data with the app's sentences in the document's language."""
        return localized(self.data, self.language)


def document_id_for(fingerprint: str, language: str = "en") -> str:
    """VE-<first 12 hex digits of the fingerprint>-<language>: one snapshot, one document per language."""
    return f"VE-{fingerprint[:12].upper()}-{language.upper()}"


# --- the app's sentences in other languages ------------------------------------------------------------------------


def _translated_texts(english: Any, other: Any, path: str = "") -> dict[str, str]:
    """Every string of `other` that differs from `english` at the same place, by its path ("results/ranking/0/...").
    Both were built from the same inputs in two languages, so they have the same shape."""
    found: dict[str, str] = {}
    if isinstance(english, dict) and isinstance(other, dict):
        if set(english) != set(other):
            raise ValueError(f"the snapshot's shape depends on the language at {path or '/'}")
        for key in english:
            found.update(_translated_texts(english[key], other[key], f"{path}/{key}"))
    elif isinstance(english, list) and isinstance(other, list):
        if len(english) != len(other):
            raise ValueError(f"the snapshot's shape depends on the language at {path}")
        for i, (a, b) in enumerate(zip(english, other, strict=True)):
            found.update(_translated_texts(a, b, f"{path}/{i}"))
    elif english != other:
        if not isinstance(other, str):
            raise ValueError(f"a value other than text depends on the language at {path}")
        found[path] = other
    return found


def localized(data: dict[str, Any], language: str) -> dict[str, Any]:
    """`data` with the sentences of `language` put in place (the English data itself for English)."""
    texts = (data.get("translations") or {}).get(language)
    if not texts:
        return data
    result = copy.deepcopy(data)
    for path, text in texts.items():
        *parents, last = path.strip("/").split("/")
        node: Any = result
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = text
        else:
            node[last] = text
    return result


# --- older snapshots ---------------------------------------------------------------------------------------------


def upgrade(data: dict) -> dict:
    """Stored reports of earlier snapshot versions stay readable: fill what version 3 added with what they meant."""
    if data.get("version", 3) >= 3:
        return data
    data = copy.deepcopy(data)
    for result in (*data["results"]["ranking"], *data["results"]["excluded"]):
        result.setdefault("seal_attainable", result["seal"])
        result.setdefault("seal_unknowns", [])
        result.setdefault("known_share", 1 - len(result["data_gaps"]) / max(len(result["criteria"]), 1))
        for objective in result["objectives"]:
            objective.setdefault("attainable", objective["seal"])
            objective.setdefault("unknowns", [])
    checklist = data["checklist"]
    checklist.setdefault("csf_objectives", checklist.pop("objectives", []))
    requirements = data["requirements"]
    requirements.setdefault("country_names", {c["code"]: c["name"] for c in requirements.get("trusted_countries", [])})
    requirements.setdefault("use_names", {})
    data.setdefault("missing", [])
    data.setdefault("blockers", [])
    return data


# --- canonical JSON ------------------------------------------------------------------------------------------------


def canonical_json(data: Any) -> bytes:
    return json.dumps(plain(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


# --- building the snapshot -----------------------------------------------------------------------------------------


def snapshot_date(evaluation: Evaluation) -> dt.date:
    return timezone.localdate(evaluation.updated_at)


def shortlist_of(evaluation: Evaluation, outcome: Outcome) -> tuple[list[str], str]:
    """The buyer's shortlist (known offerings only), or the top of the ranking when the buyer has not chosen one."""
    keys = [k for k in dict.fromkeys(evaluation.shortlist) if k in outcome.offerings]
    if keys:
        return keys, "buyer"
    return [r.key for r in outcome.result.ranking[:DEFAULT_SHORTLIST_SIZE]], "top_of_ranking"


def _evidence_rows(evidence) -> list[dict]:
    return [{"url": e.url, "title": e.title, "source_date": e.source_date, "accessed": e.accessed,
             "confidence": e.confidence, "note": e.note} for e in evidence]


def _chain_evidence(profiles) -> dict[tuple[str, int], list[Evidence]]:
    """Sources for the companies and sub-processors of the shortlisted chains (one query)."""
    company_pks = {m.company.pk for p in profiles for m in p.chain}
    sub_pks = {s.pk for p in profiles for s in p.offering.subprocessors.all()}
    types = ContentType.objects.get_for_models(Company, Subprocessor)
    query = (Q(content_type=types[Company], object_id__in=company_pks)
             | Q(content_type=types[Subprocessor], object_id__in=sub_pks))
    rows: dict[tuple[str, int], list[Evidence]] = {}
    for e in Evidence.objects.filter(query).order_by("position", "pk"):
        kind = "company" if e.content_type_id == types[Company].pk else "subprocessor"
        rows.setdefault((kind, e.object_id), []).append(e)
    return rows


def _offering(profile, chain_evidence) -> dict:
    o = profile.offering
    subprocessors = {s.company_id: s for s in o.subprocessors.all()}
    chain = []
    for member in profile.chain:
        company = member.company
        sources = chain_evidence.get(("company", company.pk), [])
        sub = subprocessors.get(company.pk) if member.role.startswith("sub-processor") else None
        if sub is not None:
            sources = sources + chain_evidence.get(("subprocessor", sub.pk), [])
        chain.append({
            "role": member.role, "company": company.name, "country": company.country_id,
            "country_name": company.country.name, "laws": list(member.laws), "trusted": member.trusted,
            "pending_change_of_control": company.pending_change_of_control,
            "evidence": _evidence_rows(sources),
        })
    return {
        "key": o.key, "name": o.name, "vendor": o.vendor.name, "product": o.product,
        "deployment_mode": o.deployment_mode,
        "deployment_mode_label": DEPLOYMENT_MODE_LABELS[DeploymentMode(o.deployment_mode)],
        "hosting_operator": o.hosting_operator.name if o.hosting_operator_id else None,
        "model_provider": o.model_provider.name if o.model_provider_id else None,
        "processing_regions": sorted(c.code for c in o.processing_regions.all()),
        "storage_regions": sorted(c.code for c in o.storage_regions.all()),
        "residency_exceptions": [x.note for x in o.residency_exceptions.all()],
        "models": [f.name for f in o.model_families.all()],
        "qualifications": [q.name for q in o.qualifications.all()],
        "model_licence": o.model_licence, "summary": o.summary, "private": o.organisation_id is not None,
        "chain": chain,
        "answers": [{
            "criterion": a.criterion.key, "status": a.status, "level": a.level, "rationale": a.rationale,
            "derived": a.derived, "confidence": a.confidence, "stale": a.stale,
            "evidence": _evidence_rows(a.evidence),
        } for a in profile.answers],
    }


def _history(evaluation: Evaluation) -> list[dict]:
    events = (AuditEvent.objects.filter(evaluation=evaluation).exclude(action__in=HIDDEN_HISTORY)
              .select_related("actor").order_by("at", "pk"))
    return [{"at": e.at, "actor": e.actor.get_username() if e.actor else "", "action": e.action, "field": e.field,
             "old_value": e.old_value, "new_value": e.new_value, "note": e.note} for e in events]


def _requirements(evaluation: Evaluation, context: EvaluationContext, outcome: Outcome) -> dict:
    """What the buyer answered, with the names people read. The values the scoring used (weights, trusted
    jurisdictions, modes, SEAL minimums, own-hosting levels, uses) are stored once, in `scoring_profile`."""
    countries = {c.code: c.name for c in context.countries}
    preset = context.preset(evaluation.sector)
    regulations = {r["key"]: r["name"] for r in context.regulations}
    return {
        "sector": {"key": evaluation.sector, "name": preset["name"] if preset else ""},
        "classification": {"key": evaluation.classification,
                           "label": Classification(evaluation.classification).label
                           if evaluation.classification else ""},
        "use_cases": evaluation.use_cases,
        "regulations": [{"key": k, "name": regulations.get(k, k)} for k in sorted(evaluation.regulations)],
        "country_names": {c: countries.get(c, c) for c in sorted(outcome.profile.trusted_countries)},
        "use_names": {u: USE_CHOICES.get(u, u) for u in sorted(outcome.profile.uses)},
        "must_haves": [{"criterion": m.criterion, "level": m.level, "active": m.active, "reason": m.reason,
                        "rule_level": m.rule.level if m.rule else None, "override_reason": m.override_reason,
                        "buyer_level": m.buyer_level} for m in outcome.must_haves],
        "names": answer_names(context),  # what the change history's values are called
    }


def _checklist(context: EvaluationContext) -> dict:
    """The checklist as the data files write it (one serialisation), without the presets and rules."""
    return checklist_data(context.checklist).model_dump(
        mode="json", include={"version", "published", "csf_objectives", "areas", "criteria"})


def report_snapshot(*, evaluation: Evaluation, context: EvaluationContext | None = None,
                    detail: tuple[str, ...] = (), with_changes: bool = True) -> ReportSnapshot:
    """Score the evaluation as of its snapshot date and freeze everything the report shows.

    The snapshot is built in English and again in each other report language; the sentences that differ are kept
    under `translations`, so one snapshot (one fingerprint) serves the report in every language.

    `detail` adds offerings whose answers and sources are kept besides the shortlist's (to compare with an earlier
    report's shortlist). With `with_changes`, the snapshot also says what changed since the previous stored report
    of a different basis (the snapshot without this part), so that section is stable once that report exists.
    """
    checklist = context.checklist if context is not None else evaluation.checklist
    day = snapshot_date(evaluation)
    bodies = {}
    for language in REPORT_LANGUAGES:
        with translation.override(language):
            # made plain JSON here: a lazy translation left in the body would be read in whatever language is
            # active when the snapshot is serialised
            bodies[language] = json.loads(canonical_json(
                _snapshot_body(evaluation, evaluation_context(checklist), day, detail)))
    if with_changes:
        basis = hashlib.sha256(canonical_json(bodies["en"])).hexdigest()
        for language, body in bodies.items():
            body["basis"] = basis
            with translation.override(language):
                body["changes_since"] = json.loads(canonical_json(_changes_since_previous(evaluation, body, language)))
    data = bodies["en"]
    data["translations"] = {language: _translated_texts(json.loads(canonical_json(data)),
                                                        json.loads(canonical_json(bodies[language])))
                            for language in REPORT_LANGUAGES if language != "en"}
    return ReportSnapshot.from_data(data)


def _snapshot_body(evaluation: Evaluation, context: EvaluationContext, day: dt.date, detail: tuple[str, ...]) -> dict:
    """Everything the report shows, with the app's sentences in the active language."""
    outcome = evaluation_outcome(evaluation, context, samples=SENSITIVITY_SAMPLES, today=day)
    shortlist, source = shortlist_of(evaluation, outcome)
    detailed = list(dict.fromkeys([*shortlist, *(k for k in detail if k in outcome.offerings)]))
    profiles = [outcome.offerings[k] for k in detailed]
    chain_evidence = _chain_evidence(profiles)
    return {
        "format": SNAPSHOT_FORMAT, "version": SNAPSHOT_VERSION,
        "snapshot_date": day,
        "organisation": {"name": evaluation.organisation.name, "slug": evaluation.organisation.slug},
        "evaluation": {"name": evaluation.name, "slug": evaluation.slug, "created_at": evaluation.created_at},
        "checklist": _checklist(context),
        "catalog": {"as_of": outcome.catalog_as_of, "revision": outcome.catalog_revision},
        "method": {"stale_after_days": settings.VENDOREVAL_STALE_AFTER_DAYS},
        "missing": list(outcome.missing),  # a report of an unfinished questionnaire is a draft
        "blockers": list(outcome.blockers),
        "requirements": _requirements(evaluation, context, outcome),
        "scoring_profile": outcome.profile,
        "inputs": [p.as_input() for p in sorted(outcome.offerings.values(), key=lambda p: p.offering.key)],
        "results": outcome.result,
        "sensitivity": outcome.sensitivity,
        "shortlist": {"keys": shortlist, "source": source},
        "offerings": {p.offering.key: _offering(p, chain_evidence) for p in profiles},
        "history": _history(evaluation),
    }


def _changes_since_previous(evaluation: Evaluation, data: dict, language: str = "en") -> dict | None:
    """What changed since the latest stored report of this evaluation made from a different basis, told in
    `language` (the earlier report's snapshot read in that language too)."""
    from .changes import snapshot_changes  # changes.py reads snapshots with this module's `upgrade`
    from .models import Report

    previous = (Report.objects.filter(evaluation=evaluation, status=Report.Status.READY)
                .exclude(basis=data["basis"]).exclude(snapshot="").order_by("-created_at", "-pk").first())
    if previous is None:
        return None
    changes = snapshot_changes(localized(json.loads(previous.snapshot), language),
                               json.loads(canonical_json(data)), since_document=previous.document_id)
    return changes.as_data()
