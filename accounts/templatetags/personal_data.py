"""Template filters for personal data on pages: masked, as accounts.personal_data says."""

from django import template

from accounts.personal_data import id_number_on_page, phone_on_page

register = template.Library()


@register.filter
def masked_phone(phone: str) -> str:
    return phone_on_page(phone or "")


@register.filter
def masked_id_number(id_number: str) -> str:
    return id_number_on_page(id_number or "")
