"""An evaluation is one procurement exercise of an organisation: its requirement profile, shortlist and history.

The buyer's answers are stored as they were given (JSON per question) so every change can be audited field by field;
the scoring core receives them validated as a `RequirementProfile`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Classification(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted / secret"


class Evaluation(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="evaluations")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    checklist = models.ForeignKey("checklist.ChecklistVersion", on_delete=models.PROTECT, related_name="evaluations")
    report_language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en",
                                       help_text="The language reports are written in unless asked otherwise (the "
                                                 "author's language when the evaluation was started)")

    # The questionnaire. Empty means "not answered yet".
    sector = models.CharField(max_length=40, blank=True)
    classification = models.CharField(max_length=20, choices=Classification.choices, blank=True)
    use_cases = models.TextField(blank=True)
    trusted_countries = models.JSONField(default=list, blank=True)
    acceptable_modes = models.JSONField(default=list, blank=True)
    regulations = models.JSONField(default=list, blank=True)
    area_weights = models.JSONField(default=dict, blank=True)
    must_haves = models.JSONField(default=dict, blank=True, help_text="Buyer-set minimum level per criterion")
    seal_minimums = models.JSONField(default=dict, blank=True, help_text="Minimum SEAL per CSF objective")
    overrides = models.JSONField(default=dict, blank=True,
                                 help_text="Rule-added must-haves the buyer lowered or dropped: {key: {level, reason}}")
    own_hosting_levels = models.JSONField(default=dict, blank=True)
    licence_uses = models.JSONField(default=list, blank=True,
                                    help_text="Uses the model licence must permit, beyond those the sector brings")
    monthly_users = models.PositiveBigIntegerField(null=True, blank=True,
                                                   help_text="Expected monthly active users (licence thresholds)")
    trusted_confirmed = models.BooleanField(default=False, help_text="The buyer has answered the trusted "
                                                                     "jurisdictions question (the default is a "
                                                                     "suggestion until then)")
    shortlist = models.JSONField(default=list, blank=True, help_text="Offering keys for comparison and the report")
    # what catalog alerts last saw (never shown; kept apart so that updating it does not change the evaluation)
    alert_state = models.JSONField(default=dict, blank=True, help_text="Passing and excluded offerings at the "
                                                                       "last catalog revision checked")
    alerts_revision = models.PositiveIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True,
                                       help_text="Archived evaluations leave the default list and stay readable")

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="unique_evaluation_slug")]

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """Who changed what in an evaluation, and when; also report generation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=40)  # created, changed, report_generated, ...
    field = models.CharField(max_length=60, blank=True)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.field}"


class DeletedEvaluation(models.Model):
    """Who deleted which evaluation, and when: kept at the organisation, since an evaluation's own audit trail goes
    with it. Names are copied, so the record reads the same after the users are gone."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="deleted_evaluations")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    sector = models.CharField(max_length=100, blank=True, help_text="The sector's name when deleted")
    created_at = models.DateTimeField(help_text="When the evaluation was created")
    created_by = models.CharField(max_length=150, blank=True)
    last_changed_at = models.DateTimeField(null=True, blank=True)
    reports = models.PositiveIntegerField(default=0, help_text="Reports generated from it (deleted with it)")
    events = models.PositiveIntegerField(default=0, help_text="Audit events deleted with it")
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    deleted_by_name = models.CharField(max_length=150)
    deleted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} (deleted {self.deleted_at:%Y-%m-%d} by {self.deleted_by_name})"
