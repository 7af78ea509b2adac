from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class EvaluationsConfig(AppConfig):
    name = "vendoreval.evaluations"

    def ready(self) -> None:
        from vendoreval.catalog.models import Country
        from vendoreval.checklist.models import Area, ChecklistVersion, Criterion, CsfObjective, SectorPreset

        from . import alerts  # noqa: F401 - registers the catalog-revision receiver
        from .context import forget_contexts

        for model in (ChecklistVersion, Area, Criterion, CsfObjective, SectorPreset, Country):
            post_save.connect(forget_contexts, sender=model, dispatch_uid=f"forget-contexts-save-{model.__name__}")
            post_delete.connect(forget_contexts, sender=model, dispatch_uid=f"forget-contexts-del-{model.__name__}")
        m2m_changed.connect(forget_contexts, sender=Country.laws.through, dispatch_uid="forget-contexts-laws")
