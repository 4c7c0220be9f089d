"""The template filters every page writes its figures with (core.formatting says how):
{% load canbao_format %} … {{ amount|yuan }} 元, {{ people|count }} 人, {{ rate|percent }},
{{ day|date_table }} in tables, {{ day|date_prose }} in sentences, {{ moment|moment }}, {{ user|person_name }}."""

import datetime
from typing import Any

from django import template

from core import formatting

register = template.Library()


@register.filter
def yuan(value: object) -> str:
    return formatting.yuan_text(value)


@register.filter
def count(value: object) -> str:
    return formatting.count_text(value)


@register.filter
def percent(value: object) -> str:
    return formatting.percent_text(value)


@register.filter
def date_table(value: datetime.date | None) -> str:
    return formatting.date_table_text(value)


@register.filter
def date_prose(value: datetime.date | None) -> str:
    return formatting.date_prose_text(value)


@register.filter
def moment(value: datetime.datetime | None) -> str:
    return formatting.moment_text(value)


@register.filter
def person_name(user: Any) -> str:
    return formatting.person_name_text(user)
