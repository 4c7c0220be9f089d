"""R13.0 for fiscal transfers (R11.3): not dated after today, not for a year after next, not dated before 1 January
of the year before its year; each refusal names its field and writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from conftest import make_user
from divisions.models import Division
from reports.models import FiscalTransfer
from reports.services import fiscal_transfer_record

pytestmark = pytest.mark.django_db
SHANYIN = "140621"
D = datetime.date


@pytest.fixture
def shanyin_finance(db):
    return make_user("shanyin_finance", "finance", SHANYIN)


def record(actor, **changes):
    arguments = {
        "county": Division.objects.get(code=SHANYIN),
        "year": 2026,
        "level": "province",
        "date": D(2026, 9, 1),
        "amount": Decimal("50000.00"),
        "voucher_no": "SX-2026-001",
        **changes,
    }
    return fiscal_transfer_record(actor=actor, **arguments)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"date": D(100, 1, 1)}, {"date": ["2026年度的拨付日期不能早于2025年1月1日。"]}),
        ({"year": 2099, "date": D(2026, 9, 1)}, {"year": [f"年度不能晚于{timezone.localdate().year + 1}年。"]}),
    ],
)
def test_r13_0_transfer_with_an_impossible_date_or_year_refused(shanyin_finance, changes, errors):
    # when
    with pytest.raises(ValidationError) as refusal:
        record(shanyin_finance, **changes)
    # then
    assert refusal.value.message_dict == errors
    assert FiscalTransfer.objects.count() == 0


def test_r13_0_transfer_dated_after_today_refused_on_the_form(shanyin_finance):
    # given
    client = Client()
    client.force_login(shanyin_finance)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = {
        "year": tomorrow.year,
        "county": SHANYIN,
        "level": "province",
        "date": str(tomorrow),
        "amount": "50000.00",
        "voucher_no": "SX-2026-001",
        "note": "",
    }
    # when
    response = client.post("/reports/fiscal/transfers/new/", form)
    # then
    assert response.status_code == 400
    today = timezone.localdate()
    assert response.context["form"].errors == {
        "date": [f"拨付日期（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"]
    }
    assert FiscalTransfer.objects.count() == 0


def test_r13_0_transfer_of_the_year_before_dated_in_it_is_recorded(shanyin_finance):
    # when: a 2026 prepay transferred in December 2025
    transfer = record(shanyin_finance, date=D(2025, 12, 20))
    # then
    assert (transfer.year, transfer.date, transfer.amount) == (2026, D(2025, 12, 20), Decimal("50000.00"))
