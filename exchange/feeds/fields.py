"""The fields several feeds share: an ID number checked by GB 11643 and R13.0."""

import datetime
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from core.tabular import CellUnreadable, cell_date
from enrollment.rules import IdNumberError, id_number_read


def context_today(field: serializers.Field) -> datetime.date:
    """The day the records are received: the serializer's context gives it (one look-up per batch, not per record)."""
    today = field.context.get("today")
    return today if isinstance(today, datetime.date) else timezone.localdate()


class FeedIdNumberField(serializers.CharField):
    """An 18-character 公民身份号码 with a valid check character; the birth date it names is not after today."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 18)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        try:
            id_number, birth_date, _gender = id_number_read(text)
        except IdNumberError as error:
            raise serializers.ValidationError(str(error)) from error
        if birth_date > context_today(self):
            raise serializers.ValidationError("身份证号中的出生日期晚于今天。")
        return id_number


def date_not_after_today(value: datetime.date, label: str, today: datetime.date) -> None:
    """R13.0: a date another department reports has happened; one after today is a mistake."""
    if value > today:
        raise serializers.ValidationError(f"{label}（{value.isoformat()}）晚于今天。")


class FeedDateField(serializers.DateField):
    """A date as 2026-01-01, or as a department's file writes it (2026/1/1, 2026年1月1日, 20260101, an Excel date)."""

    def to_internal_value(self, value: Any) -> datetime.date:
        if isinstance(value, datetime.date | str) and not isinstance(value, datetime.datetime):
            try:
                date = cell_date(value)
            except CellUnreadable as error:
                raise serializers.ValidationError("格式不正确，请写成2026-01-01。") from error
            if date is not None:
                return date
        return super().to_internal_value(value)


class LabelledChoiceField(serializers.ChoiceField):
    """A choice given by its value (M) or, as files write it, by its Chinese label (男)."""

    def to_internal_value(self, data: Any) -> Any:
        if data is None:
            return super().to_internal_value(data)  # type: ignore[arg-type]
        text = str(data).strip()
        for value, label in self.choices.items():
            if text == label:
                return value
        return super().to_internal_value(text)


class FeedBooleanField(serializers.BooleanField):
    """Yes or no as JSON gives it (true/false), or as a department's file writes it (是/否)."""

    TRUE_VALUES = {*serializers.BooleanField.TRUE_VALUES, "是"}
    FALSE_VALUES = {*serializers.BooleanField.FALSE_VALUES, "否"}
