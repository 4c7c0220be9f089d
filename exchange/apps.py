from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = "数据交换"

    def ready(self) -> None:
        from .feeds import feed_register
        from .feeds.deaths import DeathFeed
        from .feeds.household_registrations import HouseholdRegistrationFeed

        feed_register(HouseholdRegistrationFeed())
        feed_register(DeathFeed())

        from .todos import todos_register

        todos_register()  # the home page's lines of records waiting for a clerk and of death refunds to open
