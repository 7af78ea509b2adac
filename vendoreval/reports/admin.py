from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["document_id", "evaluation", "status", "created_at", "finished_at"]
    list_filter = ["status"]
