"""What other apps know about a person that the window shows beside the quote (a higher app's fact, such as a school
roll naming a first-time student for R9.1).

The window lives in enrollment, below the apps that learn such facts, so it never imports them: each registers a note
from its AppConfig.ready(), and the note reads, through the app's own scoped selectors, what it has on the person.
"""

import datetime
from collections.abc import Callable

from accounts.models import User

from .models import Resident

WindowNote = Callable[[User, Resident, datetime.date], str]  # "" when the app has nothing to say of the person

# Filled by the apps' ready(), by a key naming the note ("exchange.student_roll").
WINDOW_NOTES: dict[str, WindowNote] = {}


def window_note_register(*, key: str, note: WindowNote) -> None:
    WINDOW_NOTES[key] = note


def window_notes(*, user: User, resident: Resident, today: datetime.date) -> list[str]:
    """The notes of the registered apps on the person, in the order the apps registered them."""
    return [text for note in WINDOW_NOTES.values() if (text := note(user, resident, today))]
