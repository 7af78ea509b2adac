from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "vendoreval.reports"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
