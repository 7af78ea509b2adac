"""Vendor self-assessments: a catalog editor asks a vendor about some criteria of one offering by e-mailed link; the
vendor proposes levels with sources (no account); an editor accepts or rejects each proposal. A proposal never changes
the catalog by itself: only an accepted one is written there (`services.vendor_answer_accept`).

The link's token is a random secret of which only the SHA-256 is stored (`tokens.py`). Uploaded PDFs live outside the
web root (`settings.VENDOREVAL_VENDOR_UPLOADS`) under random names; the database keeps their metadata."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VendorRequest(models.Model):
    OPEN, SUBMITTED, REVIEWED, EXPIRED, REVOKED = "open", "submitted", "reviewed", "expired", "revoked"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False,
                                 help_text=_("Names the request in the vendor's page addresses (not a secret)"))
    offering = models.ForeignKey("catalog.Offering", on_delete=models.CASCADE, related_name="vendor_requests",
                                 verbose_name=_("offering"))
    checklist = models.ForeignKey("checklist.ChecklistVersion", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("checklist"))
    criteria = models.JSONField(_("criteria"), default=list,
                                help_text=_("Keys of the criteria the vendor is asked about, in order"))
    contact_email = models.EmailField(_("contact e-mail"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True,
                                  help_text=_("SHA-256 of the link's token"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("revoked by"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("vendor request")
        verbose_name_plural = _("vendor requests")

    def __str__(self) -> str:
        return f"Vendor request {self.pk} for {self.offering}"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        """The vendor may still save and submit."""
        return self.submitted_at is None and self.revoked_at is None and not self.expired

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return self.REVOKED
        if self.submitted_at is not None:
            undecided = [p for p in self.proposals.all() if p.complete and not p.decision]
            return self.SUBMITTED if undecided else self.REVIEWED
        return self.EXPIRED if self.expired else self.OPEN


class VendorProposal(models.Model):
    """The vendor's answer to one asked criterion: a level, why, and the public pages that show it."""

    ACCEPTED, REJECTED = "accepted", "rejected"
    DECISIONS = [(ACCEPTED, pgettext_lazy("decision", "Accepted")), (REJECTED, pgettext_lazy("decision", "Rejected"))]

    request = models.ForeignKey(VendorRequest, on_delete=models.CASCADE, related_name="proposals",
                                verbose_name=_("vendor request"))
    criterion_key = models.CharField(_("criterion"), max_length=4)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True,
                                             choices=[(i, str(i)) for i in range(5)])
    rationale = models.TextField(_("rationale"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True,
                               help_text=_("Addresses of public pages, as the vendor gave them"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    decision = models.CharField(_("decision"), max_length=8, choices=DECISIONS, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["request", "pk"]
        verbose_name = _("vendor proposal")
        verbose_name_plural = _("vendor proposals")
        constraints = [models.UniqueConstraint(fields=["request", "criterion_key"], name="one_proposal_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion_key} of {self.request}"

    @property
    def started(self) -> bool:
        return self.level is not None or bool(self.rationale) or bool(self.sources) or hasattr(self, "document")

    @property
    def complete(self) -> bool:
        """A level and at least one public source: what an editor can review."""
        return self.level is not None and bool(self.sources)


class VendorDocument(models.Model):
    """A PDF the vendor attached to a proposal; the file is outside the web root, under `stored_name`."""

    proposal = models.OneToOneField(VendorProposal, on_delete=models.CASCADE, related_name="document",
                                    verbose_name=_("vendor proposal"))
    stored_name = models.CharField(_("stored name"), max_length=64, unique=True)
    original_name = models.CharField(_("original name"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    pages = models.PositiveIntegerField(_("pages"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vendor document")
        verbose_name_plural = _("vendor documents")

    def __str__(self) -> str:
        return self.original_name


class VendorAuditEvent(models.Model):
    """Every view, save, submission and review of a request: who (an editor, or the vendor's link), what, when, from
    where. The token itself is never recorded."""

    request = models.ForeignKey(VendorRequest, on_delete=models.CASCADE, related_name="audit_events",
                                verbose_name=_("vendor request"))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("actor"),
                              help_text=_("Empty: the vendor, through the link"))
    action = models.CharField(_("action"), max_length=24)  # created, opened, viewed, saved, refused, submitted, …
    criterion_key = models.CharField(_("criterion"), max_length=4, blank=True)
    field = models.CharField(_("field"), max_length=40, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("vendor audit event")
        verbose_name_plural = _("vendor audit events")

    def __str__(self) -> str:
        who = self.actor.get_username() if self.actor else "vendor"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.criterion_key}".strip()


class VendorRateBucket(models.Model):
    """Requests counted per window for the vendor pages' rate limits (`ratelimit.py`); shared by every web worker."""

    key = models.CharField(_("key"), max_length=64, unique=True,
                           help_text=_("SHA-256 of what is counted and its window"))
    hits = models.PositiveIntegerField(_("hits"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("vendor rate bucket")
        verbose_name_plural = _("vendor rate buckets")

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.hits}"


STATE_LABELS = {  # a request's state as people read it (the state values stay English identifiers)
    VendorRequest.OPEN: pgettext_lazy("request state", "open"),
    VendorRequest.SUBMITTED: pgettext_lazy("request state", "submitted"),
    VendorRequest.REVIEWED: pgettext_lazy("request state", "reviewed"),
    VendorRequest.EXPIRED: pgettext_lazy("request state", "expired"),
    VendorRequest.REVOKED: pgettext_lazy("request state", "revoked"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))
