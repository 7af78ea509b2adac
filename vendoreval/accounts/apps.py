from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vendoreval.accounts"

    def ready(self) -> None:
        from . import language  # noqa: F401 - connects the login signal that restores a user's language
