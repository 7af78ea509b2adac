"""Writes of vendor self-assessments: open a request (and e-mail its link), save the vendor's answers, submit,
revoke, review. Only `vendor_answer_accept` writes to the shared catalog.

Every write records an audit row (`VendorAuditEvent`); the vendor's writes check, under a row lock of the request,
that it is still open, so nothing is saved after submission, revocation or expiry."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vendoreval.accounts.models import preferred_language
from vendoreval.catalog.models import Answer, CatalogRevision, Company, Evidence, Offering, Source
from vendoreval.catalog.revisions import catalog_revision
from vendoreval.catalog.rules import BUYER_HOSTED_MODES
from vendoreval.catalog.schema import DeploymentMode, Publisher
from vendoreval.checklist.selectors import current_checklist
from vendoreval.fields import FieldError, clean_text
from vendoreval.scoring.models import Confidence
from vendoreval.slugs import create_with_unique_slug, slug_base

from . import documents, rules, selectors, tokens
from .models import VendorAuditEvent, VendorDocument, VendorProposal, VendorRequest
from .questions import REMOVE, DocumentQuestion, ProposalQuestion

AUDIT_DETAIL_MAX = 1000


class RequestClosed(Exception):
    """The request no longer takes the vendor's answers (submitted, revoked or expired)."""

    def __init__(self, vendor_request: VendorRequest):
        self.state = vendor_request.state
        super().__init__(f"request {vendor_request.pk} is {self.state}")


def audit(vendor_request: VendorRequest, action: str, *, actor=None, criterion: str = "", field: str = "",
          detail: str = "", ip: str | None = None) -> VendorAuditEvent:
    return VendorAuditEvent.objects.create(request=vendor_request, actor=actor, action=action,
                                           criterion_key=criterion, field=field, detail=detail[:AUDIT_DETAIL_MAX],
                                           ip=ip or None)


def _locked(vendor_request: VendorRequest) -> VendorRequest:
    return VendorRequest.objects.select_for_update().select_related("offering", "checklist").get(pk=vendor_request.pk)


# --- opening a request --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class NewRequest:
    """What an editor asks: the offering (or a draft to create), whom, which criteria, for how long."""

    contact_email: str
    criteria: Sequence[str]
    days: int | None = None  # None: settings.VENDOREVAL_VENDOR_REQUEST_DAYS


@dataclasses.dataclass(frozen=True)
class DraftOffering:
    """A new offering to ask its vendor about: created as a draft with the request."""

    name: str
    vendor: str  # company key
    deployment_mode: str


def vendor_draft_offering_create(*, draft: DraftOffering, actor) -> Offering:
    """A new offering as a draft: outside the catalog, the data files and every evaluation until an editor publishes
    it (clears `draft` in the admin)."""
    vendor = Company.objects.filter(key=draft.vendor).first()
    if vendor is None:
        raise FieldError("vendor", _("Choose the offering, or the vendor company of a new one."))
    name = clean_text("offering_name", draft.name, max_length=200)
    if not name:
        raise FieldError("offering_name", _("Name the new offering."))
    if draft.deployment_mode not in {m.value for m in DeploymentMode}:
        raise FieldError("deployment_mode", _("Choose how the new offering is deployed."))
    max_length = Offering._meta.get_field("key").max_length

    def create(key: str) -> Offering:
        offering = Offering(key=key, name=name, product=name, vendor=vendor, deployment_mode=draft.deployment_mode,
                            hosting_operator=None if draft.deployment_mode in BUYER_HOSTED_MODES else vendor,
                            draft=True)
        offering._history_user = actor
        offering._change_reason = "draft created for a vendor self-assessment"
        offering.save()
        return offering

    return create_with_unique_slug(create, slug_base(name, max_length=max_length, fallback="offering"),
                                   taken=lambda key: Offering.objects.filter(key=key).exists())


@transaction.atomic
def vendor_request_create(*, offering: Offering | None, new: NewRequest, created_by, base_url: str,
                          draft: DraftOffering | None = None) -> tuple[VendorRequest, str]:
    """Open a request about `offering`, or about a new `draft` offering created with it, and e-mail its link to the
    vendor's contact. Returns the request and the token (which exists nowhere else but in that e-mail). One open
    request per offering at a time."""
    if offering is None:
        if draft is None:
            raise FieldError("offering", _("Choose the offering, or describe a new one."))
        offering = vendor_draft_offering_create(draft=draft, actor=created_by)
    if offering.organisation_id is not None:
        raise FieldError("offering", _("Private offerings belong to their organisation; ask only about the shared "
                                       "catalog."))
    Offering.objects.select_for_update().filter(pk=offering.pk).first()  # one request opened at a time per offering
    email = new.contact_email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise FieldError("contact_email", _("Enter the vendor contact's e-mail address, for example "
                                            "compliance@vendor.example.")) from None
    checklist = current_checklist()
    answerable = [c.key for c in selectors.answerable_criteria(checklist)]
    criteria = [k for k in answerable if k in set(new.criteria)]
    unknown = sorted(set(new.criteria) - set(answerable))
    if unknown:
        raise FieldError("criteria", _("These criteria cannot be asked: %(keys)s.") % {"keys": ", ".join(unknown)})
    if not criteria:
        raise FieldError("criteria", _("Pick at least one criterion to ask about."))
    days = settings.VENDOREVAL_VENDOR_REQUEST_DAYS if new.days is None else new.days
    if not rules.MIN_DAYS <= days <= rules.MAX_DAYS:
        raise FieldError("days", _("The link may stay valid %(min)d to %(max)d days.") % {"min": rules.MIN_DAYS,
                                                                                    "max": rules.MAX_DAYS})
    open_requests = [r for r in VendorRequest.objects.filter(offering=offering, submitted_at__isnull=True,
                                                             revoked_at__isnull=True) if r.is_open]
    if open_requests:
        raise FieldError("offering", _("Request %(number)s for %(offering)s is still open; revoke it first or wait "
                                       "for its answers.") % {"number": open_requests[0].pk, "offering": offering.name})
    token = tokens.new_token()
    vendor_request = VendorRequest.objects.create(
        offering=offering, checklist=checklist, criteria=criteria, contact_email=email,
        token_hash=tokens.token_hash(token), created_by=created_by,
        expires_at=timezone.now() + dt.timedelta(days=days))
    audit(vendor_request, "created", actor=created_by, detail=f"to {email}: {', '.join(criteria)}; "
                                                             f"valid {days} days")
    expires = timezone.localtime(vendor_request.expires_at).strftime("%Y-%m-%d")
    values = {"editor": created_by.get_username(), "offering": offering.name, "n": len(criteria),
              "keys": ", ".join(criteria), "expires": expires, "link": f"{base_url}{tokens.link_path(token)}"}
    send_mail(
        subject=_("VendorEval: please describe %(offering)s") % values,
        message=(ngettext("%(editor)s of the VendorEval catalog asks you to describe %(offering)s against %(n)d "
                          "sovereignty criterion (%(keys)s).",
                          "%(editor)s of the VendorEval catalog asks you to describe %(offering)s against %(n)d "
                          "sovereignty criteria (%(keys)s).", len(criteria)) % values + "\n\n"
                 + _("Open this link (no account needed; valid until %(expires)s):\n%(link)s") % values + "\n\n"
                 + _("Your answers are saved as you type; you submit them once. Catalog editors review each answer "
                     "before anything you state is published, marked as vendor-stated.") + "\n\n"
                 + _("The link is personal: do not forward it. If you did not expect this e-mail, ignore it.") + "\n"),
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[email])
    return vendor_request, token


def vendor_request_find(token: str) -> VendorRequest | None:
    if not token or len(token) > tokens.MAX_TOKEN_LENGTH:
        return None
    return VendorRequest.objects.select_related("offering").filter(token_hash=tokens.token_hash(token)).first()


@transaction.atomic
def vendor_request_revoke(*, vendor_request: VendorRequest, actor) -> bool:
    """Withdraw an open request: its link stops working at once. False when it was not open."""
    locked = _locked(vendor_request)
    if not locked.is_open:
        return False
    locked.revoked_at, locked.revoked_by = timezone.now(), actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit(locked, "revoked", actor=actor)
    vendor_request.revoked_at, vendor_request.revoked_by = locked.revoked_at, actor
    return True


# --- the vendor's answers -----------------------------------------------------------------------------------------


def vendor_proposal_answer(*, vendor_request: VendorRequest, question: ProposalQuestion, raw, ip: str | None = None
                           ) -> VendorProposal | None:
    """Clean and save one answer of the vendor; returns the proposal (None while the criterion has no answer at all).
    An unchanged value writes nothing. Raises FieldError (with a message for the field) or RequestClosed; either way
    nothing is stored."""
    if not vendor_request.is_open:  # checked again under the lock below
        raise RequestClosed(vendor_request)
    value = question.clean(raw)  # a PDF is read and checked before any lock is taken
    stored = None
    try:
        with transaction.atomic():
            locked = _locked(vendor_request)
            if not locked.is_open:
                raise RequestClosed(locked)
            key = question.criterion.key
            proposal = VendorProposal.objects.select_for_update().filter(request=locked, criterion_key=key).first()
            changes = question.changes(value)
            if proposal is None and value not in (None, "", [], REMOVE):
                proposal = VendorProposal.objects.create(request=locked, criterion_key=key)
            if proposal is None:
                return None  # an empty answer to an untouched criterion: no row, no audit
            old = VendorDocument.objects.filter(proposal=proposal).first()
            if (old is None if value == REMOVE
                    else bool(changes) and all(getattr(proposal, a) == v for a, v in changes.items())):
                return proposal  # unchanged: nothing written (a plain post sends every field)
            if isinstance(question, DocumentQuestion):
                if old is not None:
                    old.delete()
                    transaction.on_commit(lambda name=old.stored_name: documents.discard(name))
                if value == REMOVE:
                    audit(locked, "removed", criterion=key, field=question.name,
                          detail=old.original_name if old else "", ip=ip)
                else:
                    stored = documents.store(value)
                    VendorDocument.objects.create(proposal=proposal, stored_name=stored,
                                                  original_name=value.original_name, size=value.size,
                                                  sha256=value.sha256, pages=value.pages)
                    audit(locked, "uploaded", criterion=key, field=question.name,
                          detail=f"{value.original_name}, {value.size} bytes, {value.pages} pages, "
                                 f"sha256 {value.sha256}", ip=ip)
            else:
                for attr, new in changes.items():
                    setattr(proposal, attr, new)
                proposal.save()
                audit(locked, "saved", criterion=key, field=question.name,
                      detail=value if isinstance(value, str) else "\n".join(value) if isinstance(value, list)
                      else "" if value is None else str(value), ip=ip)
    except BaseException:
        if stored is not None:
            documents.discard(stored)
        raise
    return VendorProposal.objects.select_related("document").get(pk=proposal.pk)


@transaction.atomic
def vendor_request_submit(*, vendor_request: VendorRequest, base_url: str = "", ip: str | None = None
                          ) -> VendorRequest:
    """The vendor hands the answers over, once. Each started answer needs a level and a public page."""
    locked = _locked(vendor_request)
    if not locked.is_open:
        raise RequestClosed(locked)
    proposals = list(VendorProposal.objects.filter(request=locked).select_related("document"))
    unfinished = [p.criterion_key for p in proposals if p.started and not p.complete]
    if unfinished:
        raise FieldError("submit", _("Finish or clear %(keys)s: each answer needs a level and at least one public "
                                     "page.") % {"keys": ", ".join(unfinished)})
    if not any(p.complete for p in proposals):
        raise FieldError("submit", _("Answer at least one criterion (a level and a public page) before submitting."))
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["submitted_at"])
    answered = [p.criterion_key for p in proposals if p.complete]
    audit(locked, "submitted", detail=f"answered {', '.join(answered)}", ip=ip)
    if locked.created_by is not None and locked.created_by.email:
        values = {"offering": locked.offering.name, "answered": len(answered), "n": len(locked.criteria),
                  "number": locked.pk,
                  "link": f"{base_url}{reverse('vendor-request-review', kwargs={'pk': locked.pk})}"}
        with translation.override(preferred_language(locked.created_by) or translation.get_language()):
            subject = _("VendorEval: the vendor answered about %(offering)s") % values
            message = ngettext("The vendor answered %(answered)d of the %(n)d criterion asked in request %(number)s "
                               "(%(offering)s). Review them: %(link)s",
                               "The vendor answered %(answered)d of the %(n)d criteria asked in request %(number)s "
                               "(%(offering)s). Review them: %(link)s", len(locked.criteria)) % values + "\n"
        send_mail(subject=subject, message=message, from_email=settings.DEFAULT_FROM_EMAIL,
                  recipient_list=[locked.created_by.email])
    return locked


# --- review -------------------------------------------------------------------------------------------------------


@transaction.atomic
def vendor_proposal_review(*, proposal: VendorProposal, accept: bool, reason: str, reviewer) -> VendorProposal:
    """Accept (into the catalog, as vendor-stated) or reject one submitted proposal, with a reason."""
    locked_request = _locked(proposal.request)
    proposal = VendorProposal.objects.select_for_update(of=("self",)).select_related("document").get(pk=proposal.pk)
    reason = clean_text("reason", reason, max_length=rules.REASON_MAX)
    if locked_request.submitted_at is None or locked_request.revoked_at is not None:
        raise FieldError("reason", _("Only answers the vendor has submitted can be reviewed."))
    if proposal.decision:
        done = (_("%(criterion)s was already accepted.") if proposal.decision == VendorProposal.ACCEPTED
                else _("%(criterion)s was already rejected."))
        raise FieldError("reason", done % {"criterion": proposal.criterion_key})
    if not proposal.complete:
        raise FieldError("reason", _("%(criterion)s has no complete answer to review.")
                         % {"criterion": proposal.criterion_key})
    if not reason:
        raise FieldError("reason", _("Give the reason for your decision; it is kept with the answer's history."))
    proposal.request = locked_request
    if accept:
        vendor_answer_accept(proposal=proposal, reviewer=reviewer, reason=reason)
    proposal.decision = VendorProposal.ACCEPTED if accept else VendorProposal.REJECTED
    proposal.decision_reason, proposal.reviewed_by, proposal.reviewed_at = reason, reviewer, timezone.now()
    proposal.save(update_fields=["decision", "decision_reason", "reviewed_by", "reviewed_at"])
    audit(locked_request, proposal.decision, actor=reviewer, criterion=proposal.criterion_key, detail=reason)
    return proposal


def vendor_answer_accept(*, proposal: VendorProposal, reviewer, reason: str) -> Answer:
    """The one write of a vendor's statement into the shared catalog: the offering's answer to the criterion becomes
    the proposed level with the vendor's rationale, sourced by the vendor's pages at confidence vendor-stated (the
    evidence it replaces stays in the history). History names the reviewer and the request; the change is a catalog
    revision of its own (source "vendor self-assessment", the reviewer's reason), so buyers who relied on the earlier
    answer are alerted like after any other catalog change."""
    vendor_request = proposal.request
    checklist = current_checklist()
    criterion = checklist.criteria.filter(key=proposal.criterion_key).first()
    if criterion is None or criterion.derived:
        raise FieldError("reason", _("%(criterion)s is not a criterion of the current checklist that the catalog "
                                     "answers by hand.") % {"criterion": proposal.criterion_key})
    profile = selectors.offering_profile(vendor_request.offering, checklist)
    current = next((a for a in profile.answers if a.criterion.key == criterion.key), None)
    refusal = rules.replace_refusal(current.confidence if current else None, current.stale if current else False)
    if refusal:
        raise FieldError("reason", refusal)
    why = f"vendor request {vendor_request.pk}: {criterion.key} accepted by {reviewer.get_username()}"
    with catalog_revision(author=reviewer, reason=f"{why}: {reason}", source=CatalogRevision.VENDOR):
        answer = (Answer.objects.select_for_update().filter(offering=vendor_request.offering, criterion=criterion)
                  .first() or Answer(offering=vendor_request.offering, criterion=criterion))
        answer.status, answer.level, answer.event = Answer.LEVEL, proposal.level, False
        answer.rationale = proposal.rationale or f"Stated by the vendor (request {vendor_request.pk})."
        _attribute(answer, reviewer, why)
        answer.save()
        content_type = ContentType.objects.get_for_model(Answer)
        for old in Evidence.objects.filter(content_type=content_type, object_id=answer.pk):
            _attribute(old, reviewer, why)
            old.delete()
        note = rules.provenance(vendor_request.pk, reviewer.get_username(), hasattr(proposal, "document"))
        today = timezone.localdate()
        for position, url in enumerate(proposal.sources):
            evidence = Evidence(content_type=content_type, object_id=answer.pk, position=position, url=url,
                                accessed=today, confidence=Confidence.VENDOR_STATED.value, note=note)
            _attribute(evidence, reviewer, why)
            evidence.save()
            if not Source.objects.filter(url=url).exists():  # every source is listed once, with its publisher
                source = Source(url=url, publisher=Publisher.VENDOR.value,
                                note=f"Named by the vendor in self-assessment request {vendor_request.pk}")
                _attribute(source, reviewer, why)
                source.save()
        return answer


def _attribute(obj, reviewer, why: str) -> None:
    """History names the reviewer and the request (simple-history keeps 100 characters of a reason)."""
    obj._history_user = reviewer
    obj._change_reason = why[:100]
