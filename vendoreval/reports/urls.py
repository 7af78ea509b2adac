from django.urls import path

from . import views

urlpatterns = [
    path("e/<slug:slug>/report/", views.report_page, name="evaluation-report"),
]
