"""Pages write figures one way (issue 19): money 1,200,000.00, counts 134,600, tables 2026-12-03, sentences
2026年12月3日, and a change history names the person who made the change."""

import datetime

import pytest
from django.test import Client

from tests.factories import EnrollmentFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_resident_page_writes_dates_money_and_the_clerk_by_name():
    # given 张敏 registers a resident and takes the 2026 contribution
    clerk = UserFactory(username="zhangmin", role="window_clerk", division_code="140621", full_name="张敏")
    resident = ResidentFactory(actor=clerk, birth_date=datetime.date(1985, 3, 12), sequence=17, name="王玉井")
    EnrollmentFactory(actor=clerk, resident=resident, payment_date=datetime.date(2025, 11, 20))
    # when
    html = logged_in(clerk).get(f"/residents/{resident.pk}/").content.decode()
    # then
    assert '<dd class="col-sm-4">1985年3月12日</dd>' in html
    assert "<td>2025-11-20</td>" in html
    assert "<td>¥400.00</td><td>¥0.00</td>" in html
    assert "<td>张敏</td></tr>" in html
    assert "<td>zhangmin</td>" not in html
