"""The demo data of `make run`: users, residents, identities and payments, a few newborns, the split of 朔州's target
among its counties and the target progress computed on them; a second run changes nothing."""

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from enrollment.models import Enrollment, Resident
from newborns.models import BirthRecord
from subsidies.models import HardshipIdentity
from targets.models import ProgressJob, ProgressSnapshot, Target

pytestmark = pytest.mark.django_db
NEWBORNS = "subsidised_newborns"
SHUOZHOU_SPLIT = {  # as the demo enters it: 朔州's 6000 among its seven counties
    "140602": 1500,
    "140603": 600,
    "140621": 700,
    "140622": 800,
    "140623": 300,
    "140671": 200,
    "140681": 1900,
}


def seed():
    call_command("seed_demo", residents=20, stdout=io.StringIO())


def demo_as_of() -> datetime.date:
    """The date the demo's progress is computed as of: today, the year's last day once 2026 is past."""
    return min(timezone.localdate(), datetime.date(2026, 12, 31))


def newborns_enrolled(*, as_of: datetime.date, code_prefix: str) -> int:
    """Babies born by `as_of` whose 2026 enrollment under the newborn programme was paid by then and stands."""
    return Enrollment.objects.filter(
        insurance_year=2026,
        subsidy_category="newborn_programme",
        status="active",
        payment_date__lte=as_of,
        resident__birth_date__lte=as_of,
        resident__household_division__code__startswith=code_prefix,
    ).count()


def expected_row(*, target: int, actual: int, as_of: datetime.date) -> tuple:
    year_share = Fraction(as_of.timetuple().tm_yday, 365)  # 2026 has 365 days

    def four_places(value: Fraction) -> Decimal:
        return (Decimal(value.numerator) / value.denominator).quantize(Decimal("0.0001"), ROUND_HALF_UP)

    behind = target * year_share - actual
    gap = int((Decimal(behind.numerator) / behind.denominator).quantize(Decimal(1), ROUND_HALF_UP))
    return (Decimal(target), actual, four_places(Fraction(actual, target)), four_places(year_share), gap)


def stored_row(code: str, as_of: datetime.date) -> tuple:
    snapshot = ProgressSnapshot.objects.get(year=2026, as_of=as_of, division_id=code, metric=NEWBORNS)
    return (snapshot.target, snapshot.actual, snapshot.completion_rate, snapshot.time_progress, snapshot.gap)


def everything_seeded() -> list:
    return [
        list(model.objects.order_by("pk").values())
        for model in (User, Resident, Enrollment, HardshipIdentity, BirthRecord, Target, ProgressJob, ProgressSnapshot)
    ] + [list(Target.history.order_by("pk").values_list("history_id", flat=True))]


def test_seed_demo_creates_every_role_residents_identities_and_payments_once():
    # when
    seed()
    seed()
    # then: 20 residents and, a tenth of them, 2 newborns registered with their enrollments
    assert User.objects.count() == 7
    assert (Resident.objects.count(), HardshipIdentity.objects.count(), Enrollment.objects.count()) == (22, 2, 18)
    assert BirthRecord.objects.count() == 2
    subsidised = Enrollment.objects.exclude(subsidy_category="").count()
    assert subsidised == Enrollment.objects.filter(subsidy_amount__gt=0).count()


def test_r10_1_seed_demo_splits_shuozhou_target_among_its_counties_as_the_city_staff():
    # when
    seed()
    # then
    county_targets = Target.objects.filter(division__parent_id="1406", year=2026, metric=NEWBORNS)
    assert {target.division_id: int(target.value) for target in county_targets} == SHUOZHOU_SPLIT
    assert sum(SHUOZHOU_SPLIT.values()) == Target.objects.get(division_id="1406", year=2026, metric=NEWBORNS).value
    assert {target.source_document for target in county_targets} == {"朔州市分解（朔州市医保局 王芳）"}
    assert {record.history_user.username for record in Target.history.filter(division__parent_id="1406")} == {"city"}


def test_r10_3_seed_demo_computes_the_progress_of_the_province_the_city_and_shanyin():
    # when
    seed()
    # then: the 2 newborns of 山阴县 against the province's, 朔州's and 山阴县's targets
    as_of = demo_as_of()
    assert newborns_enrolled(as_of=as_of, code_prefix="14") == newborns_enrolled(as_of=as_of, code_prefix="140621") == 2
    assert stored_row("14", as_of) == expected_row(target=134600, actual=2, as_of=as_of)
    assert stored_row("1406", as_of) == expected_row(target=6000, actual=2, as_of=as_of)
    assert stored_row("140621", as_of) == expected_row(target=700, actual=2, as_of=as_of)
    assert stored_row("140681", as_of) == expected_row(target=1900, actual=0, as_of=as_of)
    assert ProgressSnapshot.objects.filter(as_of=as_of, metric=NEWBORNS).count() == 1 + 11 + 7
    # and by the job the refresh button runs, finished, for the date and each quarter end before it
    quarter_ends = [datetime.date(2026, 3, 31), datetime.date(2026, 6, 30), datetime.date(2026, 9, 30)]
    dates = [*(end for end in quarter_ends if end < as_of), as_of]
    assert sorted(ProgressJob.objects.values_list("as_of", "status")) == [(date, "succeeded") for date in dates]
    for date in dates:
        actual = newborns_enrolled(as_of=date, code_prefix="140621")
        assert stored_row("140621", date) == expected_row(target=700, actual=actual, as_of=date)


def test_r10_3_the_demo_dashboards_show_the_counties_of_the_city_with_their_figures(client):
    # given
    seed()
    client.force_login(User.objects.get(username="city"))
    # when
    page = client.get("/targets/", {"year": 2026, "division": "1406"}).content.decode()
    # then
    for code in SHUOZHOU_SPLIT:
        assert f'data-division="{code}"' in page
    assert "目标 6,000 人，已完成 2 人" in page


def test_seed_demo_run_twice_changes_nothing():
    # given
    seed()
    before = everything_seeded()
    # when
    seed()
    # then
    assert everything_seeded() == before
