from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "vendoreval.vendors"
    verbose_name = "vendor self-assessments"
