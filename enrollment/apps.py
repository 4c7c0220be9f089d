from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = "参保登记"

    def ready(self) -> None:
        from .loaders import loaders_register

        loaders_register()  # the bulk import's file kind(s) this app owns
