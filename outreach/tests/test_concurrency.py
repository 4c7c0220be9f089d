"""Three runs of one campaign at the same moment, each its own worker: every person gets one message."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import override_settings

from conftest import YUJING_TOWN
from divisions.models import Division
from enrollment.rules import id_number_compose
from outreach.models import CampaignMessage, CampaignSendJob
from outreach.services import campaign_create, campaign_send_run
from outreach.sources import UNINSURED_SOURCE
from uninsured.services.people import uninsured_person_create

from .gateway import sms_gateway

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

D = datetime.date
SEPTEMBER = D(2026, 9, 1)


def test_concurrent_runs_of_one_campaign_send_each_person_once(yujing_official):
    # given sixty people on the ledger and three jobs of the same campaign
    assert connection.vendor == "postgresql"
    township = Division.objects.get(code=YUJING_TOWN)
    for number in range(60):
        uninsured_person_create(
            actor=yujing_official,
            township=township,
            year=2026,
            name=f"人员{number}",
            id_number=id_number_compose(address_code="140621", birth_date=D(1980, 1, 2), sequence=100 + number),
            phone="13800000001",  # one family phone: each person is still sent their own message
        )
    campaign = campaign_create(
        actor=yujing_official,
        name="",
        source=UNINSURED_SOURCE,
        division_code=YUJING_TOWN,
        year=2027,
        template="{姓名}请缴费",
        channel="sms",
        today=SEPTEMBER,
    )
    jobs = [CampaignSendJob.objects.create(campaign=campaign, requested_by=yujing_official) for _ in range(3)]
    start = threading.Barrier(3)

    def run(job_id: int) -> None:
        start.wait()
        try:
            campaign_send_run(job_id=job_id, today=SEPTEMBER)
        finally:
            connection.close()

    # when the three run together
    with sms_gateway() as gateway, override_settings(SMS_GATEWAY_URL=gateway.url, OUTREACH_SMS_PER_MINUTE=0):
        workers = [threading.Thread(target=run, args=(job.pk,)) for job in jobs]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    # then
    references = [request["reference"] for request in gateway.requests]
    assert len(references) == len(set(references)) == 60
    assert CampaignMessage.objects.filter(campaign=campaign).count() == 60
    assert set(CampaignMessage.objects.values_list("outcome", flat=True)) == {"sent"}
