"""The conditions a recommendation comes with: the answers it rests on that are not known or not fresh, on criteria
that carry weight or a must-have, how much of it rests on the vendor's own or official documents, and how much on
the vendor's reviewed self-assessment.

Pure, so the results page and the report (which has only its snapshot) state the same conditions.
"""

from __future__ import annotations

from .models import Frozen, OfferingResult, RequirementProfile


class Conditions(Frozen):
    offering: str
    unknown: tuple[str, ...]  # criteria with weight or a must-have whose answer is unknown
    stale: tuple[str, ...]  # the same, with evidence older than 18 months
    confirmed_share: float  # of the vendor's known answers, confirmed by its own or an official document
    vendor_stated_share: float = 0.0  # of the same, resting on the vendor's reviewed self-assessment only
    known_share: float  # of all answers, known


def conditions(result: OfferingResult, profile: RequirementProfile) -> Conditions:
    must = {m.criterion for m in profile.must_haves}
    weighted = {area for area, weight in profile.area_weights.items() if weight > 0}
    matters = [c for c in result.criteria if c.criterion in must or c.area in weighted]
    return Conditions(
        offering=result.key,
        unknown=tuple(c.criterion for c in matters if c.unknown),
        stale=tuple(c.criterion for c in matters if c.stale),
        confirmed_share=result.confidence,
        vendor_stated_share=result.vendor_stated,
        known_share=result.known_share,
    )
