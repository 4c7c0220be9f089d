"""R13.0: a hardship identity is not certified from a day after today; its end may lie ahead."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import SHANYIN, token_client
from core.batches import BatchStatus
from divisions.models import Division
from subsidies.models import HardshipIdentity
from subsidies.services import hardship_identity_create, identity_list_preview

pytestmark = pytest.mark.django_db
ONE_DAY = datetime.timedelta(days=1)


def test_r13_0_identity_valid_from_after_today_refused_over_the_api(clerk, yujing_resident):
    # given
    today = timezone.localdate()
    tomorrow = today + ONE_DAY
    body = {
        "id_number": yujing_resident.id_number,
        "category": "dibao",
        "valid_from": str(tomorrow),
        "department": "民政",
    }
    # when
    response = token_client(clerk).post("/api/v1/identities/", body, format="json")
    # then
    assert response.status_code == 400
    assert response.json() == {
        "valid_from": [f"有效期起（{tomorrow:%Y年%-m月%-d日}）不能晚于今天（{today:%Y年%-m月%-d日}）。"]
    }
    assert HardshipIdentity.objects.count() == 0


def test_r13_0_identity_valid_from_today_with_an_end_ahead_is_stored(clerk, yujing_resident):
    # given
    today = timezone.localdate()
    # when
    identity = hardship_identity_create(
        actor=clerk,
        resident=yujing_resident,
        category="dibao",
        department="民政",
        valid_from=today,
        valid_to=today + datetime.timedelta(days=365),
    )
    # then
    assert (identity.valid_from, identity.valid_to) == (today, today + datetime.timedelta(days=365))
    assert HardshipIdentity.objects.count() == 1


def test_r13_0_identity_refusal_names_the_field_and_writes_nothing(clerk, yujing_resident):
    # when
    with pytest.raises(ValidationError) as refusal:
        hardship_identity_create(
            actor=clerk,
            resident=yujing_resident,
            category="dibao",
            department="民政",
            valid_from=datetime.date(9999, 1, 1),
        )
    # then
    assert list(refusal.value.message_dict) == ["valid_from"]
    assert HardshipIdentity.objects.count() == 0


def test_r13_0_list_row_valid_from_after_today_refuses_the_list(clerk, yujing_resident):
    # given a 民政 list of today whose only row starts tomorrow
    today = timezone.localdate()
    tomorrow = today + ONE_DAY
    text = f"姓名,身份证号,身份类别,有效期起\r\n王玉井,{yujing_resident.id_number},低保,{tomorrow.isoformat()}\r\n"
    # when
    batch = identity_list_preview(
        actor=clerk,
        county=Division.objects.get(code=SHANYIN),
        department="民政",
        list_date=today,
        file_name="名单.csv",
        content=text.encode("utf-8"),
    )
    # then
    assert batch.status == BatchStatus.REFUSED
    assert [(error["row"], error["errors"]) for error in batch.row_errors] == [
        (2, [f"有效期起：{tomorrow.isoformat()}晚于今天（{today.isoformat()}）。"])
    ]
    assert HardshipIdentity.objects.count() == 0
