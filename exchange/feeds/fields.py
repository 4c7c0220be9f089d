"""The fields several feeds share: an ID number checked by GB 11643 and R13.0."""

import datetime
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from enrollment.rules import IdNumberError, id_number_read


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
        if birth_date > timezone.localdate():
            raise serializers.ValidationError("身份证号中的出生日期晚于今天。")
        return id_number


def date_not_after_today(value: datetime.date, label: str) -> None:
    """R13.0: a date another department reports has happened; one after today is a mistake."""
    if value > timezone.localdate():
        raise serializers.ValidationError(f"{label}（{value.isoformat()}）晚于今天。")
