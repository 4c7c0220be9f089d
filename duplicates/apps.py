from django.apps import AppConfig


class DuplicatesConfig(AppConfig):
    name = "duplicates"
    verbose_name = "重复参保治理"

    def ready(self) -> None:
        from .todos import todos_register

        todos_register()  # the home page's line of duplicate enrollments still open
