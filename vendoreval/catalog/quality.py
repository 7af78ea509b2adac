"""The catalog's quality, computed from the data files: per offering, how many answers are known, how strongly they are
sourced, which have gone stale and which evidence is the weakest; and the same figures for the whole catalog.

Pure: reads a `CatalogBundle` (`files.read_catalog`), no database. "All answers" are every criterion of every
offering as the catalog page sees it for the default buyer (EU + EEA trusted): the typed answers plus the derived ones
(A1, B1, C1, D3, D5), which are computed here with the same exposure rules the pages use (`scoring.exposure`), from
the same facts (company chains, establishments, hosting operator, content sub-processors, regions, model families).
An answer the buyer controls (self-hosted offerings) is neither known nor unknown: it is counted apart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable

from vendoreval.scoring import exposure
from vendoreval.scoring.models import Confidence

from .files import CatalogBundle, is_bare_domain
from .schema import CompanyData, EvidenceData, ModelFamilyData, OfferingData

STALE_AFTER_DAYS = 548  # 18 months; the pages use settings.VENDOREVAL_STALE_AFTER_DAYS (the same figure)
LEVEL, UNKNOWN, BUYER = "level", "unknown", "buyer_controlled"


@dataclasses.dataclass(frozen=True)
class AnswerQuality:
    criterion: str
    status: str  # level | unknown | buyer_controlled
    derived: bool
    confidence: Confidence | None  # levelled answers: the best source's (typed) or the chain's weakest (derived)
    stale: bool  # a typed level whose newest dated source is older than the limit (dated events never go stale)
    bare_domain_only: bool  # a typed level whose every source is a site's root
    evidence: tuple[EvidenceData, ...] = ()


@dataclasses.dataclass(frozen=True)
class OfferingQuality:
    key: str
    name: str
    file: str
    answers: tuple[AnswerQuality, ...]

    @property
    def total(self) -> int:
        return len(self.answers)

    def count(self, status: str) -> int:
        return sum(a.status == status for a in self.answers)

    @property
    def unknown(self) -> int:
        return self.count(UNKNOWN)

    @property
    def buyer_controlled(self) -> int:
        return self.count(BUYER)

    @property
    def known(self) -> int:
        return self.count(LEVEL)

    @property
    def by_confidence(self) -> dict[Confidence, int]:
        found = Counter(a.confidence for a in self.answers if a.status == LEVEL)
        return {c: found.get(c, 0) for c in Confidence}

    @property
    def stale(self) -> int:
        return sum(a.stale for a in self.answers)

    @property
    def weakest(self) -> AnswerQuality | None:
        """The typed level resting on the weakest evidence: lowest confidence, then the oldest (or undated) source."""
        typed = [a for a in self.answers if a.status == LEVEL and not a.derived]
        if not typed:
            return None

        def weakness(a: AnswerQuality):
            dates = [e.source_date for e in a.evidence if e.source_date]
            newest = max(dates) if dates else dt.date.min
            return (a.confidence.rank if a.confidence else len(Confidence), a.stale, -newest.toordinal(), a.criterion)

        return max(typed, key=weakness)

    def weakest_label(self) -> str:
        a = self.weakest
        if a is None:
            return "-"
        best = min(a.evidence, key=lambda e: e.confidence.rank)
        when = best.source_date.isoformat() if best.source_date else "undated"
        return f"{a.criterion} {a.confidence.value if a.confidence else '?'}, {when}: {best.url}"


@dataclasses.dataclass(frozen=True)
class CatalogQuality:
    as_of: dt.date
    today: dt.date
    offerings: tuple[OfferingQuality, ...]

    @property
    def answers(self) -> int:
        return sum(o.total for o in self.offerings)

    @property
    def unknown(self) -> int:
        return sum(o.unknown for o in self.offerings)

    @property
    def buyer_controlled(self) -> int:
        return sum(o.buyer_controlled for o in self.offerings)

    @property
    def known(self) -> int:
        return sum(o.known for o in self.offerings)

    @property
    def unknown_share(self) -> float:
        return self.unknown / self.answers if self.answers else 0.0

    @property
    def by_confidence(self) -> dict[Confidence, int]:
        return {c: sum(o.by_confidence[c] for o in self.offerings) for c in Confidence}

    @property
    def stale(self) -> int:
        return sum(o.stale for o in self.offerings)

    @property
    def bare_domain_only(self) -> int:
        return sum(a.bare_domain_only for o in self.offerings for a in o.answers)


# --- derived answers: the chain as the pages build it (selectors.offering_profiles), from the files -------------------


def _weakest(evidence: Iterable[EvidenceData]) -> Confidence:
    present = [e.confidence for e in evidence]
    return exposure.weakest(present) if present else Confidence.INFERRED


class _Chains:
    def __init__(self, bundle: CatalogBundle) -> None:
        self.companies = {c.key: c for c in bundle.companies.companies}
        laws = {law.key: law.name for law in bundle.jurisdictions.laws}
        self.laws = {c.code: tuple(laws[k] for k in c.laws) for c in bundle.jurisdictions.countries}
        self.families = {f.key: f for f in bundle.model_families.model_families}
        self.trusted = frozenset(c.code for c in bundle.jurisdictions.countries if c.eu or c.eea)

    def chain(self, key: str) -> list[CompanyData]:
        chain, seen = [], set()
        current = self.companies.get(key)
        while current is not None and current.key not in seen:
            seen.add(current.key)
            chain.append(current)
            current = self.companies.get(current.parent) if current.parent else None
        return chain

    def link(self, company: CompanyData) -> exposure.CompanyLink:
        return exposure.CompanyLink(
            name=company.name, country=company.country, laws=self.laws.get(company.country, ()),
            confidence=_weakest(company.evidence),
            establishments=tuple(exposure.Establishment(name=e.name, country=e.country,
                                                        laws=self.laws.get(e.country, ()))
                                 for e in company.establishments))

    def links(self, key: str | None) -> tuple[exposure.CompanyLink, ...]:
        return tuple(self.link(c) for c in self.chain(key)) if key else ()

    def family(self, family: ModelFamilyData) -> exposure.ModelFamilyLink:
        return exposure.ModelFamilyLink(
            name=family.name, developer=self.link(self.companies[family.developer]), open_weights=family.open_weights,
            licence=family.licence, licence_known=bool(family.evidence), confidence=_weakest(family.evidence),
            restrictions=tuple(exposure.Restriction(kind=r.kind.value, clause=r.clause, threshold=r.threshold)
                               for r in family.restrictions))

    def hosting_chain(self, o: OfferingData) -> exposure.HostingChain:
        return exposure.HostingChain(
            vendor=self.links(o.vendor),
            operator=self.links(o.hosting_operator),
            subprocessors=tuple(exposure.SubprocessorLink(role=s.role, chain=self.links(s.company), content=s.content,
                                                          confidence=_weakest(s.evidence))
                                for s in o.subprocessors),
            storage_regions=tuple(sorted(o.storage_regions)),
            processing_regions=tuple(sorted(o.processing_regions)),
            residency_exceptions=tuple(x.note for x in o.residency_exceptions),
            regions_sourced=bool(o.region_evidence), region_confidence=_weakest(o.region_evidence),
            qualifications=tuple(q.name for q in o.sovereign_qualifications),
            families=tuple(self.family(self.families[k]) for k in o.models if k in self.families),
        )


# --- typed answers ----------------------------------------------------------------------------------------------------


def is_stale(evidence: Iterable[EvidenceData], today: dt.date, after_days: int = STALE_AFTER_DAYS) -> bool:
    """The newest dated source is older than the limit (undated sources say nothing about age)."""
    dates = [e.source_date for e in evidence if e.source_date]
    return bool(dates) and (today - max(dates)).days > after_days


def offering_quality(offering: OfferingData, file: str, bundle: CatalogBundle, *, today: dt.date,
                     stale_after_days: int = STALE_AFTER_DAYS, chains: _Chains | None = None) -> OfferingQuality:
    chains = chains or _Chains(bundle)
    derived = exposure.derived_answers(chains.hosting_chain(offering), exposure.Buyer(trusted=chains.trusted))
    rows = []
    for criterion in bundle.checklist.criteria:
        if criterion.derived:
            d = derived.get(criterion.key)
            if d is None:
                rows.append(AnswerQuality(criterion.key, UNKNOWN, True, None, False, False))
                continue
            status = BUYER if d.buyer_controlled else UNKNOWN if d.level is None else LEVEL
            rows.append(AnswerQuality(criterion.key, status, True, d.confidence if status == LEVEL else None,
                                      False, False))
            continue
        a = offering.answers.get(criterion.key)
        if a is None or (a.level is not None and not a.evidence):
            rows.append(AnswerQuality(criterion.key, UNKNOWN, False, None, False, False))
        elif a.buyer_controlled:
            rows.append(AnswerQuality(criterion.key, BUYER, False, None, False, False))
        elif a.unknown:
            rows.append(AnswerQuality(criterion.key, UNKNOWN, False, None, False, False, tuple(a.evidence)))
        else:
            best = min((e.confidence for e in a.evidence), key=lambda c: c.rank)
            rows.append(AnswerQuality(
                criterion.key, LEVEL, False, best,
                stale=not a.event and is_stale(a.evidence, today, stale_after_days),
                bare_domain_only=all(is_bare_domain(str(e.url)) for e in a.evidence), evidence=tuple(a.evidence)))
    return OfferingQuality(key=offering.key, name=offering.name, file=file, answers=tuple(rows))


def catalog_quality(bundle: CatalogBundle, *, today: dt.date,
                    stale_after_days: int = STALE_AFTER_DAYS) -> CatalogQuality:
    chains = _Chains(bundle)
    return CatalogQuality(
        as_of=bundle.meta.as_of, today=today,
        offerings=tuple(offering_quality(o, bundle.offering_files[o.key], bundle, today=today,
                                         stale_after_days=stale_after_days, chains=chains)
                        for o in sorted(bundle.offerings, key=lambda o: o.key)))


# --- the printed report -----------------------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def report_lines(quality: CatalogQuality) -> list[str]:
    """A plain-text table (one row per offering) and the catalog-wide figures."""
    head = ("offering", "answers", "unknown", "buyer", "confirmed", "3rd party", "inferred", "stale",
            "weakest evidence")
    rows = [head]
    for o in quality.offerings:
        conf = o.by_confidence
        rows.append((o.key, str(o.total), f"{o.unknown} ({_pct(o.unknown, o.total)})", str(o.buyer_controlled),
                     str(conf[Confidence.CONFIRMED]), str(conf[Confidence.THIRD_PARTY]), str(conf[Confidence.INFERRED]),
                     str(o.stale), o.weakest_label()))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head) - 1)]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(r[:-1], widths, strict=True))) + "  " + r[-1] for r in rows]
    conf = quality.by_confidence
    known = quality.known
    lines += [
        "",
        f"Catalog as of {quality.as_of}, staleness judged on {quality.today}: {len(quality.offerings)} offerings, "
        f"{quality.answers} answers (typed and derived, default buyer EU + EEA).",
        f"Unknown: {quality.unknown} ({100 * quality.unknown_share:.1f}%); "
        f"buyer-controlled: {quality.buyer_controlled}; with a level: {known}.",
        f"Levels by confidence: confirmed {conf[Confidence.CONFIRMED]} ({_pct(conf[Confidence.CONFIRMED], known)}), "
        f"third-party {conf[Confidence.THIRD_PARTY]} ({_pct(conf[Confidence.THIRD_PARTY], known)}), "
        f"inferred {conf[Confidence.INFERRED]} ({_pct(conf[Confidence.INFERRED], known)})"
        + (f", vendor-stated {conf[Confidence.VENDOR_STATED]}" if conf[Confidence.VENDOR_STATED] else "") + ".",
        f"Stale levels (newest source over 18 months old, dated events excepted): {quality.stale}; levels resting only "
        f"on a bare domain: {quality.bare_domain_only}.",
    ]
    return lines
