from django.urls import path

from . import views

urlpatterns = [
    path("e/<slug:slug>/report/", views.report_page, name="evaluation-report"),
    path("e/<slug:slug>/report/preview/", views.report_preview, name="evaluation-report-preview"),
    path("e/<slug:slug>/report/pdf/", views.report_download, name="evaluation-report-download"),
    path("e/<slug:slug>/report/<str:document_id>/status/", views.report_status, name="evaluation-report-status"),
    path("e/<slug:slug>/report/<str:document_id>/pdf/", views.report_file, name="evaluation-report-file"),
    path("e/<slug:slug>/report/<str:document_id>/changes/", views.report_changes, name="evaluation-report-changes"),
    path("e/<slug:slug>/report-changes/", views.report_changes_summary, name="evaluation-report-changes-summary"),
    path("reports/verify/", views.report_verify, name="report-verify"),
]
