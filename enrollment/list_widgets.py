"""The ID number column of the lists received as files (core.list_files reads them)."""

from decimal import Decimal

from import_export import widgets

from core.tabular import stored_as_number_message

from .rules import IdNumberError, id_number_parse


class IdNumberWidget(widgets.Widget):
    """An 18-character ID number; a number cell means Excel has already rounded it to 15 digits."""

    def clean(self, value: object, row: object = None, **kwargs: object) -> str:
        if value is None or str(value).strip() == "":
            raise ValueError("身份证号为空。")
        typed_as_number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        text = f"{value:.0f}" if isinstance(value, float) else str(value)
        try:
            return id_number_parse(text).id_number
        except IdNumberError as error:
            if typed_as_number:
                raise ValueError(stored_as_number_message(column="身份证号", shown=text)) from None
            raise ValueError(str(error)) from None
