"""An evaluation is one procurement exercise of an organisation: its requirement profile, shortlist and history.

The buyer's answers are stored as they were given (JSON per question) so every change can be audited field by field;
the scoring core receives them validated as a `RequirementProfile`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Classification(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    RESTRICTED = "restricted", _("Restricted / secret")


class Evaluation(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="evaluations",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    checklist = models.ForeignKey("checklist.ChecklistVersion", on_delete=models.PROTECT, related_name="evaluations",
                                  verbose_name=_("checklist version"))
    report_language = models.CharField(_("report language"), max_length=8, choices=settings.LANGUAGES, default="en",
                                       help_text=_("The language reports are written in unless asked otherwise (the "
                                                   "author's language when the evaluation was started)"))

    # The questionnaire. Empty means "not answered yet".
    sector = models.CharField(_("sector"), max_length=40, blank=True)
    classification = models.CharField(_("data classification"), max_length=20, choices=Classification.choices,
                                      blank=True)
    use_cases = models.TextField(_("use cases"), blank=True)
    trusted_countries = models.JSONField(_("trusted jurisdictions"), default=list, blank=True)
    acceptable_modes = models.JSONField(_("acceptable deployment modes"), default=list, blank=True)
    regulations = models.JSONField(_("regulations"), default=list, blank=True)
    area_weights = models.JSONField(_("area weights"), default=dict, blank=True)
    must_haves = models.JSONField(_("must-haves"), default=dict, blank=True,
                                  help_text=_("Buyer-set minimum level per criterion"))
    seal_minimums = models.JSONField(_("minimum SEALs"), default=dict, blank=True,
                                     help_text=_("Minimum SEAL per CSF objective"))
    overrides = models.JSONField(_("overrides"), default=dict, blank=True,
                                 help_text=_("Rule-added must-haves the buyer lowered or dropped: "
                                             "{key: {level, reason}}"))
    own_hosting_levels = models.JSONField(_("own-hosting levels"), default=dict, blank=True)
    licence_uses = models.JSONField(_("uses the model licence must permit"), default=list, blank=True,
                                    help_text=_("Uses the model licence must permit, beyond those the sector brings"))
    monthly_users = models.PositiveBigIntegerField(_("monthly active users"), null=True, blank=True,
                                                   help_text=_("Expected monthly active users (licence thresholds)"))
    trusted_confirmed = models.BooleanField(_("trusted jurisdictions confirmed"), default=False,
                                            help_text=_("The buyer has answered the trusted jurisdictions question "
                                                        "(the default is a suggestion until then)"))
    shortlist = models.JSONField(_("shortlist"), default=list, blank=True,
                                 help_text=_("Offering keys for comparison and the report"))
    # what catalog alerts last saw (never shown; kept apart so that updating it does not change the evaluation)
    alert_state = models.JSONField(_("alert state"), default=dict, blank=True,
                                   help_text=_("Passing and excluded offerings at the last catalog revision checked"))
    alerts_revision = models.PositiveIntegerField(_("last catalog revision checked"), default=0)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True,
                                       help_text=_("Archived evaluations leave the default list and stay readable"))

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="unique_evaluation_slug")]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """Who changed what in an evaluation, and when; also report generation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="audit_events",
                                   verbose_name=_("evaluation"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("actor"))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=40)  # created, changed, report_generated, ...
    field = models.CharField(_("field"), max_length=60, blank=True)
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.field}"


class DeletedEvaluation(models.Model):
    """Who deleted which evaluation, and when: kept at the organisation, since an evaluation's own audit trail goes
    with it. Names are copied, so the record reads the same after the users are gone."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="deleted_evaluations", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    sector = models.CharField(_("sector"), max_length=100, blank=True, help_text=_("The sector's name when deleted"))
    created_at = models.DateTimeField(_("created at"), help_text=_("When the evaluation was created"))
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    last_changed_at = models.DateTimeField(_("last changed at"), null=True, blank=True)
    reports = models.PositiveIntegerField(_("reports"), default=0,
                                          help_text=_("Reports generated from it (deleted with it)"))
    events = models.PositiveIntegerField(_("audit events"), default=0, help_text=_("Audit events deleted with it"))
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("deleted by"))
    deleted_by_name = models.CharField(_("deleted by (name)"), max_length=150)
    deleted_at = models.DateTimeField(_("deleted at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-deleted_at", "-pk"]
        verbose_name = _("deleted evaluation")
        verbose_name_plural = _("deleted evaluations")

    def __str__(self) -> str:
        return gettext("%(name)s (deleted %(date)s by %(user)s)") % {
            "name": self.name, "date": f"{self.deleted_at:%Y-%m-%d}", "user": self.deleted_by_name}
