"""Records of the fiscal tests, built through the services: newborns, and 朔州 with a tier of its own for 应县."""

import datetime
import itertools
from decimal import Decimal

from conftest import SHANYIN, make_user
from divisions.models import Division
from enrollment.rules import id_number_compose
from newborns.services import newborn_register
from reports.models import CountyFiscalTier, FiscalTier
from targets.models import Target

D = datetime.date
NUMBERS = itertools.count(1)
VILLAGES = {"140602": "140602001001", "140603": "140603100001", SHANYIN: "140621100200", "140622": "140622100001"}


def birth(actor, county: str, born: datetime.date) -> None:
    """A newborn of a village of `county`, registered three days after the birth."""
    newborn_register(
        actor=actor,
        birth_certificate_no=f"Q{next(NUMBERS):09d}",
        name="新生儿",
        gender="F",
        birth_date=born,
        mother_id_number=id_number_compose(address_code=county, birth_date=D(1991, 2, 2), sequence=next(NUMBERS)),
        division=Division.objects.get(code=VILLAGES[county]),
        registration_date=born + datetime.timedelta(days=3),
    )


def pilot_tier_assign(*, name: str, county: str) -> FiscalTier:
    """A tier of Shanxi sharing 60/20/20 from 2026 (province/city/county), `county` moved into it."""
    tier = FiscalTier.objects.create(
        name=name,
        region_id="14",
        province_share=Decimal("0.6"),
        city_share=Decimal("0.2"),
        county_share=Decimal("0.2"),
        valid_from=D(2026, 1, 1),
        source_document="测试",
    )
    CountyFiscalTier.objects.filter(county_id=county).update(tier=tier)
    return tier


def shuozhou_with_pilot_tier() -> FiscalTier:
    """朔州 (target 6000): 山阴 split 700; 应县 in a tier of its own (60/20/20), returned; the rest of the target
    follows the 2025 births (朔城区 2, 应县 1); 2026 newborns: 山阴 3, 应县 1."""
    Target.objects.create(
        division_id=SHANYIN, year=2026, metric="subsidised_newborns", value=700, source_document="朔州市分解"
    )
    tier = pilot_tier_assign(name="试点分档", county="140622")
    clerks = {county: make_user(f"clerk{county}", "window_clerk", county) for county in ("140602", SHANYIN, "140622")}
    for county, born in [("140602", D(2025, 3, 1)), ("140602", D(2025, 5, 1)), ("140622", D(2025, 8, 1))]:
        birth(clerks[county], county, born)
    for born in (D(2026, 1, 5), D(2026, 2, 5), D(2026, 9, 5)):
        birth(clerks[SHANYIN], SHANYIN, born)
    birth(clerks["140622"], "140622", D(2026, 4, 1))
    return tier
