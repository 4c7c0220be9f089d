"""Form pieces every app's pages share."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (2026-11-26): the zh-hans format 2026/11/26 leaves it blank."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SearchableSelect(forms.Select):
    """A long list chosen from by typing part of a name (a village among a county's hundreds): canbao.js turns every
    select that carries `data-searchable` into a Tom Select; without script it is the plain list."""

    def __init__(self, attrs: dict | None = None, choices=()) -> None:
        super().__init__(attrs={"data-searchable": "", **(attrs or {})}, choices=choices)
