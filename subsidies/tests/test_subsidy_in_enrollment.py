"""R6.1, R6.2 and R6.4 through the enrollment service and the window page: identities come from the database."""

import datetime
from decimal import Decimal

import pytest

from enrollment.models import Enrollment, Payment
from enrollment.services import PaymentDetails, enrollment_create
from subsidies.services import hardship_identity_create

pytestmark = pytest.mark.django_db
D = datetime.date


def certify(clerk, resident, category, valid_from, valid_to=None, **extra):
    department = extra.pop("department", "民政")
    return hardship_identity_create(
        actor=clerk,
        resident=resident,
        category=category,
        department=department,
        valid_from=valid_from,
        valid_to=valid_to,
        **extra,
    )


def test_r6_1_identity_valid_on_the_payment_date_gives_the_subsidy(clerk, yujing_resident):
    # given
    certify(clerk, yujing_resident, "dibao", D(2025, 1, 1), D(2025, 12, 31))
    # when
    enrollment = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    # then
    assert (enrollment.individual_due, enrollment.subsidy_amount, enrollment.subsidy_category) == (
        Decimal("80.00"),
        Decimal("320.00"),
        "dibao",
    )
    assert list(Payment.objects.values_list("kind", "amount")) == [("contribution", Decimal("80.00"))]


def test_r6_1_identity_expired_before_the_payment_date_gives_nothing(clerk, yujing_resident):
    # given an identity that ended the day before payment, and one that starts the day after
    certify(clerk, yujing_resident, "dibao", D(2025, 1, 1), D(2025, 11, 19))
    certify(clerk, yujing_resident, "tekun", D(2025, 11, 21))
    # when
    enrollment = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    # then
    assert (enrollment.individual_due, enrollment.subsidy_amount, enrollment.subsidy_category) == (
        Decimal("400.00"),
        Decimal("0.00"),
        "",
    )


def test_r6_2_dibao_and_grade_3_disability_certified_by_two_departments(clerk, yujing_resident):
    # given
    certify(clerk, yujing_resident, "dibao", D(2025, 1, 1))
    certify(clerk, yujing_resident, "disability", D(2020, 1, 1), disability_grade=3, department="残联")
    # when
    enrollment = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    # then
    assert (enrollment.individual_due, enrollment.subsidy_category) == (Decimal("0.00"), "dibao_disability")
    assert {
        "rule": "R6.2",
        "text": "低保户中的三级、四级残疾人：个人缴费0.00元，医疗救助基金资助400.00元"
        "（另有1项身份，按个人缴费最低的一项）",
        "source": "山政办发〔2025〕17号 四（1）",
    } in enrollment.explanation


def test_r6_4_back_payment_is_paid_in_full_by_a_subsidised_person(clerk, yujing_resident):
    # given a tekun person who broke 2025
    certify(clerk, yujing_resident, "tekun", D(2025, 1, 1))
    # when 2026 is paid with the one break year back-paid
    enrollment = enrollment_create(
        actor=clerk,
        resident=yujing_resident,
        details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20), back_paid_years=1),
    )
    # then
    assert (enrollment.individual_due, enrollment.subsidy_amount, enrollment.back_payment_due) == (
        Decimal("0.00"),
        Decimal("400.00"),
        Decimal("400.00"),
    )
    assert sorted(Payment.objects.values_list("kind", "amount")) == [
        ("back_payment", Decimal("400.00")),
        ("contribution", Decimal("0.00")),
    ]


def test_window_quote_names_the_identity_that_applied_and_its_source(client, clerk, yujing_resident):
    # given
    certify(clerk, yujing_resident, "returned_to_poverty", D(2025, 6, 1), department="农业农村")
    client.force_login(clerk)
    # when
    page = client.post(
        f"/window/residents/{yujing_resident.pk}/",
        {
            "insurance_year": "2026",
            "payment_date": "2025-11-20",
            "back_paid_years": "0",
            "channel": "window",
            "action": "quote",
        },
    ).content.decode()
    # then
    assert "¥360.00（返贫致贫人口，山政办发〔2025〕17号 四（4））" in page
    assert "确认收费 ¥40.00" in page
    assert Enrollment.objects.count() == 0
