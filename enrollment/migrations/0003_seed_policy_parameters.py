"""Reference data: Shanxi's policy figures 2019-2026 (RULES.md R1.2, R4, R5) and Shanyin's 2026 calendar (R2)."""

import datetime
from decimal import Decimal

from django.db import migrations

SHANXI_STANDARDS = {2019: "250", 2020: "280", 2021: "320", 2022: "350", 2023: "380", 2024: "400", 2025: "400", 2026: "400"}
LONG_TERM_MECHANISM = "晋医保发〔2025〕3号"
SHANYIN_NOTICE = "山政办发〔2025〕17号"


def shanyin_2026_calendar_shifted_to(year):
    """The documents give earlier years only their standards: their calendars are the 2026 one, shifted."""
    shift = year - 2026
    return {
        "collection_opens": datetime.date(2025 + shift, 10, 17),
        "normal_part_ends": datetime.date(2025 + shift, 12, 25),
        "extended_part_starts": datetime.date(2026 + shift, 1, 1),
        "extended_part_ends": datetime.date(2026 + shift, 2, 25),
        "monthly_cutoff_day": 25,
    }


def seed(apps, schema_editor):
    PolicyParameterSet = apps.get_model("enrollment", "PolicyParameterSet")
    for year, standard in SHANXI_STANDARDS.items():
        PolicyParameterSet.objects.create(
            region_id="14",
            insurance_year=year,
            source_document=f"山西省{year}年度城乡居民医保个人缴费标准",
            waiting_source=f"{LONG_TERM_MECHANISM} 一（二）",
            cap_source=f"{LONG_TERM_MECHANISM} 一（二）",
            effective_from=datetime.date(year, 1, 1),
            effective_to=datetime.date(year, 12, 31),
            calendar_assumed=True,
            contribution_standard=Decimal(standard),
            **shanyin_2026_calendar_shifted_to(year),
            fixed_waiting_months=3,
            free_break_years=1,
            waiting_floor_months=6,
            waiting_floor_break_years=4,
            break_counting_start_year=2025,
            incentive_start_year=2025,
            cap_base=Decimal("400000.00"),
            cap_step=Decimal("3000.00"),
            cap_continuity_free_years=4,
            cap_bonus_limit=Decimal("80000.00"),
            cap_penalty_limit=Decimal("80000.00"),
        )
    PolicyParameterSet.objects.create(
        region_id="140621",
        insurance_year=2026,
        source_document=SHANYIN_NOTICE,
        effective_from=datetime.date(2025, 10, 17),
        effective_to=datetime.date(2026, 12, 31),
        calendar_assumed=False,
        contribution_standard=Decimal("400.00"),
        **shanyin_2026_calendar_shifted_to(2026),
    )


def unseed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0002_policy_parameter_set"), ("divisions", "0002_load_divisions")]

    operations = [migrations.RunPython(seed, unseed)]
