from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "报表"

    def ready(self) -> None:
        from .todos import todos_register

        todos_register()  # the home page's line of fiscal transfers overdue
