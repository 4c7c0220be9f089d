from django.apps import AppConfig


class NewbornsConfig(AppConfig):
    name = "newborns"
    verbose_name = "新生儿参保"

    def ready(self) -> None:
        from .receipt_lines import receipt_lines_add
        from .todos import todos_register

        todos_register()  # the home page's line of births awaiting an ID number
        receipt_lines_add()  # a newborn's 医保码 on the receipt of its birth-year enrollment
