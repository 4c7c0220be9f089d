"""Extra lines of a person's 动员情况 on the township ledger, from apps above this one (a reminder sent by SMS, a
notice printed). Each such app registers a function in its AppConfig.ready(); the ledger's page and its Excel file
ask every registered function for the people they show, so both carry the same lines."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .models import UninsuredPerson

# The people of a page or file → for the ones it knows of, their lines by the person's id, oldest first.
LinesFunction = Callable[[Sequence[UninsuredPerson]], dict[int, list[str]]]


@dataclass(frozen=True)
class MobilisationSource:
    key: str
    lines: LinesFunction


_sources: dict[str, MobilisationSource] = {}


def mobilisation_register(*, key: str, lines: LinesFunction) -> None:
    """Register (or replace, by key) a function giving people's extra lines of 动员情况."""
    _sources[key] = MobilisationSource(key=key, lines=lines)


def mobilisation_unregister(*, key: str) -> None:
    _sources.pop(key, None)


def mobilisation_lines(people: Sequence[UninsuredPerson]) -> dict[int, list[str]]:
    """Every registered app's lines for these people, by the person's id; a person without any is left out."""
    found: dict[int, list[str]] = {}
    if not people:
        return found
    for source in sorted(_sources.values(), key=lambda source: source.key):
        for person_id, lines in source.lines(people).items():
            found.setdefault(person_id, []).extend(lines)
    return found
