"""R13.0: a hardship identity is not certified from a day after today; its end may lie ahead."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import token_client
from subsidies.models import HardshipIdentity
from subsidies.services import hardship_identity_create

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
