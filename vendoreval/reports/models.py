"""Generated procurement reports, stored by the fingerprint of the evaluation snapshot they were rendered from.

A report row keeps the canonical snapshot it was requested for, so a background worker renders exactly what the
user saw, even if the evaluation changes before the job runs; the PDF is a pure function of that snapshot.
"""

from django.conf import settings
from django.db import models

from .storage import report_store


class Report(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    evaluation = models.ForeignKey("evaluations.Evaluation", on_delete=models.CASCADE, related_name="reports")
    fingerprint = models.CharField(max_length=64, db_index=True)
    basis = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the snapshot without its 'changes "
                                                                  "since the previous report' part")
    document_id = models.CharField(max_length=40)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en",
                                help_text="The language the document is written in (one snapshot, one document per "
                                          "language)")
    snapshot_date = models.DateField(null=True, blank=True)
    snapshot = models.TextField(blank=True,
                                help_text="Canonical JSON of the evaluation snapshot (SHA-256 = fingerprint)")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="reports/", storage=report_store, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease of a render: the worker rendering it writes `heartbeat_at` every few seconds; a render whose heartbeat
    # is older than VENDOREVAL_REPORT_LEASE lost its worker (killed, out of memory, machine gone) and is queued again
    # once (`attempts` counts the renders since the report was last asked for), then marked failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    interrupted_at = models.DateTimeField(null=True, blank=True,
                                          help_text="When a render was last found abandoned by its worker")

    class Meta:
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
