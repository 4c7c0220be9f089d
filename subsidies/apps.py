from django.apps import AppConfig


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = "困难群众资助"

    def ready(self) -> None:
        from .loaders import loaders_register

        loaders_register()  # the bulk import's file kind(s) this app owns

        from .todos import todos_register

        todos_register()  # the home page's line of identity lists to confirm
