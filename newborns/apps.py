from django.apps import AppConfig


class NewbornsConfig(AppConfig):
    name = "newborns"
    verbose_name = "新生儿参保"

    def ready(self) -> None:
        from .todos import todos_register

        todos_register()  # the home page's line of births awaiting an ID number
