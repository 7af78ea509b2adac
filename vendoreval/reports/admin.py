from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["document_id", "evaluation", "snapshot_date", "status", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["evaluation"]
    search_fields = ["document_id", "fingerprint", "evaluation__name"]
    readonly_fields = ["fingerprint", "document_id", "snapshot_date", "snapshot", "task_id", "created_at",
                       "started_at", "finished_at"]
