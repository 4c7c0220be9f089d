"""Who a campaign reminds: sources registered by key, so that any app adds its own (`source_register`) without this
app knowing it. A source answers the people of a division and insurance year, as the actor may see them (None: the
September schedule, limited by the division alone), each with the deadline and amount the reminder tells."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from accounts.models import User
from divisions.models import Division


@dataclass(frozen=True)
class OutreachTarget:
    resident_id: int | None
    name: str
    id_number: str
    phone: str
    village: Division | None
    reason: str
    deadline: datetime.date
    amount: Decimal
    explanation: str = ""  # how the deadline and amount were found, with rule ids


class PeopleFunction(Protocol):
    def __call__(
        self, *, actor: User | None, division: Division, year: int, today: datetime.date
    ) -> list[OutreachTarget]: ...


@dataclass(frozen=True)
class OutreachSource:
    key: str
    label: str
    people: PeopleFunction


class SourceNotFound(LookupError):
    pass


_sources: dict[str, OutreachSource] = {}


def source_register(source: OutreachSource) -> None:
    """Register a source (or replace the one of the same key)."""
    _sources[source.key] = source


def source_unregister(key: str) -> None:
    _sources.pop(key, None)


def source_get(key: str) -> OutreachSource:
    try:
        return _sources[key]
    except KeyError:
        raise SourceNotFound(key) from None


def sources_all() -> Sequence[OutreachSource]:
    return list(_sources.values())


def source_label(key: str) -> str:
    source = _sources.get(key)
    return source.label if source else key


UNINSURED_SOURCE = "uninsured"
NEWBORNS_SOURCE = "newborns"
MATERNITY_SOURCE = "maternity"


def sources_register_builtin() -> None:
    from .selectors import maternity_targets, newborn_targets, uninsured_targets

    source_register(OutreachSource(key=UNINSURED_SOURCE, label="未参保台账人员", people=uninsured_targets))
    source_register(
        OutreachSource(key=NEWBORNS_SOURCE, label="新生儿（待补录身份证号或尚未参保）", people=newborn_targets)
    )
    source_register(
        OutreachSource(key=MATERNITY_SOURCE, label="生育保险报销后婴儿尚未参保的母亲", people=maternity_targets)
    )
