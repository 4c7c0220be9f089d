from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = "数据交换"

    def ready(self) -> None:
        from .feeds import feed_register
        from .feeds.deaths import DeathFeed
        from .feeds.employee_lists import EmployeeInsuredFeed, EmployeeStoppedFeed
        from .feeds.household_registrations import HouseholdRegistrationFeed
        from .feeds.maternity import MaternityFeed
        from .feeds.moves import MovesFeed
        from .feeds.school_rolls import SchoolRollsFeed

        feed_register(HouseholdRegistrationFeed())
        feed_register(DeathFeed())
        feed_register(MovesFeed())
        feed_register(SchoolRollsFeed())
        feed_register(MaternityFeed())
        feed_register(EmployeeInsuredFeed())
        feed_register(EmployeeStoppedFeed())

        from .todos import todos_register

        todos_register()  # the home page's lines of records waiting for a clerk and of death refunds to open

        from enrollment.window_notes import window_note_register

        from .window_notes import student_roll_note

        window_note_register(key="exchange.student_roll", note=student_roll_note)  # R9.1 at the window
