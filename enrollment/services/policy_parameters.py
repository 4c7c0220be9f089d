"""Publishing policy figures: a region's year gets a new version, and the version it replaces stays as it was.

An approved parameter set is never edited. A new notice, or a correction of one, is a new version of the region's
year, approved with its document number (文号); the version in force is the current one (enrollment.policy), and
every earlier version is kept, so that an enrollment names the version its figures came from.
"""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from core.history import history_save
from divisions.models import Division

from ..models import PolicyParameterSet


def policy_parameter_set_with(
    *, region: Division, insurance_year: int, figures: Mapping[str, object]
) -> PolicyParameterSet:
    """An unsaved set of the region's year: its current set with `figures` in place of its own (a new set with only
    them when the year has none). What a draft stands in for, and what publishing it writes."""
    current = PolicyParameterSet.objects.filter(region=region, insurance_year=insurance_year, is_current=True).first()
    if current is None:
        candidate = PolicyParameterSet(
            region=region, insurance_year=insurance_year, effective_from=datetime.date(insurance_year, 1, 1)
        )
    else:
        candidate = PolicyParameterSet(
            **{
                field.attname: getattr(current, field.attname)
                for field in PolicyParameterSet._meta.concrete_fields
                if not field.primary_key
            }
        )
        candidate.region = region
        candidate.version = current.version
    for name, value in figures.items():
        setattr(candidate, name, value)
    return candidate


@transaction.atomic
def policy_parameter_set_publish(
    *,
    region: Division,
    insurance_year: int,
    figures: Mapping[str, object],
    document_number: str,
    approved_by: User,
    reason: str,
) -> PolicyParameterSet:
    """The region's year as a new current version: its current figures with `figures` in their place, approved under
    `document_number`. The version it replaces is kept, no longer current. Refused in Chinese, with nothing written,
    when the figures do not hold together (a subsidy table that does not add up to the standard, dates out of
    order)."""
    document_number = document_number.strip()
    if not document_number:
        raise ValidationError({"document_number": "请填写批准文号。"})
    # one publisher of a region's year at a time: the next version number is read under the lock
    current = (
        PolicyParameterSet.objects.select_for_update()
        .filter(region=region, insurance_year=insurance_year, is_current=True)
        .first()
    )
    latest = PolicyParameterSet.objects.filter(region=region, insurance_year=insurance_year).aggregate(
        latest=Max("version")
    )["latest"]
    published = policy_parameter_set_with(region=region, insurance_year=insurance_year, figures=figures)
    if current is None and not published.source_document:
        published.source_document = document_number
    published.version = (latest or 0) + 1
    published.is_current = True
    published.document_number = document_number
    published.approved_by = approved_by
    published.approved_at = timezone.now()
    if current is not None:
        current.is_current = False
        history_save(
            current,
            actor=approved_by,
            reason=f"由第{published.version}版取代（{document_number}）",
            update_fields=["is_current"],
        )
    # checked once the version it replaces is no longer current; a refusal rolls that back with the rest
    published.full_clean()
    history_save(published, actor=approved_by, reason=reason)
    return published
