"""Writes of outreach: a campaign created and sent (by a job), opt-outs recorded, and the September campaigns.

Sending runs in `CampaignSendJob`: it writes the campaign's messages (one per person, the database refusing a
second), then takes the messages still queued in small batches, each batch claimed by one conditional UPDATE, so
that two runs of the same campaign, one after the other or side by side, never send a person twice. A message whose
phone has opted out is not sent (已拒收短信); one without a mobile number is skipped.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from accounts.models import User
from accounts.scope import DivisionOutOfScope, division_in_scope
from core.jobs import ProgressReporter, job_run, job_submit
from divisions.codes import code_length
from divisions.models import Division, DivisionLevel
from uninsured.models import UninsuredPerson

from .channels import Channel, OutgoingMessage, channel_for
from .models import Campaign, CampaignMessage, CampaignSendJob, CampaignStatus, Outcome, PhoneOptOut
from .models import Channel as ChannelKind
from .rules import TemplateInvalid, message_render, template_check
from .sources import UNINSURED_SOURCE, OutreachTarget, SourceNotFound, source_get

SEND_BATCH = 50
PREVIEW_MESSAGES = 5
MOBILE_PHONE = re.compile(r"^1\d{10}$")
DEFAULT_TEMPLATE = (
    "{姓名}您好：{截止日期}前请缴纳下一年度城乡居民基本医疗保险个人缴费{金额}元，可到{村}或医保经办窗口办理，"
    "已缴费请忽略。"
)
OUTCOME_COUNT_FIELDS = {
    Outcome.SENT: "sent_count",
    Outcome.EXPORTED: "exported_count",
    Outcome.FAILED: "failed_count",
    Outcome.OPTED_OUT: "opted_out_count",
    Outcome.SKIPPED: "skipped_count",
}


def _target_text(*, template: str, target: OutreachTarget) -> str:
    return message_render(
        template=template,
        name=target.name,
        deadline=target.deadline,
        amount=target.amount,
        village=target.village.name if target.village else "",
    )


def _checked(
    *, actor: User | None, source: str, division_code: str, year: int, template: str, today: datetime.date
) -> tuple[Division, dict[str, str]]:
    errors: dict[str, str] = {}
    division: Division | None = None
    try:
        source_get(source)
    except SourceNotFound:
        errors["source"] = "没有这个人员来源。"
    try:
        division = (
            division_in_scope(user=actor, code=division_code)
            if actor is not None
            else Division.objects.get(code=division_code)
        )
    except (DivisionOutOfScope, Division.DoesNotExist):
        errors["division"] = "没有找到该区划，或不在您的管辖范围内。"
    if not today.year - 1 <= year <= today.year + 1:
        errors["year"] = f"参保年度只能是{today.year - 1}至{today.year + 1}年。"
    try:
        template_check(template)
    except TemplateInvalid as error:
        errors["template"] = str(error)
    if errors or division is None:
        raise ValidationError(errors)
    return division, errors


@dataclass(frozen=True)
class CampaignPreview:
    people: int
    with_mobile: int
    first: list[tuple[OutreachTarget, str]]


def campaign_preview(
    *, actor: User, source: str, division_code: str, year: int, template: str, today: datetime.date
) -> CampaignPreview:
    """What sending would do, nothing written: how many people, how many with a mobile number, the first messages."""
    division, _errors = _checked(
        actor=actor, source=source, division_code=division_code, year=year, template=template, today=today
    )
    targets = source_get(source).people(actor=actor, division=division, year=year, today=today)
    return CampaignPreview(
        people=len(targets),
        with_mobile=sum(1 for target in targets if MOBILE_PHONE.match(target.phone)),
        first=[(target, _target_text(template=template, target=target)) for target in targets[:PREVIEW_MESSAGES]],
    )


@transaction.atomic
def campaign_create(
    *,
    actor: User | None,
    name: str,
    source: str,
    division_code: str,
    year: int,
    template: str,
    channel: str,
    today: datetime.date,
    scheduled: bool = False,
) -> Campaign:
    division, _errors = _checked(
        actor=actor, source=source, division_code=division_code, year=year, template=template, today=today
    )
    campaign = Campaign(
        name=name.strip() or f"{division.name}{year}年度动员参保",
        source=source,
        division=division,
        year=year,
        template=template,
        channel=channel,
        scheduled=scheduled,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_send_request(*, actor: User | None, campaign: Campaign) -> CampaignSendJob:
    """Queue the sending of a campaign. Sending again sends only what no run has sent: the people added to the
    source since, and nothing twice."""
    from .tasks import campaign_send_job_run_task

    job = CampaignSendJob(campaign=campaign, requested_by=actor)
    job.full_clean()
    job.save()
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SENDING)
    job_submit(task=campaign_send_job_run_task, job_id=job.pk)
    return job


def campaign_send_run(
    *, job_id: int, today: datetime.date | None = None, channel: Channel | None = None
) -> CampaignSendJob:
    """The job's run; `channel` replaces the campaign's own (tests: a gateway with a test clock)."""

    def work(job: CampaignSendJob, progress: ProgressReporter) -> None:
        _send_work(job=job, progress=progress, today=today or timezone.localdate(), channel=channel)

    return job_run(job_model=CampaignSendJob, job_id=job_id, work=work, select_related=("campaign__division",))


def campaign_messages_prepare(*, campaign: Campaign, actor: User | None, today: datetime.date) -> int:
    """Write a queued message for every person of the source not yet in the campaign; returns how many were new.
    The unique constraint (campaign, person) keeps a person's message single when two runs write at once."""
    targets = source_get(campaign.source).people(
        actor=actor, division=campaign.division, year=campaign.year, today=today
    )
    known = set(CampaignMessage.objects.filter(campaign=campaign).values_list("id_number", flat=True))
    new = [
        CampaignMessage(
            campaign=campaign,
            resident_id=target.resident_id,
            id_number=target.id_number,
            name=target.name,
            village=target.village,
            phone=target.phone,
            reason=target.reason[:100],
            deadline=target.deadline,
            amount=target.amount,
            explanation=target.explanation,
            text=_target_text(template=campaign.template, target=target),
        )
        for target in targets
        if target.id_number not in known
    ]
    CampaignMessage.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(new)


def _send_work(
    *, job: CampaignSendJob, progress: ProgressReporter, today: datetime.date, channel: Channel | None
) -> None:
    campaign = job.campaign
    campaign_messages_prepare(campaign=campaign, actor=job.requested_by, today=today)
    mine = Q(claimed_by_job__isnull=True) | Q(claimed_by_job=job.pk)
    waiting = CampaignMessage.objects.filter(campaign=campaign, outcome=Outcome.QUEUED).filter(mine)
    progress.report(done=0, total=waiting.count())
    sender = channel or channel_for(campaign.channel)
    opted_out = set(PhoneOptOut.objects.values_list("phone", flat=True))
    done = 0
    while True:
        batch = list(waiting.order_by("id").values_list("id", flat=True)[:SEND_BATCH])
        if not batch:
            break
        CampaignMessage.objects.filter(pk__in=batch, outcome=Outcome.QUEUED).filter(mine).update(claimed_by_job=job.pk)
        claimed = list(CampaignMessage.objects.filter(pk__in=batch, outcome=Outcome.QUEUED, claimed_by_job=job.pk))
        _batch_send(campaign=campaign, messages=claimed, sender=sender, opted_out=opted_out)
        done += len(claimed)
        progress.report(done=done)
    campaign_counts_refresh(campaign=campaign)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.DONE)


def _batch_send(*, campaign: Campaign, messages: list[CampaignMessage], sender: Channel, opted_out: set[str]) -> None:
    now = timezone.now()
    to_send: list[CampaignMessage] = []
    for message in messages:
        if campaign.channel == ChannelKind.NOTICE:
            to_send.append(message)
        elif message.phone in opted_out:
            _outcome_record(message, outcome=Outcome.OPTED_OUT, error="该号码已登记拒收短信。", sent_at=None)
        elif not MOBILE_PHONE.match(message.phone):
            _outcome_record(message, outcome=Outcome.SKIPPED, error="没有可用的手机号。", sent_at=None)
        else:
            to_send.append(message)
    by_reference = {message.pk: message for message in to_send}
    outgoing = [OutgoingMessage(reference=message.pk, phone=message.phone, text=message.text) for message in to_send]
    for result in sender.send(outgoing):
        message = by_reference[result.reference]
        sent_at = now if result.outcome != Outcome.FAILED else None
        _outcome_record(
            message,
            outcome=result.outcome,
            error=result.error,
            sent_at=sent_at or timezone.now(),
            gateway_message_id=result.gateway_message_id,
        )


def _outcome_record(
    message: CampaignMessage,
    *,
    outcome: str,
    error: str,
    sent_at: datetime.datetime | None,
    gateway_message_id: str = "",
) -> None:
    CampaignMessage.objects.filter(pk=message.pk, outcome=Outcome.QUEUED).update(
        outcome=outcome, error=error[:500], sent_at=sent_at, gateway_message_id=gateway_message_id
    )


def campaign_counts_refresh(*, campaign: Campaign) -> None:
    counts = dict(
        CampaignMessage.objects.filter(campaign=campaign).values_list("outcome").annotate(n=Count("id")).order_by()
    )
    values: dict[str, int] = {field: counts.get(outcome, 0) for outcome, field in OUTCOME_COUNT_FIELDS.items()}
    Campaign.objects.filter(pk=campaign.pk).update(people_count=sum(counts.values()), **values)


# --- Opt-outs ------------------------------------------------------------------------------------------------------


@transaction.atomic
def phone_opt_out_create(*, actor: User, phone: str, reason: str, date: datetime.date) -> PhoneOptOut:
    phone = re.sub(r"[\s-]", "", phone)
    if not MOBILE_PHONE.match(phone):
        raise ValidationError({"phone": "请填写11位手机号。"})
    if date > timezone.localdate():
        raise ValidationError({"date": "登记日期不能晚于今天。"})
    if PhoneOptOut.objects.filter(phone=phone).exists():
        raise ValidationError({"phone": "该号码已登记拒收短信。"})
    if actor.division is None:
        raise ValidationError("您的账号没有所属区划，不能登记。")
    opt_out = PhoneOptOut(phone=phone, reason=reason.strip(), date=date, division=actor.division, created_by=actor)
    opt_out.full_clean()
    opt_out.save()
    return opt_out


@transaction.atomic
def phone_opt_out_delete(*, opt_out: PhoneOptOut) -> None:
    """The holder asks for reminders again: later sends include the number."""
    opt_out.delete()


# --- The September campaign for the next year's collection ---------------------------------------------------------


def scheduled_campaigns_create(*, today: datetime.date) -> list[Campaign]:
    """For each county with people on its uninsured ledgers of this year or the next, a campaign reminding them of
    the next year's collection, created and queued for sending; a county that has its scheduled campaign of that
    year already gets none (the database refuses a second). Returns the campaigns created."""
    year = today.year + 1
    county_length = code_length(DivisionLevel.COUNTY)
    counties = (
        UninsuredPerson.objects.filter(year__in=(year - 1, year))
        .annotate(county=Substr("township_id", 1, county_length))
        .values_list("county", flat=True)
        .distinct()
        .order_by("county")
    )
    created = []
    for county in counties:
        if Campaign.objects.filter(source=UNINSURED_SOURCE, division_id=county, year=year, scheduled=True).exists():
            continue
        try:
            with transaction.atomic():
                campaign = campaign_create(
                    actor=None,
                    name=f"{year}年度集中征缴动员短信",
                    source=UNINSURED_SOURCE,
                    division_code=county,
                    year=year,
                    template=DEFAULT_TEMPLATE,
                    channel=ChannelKind.SMS,
                    today=today,
                    scheduled=True,
                )
                campaign_send_request(actor=None, campaign=campaign)
        except IntegrityError:
            continue  # created at the same moment by another run
        created.append(campaign)
    return created
