from django.apps import AppConfig


class UninsuredConfig(AppConfig):
    name = "uninsured"
    verbose_name = "未参保台账"
