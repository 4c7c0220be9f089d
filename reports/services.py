import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.scope import user_can_see_division
from core.history import history_save
from divisions.codes import PROVINCE_CODE, code_is_within
from divisions.models import Division, DivisionLevel
from enrollment.rules import money
from enrollment.services import record_date_check

from .models import CountyFiscalTier, FiscalSettlement, FiscalTier, FiscalTransfer
from .selectors.settlement import settlement_compute
from .selectors.tiers import fiscal_tier_editable

# --- R11: storing settlements and recording transfers ---------------------------------------------------------------


@transaction.atomic
def settlement_store(*, year: int, city_code: str) -> list[FiscalSettlement]:
    """Compute and store the settlement of every county of a city; a rerun updates the same rows."""
    now = timezone.now()
    stored = []
    for row in settlement_compute(year=year, city_code=city_code):
        settlement, _ = FiscalSettlement.objects.update_or_create(
            year=year,
            county_id=row.county_code,
            level=row.level,
            defaults={
                "tier": row.tier,
                "share": row.share,
                "target_people": row.target_people,
                "actual_people": row.actual_people,
                "prepaid": row.prepaid,
                "actual_cost": row.actual_cost,
                "settlement": row.settlement,
                "computed_at": now,
            },
        )
        stored.append(settlement)
    return stored


def settlement_store_all(*, year: int, province_code: str = PROVINCE_CODE) -> int:
    """The settlement job: every city of the province, each in its own transaction. Returns the rows stored."""
    cities = Division.objects.filter(level=DivisionLevel.CITY, code__startswith=province_code).order_by("code")
    return sum(len(settlement_store(year=year, city_code=city.code)) for city in cities)


@transaction.atomic
def fiscal_transfer_record(
    *,
    actor: User,
    county: Division,
    year: int,
    level: str,
    date: datetime.date,
    amount: Decimal,
    voucher_no: str,
    note: str = "",
) -> FiscalTransfer:
    """R11.3: a level's transfer into the city's social-security fund account. A negative amount corrects an
    earlier one and needs its reason in the note. R13.0: not dated after today, nor for a year after next; and not
    before 1 January of the year before its year (a prepay of Y is made in Y, its settlement in Y+1, R11.2)."""
    if county.level != DivisionLevel.COUNTY:
        raise ValidationError({"county": "请选择区县。"})
    if not user_can_see_division(user=actor, division_code=county.code):
        raise ValidationError({"county": "只能录入本辖区的拨付。"})
    if amount == 0:
        raise ValidationError({"amount": "金额不能为0。"})
    if amount < 0 and not note.strip():
        raise ValidationError({"note": "冲正（负数金额）须写明原因。"})
    today = timezone.localdate()
    if year > today.year + 1:
        raise ValidationError({"year": f"年度不能晚于{today.year + 1}年。"})
    record_date_check(value=date, today=today, field="date", label="拨付日期")
    earliest = datetime.date(year - 1, 1, 1)
    if date < earliest:
        raise ValidationError({"date": f"{year}年度的拨付日期不能早于{earliest:%Y年%-m月%-d日}。"})
    transfer = FiscalTransfer(
        year=year,
        county=county,
        level=level,
        date=date,
        amount=money(amount),
        voucher_no=voucher_no.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    transfer.full_clean()
    transfer.save()
    return transfer


# --- R11 pages: the store button, tier shares and county assignments ------------------------------------------------


def fiscal_settlement_store(*, actor: User, year: int, city_code: str) -> list[FiscalSettlement]:
    """The page's button: store a city's settlement. It rewrites every county of the city, so only a user whose
    scope holds the whole city may press it."""
    if not user_can_see_division(user=actor, division_code=city_code):
        raise ValidationError("只有市级及以上财政部门可以计算并保存全市结算。")
    return settlement_store(year=year, city_code=city_code)


@transaction.atomic
def fiscal_tier_update(
    *,
    actor: User,
    tier: FiscalTier,
    province_share: Decimal,
    city_share: Decimal,
    county_share: Decimal,
    source_document: str,
    provisional: bool,
) -> FiscalTier:
    """R11.1: a tier's shares with the document they come from; the old shares stay in the history."""
    tier = FiscalTier.objects.select_for_update().get(pk=tier.pk)
    if not fiscal_tier_editable(user=actor, tier=tier):
        raise ValidationError("该分档不由您管理：省级分档由省级财政部门修改，市级只能修改仅含本市区县的分档。")
    if min(province_share, city_share, county_share) < 0:
        raise ValidationError("负担比例不能为负数。")
    tier.province_share = province_share
    tier.city_share = city_share
    tier.county_share = county_share
    tier.source_document = source_document.strip()
    tier.provisional = provisional
    tier.full_clean()
    history_save(tier, actor=actor)
    return tier


@transaction.atomic
def county_fiscal_tier_assign(
    *, actor: User, county: Division, tier: FiscalTier, valid_from: datetime.date, provisional: bool = False
) -> CountyFiscalTier:
    """R11.1: a county is in a tier from a date; assigning it again for the same date replaces that assignment,
    the old one kept in the history."""
    if county.level != DivisionLevel.COUNTY:
        raise ValidationError({"county": "请选择区县。"})
    if not user_can_see_division(user=actor, division_code=county.code):
        raise ValidationError({"county": "只能指定本辖区区县的财政分档。"})
    if not fiscal_tier_editable(user=actor, tier=tier):
        raise ValidationError({"tier": "只能把区县归入由您管理的分档。"})
    if not code_is_within(county.code, tier.region_id):
        raise ValidationError({"tier": f"“{tier.name}”是{tier.region.name}的分档，不能用于其他省份的区县。"})
    if valid_from < tier.valid_from or (tier.valid_to is not None and valid_from > tier.valid_to):
        until = f"至{tier.valid_to:%Y年%m月%d日}" if tier.valid_to else "起"
        message = f"“{tier.name}”自{tier.valid_from:%Y年%m月%d日}{until}有效，生效日期应在此期间。"
        raise ValidationError({"valid_from": message})
    same_date = CountyFiscalTier.objects.select_for_update().filter(county=county, valid_from=valid_from)
    assignment = same_date.first() or CountyFiscalTier(county=county, valid_from=valid_from)
    assignment.tier = tier
    assignment.provisional = provisional
    assignment.full_clean()
    history_save(assignment, actor=actor)
    return assignment
