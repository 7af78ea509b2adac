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
from django.utils import timezone
from django.utils.translation import gettext as _

from vendoreval.checklist.models import ChecklistVersion, Criterion
from vendoreval.checklist.selectors import current_checklist  # noqa: F401 - re-exported for the catalog views
from vendoreval.scoring import exposure
from vendoreval.scoring.models import AnswerInput, Confidence, OfferingInput

from .models import (
    Answer,
    CatalogRelease,
    Company,
    Country,
    Establishment,
    Evidence,
    ModelFamily,
    Offering,
    Subprocessor,
)
from .revisions import latest_revision
from .rules import level_is_sourced


def default_trusted_countries() -> frozenset[str]:
    """EU + EEA: the default trusted jurisdictions."""
    return frozenset(Country.objects.filter(Q(eu=True) | Q(eea=True)).values_list("code", flat=True))


def catalog_state() -> dict:
    """What the pages say the catalog is: the latest revision (number and date) — or, before any, the data files'
    as-of date."""
    revision = latest_revision()
    release = CatalogRelease.objects.first()
    return {"revision": revision.pk if revision else 0,
            "as_of": timezone.localdate(revision.created_at) if revision else (release.as_of if release else None)}


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
    confidence: Confidence | None
    stale: bool
    derived: bool = False
    event: bool = False  # a dated event: keeps its date, never stale

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
    criterion_key: str
    status: str
    level: int | None
    rationale: str
    event: bool


class _Companies:
    """Every company with its country, laws and establishments, loaded once, for walking parent chains without
    queries."""

    def __init__(self) -> None:
        self.by_pk = {c.pk: c for c in Company.objects.select_related("country").prefetch_related("country__laws")}
        self.laws = {pk: tuple(law.name for law in c.country.laws.all()) for pk, c in self.by_pk.items()}
        countries = {c.code: tuple(law.name for law in c.laws.all()) for c in Country.objects.prefetch_related("laws")}
        self.establishments: dict[int, list[exposure.Establishment]] = defaultdict(list)
        for e in Establishment.objects.order_by("position", "pk"):
            self.establishments[e.company_id].append(
                exposure.Establishment(name=e.name, country=e.country_id, laws=countries.get(e.country_id, ())))

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


def _best_confidence(evidence: Iterable[EvidenceRow]) -> Confidence | None:
    return min((Confidence(e.confidence) for e in evidence), key=lambda c: c.rank, default=None)


def _weakest_confidence(evidence: Iterable[EvidenceRow]) -> Confidence:
    present = [Confidence(e.confidence) for e in evidence]
    return exposure.weakest(present) if present else Confidence.INFERRED


def is_stale(evidence: Iterable[EvidenceRow], today: dt.date) -> bool:
    dates = [e.source_date for e in evidence if e.source_date]
    return bool(dates) and (today - max(dates)).days > settings.VENDOREVAL_STALE_AFTER_DAYS


def offerings_for(organisations=()) -> QuerySet[Offering]:
    """Shared offerings plus the private ones of `organisations`, ready for `offering_profiles`."""
    return (Offering.objects.visible_to(organisations)
            .select_related("vendor__country", "model_provider", "hosting_operator__country", "organisation")
            .prefetch_related("processing_regions", "storage_regions", "subprocessors__company", "qualifications",
                              "residency_exceptions", "model_families__restrictions")
            .order_by("name", "key"))


def default_buyer() -> exposure.Buyer:
    """The catalog's own view: EU + EEA trusted, production use."""
    return exposure.Buyer(trusted=default_trusted_countries())


def offering_profiles(offerings: Iterable[Offering], *, checklist: ChecklistVersion,
                      buyer: exposure.Buyer | frozenset[str], today: dt.date) -> list[OfferingProfile]:
    """Every answer of each offering, with evidence, derived answers computed for `buyer`, gaps and staleness.

    Answers are matched to the checklist's criteria by key, so an evaluation on an earlier checklist version reads
    the catalog's answers to the criteria it still has. A level without any evidence is treated as unknown: the
    catalog never scores an unsourced claim.
    """
    if not isinstance(buyer, exposure.Buyer):
        buyer = exposure.Buyer(trusted=frozenset(buyer))
    offerings = list(offerings)
    criteria = list(checklist.criteria.select_related("area", "csf_objective").order_by("position", "key"))
    companies = _Companies()
    answers = {(row[1], row[2]): _AnswerRow(*row) for row in Answer.objects.filter(offering__in=offerings)
               .values_list("pk", "offering_id", "criterion__key", "status", "level", "rationale", "event")}
    subprocessors = [s for o in offerings for s in o.subprocessors.all()]
    families = {f.pk: f for o in offerings for f in o.model_families.all()}
    evidence = _evidence_by_object({
        Answer: [a.pk for a in answers.values()],  # one query for every answer's sources
        Company: list(companies.by_pk),
        Subprocessor: [s.pk for s in subprocessors],
        Offering: [o.pk for o in offerings],
        ModelFamily: list(families),
    })
    ct = {m: ContentType.objects.get_for_model(m).pk for m in (Answer, Company, Subprocessor, Offering, ModelFamily)}

    def sources(model, pk) -> list[EvidenceRow]:
        return evidence.get((ct[model], pk), [])

    def company_link(company: Company) -> exposure.CompanyLink:
        return exposure.CompanyLink(name=company.name, country=company.country_id, laws=companies.laws[company.pk],
                                    confidence=_weakest_confidence(sources(Company, company.pk)),
                                    establishments=tuple(companies.establishments.get(company.pk, ())))

    def family_link(family: ModelFamily) -> exposure.ModelFamilyLink:
        read = sources(ModelFamily, family.pk)
        developer = companies.by_pk[family.developer_id]
        return exposure.ModelFamilyLink(
            name=family.name, developer=company_link(developer), open_weights=family.open_weights,
            licence=family.licence, licence_known=bool(read), confidence=_weakest_confidence(read),
            restrictions=tuple(exposure.Restriction(kind=r.kind, clause=r.clause, threshold=r.threshold)
                               for r in family.restrictions.all()))

    profiles = []
    for o in offerings:
        vendor_chain = companies.chain(o.vendor)
        operator_chain = companies.chain(o.hosting_operator) if o.hosting_operator_id else []
        region_sources = sources(Offering, o.pk)
        chain = exposure.HostingChain(
            vendor=tuple(company_link(c) for c in vendor_chain),
            operator=tuple(company_link(c) for c in operator_chain),
            subprocessors=tuple(
                exposure.SubprocessorLink(
                    role=s.role, chain=tuple(company_link(c) for c in companies.chain(s.company)), content=s.content,
                    confidence=_weakest_confidence(sources(Subprocessor, s.pk)))
                for s in o.subprocessors.all()),
            storage_regions=tuple(sorted(c.code for c in o.storage_regions.all())),
            processing_regions=tuple(sorted(c.code for c in o.processing_regions.all())),
            residency_exceptions=tuple(x.note for x in o.residency_exceptions.all()),
            regions_sourced=bool(region_sources), region_confidence=_weakest_confidence(region_sources),
            qualifications=tuple(q.name for q in o.qualifications.all()),
            families=tuple(family_link(f) for f in o.model_families.all()),
        )
        derived = exposure.derived_answers(chain, buyer)
        views = [_answer_view(criterion, o, derived, answers, sources, today) for criterion in criteria]
        members = [ChainMember("contracting entity" if i == 0 else "parent", c, companies.laws[c.pk],
                               c.country_id in buyer.trusted) for i, c in enumerate(vendor_chain)]
        members += [ChainMember("hosting operator" if i == 0 else "operator's parent", c, companies.laws[c.pk],
                                c.country_id in buyer.trusted) for i, c in enumerate(operator_chain)]
        members += [ChainMember(f"sub-processor ({s.role})", s.company, companies.laws[s.company_id],
                                s.company.country_id in buyer.trusted) for s in o.subprocessors.all()]
        profiles.append(OfferingProfile(offering=o, answers=tuple(views), chain=tuple(members)))
    return profiles


def _answer_view(criterion: Criterion, offering: Offering, derived: dict, answers: dict, sources,
                 today: dt.date) -> AnswerView:
    if criterion.derived and criterion.key in derived:
        d = derived[criterion.key]
        status = (Answer.BUYER_CONTROLLED if d.buyer_controlled else Answer.UNKNOWN if d.level is None
                  else Answer.LEVEL)
        return AnswerView(criterion=criterion, status=status, level=d.level, rationale=d.explanation, evidence=(),
                          confidence=d.confidence, stale=False, derived=True)
    answer = answers.get((offering.pk, criterion.key))
    ev = tuple(sources(Answer, answer.pk)) if answer else ()
    if answer is None or not level_is_sourced(has_level=answer.status == Answer.LEVEL, sources=len(ev)):
        return AnswerView(criterion=criterion, status=Answer.UNKNOWN, level=None,
                          rationale=answer.rationale if answer else _("Not answered in the catalog."),
                          evidence=ev, confidence=None, stale=False)
    levelled = answer.status == Answer.LEVEL
    return AnswerView(
        criterion=criterion, status=answer.status, level=answer.level if levelled else None,
        rationale=answer.rationale, evidence=ev, confidence=_best_confidence(ev) if levelled else None,
        stale=levelled and not answer.event and is_stale(ev, today), event=answer.event)
