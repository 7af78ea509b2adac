"""Derived answers: ownership (A1), extraterritorial exposure (B1), data residency (C1), hosting operator (D3) and model
licence and origin (D5).

They are computed from the company and hosting chain, the offering's regions and its model families against what the
buyer trusts and intends, never typed in; each explanation names the link responsible ("hosting operator Microsoft
Corporation (US): CLOUD Act, FISA 702"). Pure: the chain arrives as pydantic models built by the catalog selectors.

The exposure rule follows the law's reach: the US CLOUD Act (18 U.S.C. § 2713) obliges a provider to disclose data in
its "possession, custody, or control" wherever it is stored, and a parent that controls a subsidiary can be ordered to
produce what the subsidiary holds; a Canadian production order reached data that OVH holds in France through its
Canadian subsidiary (2024–2025). So B1 looks at every company that holds the buyer's content, at the companies that
control each of them, and at their establishments abroad.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import AnswerInput, Confidence, Frozen
from .text import _, thousands_mark

# the uses a licence can withhold, by restriction kind; "commercial" is every buyer's use (production, not research)
COMMERCIAL = "commercial"
USE_OF_RESTRICTION = {"military": "military", "government": "government", "competing_models": "competing_models",
                      "multimodal_eu": "multimodal_eu", "non_commercial": COMMERCIAL}
def use_labels() -> dict[str, str]:
    """The uses a licence may withhold, as the knock-out names them."""
    return {"military": _("military or defence use"), "government": _("use by a public authority"),
            "competing_models": _("training or improving other models with its outputs"),
            "multimodal_eu": _("multimodal use by an organisation based in the EU"), COMMERCIAL: _("production use")}


def role_label(role: str) -> str:
    """A company's role in the chain, in the reader's language ("sub-processor (…)" keeps the catalog's role text)."""
    if role.startswith("sub-processor (") and role.endswith(")"):
        return _("sub-processor (%(role)s)") % {"role": role[len("sub-processor ("):-1]}
    return {"contracting entity": _("contracting entity"), "hosting operator": _("hosting operator"),
            "model provider": _("model provider"), "controlling parent": _("controlling parent")}.get(role, role)


class Establishment(Frozen):
    name: str
    country: str
    laws: tuple[str, ...] = ()


class CompanyLink(Frozen):
    name: str
    country: str  # ISO code
    laws: tuple[str, ...] = ()  # extraterritorial-access laws binding companies of that country
    confidence: Confidence = Confidence.CONFIRMED  # weakest source for this company's facts
    establishments: tuple[Establishment, ...] = ()  # subsidiaries, branches, offices abroad

    def label(self) -> str:
        return f"{self.name} ({self.country})"


class SubprocessorLink(Frozen):
    role: str
    chain: tuple[CompanyLink, ...]  # the sub-processor, then the companies that control it
    confidence: Confidence = Confidence.CONFIRMED  # weakest source naming it as sub-processor
    content: bool = True  # processes the buyer's content


class Restriction(Frozen):
    kind: str  # RestrictionKind value
    clause: str
    threshold: int | None = None


class ModelFamilyLink(Frozen):
    name: str
    developer: CompanyLink
    open_weights: bool = False
    licence: str = ""
    licence_known: bool = False  # the licence or usage policy was read (it has a source)
    restrictions: tuple[Restriction, ...] = ()
    confidence: Confidence = Confidence.CONFIRMED


class HostingChain(Frozen):
    vendor: tuple[CompanyLink, ...]  # contracting entity, then the companies that control it, up to the top
    operator: tuple[CompanyLink, ...] = ()  # hosting operator and its controllers; empty when the buyer hosts it
    subprocessors: tuple[SubprocessorLink, ...] = ()
    storage_regions: tuple[str, ...] = ()
    processing_regions: tuple[str, ...] = ()
    residency_exceptions: tuple[str, ...] = ()
    regions_sourced: bool = False  # the regions have a source; without one they count as unknown
    region_confidence: Confidence = Confidence.CONFIRMED
    qualifications: tuple[str, ...] = ()  # sovereign qualifications covering the service (SecNumCloud, C5)
    families: tuple[ModelFamilyLink, ...] = ()

    @property
    def buyer_hosted(self) -> bool:
        return not self.operator


class Buyer(Frozen):
    """What the derived answers are judged against: the buyer's trusted jurisdictions and intended uses."""

    trusted: frozenset[str]
    uses: frozenset[str] = frozenset()  # military, government, competing_models, multimodal_eu
    monthly_users: int | None = None


def weakest(confidences: Iterable[Confidence]) -> Confidence:
    return max(confidences, key=lambda c: c.rank, default=Confidence.CONFIRMED)


def _subject(country: str, laws: tuple[str, ...], trusted: frozenset[str]) -> bool:
    return country not in trusted and bool(laws)


def _laws(link: CompanyLink | Establishment) -> str:
    return ", ".join(link.laws)


# --- A1 ownership ----------------------------------------------------------------------------------------------------


def ownership_answer(chain: HostingChain, trusted: frozenset[str]) -> AnswerInput:
    entity, parents = chain.vendor[0], chain.vendor[1:]
    confidence = weakest(link.confidence for link in chain.vendor)
    if entity.country not in trusted:
        return AnswerInput(criterion="A1", level=0, confidence=confidence,
                           explanation=_("contracting entity %(entity)s is outside the trusted jurisdictions")
                           % {"entity": entity.label()})
    untrusted = [p for p in parents if p.country not in trusted]
    if untrusted:
        names = ", ".join(p.label() for p in untrusted)
        return AnswerInput(criterion="A1", level=1, confidence=confidence,
                           explanation=_("contracting entity %(entity)s is trusted, but parent %(parents)s is not")
                           % {"entity": entity.label(), "parents": names})
    if parents:
        explanation = _("contracting entity %(entity)s and ultimate parent %(parent)s are trusted") % {
            "entity": entity.label(), "parent": parents[-1].label()}
    else:
        explanation = _("contracting entity %(entity)s and no parent company are trusted") % {
            "entity": entity.label()}
    return AnswerInput(criterion="A1", level=4, confidence=confidence, explanation=explanation)


# --- B1 extraterritorial exposure ------------------------------------------------------------------------------------


def content_holders(chain: HostingChain) -> list[tuple[str, tuple[CompanyLink, ...], Confidence]]:
    """(role, the holder then its controllers, confidence) for every company in possession of the buyer's content."""
    holders = [("contracting entity", chain.vendor, chain.vendor[0].confidence)]
    if chain.operator:
        holders.append(("hosting operator", chain.operator, chain.operator[0].confidence))
    holders += [(f"sub-processor ({sub.role})", sub.chain, weakest([sub.chain[0].confidence, sub.confidence]))
                for sub in chain.subprocessors if sub.content and sub.chain]
    return holders


def _exposures(holders, trusted: frozenset[str]) -> list[tuple[int, str, Confidence]]:
    """(level, reason, confidence) of every exposure found along the content holders' chains, without repeats."""
    found: dict[str, tuple[int, str, Confidence]] = {}

    def add(level: int, key: str, reason: str, confidence: Confidence) -> None:
        if key not in found or found[key][0] > level:
            found[key] = (level, reason, confidence)

    for role, links, confidence in holders:
        holder, controllers = links[0], links[1:]
        who = {"role": role_label(role), "holder": holder.label()}
        if _subject(holder.country, holder.laws, trusted):
            add(0, holder.label(), _("%(role)s %(holder)s: %(laws)s") % {**who, "laws": _laws(holder)}, confidence)
            continue
        for controller in controllers:
            if _subject(controller.country, controller.laws, trusted):
                add(1, f"{holder.label()}<{controller.label()}",
                    _("%(role)s %(holder)s is controlled by %(controller)s: %(laws)s")
                    % {**who, "controller": controller.label(), "laws": _laws(controller)},
                    weakest([confidence, controller.confidence]))
        for company in links:
            for place in company.establishments:
                if _subject(place.country, place.laws, trusted):
                    add(3, f"{company.label()}@{place.country}",
                        _("%(role)s %(holder)s: %(company)s has an establishment in %(country)s (%(place)s) that can "
                          "be ordered to produce data it controls: %(laws)s")
                        % {**who, "company": company.label(), "country": place.country, "place": place.name,
                           "laws": _laws(place)},
                        weakest([confidence, company.confidence]))
    return list(found.values())


def exposure_answer(chain: HostingChain, trusted: frozenset[str]) -> AnswerInput:
    if chain.buyer_hosted:
        subject = [link.label() for link in chain.vendor if _subject(link.country, link.laws, trusted)]
        explanation = _("hosted by the buyer: no company in the data path is subject to foreign access laws")
        if subject:
            explanation += "; " + _("%(companies)s is not in the data path") % {"companies": ", ".join(subject)}
        return AnswerInput(criterion="B1", level=4, confidence=weakest(link.confidence for link in chain.vendor),
                           explanation=explanation)
    holders = content_holders(chain)
    exposures = _exposures(holders, trusted)
    if not exposures:
        return AnswerInput(criterion="B1", level=4, confidence=weakest(c for *_holder, c in holders),
                           explanation=_("no company that holds the content, nor any company controlling one, is "
                                         "subject to foreign access laws or established in an untrusted "
                                         "jurisdiction"))
    level = min(e[0] for e in exposures)
    worst = [(reason, confidence) for lvl, reason, confidence in exposures if lvl == level]
    return AnswerInput(criterion="B1", level=level, confidence=weakest(c for _reason, c in worst),
                       explanation="; ".join(reason for reason, _c in worst))


# --- C1 data residency -----------------------------------------------------------------------------------------------


def residency_answer(chain: HostingChain, trusted: frozenset[str]) -> AnswerInput:
    if chain.buyer_hosted:
        return AnswerInput(criterion="C1", level=None, buyer_controlled=True,
                           explanation=_("hosted by the buyer: the buyer's own data centres decide"))
    regions = sorted(set(chain.storage_regions) | set(chain.processing_regions))
    if not regions or not chain.regions_sourced:
        return AnswerInput(criterion="C1", level=None,
                           explanation=_("storage and processing regions are not recorded with a source; settled "
                                         "by the vendor's documentation of where content is stored and processed"))
    outside = [r for r in regions if r not in trusted]
    confidence = chain.region_confidence
    if outside:
        text = (_("stored in %(regions)s, outside the trusted jurisdictions")
                if set(outside) & set(chain.storage_regions)
                else _("processed in %(regions)s, outside the trusted jurisdictions"))
        return AnswerInput(criterion="C1", level=0, confidence=confidence,
                           explanation=text % {"regions": ", ".join(outside)})
    if chain.residency_exceptions:
        return AnswerInput(criterion="C1", level=1, confidence=confidence,
                           explanation=_("stored and processed in %(regions)s by default, with documented "
                                         "exceptions: %(exceptions)s")
                           % {"regions": ", ".join(regions), "exceptions": "; ".join(chain.residency_exceptions)})
    return AnswerInput(criterion="C1", level=4, confidence=confidence,
                       explanation=_("stored and processed only in %(regions)s, all trusted, with no documented "
                                     "exception") % {"regions": ", ".join(regions)})


# --- D3 hosting operator ---------------------------------------------------------------------------------------------


def operator_answer(chain: HostingChain, trusted: frozenset[str]) -> AnswerInput:
    if chain.buyer_hosted:
        return AnswerInput(criterion="D3", level=None, buyer_controlled=True,
                           explanation=_("hosted by the buyer: the buyer's own operator decides"))
    operator = chain.operator[0]
    confidence = weakest(link.confidence for link in chain.operator)
    untrusted = [link for link in chain.operator if link.country not in trusted]
    if untrusted:
        who = (_("hosting operator %(operator)s") % {"operator": operator.label()} if untrusted[0] is operator else
               _("hosting operator %(operator)s with parent %(parent)s")
               % {"operator": operator.label(), "parent": untrusted[0].label()})
        regions = chain.processing_regions
        if regions and all(r in trusted for r in regions):
            return AnswerInput(criterion="D3", level=1, confidence=confidence,
                               explanation=_("%(who)s is untrusted, processing in trusted regions %(regions)s")
                               % {"who": who, "regions": ", ".join(regions)})
        text = _("%(who)s is untrusted") if regions else _("%(who)s is untrusted; processing regions unknown")
        return AnswerInput(criterion="D3", level=0, confidence=confidence, explanation=text % {"who": who})
    if chain.qualifications:
        return AnswerInput(criterion="D3", level=4, confidence=confidence,
                           explanation=_("trusted operator %(operator)s qualified %(qualifications)s")
                           % {"operator": operator.label(), "qualifications": ", ".join(chain.qualifications)})
    return AnswerInput(criterion="D3", level=3, confidence=confidence,
                       explanation=_("trusted operator %(operator)s, no sovereign qualification recorded")
                       % {"operator": operator.label()})


# --- D5 model licence and origin -------------------------------------------------------------------------------------


def withheld_uses(family: ModelFamilyLink, buyer: Buyer) -> list[tuple[str, Restriction]]:
    """The buyer's uses this family's licence withholds, with the clause that withholds each."""
    uses = buyer.uses | {COMMERCIAL}
    found = []
    for r in family.restrictions:
        if r.kind == "user_threshold":
            if buyer.monthly_users is not None and r.threshold is not None and buyer.monthly_users > r.threshold:
                threshold = f"{r.threshold:,}".replace(",", thousands_mark())
                found.append((_("more than %(threshold)s monthly active users") % {"threshold": threshold},
                              r))
        elif USE_OF_RESTRICTION.get(r.kind) in uses:
            found.append((use_labels()[USE_OF_RESTRICTION[r.kind]], r))
    return found


def _family_level(family: ModelFamilyLink, buyer: Buyer) -> tuple[int | None, str]:
    who = {"family": family.name, "developer": family.developer.label()}
    if not family.licence_known:
        return None, _("%(family)s by %(developer)s: licence not recorded with a source") % who
    withheld = withheld_uses(family, buyer)
    if withheld:
        use, restriction = withheld[0]
        return 0, _("%(family)s by %(developer)s: the licence withholds %(use)s (“%(clause)s”)") % {
            **who, "use": use, "clause": restriction.clause}
    if family.developer.country in buyer.trusted:
        return 4, _("%(family)s by %(developer)s: licensed for your uses, developer trusted") % who
    if family.open_weights:
        return 2, _("%(family)s by %(developer)s: licensed for your uses, open weights, developer outside the trusted "
                    "jurisdictions") % who
    return 1, _("%(family)s by %(developer)s: licensed for your uses, closed model, developer outside the trusted "
                "jurisdictions") % who


def licence_answer(chain: HostingChain, buyer: Buyer) -> AnswerInput:
    if not chain.families:
        return AnswerInput(criterion="D5", level=None,
                           explanation=_("no model family recorded for this offering; settled by the vendor's list "
                                         "of the models it serves"))
    judged = [(family, *_family_level(family, buyer)) for family in chain.families]
    known = [(family, level, text) for family, level, text in judged if level is not None]
    if not known:
        return AnswerInput(criterion="D5", level=None,
                           explanation="; ".join(j[2] for j in judged))
    best = max(k[1] for k in known)
    chosen = [(family, text) for family, level, text in known if level == best]
    others = [text for family, level, text in judged if level != best]
    confidence = weakest(c for family, _text in chosen for c in (family.confidence, family.developer.confidence))
    explanation = "; ".join(text for _family, text in chosen)
    if others:
        explanation += " " + _("(also offered: %(others)s)") % {"others": "; ".join(others)}
    return AnswerInput(criterion="D5", level=best, confidence=confidence, explanation=explanation)


def derived_answers(chain: HostingChain, buyer: Buyer | frozenset[str]) -> dict[str, AnswerInput]:
    if not isinstance(buyer, Buyer):
        buyer = Buyer(trusted=frozenset(buyer))
    trusted = buyer.trusted
    return {
        "A1": ownership_answer(chain, trusted),
        "B1": exposure_answer(chain, trusted),
        "C1": residency_answer(chain, trusted),
        "D3": operator_answer(chain, trusted),
        "D5": licence_answer(chain, buyer),
    }
