"""Reads for the vendor's page and the editors' pages."""

from __future__ import annotations

import dataclasses

from django.db.models import QuerySet
from django.utils import timezone

from vendoreval.catalog import selectors as catalog_selectors
from vendoreval.catalog.models import Company, Offering
from vendoreval.checklist.models import ChecklistVersion, Criterion

from .models import VendorAuditEvent, VendorProposal, VendorRequest


def offering_profile(offering: Offering, checklist: ChecklistVersion) -> catalog_selectors.OfferingProfile:
    """The offering as the catalog has it (drafts too), against the default trusted jurisdictions."""
    return catalog_selectors.offering_profiles(Offering.objects.filter(pk=offering.pk), checklist=checklist,
                                               buyer=catalog_selectors.default_buyer(),
                                               today=timezone.localdate())[0]


def answerable_criteria(checklist: ChecklistVersion) -> list[Criterion]:
    """The criteria a vendor can be asked: derived ones are computed from the ownership and hosting chain."""
    return list(checklist.criteria.filter(derived=False).select_related("area").order_by("position", "key"))


def default_criteria(profile: catalog_selectors.OfferingProfile) -> list[str]:
    """What to ask by default: the answers the catalog does not know, or knows from stale sources."""
    return [a.criterion.key for a in profile.answers if not a.derived and (a.unknown or a.stale)]


def companies() -> QuerySet[Company]:
    return Company.objects.select_related("country").order_by("name")


def shared_offerings() -> QuerySet[Offering]:
    """What an editor may ask a vendor about: the shared catalog and its drafts (never a private offering)."""
    return Offering.objects.filter(organisation__isnull=True).select_related("vendor").order_by("name")


def requests_for_editors() -> QuerySet[VendorRequest]:
    return (VendorRequest.objects.select_related("offering", "created_by")
            .prefetch_related("proposals__document").order_by("-created_at", "-pk"))


@dataclasses.dataclass(frozen=True)
class AskedCriterion:
    criterion: Criterion
    current: catalog_selectors.AnswerView | None
    proposal: VendorProposal | None

    @property
    def proposed_meaning(self) -> str:
        level = self.proposal.level if self.proposal else None
        return self.criterion.level_meaning(level) if level is not None else ""


def asked(vendor_request: VendorRequest) -> tuple[catalog_selectors.OfferingProfile, list[AskedCriterion]]:
    """Each asked criterion with the catalog's current answer and the vendor's proposal, in the request's order."""
    profile = offering_profile(vendor_request.offering, vendor_request.checklist)
    current = {a.criterion.key: a for a in profile.answers}
    criteria = {c.key: c for c in vendor_request.checklist.criteria.select_related("area")}
    proposals = {p.criterion_key: p for p in VendorProposal.objects.filter(request=vendor_request)
                 .select_related("document", "reviewed_by")}
    rows = [AskedCriterion(criteria[key], current.get(key), proposals.get(key))
            for key in vendor_request.criteria if key in criteria]
    return profile, rows


def asked_criteria(vendor_request: VendorRequest) -> dict[str, Criterion]:
    criteria = {c.key: c for c in vendor_request.checklist.criteria.select_related("area")}
    return {key: criteria[key] for key in vendor_request.criteria if key in criteria}


def audit_trail(vendor_request: VendorRequest) -> QuerySet[VendorAuditEvent]:
    return vendor_request.audit_events.select_related("actor")
