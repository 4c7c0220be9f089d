"""A step of a test run on a database connection of its own, as another request or worker would run it."""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

Result = TypeVar("Result")


def on_another_connection(step: Callable[[], Result]) -> Result:
    """Run `step` in a thread, which Django gives a connection of its own, and return what it returns (or raise what
    it raised). The connection is closed after it, so the test database can be dropped."""
    outcome: list[Result] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(step())
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]
