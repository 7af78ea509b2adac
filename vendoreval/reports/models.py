"""Generated procurement reports, stored by the fingerprint of the evaluation snapshot they were rendered from.

A report row keeps the canonical snapshot it was requested for, so a background worker renders exactly what the
user saw, even if the evaluation changes before the job runs; the PDF is a pure function of that snapshot.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy, pgettext_lazy

from .storage import report_store


class Report(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("report status", "Queued")
        RUNNING = "running", pgettext_lazy("report status", "Rendering")
        READY = "ready", pgettext_lazy("report status", "Ready")
        FAILED = "failed", pgettext_lazy("report status", "Failed")

    evaluation = models.ForeignKey("evaluations.Evaluation", on_delete=models.CASCADE, related_name="reports",
                                   verbose_name=gettext_lazy("evaluation"))
    fingerprint = models.CharField(gettext_lazy("fingerprint"), max_length=64, db_index=True)
    basis = models.CharField(gettext_lazy("basis"), max_length=64, blank=True,
                             help_text=gettext_lazy("SHA-256 of the snapshot without its “changes since the "
                                                    "previous report” part"))
    document_id = models.CharField(gettext_lazy("document id"), max_length=40)
    language = models.CharField(gettext_lazy("language"), max_length=8, choices=settings.LANGUAGES, default="en",
                                help_text=gettext_lazy("The language the document is written in (one snapshot, "
                                                       "one document per language)"))
    snapshot_date = models.DateField(gettext_lazy("snapshot date"), null=True, blank=True)
    snapshot = models.TextField(gettext_lazy("snapshot"), blank=True,
                                help_text=gettext_lazy("Canonical JSON of the evaluation snapshot "
                                                       "(SHA-256 = fingerprint)"))
    status = models.CharField(gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(gettext_lazy("file"), upload_to="reports/", storage=report_store, blank=True)
    error = models.TextField(gettext_lazy("error"), blank=True)
    task_id = models.CharField(gettext_lazy("task id"), max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=gettext_lazy("requested by"))
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    started_at = models.DateTimeField(gettext_lazy("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(gettext_lazy("finished at"), null=True, blank=True)
    # The lease of a render: the worker rendering it writes `heartbeat_at` every few seconds; a render whose heartbeat
    # is older than VENDOREVAL_REPORT_LEASE lost its worker (killed, out of memory, machine gone) and is queued again
    # once (`attempts` counts the renders since the report was last asked for), then marked failed.
    heartbeat_at = models.DateTimeField(gettext_lazy("heartbeat at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(gettext_lazy("attempts"), default=0)
    interrupted_at = models.DateTimeField(gettext_lazy("interrupted at"), null=True, blank=True,
                                          help_text=gettext_lazy("When a render was last found abandoned by its "
                                                                 "worker"))

    class Meta:
        verbose_name = gettext_lazy("report")
        verbose_name_plural = gettext_lazy("reports")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "fingerprint", "language"],
                                               name="one_report_per_snapshot_and_language")]

    def __str__(self) -> str:
        return f"{self.document_id} ({self.get_status_display()})"

    @property
    def download_name(self) -> str:
        date = self.snapshot_date.isoformat() if self.snapshot_date else "undated"
        return f"{self.evaluation.slug}-{date}-{self.language}.pdf"

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
