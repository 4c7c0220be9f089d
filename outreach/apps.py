from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "动员参保"

    def ready(self) -> None:
        from uninsured.mobilisation import mobilisation_register

        from .selectors import campaign_ledger_lines
        from .sources import sources_register_builtin

        sources_register_builtin()  # the uninsured ledgers and the newborns; other apps add theirs the same way
        mobilisation_register(key="outreach.campaigns", lines=campaign_ledger_lines)  # 动员情况 on the ledger
