from django.apps import AppConfig


class PolicyChangesConfig(AppConfig):
    name = "policy_changes"
    verbose_name = "政策调整测算"
