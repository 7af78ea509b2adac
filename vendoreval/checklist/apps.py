from django.apps import AppConfig


class ChecklistConfig(AppConfig):
    name = "vendoreval.checklist"

    def ready(self) -> None:
        # The scoring core writes its sentences through these: in the language of the request (or of the report).
        from django.utils import formats, translation

        from vendoreval.scoring import text

        text.install(gettext=translation.gettext, ngettext=translation.ngettext,
                     decimal_mark=lambda: formats.get_format("DECIMAL_SEPARATOR"),
                     thousands_mark=lambda: formats.get_format("THOUSAND_SEPARATOR"))
