from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "vendoreval.reports"
