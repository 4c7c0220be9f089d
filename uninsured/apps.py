from django.apps import AppConfig


class UninsuredConfig(AppConfig):
    name = "uninsured"
    verbose_name = "未参保台账"

    def ready(self) -> None:
        from .todos import todos_register

        todos_register()  # the home page's lines of a township's lists and people to follow up
