"""The maternity source: mothers whose maternity reimbursement the employee-insurance system sent (生育保险报销) and
whose baby is not enrolled yet are reminded, with the baby's deadline and amount, until the birth is registered."""

import datetime

import pytest

from conftest import SHANYIN
from exchange.models import FeedChannel
from exchange.services import feed_receive
from newborns.services import newborn_register
from outreach.models import CampaignMessage
from outreach.services import campaign_create, campaign_messages_prepare
from outreach.sources import MATERNITY_SOURCE, source_get
from tests.factories import ResidentFactory, first_village

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 1)
BORN = D(2026, 10, 8)


@pytest.fixture
def mother(clerk):
    return ResidentFactory(actor=clerk, birth_date=D(1995, 4, 2), sequence=62, name="刘芳")


def reimbursement_received(clerk, mother):
    record = {
        "id_number": mother.id_number,
        "name": mother.name,
        "phone": "13800001111",
        "birth_date": BORN.isoformat(),
        "birth_certificate_no": "P140055001",
        "reimbursement_date": "2026-11-15",
    }
    feed_receive(actor=clerk, kind="maternity", records=[record], channel=FeedChannel.API, today=TODAY)


def test_a_mother_whose_baby_is_not_enrolled_is_reminded_with_the_babys_deadline_and_amount(clerk, mother):
    # given
    reimbursement_received(clerk, mother)
    # when
    campaign = campaign_create(
        actor=clerk,
        name="",
        source=MATERNITY_SOURCE,
        division_code=SHANYIN,
        year=2026,
        template="{姓名}：请于{截止日期}前为新生儿办理参保，缴纳{金额}元",
        channel="file",
        today=TODAY,
    )
    campaign_messages_prepare(campaign=campaign, actor=clerk, today=TODAY)
    # then: the baby's registration window (R7.1, 90 days from birth); its birth year borne by the programme (R7.2)
    message = CampaignMessage.objects.get(campaign=campaign)
    assert (message.id_number, message.name, message.phone, message.village_id) == (
        mother.id_number,
        "刘芳",
        "13800001111",
        mother.household_division_id,
    )
    assert message.reason == "生育保险已报销，2026-10-08出生的婴儿尚未参保"
    assert (message.deadline, str(message.amount)) == (BORN + datetime.timedelta(days=90), "0.00")
    assert message.text == "刘芳：请于2027年1月6日前为新生儿办理参保，缴纳0.00元"
    assert message.explanation.startswith("截止日期：R7.1 出生之日起90天内登记参保，截止2027年1月6日")


def test_a_mother_is_no_longer_reminded_once_the_birth_is_registered(clerk, mother):
    # given
    reimbursement_received(clerk, mother)
    newborn_register(
        actor=clerk,
        birth_certificate_no="P140055001",
        name="刘小满",
        gender="F",
        birth_date=BORN,
        mother_id_number=mother.id_number,
        division=first_village("140621100"),
        registration_date=D(2026, 11, 20),
    )
    # when
    people = source_get(MATERNITY_SOURCE).people(
        actor=clerk, division=mother.household_division.parent.parent, year=2026, today=TODAY
    )
    # then
    assert people == []
