from django.contrib import admin

from .models import AuditEvent, Evaluation


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "sector", "classification", "updated_at", "archived_at"]
    list_filter = ["organisation", "sector", "classification"]
    search_fields = ["name"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "evaluation", "actor", "action", "field"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

