"""Reads of the catalog, shaped for pages and for the scoring core, in a constant number of queries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from vendoreval.checklist.models import ChecklistVersion, Criterion
from vendoreval.checklist.selectors import current_checklist  # noqa: F401 - re-exported for the catalog views
from vendoreval.scoring import exposure
from vendoreval.scoring.models import AnswerInput, OfferingInput
from vendoreval.scoring.models import Confidence as ScoreConfidence

from .models import Answer, CatalogRelease, Company, Country, Evidence, Offering, Subprocessor
from .schema import Confidence

BEST_FIRST = [ScoreConfidence.CONFIRMED, ScoreConfidence.THIRD_PARTY, ScoreConfidence.INFERRED]


def default_trusted_countries() -> frozenset[str]:
    """EU + EEA: the default trusted jurisdictions."""
    return frozenset(Country.objects.filter(Q(eu=True) | Q(eea=True)).values_list("code", flat=True))


def current_release() -> CatalogRelease | None:
    return CatalogRelease.objects.first()


@dataclasses.dataclass(frozen=True)
class EvidenceRow:
    """An evidence row as pages, the scoring and the report read it (plain values: no model instance per row)."""

    url: str
    title: str
    source_date: dt.date | None
    accessed: dt.date
    confidence: str
    note: str

    FIELDS = ("url", "title", "source_date", "accessed", "confidence", "note")

    def get_confidence_display(self) -> str:
        return Confidence(self.confidence).label


@dataclasses.dataclass(frozen=True)
class AnswerView:
    criterion: Criterion
    status: str  # level | unknown | buyer_controlled
    level: int | None
    rationale: str
    evidence: tuple[EvidenceRow, ...]
    confidence: ScoreConfidence | None
    stale: bool
    derived: bool = False

    @property
    def unknown(self) -> bool:
        return self.status == Answer.UNKNOWN

    @property
    def meaning(self) -> str:
        return self.criterion.level_meaning(self.level) if self.level is not None else ""

    def as_input(self) -> AnswerInput:
        # Built without re-validation: every value comes from validated catalog data (a results page builds ~700).
        return AnswerInput.model_construct(criterion=self.criterion.key, level=self.level,
                                           buyer_controlled=self.status == Answer.BUYER_CONTROLLED,
                                           confidence=self.confidence, stale=self.stale, explanation=self.rationale)


@dataclasses.dataclass(frozen=True)
class ChainMember:
    role: str
    company: Company
    laws: tuple[str, ...]
    trusted: bool


@dataclasses.dataclass(frozen=True)
class OfferingProfile:
    offering: Offering
    answers: tuple[AnswerView, ...]  # every checklist criterion, in checklist order
    chain: tuple[ChainMember, ...]

    @property
    def gaps(self) -> list[AnswerView]:
        return [a for a in self.answers if a.unknown]

    @property
    def stale(self) -> list[AnswerView]:
        return [a for a in self.answers if a.stale]

    def as_input(self) -> OfferingInput:
        o = self.offering
        return OfferingInput.model_construct(key=o.key, name=o.name, vendor=o.vendor.name,
                                             deployment_mode=o.deployment_mode,
                                             answers=tuple(a.as_input() for a in self.answers))


class _AnswerRow(NamedTuple):
    pk: int
    offering_id: int
    criterion_id: int
    status: str
    level: int | None
    rationale: str


class _Companies:
    """Every company with its country and laws, loaded once, for walking parent chains without queries."""

    def __init__(self) -> None:
        self.by_pk = {c.pk: c for c in Company.objects.select_related("country").prefetch_related("country__laws")}
        self.laws = {pk: tuple(law.name for law in c.country.laws.all()) for pk, c in self.by_pk.items()}

    def chain(self, company: Company) -> list[Company]:
        chain, seen = [], set()
        current = self.by_pk.get(company.pk)
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            chain.append(current)
            current = self.by_pk.get(current.parent_id) if current.parent_id else None
        return chain


def _evidence_by_object(objects: dict[type, Iterable[int]]) -> dict[tuple[int, int], list[EvidenceRow]]:
    query = Q(pk__in=[])
    for model, pks in objects.items():
        query |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=list(pks))
    rows: dict[tuple[int, int], list[EvidenceRow]] = defaultdict(list)
    for content_type, object_id, *values in (Evidence.objects.filter(query).order_by("position", "pk")
                                             .values_list("content_type_id", "object_id", *EvidenceRow.FIELDS)):
        rows[(content_type, object_id)].append(EvidenceRow(*values))
    return rows


def _best_confidence(evidence: Iterable[EvidenceRow]) -> ScoreConfidence | None:
    present = {ScoreConfidence(e.confidence) for e in evidence}
    return next((c for c in BEST_FIRST if c in present), None)


def _weakest_confidence(evidence: Iterable[EvidenceRow]) -> ScoreConfidence:
    present = [ScoreConfidence(e.confidence) for e in evidence]
    return exposure.weakest(present) if present else ScoreConfidence.INFERRED


def is_stale(evidence: Iterable[EvidenceRow], today: dt.date) -> bool:
    dates = [e.source_date for e in evidence if e.source_date]
    return bool(dates) and (today - max(dates)).days > settings.VENDOREVAL_STALE_AFTER_DAYS


def offerings_for(organisations=()) -> QuerySet[Offering]:
    """Shared offerings plus the private ones of `organisations`, ready for `offering_profiles`."""
    return (Offering.objects.visible_to(organisations)
            .select_related("vendor__country", "model_provider", "hosting_operator__country", "organisation")
            .prefetch_related("processing_regions", "subprocessors__company", "qualifications")
            .order_by("name", "key"))


def offering_profiles(offerings: Iterable[Offering], *, checklist: ChecklistVersion, trusted: frozenset[str],
                      today: dt.date) -> list[OfferingProfile]:
    """Every answer of each offering, with evidence, derived answers computed against `trusted`, gaps and staleness.

    A level without any evidence is treated as unknown: the catalog never scores an unsourced claim.
    """
    offerings = list(offerings)
    criteria = list(checklist.criteria.select_related("area", "csf_objective").order_by("position", "key"))
    companies = _Companies()
    answers = {(row[1], row[2]): _AnswerRow(*row) for row in Answer.objects.filter(offering__in=offerings)
               .values_list("pk", "offering_id", "criterion_id", "status", "level", "rationale")}
    subprocessors = [s for o in offerings for s in o.subprocessors.all()]
    evidence = _evidence_by_object({
        Answer: [a.pk for a in answers.values()],  # one query for every answer's sources
        Company: list(companies.by_pk),
        Subprocessor: [s.pk for s in subprocessors],
    })
    ct = {m: ContentType.objects.get_for_model(m).pk for m in (Answer, Company, Subprocessor)}

    def company_link(company: Company) -> exposure.CompanyLink:
        return exposure.CompanyLink(name=company.name, country=company.country_id, laws=companies.laws[company.pk],
                                    confidence=_weakest_confidence(evidence.get((ct[Company], company.pk), [])))

    profiles = []
    for o in offerings:
        vendor_chain = companies.chain(o.vendor)
        operator_chain = companies.chain(o.hosting_operator) if o.hosting_operator_id else []
        chain = exposure.HostingChain(
            vendor=tuple(company_link(c) for c in vendor_chain),
            operator=tuple(company_link(c) for c in operator_chain),
            subprocessors=tuple(
                exposure.SubprocessorLink(
                    role=s.role, chain=tuple(company_link(c) for c in companies.chain(s.company)),
                    confidence=_weakest_confidence(evidence.get((ct[Subprocessor], s.pk), [])))
                for s in o.subprocessors.all()),
            processing_regions=tuple(sorted(c.code for c in o.processing_regions.all())),
            qualifications=tuple(q.name for q in o.qualifications.all()),
        )
        derived = exposure.derived_answers(chain, trusted)
        views = []
        for criterion in criteria:
            if criterion.derived:
                d = derived[criterion.key]
                views.append(AnswerView(
                    criterion=criterion,
                    status=Answer.BUYER_CONTROLLED if d.buyer_controlled else Answer.LEVEL, level=d.level,
                    rationale=d.explanation, evidence=(), confidence=d.confidence, stale=False, derived=True))
                continue
            answer = answers.get((o.pk, criterion.pk))
            ev = tuple(evidence.get((ct[Answer], answer.pk), [])) if answer else ()
            if answer is None or (answer.status == Answer.LEVEL and not ev):
                views.append(AnswerView(criterion=criterion, status=Answer.UNKNOWN, level=None,
                                        rationale=answer.rationale if answer else "Not answered in the catalog.",
                                        evidence=ev, confidence=None, stale=False))
                continue
            views.append(AnswerView(
                criterion=criterion, status=answer.status,
                level=answer.level if answer.status == Answer.LEVEL else None,
                rationale=answer.rationale, evidence=ev,
                confidence=_best_confidence(ev) if answer.status == Answer.LEVEL else None,
                stale=answer.status == Answer.LEVEL and is_stale(ev, today)))
        members = [ChainMember("contracting entity" if i == 0 else "parent", c, companies.laws[c.pk],
                               c.country_id in trusted) for i, c in enumerate(vendor_chain)]
        members += [ChainMember("hosting operator" if i == 0 else "operator's parent", c, companies.laws[c.pk],
                                c.country_id in trusted) for i, c in enumerate(operator_chain)]
        members += [ChainMember(f"sub-processor ({s.role})", s.company, companies.laws[s.company_id],
                                s.company.country_id in trusted) for s in o.subprocessors.all()]
        profiles.append(OfferingProfile(offering=o, answers=tuple(views), chain=tuple(members)))
    return profiles
