from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "bulk"
    verbose_name = "批量导入"

    def ready(self) -> None:
        from .todos import todos_register

        todos_register()  # the home page's lines of imports to confirm and imports with errors
