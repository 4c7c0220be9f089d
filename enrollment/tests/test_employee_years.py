"""Years insured under employee insurance (R8.1, R8.2, R12.2): recorded with an exit, an employee refund or by hand,
read back by the rules through person_history, and over the API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import token_client
from enrollment.models import EmployeeInsuredYear, Enrollment, Payment
from enrollment.selectors import person_history
from enrollment.services import (
    EmployeeYearEntry,
    PaymentDetails,
    employee_insured_years_record,
    employee_insured_years_record_many,
    enrollment_create,
    refund_request,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def recorded(resident):
    return list(
        EmployeeInsuredYear.objects.filter(resident=resident)
        .order_by("year")
        .values_list("year", "source", "exit_date")
    )


def stopper_enrollment(clerk, resident, **changes):
    """2026 paid on 2026-11-20, after its collection period, within 3 months of an exit on 2026-10-01."""
    arguments = {
        "insurance_year": 2026,
        "payment_date": D(2026, 11, 20),
        "special_status": "exited_other_scheme",
        "special_date": D(2026, 10, 1),
        **changes,
    }
    return enrollment_create(actor=clerk, resident=resident, details=PaymentDetails(**arguments))


def r8_1_texts(enrollment):
    return [entry["text"] for entry in enrollment.explanation if entry["rule"] == "R8.1"]


# --- recording (services/employee_years.py) ---------------------------------------------------------------------


def test_r8_2_recorded_years_are_read_back_by_person_history(clerk, yujing_resident):
    # when
    rows = employee_insured_years_record(actor=clerk, resident=yujing_resident, years=[2025, 2024], source="import")
    # then
    assert [(row.year, row.source, row.recorded_by) for row in rows] == [
        (2024, "import", clerk),
        (2025, "import", clerk),
    ]
    history = person_history(resident=yujing_resident, before_year=2027, on_date=D(2026, 11, 20))
    assert history.employee_insured_years == frozenset({2024, 2025})
    assert rows[0].history.get().history_user == clerk


def test_one_persons_history_reads_the_four_tables_by_the_persons_id(clerk, yujing_resident):
    # given
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    employee_insured_years_record(actor=clerk, resident=yujing_resident, years=[2024], source="import")
    # when
    with CaptureQueriesContext(connection) as queries:
        history = person_history(resident=yujing_resident, before_year=2027, on_date=D(2026, 11, 20))
    # then four queries, none of them through the registry
    assert len(queries.captured_queries) == 4
    assert [query["sql"] for query in queries.captured_queries if "enrollment_resident" in query["sql"]] == []
    assert history.employee_insured_years == frozenset({2024})


def test_r8_2_recording_the_same_years_again_changes_nothing(clerk, yujing_resident):
    # given
    employee_insured_years_record(actor=clerk, resident=yujing_resident, years=[2025], source="exit")
    # when: the stop list names the year again, with the exit date
    employee_insured_years_record(
        actor=clerk, resident=yujing_resident, years=[2025], source="import", exit_date=D(2026, 1, 5)
    )
    employee_insured_years_record(
        actor=clerk, resident=yujing_resident, years=[2025], source="import", exit_date=D(2026, 1, 5)
    )
    # then: one row, its first source kept, the missing exit date filled in once
    assert recorded(yujing_resident) == [(2025, "exit", D(2026, 1, 5))]
    assert EmployeeInsuredYear.history.count() == 2


@pytest.mark.parametrize(
    ("years", "exit_date", "field", "message"),
    [
        ([2024, 2099], None, "employee_years", "职工医保参保年度2099年晚于2026年，不能登记尚未开始的年度。"),
        ([1984, 1985], None, "employee_years", "职工医保参保年度1984年早于出生年份（1985年）。"),
        ([], None, "employee_years", "请填写职工医保参保年度。"),
        ([2025], D(2099, 1, 1), "exit_date", "职工医保停保日期（2099年1月1日）不能晚于今天"),
    ],
)
def test_r13_0_employee_year_refusals_write_nothing(clerk, yujing_resident, years, exit_date, field, message):
    # given
    employee_insured_years_record(actor=clerk, resident=yujing_resident, years=[2023], source="exit")
    # when
    with pytest.raises(ValidationError) as refusal:
        employee_insured_years_record(
            actor=clerk, resident=yujing_resident, years=years, source="exit", exit_date=exit_date
        )
    # then
    assert list(refusal.value.message_dict) == [field]
    assert refusal.value.message_dict[field][0].startswith(message)
    assert recorded(yujing_resident) == [(2023, "exit", None)]
    assert EmployeeInsuredYear.history.count() == 1


# --- R8.1 with the exit (enrollment_create) ---------------------------------------------------------------------


def test_r8_1_two_continuous_employee_years_exempt(clerk, yujing_resident):
    # when: a stopper who was insured under employee insurance in 2025 and 2026
    enrollment = stopper_enrollment(clerk, yujing_resident, exit_kind="employee_insurance", employee_years=[2025, 2026])
    # then: the years are recorded with the exit, and the exemption holds: from the day after payment (Shanyin)
    assert recorded(yujing_resident) == [(2025, "exit", D(2026, 10, 1)), (2026, "exit", D(2026, 10, 1))]
    assert (enrollment.exit_kind, enrollment.waiting_total_months, enrollment.benefit_start) == (
        "employee_insurance",
        0,
        D(2026, 11, 21),
    )
    assert r8_1_texts(enrollment)[1] == (
        "职工医保停保（2026年10月1日），登记的职工医保参保年度为2025年、2026年，截至停保2025年、2026年连续2年，"
        "满足连续2年（含2年）以上的条件"
    )


def test_r8_1_one_employee_year_is_not_enough(clerk, yujing_resident):
    # when: only 2026 under employee insurance (the kind follows from the years)
    enrollment = stopper_enrollment(clerk, yujing_resident, employee_years=[2026])
    # then: the ordinary rules: 2025 a break year, out of period, 3 months from 2026-11-20: past the year's end
    assert (enrollment.break_years, enrollment.waiting_total_months, enrollment.benefit_start) == (1, 3, None)
    assert r8_1_texts(enrollment) == [
        "职工医保停保（2026年10月1日），登记的职工医保参保年度为2026年，截至停保2026年连续1年，"
        "不满足连续2年（含2年）以上的条件，不适用免等待期，按一般规定计算等待期"
    ]


def test_r8_1_without_kind_or_years_the_declared_exemption_stands_and_says_so(clerk, yujing_resident):
    enrollment = stopper_enrollment(clerk, yujing_resident)
    assert (enrollment.exit_kind, enrollment.benefit_start) == ("", D(2026, 11, 21))
    assert r8_1_texts(enrollment)[1] == (
        "未填写退出类别，也未登记职工医保参保年度，按经办人申报的退出其他制度保障办理，未核对连续参保年限"
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"employee_years": [2025, 2027]},
            "employee_years",
            "职工医保参保年度2027年晚于2026年，不能登记尚未开始的年度。",
        ),
        ({"employee_years": [2025, 2026], "payment_date": D(2099, 1, 5)}, "payment_date", "缴费日期（2099年1月5日）"),
        ({"exit_kind": "deserter"}, "exit_kind", "退出类别应为：职工医保停保、退役军人、随军未就业配偶、刑满释放。"),
        (
            {"exit_kind": "veteran", "employee_years": [2025]},
            "employee_years",
            "退出类别为退役军人，不随参保登记职工医保参保年度。",
        ),
        (
            {"special_status": "", "special_date": None, "exit_kind": "veteran"},
            "exit_kind",
            "只有退出其他制度保障人员才填写退出类别。",
        ),
    ],
)
def test_r8_1_exit_refusals_write_nothing(clerk, yujing_resident, changes, field, message):
    # when
    with pytest.raises(ValidationError) as refusal:
        stopper_enrollment(clerk, yujing_resident, **changes)
    # then: neither the enrollment nor any of the years it came with
    assert list(refusal.value.message_dict) == [field]
    assert refusal.value.message_dict[field][0].startswith(message)
    assert (Enrollment.objects.count(), Payment.objects.count(), EmployeeInsuredYear.objects.count()) == (0, 0, 0)


def test_r8_1_back_payment_recomputes_with_the_stored_exit_kind(clerk, yujing_resident):
    # given: a veteran with an employee year on record, exempt as a veteran
    employee_insured_years_record(actor=clerk, resident=yujing_resident, years=[2026], source="import")
    enrollment = stopper_enrollment(clerk, yujing_resident, exit_kind="veteran")
    assert enrollment.benefit_start == D(2026, 11, 21)
    # when: the rules run again on the stored enrollment
    from enrollment.services import enrollment_recompute

    again = enrollment_recompute(actor=clerk, enrollment=enrollment)
    # then: still a veteran's exit, not taken for an employee-insurance stop
    assert (again.exit_kind, again.benefit_start) == ("veteran", D(2026, 11, 21))


# --- R12.2: the employee refund records the year ---------------------------------------------------------------


def test_r12_2_employee_refund_records_insured_year(clerk, yujing_resident):
    # given: enrolled 2025 and 2026; 2026 refunded because employee insurance was paid for it
    enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2025, payment_date=D(2024, 11, 20))
    )
    enrolled_2026 = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    refunded = refund_request(actor=clerk, enrollment=enrolled_2026, reason="employee_insured", date=D(2026, 1, 10))
    # then: 2026 is recorded as an employee year, and the record says so
    assert recorded(yujing_resident) == [(2026, "refund", None)]
    assert [entry["rule"] for entry in refunded.explanation[-2:]] == ["R8.2", "R12.2"]
    assert refunded.explanation[-2]["text"] == "2026年度记为参加职工基本医疗保险，不计为断保年度，不扣减大病保险限额"
    # when: 2027 is paid inside its collection period
    enrolled_2027 = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2027, payment_date=D(2026, 11, 20))
    )
    # then: no break, no wait, no penalty; not continuous (2026 was no resident year)
    assert (enrolled_2027.break_years, enrolled_2027.waiting_total_months, enrolled_2027.benefit_start) == (
        0,
        0,
        D(2027, 1, 1),
    )
    assert (enrolled_2027.cap_break_penalty, enrolled_2027.cap_effective, enrolled_2027.continuous) == (
        Decimal("0.00"),
        Decimal("400000.00"),
        False,
    )


def test_r12_2_other_refunds_record_no_employee_year(clerk, yujing_resident):
    enrollment = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    refund_request(
        actor=clerk, enrollment=enrollment, reason="died_before_benefit", date=D(2026, 1, 10), death_date=D(2026, 1, 8)
    )
    assert recorded(yujing_resident) == []


def test_r12_2_refund_of_next_year_records_next_year(clerk, yujing_resident):
    # given: 2027 paid in its collection period, refunded in it (today is inside it in these tests' world)
    enrollment = enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2027, payment_date=D(2026, 11, 20))
    )
    refund_request(actor=clerk, enrollment=enrollment, reason="employee_insured", date=D(2026, 11, 24))
    assert recorded(yujing_resident) == [(2027, "refund", None)]


# --- the API's optional fields ----------------------------------------------------------------------------------


def post_enrollment(client, resident, **changes):
    body = {
        "id_number": resident.id_number,
        "insurance_year": 2026,
        "payment_date": "2026-11-20",
        "special_status": "exited_other_scheme",
        "special_date": "2026-10-01",
        **changes,
    }
    return client.post("/api/v1/enrollments/", body, format="json")


def test_r8_1_api_enrollment_takes_the_exit_kind_and_employee_years(clerk, yujing_resident):
    response = post_enrollment(
        token_client(clerk), yujing_resident, exit_kind="employee_insurance", employee_years=[2025, 2026]
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["benefit_start"], body["waiting"]["total_months"]) == ("2026-11-21", 0)
    assert recorded(yujing_resident) == [(2025, "exit", D(2026, 10, 1)), (2026, "exit", D(2026, 10, 1))]


def test_r8_1_api_enrollment_without_the_new_fields_is_as_before(clerk, yujing_resident):
    response = post_enrollment(token_client(clerk), yujing_resident)
    assert (response.status_code, response.json()["benefit_start"]) == (201, "2026-11-21")
    assert recorded(yujing_resident) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"employee_years": [2030]},
            {"employee_years": ["职工医保参保年度2030年晚于2026年，不能登记尚未开始的年度。"]},
        ),
        ({"exit_kind": "deserter"}, {"exit_kind": ["“deserter” 不是合法选项。"]}),
    ],
)
def test_r8_1_api_enrollment_refusals_change_nothing(clerk, yujing_resident, changes, expected):
    response = post_enrollment(token_client(clerk), yujing_resident, **changes)
    assert response.status_code == 400
    assert response.json() == expected
    assert (Enrollment.objects.count(), EmployeeInsuredYear.objects.count()) == (0, 0)


QUOTE = {
    "region": "140621",
    "insurance_year": 2026,
    "payment_date": "2026-04-10",
    "birth_date": "1980-05-01",
    "special_status": "exited_other_scheme",
    "special_date": "2026-03-01",
}


def test_r8_1_api_quote_with_employee_years(clerk):
    client = token_client(clerk)
    one_year = client.post("/api/v1/policy/quote/", {**QUOTE, "employee_insured_years": [2025]}, format="json")
    two_years = client.post("/api/v1/policy/quote/", {**QUOTE, "employee_insured_years": [2024, 2025]}, format="json")
    assert (one_year.status_code, one_year.json()["benefit_start"], one_year.json()["break_years"]) == (
        200,
        "2026-07-10",
        0,
    )
    assert (two_years.status_code, two_years.json()["benefit_start"]) == (200, "2026-04-11")


def test_r8_1_api_quote_with_exit_kind(clerk):
    client = token_client(clerk)
    veteran = client.post("/api/v1/policy/quote/", {**QUOTE, "exit_kind": "veteran"}, format="json")
    stopper = client.post("/api/v1/policy/quote/", {**QUOTE, "exit_kind": "employee_insurance"}, format="json")
    assert veteran.json()["benefit_start"] == "2026-04-11"
    assert stopper.json()["benefit_start"] == "2026-07-10"


def test_r8_2_api_quote_employee_year_is_not_a_break_year(clerk):
    body = {**QUOTE, "special_status": None, "special_date": None, "insurance_year": 2027}
    body.update(payment_date="2026-11-20", enrolled_years=[2025], employee_insured_years=[2026])
    response = token_client(clerk).post("/api/v1/policy/quote/", body, format="json")
    assert (response.json()["break_years"], response.json()["benefit_start"]) == (0, "2027-01-01")
    assert response.json()["catastrophic_cap"]["break_penalty"] == "0.00"


def test_r8_1_api_quote_exit_kind_without_exit_is_refused(clerk):
    body = {**QUOTE, "special_status": None, "special_date": None, "exit_kind": "veteran"}
    response = token_client(clerk).post("/api/v1/policy/quote/", body, format="json")
    assert (response.status_code, response.json()) == (400, {"exit_kind": ["只有退出其他制度保障人员才填写退出类别。"]})


# --- the pages ---------------------------------------------------------------------------------------------------

WINDOW_PAYMENT = {
    "insurance_year": "2026",
    "payment_date": "2026-11-20",
    "back_paid_years": "0",
    "channel": "window",
    "accident_topup": "",
    "special_status": "exited_other_scheme",
    "special_date": "2026-10-01",
    "exit_kind": "employee_insurance",
    "employee_years": "2025-2026",
    "payer_id_number": "",
    "payer_relation": "",
}


def test_r8_1_window_quote_sees_the_years_typed_and_writes_nothing(client, clerk, yujing_resident):
    client.force_login(clerk)
    page = client.post(f"/window/residents/{yujing_resident.pk}/", {**WINDOW_PAYMENT, "action": "quote"})
    content = page.content.decode()
    assert "2026-11-21 至 2026-12-31" in content
    assert "截至停保2025年、2026年连续2年" in content
    assert (Enrollment.objects.count(), EmployeeInsuredYear.objects.count()) == (0, 0)


def test_r8_1_window_payment_records_the_years_and_the_resident_page_lists_them(client, clerk, yujing_resident):
    client.force_login(clerk)
    paid = client.post(
        f"/window/residents/{yujing_resident.pk}/", {**WINDOW_PAYMENT, "employee_years": "2025，2026", "action": "pay"}
    )
    assert paid.status_code == 302
    assert recorded(yujing_resident) == [(2025, "exit", D(2026, 10, 1)), (2026, "exit", D(2026, 10, 1))]
    page = client.get(f"/residents/{yujing_resident.pk}/").content.decode()
    assert "职工医保参保年度" in page
    assert "<td>2025</td><td>退出职工医保登记</td><td>2026-10-01</td>" in page


def test_r8_1_window_unreadable_years_are_refused_in_chinese(client, clerk, yujing_resident):
    client.force_login(clerk)
    page = client.post(
        f"/window/residents/{yujing_resident.pk}/", {**WINDOW_PAYMENT, "employee_years": "去年", "action": "pay"}
    ).content.decode()
    assert "职工医保参保年度请填写四位年份" in page
    assert (Enrollment.objects.count(), EmployeeInsuredYear.objects.count()) == (0, 0)


# --- Many people at once (the employee-insurance system's lists) ----------------------------------------------


def test_r8_2_recording_many_keeps_the_first_source_and_fills_in_a_missing_exit_date(clerk, yujing_resident):
    # given
    employee_insured_years_record(actor=clerk, resident=yujing_resident, years=[2024], source="exit")
    entries = [
        EmployeeYearEntry(yujing_resident, 2024, D(2025, 1, 5)),
        EmployeeYearEntry(yujing_resident, 2025, D(2026, 1, 5)),
        EmployeeYearEntry(yujing_resident, 2025, D(2026, 1, 5)),
    ]
    # when
    done = employee_insured_years_record_many(
        actor=clerk, entries=entries, source="import", reason="职工医保停保名单", today=D(2026, 12, 1)
    )
    again = employee_insured_years_record_many(
        actor=clerk, entries=entries, source="import", reason="职工医保停保名单", today=D(2026, 12, 1)
    )
    # then
    key = yujing_resident.pk
    assert (done.created, done.filled) == (frozenset({(key, 2025)}), frozenset({(key, 2024)}))
    assert (again.created, again.filled) == (frozenset(), frozenset())
    assert recorded(yujing_resident) == [(2024, "exit", D(2025, 1, 5)), (2025, "import", D(2026, 1, 5))]
    assert EmployeeInsuredYear.history.count() == 3


def test_r13_0_recording_many_refuses_a_year_not_begun_and_writes_nothing(clerk, yujing_resident):
    # given
    entries = [EmployeeYearEntry(yujing_resident, 2025), EmployeeYearEntry(yujing_resident, 2027)]
    # when
    with pytest.raises(ValidationError) as refusal:
        employee_insured_years_record_many(
            actor=clerk, entries=entries, source="import", reason="职工医保参保名单", today=D(2026, 12, 1)
        )
    # then
    assert refusal.value.message_dict == {
        "employee_years": [f"{yujing_resident.id_number}：职工医保参保年度2027年晚于2026年，不能登记尚未开始的年度。"]
    }
    assert (recorded(yujing_resident), EmployeeInsuredYear.history.count()) == ([], 0)
