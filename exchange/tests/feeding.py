"""Test helpers of the feeds: check records as a sender's request is checked, apply them as one chunk, and build
many residents at once for the chunk-size tests."""

import datetime

from enrollment.models import Resident, ResidentStatus
from enrollment.rules import id_number_compose
from tests.factories import first_village

TODAY = datetime.date(2026, 12, 1)


def checked(feed, payload):
    """The validated record, or the serializer's errors (a dict) when it refuses the payload."""
    serializer = feed.serializer_class(data=payload)
    if not serializer.is_valid():
        return serializer.errors
    return serializer.validated_data


def feed_apply(feed, actor, payloads, today=TODAY):
    records = [checked(feed, payload) for payload in payloads]
    return feed.apply(actor=actor, records=records, today=today)


def outcomes(results):
    return [(result.outcome, result.message) for result in results]


def residents_bulk(count, *, birth_date=datetime.date(1990, 1, 1), township="140621100"):
    """`count` (at most 1,000) residents of one village, named 居民0…, with ID numbers by sequence."""
    village = first_village(township)
    people = [
        Resident(
            id_number=id_number_compose(address_code="140621", birth_date=birth_date, sequence=number),
            name=f"居民{number}",
            gender="M" if number % 2 else "F",
            birth_date=birth_date,
            household_division=village,
            status=ResidentStatus.NORMAL,
        )
        for number in range(count)
    ]
    return Resident.objects.bulk_create(people)
