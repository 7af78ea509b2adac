from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "vendoreval.catalog"

    def ready(self) -> None:
        from simple_history.signals import post_create_historical_record

        from .revisions import record_historical

        post_create_historical_record.connect(record_historical, dispatch_uid="catalog-revisions")
