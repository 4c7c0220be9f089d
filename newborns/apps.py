from django.apps import AppConfig


class NewbornsConfig(AppConfig):
    name = "newborns"
    verbose_name = "新生儿参保"
