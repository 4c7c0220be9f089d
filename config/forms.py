"""Form pieces every app's pages share."""

from collections.abc import Sized
from typing import cast

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.functional import Promise


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (2026-11-26): the zh-hans format 2026/11/26 leaves it blank."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SearchableSelect(forms.Select):
    """A long list chosen from by typing part of a name (a village among a county's hundreds): canbao.js turns every
    select that carries `data-searchable` into a Tom Select; without script it is the plain list.

    With a `search_url`, a list longer than LISTED_OPTIONS_LIMIT (the villages of a city, or of the province) is not
    written into the page: the select holds only the empty and the chosen option, and Tom Select asks the URL for the
    options that hold what was typed (`?q=`), as JSON `{"results": [{"value": …, "text": …}]}`. The URL must answer
    with options of the same field, so that what is chosen passes the field's own check.
    """

    LISTED_OPTIONS_LIMIT = 1000

    def __init__(self, attrs: dict | None = None, choices=(), search_url: str | Promise | None = None) -> None:
        super().__init__(attrs={"data-searchable": "", **(attrs or {})}, choices=choices)
        self.search_url = search_url

    def get_context(self, name, value, attrs):
        if self.search_url is None or len(cast(Sized, self.choices)) <= self.LISTED_OPTIONS_LIMIT:
            return super().get_context(name, value, attrs)
        listed, self.choices = self.choices, self._empty_and_chosen_choices(value)
        try:
            return super().get_context(name, value, {**(attrs or {}), "data-search-url": str(self.search_url)})
        finally:
            self.choices = listed

    def _empty_and_chosen_choices(self, value) -> list:
        chosen = {code for code in self.format_value(value) if code}
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            empty = [("", choices.field.empty_label)] if choices.field.empty_label is not None else []
            return empty + [choices.choice(row) for row in choices.queryset.filter(pk__in=chosen)]
        return [(option, label) for option, label in choices if option in ("", None) or str(option) in chosen]
