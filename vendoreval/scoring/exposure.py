"""Derived answers: ownership (A1), extraterritorial exposure (B1) and hosting operator (D3).

They are computed from the company and hosting chain against the buyer's trusted jurisdictions, never typed in, and
each explanation names the link responsible ("hosting operator Microsoft Corporation (US): CLOUD Act, FISA 702").
Pure: the chain arrives as pydantic models built by the catalog selectors.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import AnswerInput, Confidence, Frozen

CONFIDENCE_ORDER = {Confidence.CONFIRMED: 0, Confidence.THIRD_PARTY: 1, Confidence.INFERRED: 2}


class CompanyLink(Frozen):
    name: str
    country: str  # ISO code
    laws: tuple[str, ...] = ()  # extraterritorial-access laws binding companies of that country
    confidence: Confidence = Confidence.CONFIRMED  # weakest source for this company's facts

    def label(self) -> str:
        return f"{self.name} ({self.country})"


class SubprocessorLink(Frozen):
    role: str
    chain: tuple[CompanyLink, ...]  # the sub-processor, then its parents
    confidence: Confidence = Confidence.CONFIRMED  # weakest source naming it as sub-processor


class HostingChain(Frozen):
    vendor: tuple[CompanyLink, ...]  # contracting entity, then its parents up to the ultimate parent
    operator: tuple[CompanyLink, ...] = ()  # hosting operator and its parents; empty when the buyer hosts it
    subprocessors: tuple[SubprocessorLink, ...] = ()
    processing_regions: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()  # sovereign qualifications covering the service (SecNumCloud, C5)

    @property
    def buyer_hosted(self) -> bool:
        return not self.operator


def weakest(confidences: Iterable[Confidence]) -> Confidence:
    return max(confidences, key=CONFIDENCE_ORDER.__getitem__, default=Confidence.CONFIRMED)


def _subject(link: CompanyLink, trusted: frozenset[str]) -> bool:
    return link.country not in trusted and bool(link.laws)


def _exposure(role: str, link: CompanyLink) -> str:
    return f"{role} {link.label()}: {', '.join(link.laws)}"


def ownership_answer(chain: HostingChain, trusted: frozenset[str]) -> AnswerInput:
    entity, parents = chain.vendor[0], chain.vendor[1:]
    confidence = weakest(link.confidence for link in chain.vendor)
    if entity.country not in trusted:
        return AnswerInput(criterion="A1", level=0, confidence=confidence,
                           explanation=f"contracting entity {entity.label()} is outside the trusted jurisdictions")
    untrusted = [p for p in parents if p.country not in trusted]
    if untrusted:
        names = ", ".join(p.label() for p in untrusted)
        return AnswerInput(criterion="A1", level=1, confidence=confidence,
                           explanation=f"contracting entity {entity.label()} is trusted, but parent {names} is not")
    top = f"ultimate parent {parents[-1].label()}" if parents else "no parent company"
    return AnswerInput(criterion="A1", level=4, confidence=confidence,
                       explanation=f"contracting entity {entity.label()} and {top} are trusted")


def exposure_answer(chain: HostingChain, trusted: frozenset[str]) -> AnswerInput:
    entity = chain.vendor[0]
    if chain.buyer_hosted:
        subject = [link.label() for link in chain.vendor if _subject(link, trusted)]
        licensor = f"; {', '.join(subject)} is not in the data path" if subject else ""
        return AnswerInput(criterion="B1", level=4, confidence=weakest(link.confidence for link in chain.vendor),
                           explanation=f"hosted by the buyer: no company in the data path is subject to foreign "
                                       f"access laws{licensor}")
    links: list[tuple[str, CompanyLink, Confidence]] = [("contracting entity", entity, entity.confidence)]
    links += [("parent", p, p.confidence) for p in chain.vendor[1:]]
    links += [("hosting operator" if i == 0 else "hosting operator's parent", link, link.confidence)
              for i, link in enumerate(chain.operator)]
    for sub in chain.subprocessors:
        links += [(f"sub-processor ({sub.role})" if i == 0 else "sub-processor's parent", link,
                   weakest([link.confidence, sub.confidence])) for i, link in enumerate(sub.chain)]

    seen: set[tuple[str, str]] = set()
    exposed: list[tuple[str, CompanyLink, Confidence]] = []
    for role, link, confidence in links:
        if _subject(link, trusted) and (link.name, link.country) not in seen:
            seen.add((link.name, link.country))
            exposed.append((role, link, confidence))
    if not exposed:
        return AnswerInput(criterion="B1", level=4, confidence=weakest(c for _, _, c in links),
                           explanation="no company in the hosting chain is subject to foreign access laws")
    explanation = "; ".join(_exposure(role, link) for role, link, _ in exposed)
    confidence = weakest(c for _, _, c in exposed)
    level = 0 if _subject(entity, trusted) else 1
    return AnswerInput(criterion="B1", level=level, confidence=confidence, explanation=explanation)


def operator_answer(chain: HostingChain, trusted: frozenset[str]) -> AnswerInput:
    if chain.buyer_hosted:
        return AnswerInput(criterion="D3", level=None, buyer_controlled=True,
                           explanation="hosted by the buyer: the buyer's own operator decides")
    operator = chain.operator[0]
    confidence = weakest(link.confidence for link in chain.operator)
    untrusted = [link for link in chain.operator if link.country not in trusted]
    if untrusted:
        who = f"hosting operator {operator.label()}" if untrusted[0] is operator else (
            f"hosting operator {operator.label()} with parent {untrusted[0].label()}")
        regions = chain.processing_regions
        if regions and all(r in trusted for r in regions):
            return AnswerInput(criterion="D3", level=1, confidence=confidence,
                               explanation=f"{who} is untrusted, processing in trusted regions {', '.join(regions)}")
        return AnswerInput(criterion="D3", level=0, confidence=confidence,
                           explanation=f"{who} is untrusted" + ("" if regions else "; processing regions unknown"))
    if chain.qualifications:
        return AnswerInput(criterion="D3", level=4, confidence=confidence,
                           explanation=f"trusted operator {operator.label()} qualified "
                                       f"{', '.join(chain.qualifications)}")
    return AnswerInput(criterion="D3", level=3, confidence=confidence,
                       explanation=f"trusted operator {operator.label()}, no sovereign qualification recorded")


def derived_answers(chain: HostingChain, trusted: frozenset[str]) -> dict[str, AnswerInput]:
    return {
        "A1": ownership_answer(chain, trusted),
        "B1": exposure_answer(chain, trusted),
        "D3": operator_answer(chain, trusted),
    }
