from django.apps import AppConfig


class ChecklistConfig(AppConfig):
    name = "vendoreval.checklist"
