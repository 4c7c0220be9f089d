"""The ID number column of the lists received as files (core.list_files reads them)."""

from decimal import Decimal

from django.utils import timezone
from import_export import widgets

from core.tabular import stored_as_number_message

from .rules import IdNumberError, RecordDateRefused, date_not_in_future_check, id_number_parse


class IdNumberWidget(widgets.Widget):
    """An 18-character ID number whose birth date is not after today (R13.0); a number cell means Excel has already
    rounded it to 15 digits."""

    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        if value is None or str(value).strip() == "":
            raise ValueError("身份证号为空。")
        typed_as_number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        text = f"{value:.0f}" if isinstance(value, float) else str(value)
        try:
            facts = id_number_parse(text)
        except IdNumberError as error:
            if typed_as_number:
                raise ValueError(stored_as_number_message(column="身份证号", shown=text)) from None
            raise ValueError(str(error)) from None
        try:
            date_not_in_future_check(
                value=facts.birth_date, today=timezone.localdate(), field="id_number", label="身份证号中的出生日期"
            )
        except RecordDateRefused as error:
            raise ValueError(str(error)) from None
        return facts.id_number
