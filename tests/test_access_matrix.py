"""The access matrix: every page, export and API endpoint of the URL conf × every role × own or other division.

The URL conf is walked, so a new endpoint fails `test_every_endpoint_is_in_the_matrix` until it has an entry in
ENDPOINTS saying which permission it needs and how it is scoped. The world (tests/access_fixtures.py) holds one
object of every kind in 山阴县玉井镇; each role has a user whose division holds it ("own") and a user of the same
role elsewhere ("other": 应县, 太原, 河北). The expected answer of each request is derived from the entry,
accounts.permissions.ROLE_PERMISSIONS and accounts.scope, never copied from a view:

- anonymous: the login page (pages) or 401/403 (API), never the page;
- a role without the permission: 403 (404 where the view hides the record first);
- the permission and another division's record, division, upload or export: 404, pages and API alike; a create
  naming another division's person or division in its body: refused (400; a page's form is shown again with its
  error, 200 where the view answers so, and the entry says what the error reads); a list of the asker's own rows:
  answered, showing none of the world's people;
- the permission and the user's own: the page (200), its redirect (302) or 201.

Every refusal of a POST or PATCH writes nothing (row counts of every model of the project, history included).
Every URL whose view accepts POST, PUT, PATCH or DELETE has a case of that method, the real write done for the
own user (`test_every_write_path_is_in_the_matrix`): a page of a form has its GET case and its POST case.
"""

import datetime
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType
from typing import Any, cast
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import Role, User
from accounts.permissions import (
    ADD_BIRTH_RECORD,
    ADD_CAMPAIGN,
    ADD_CLAIM_SUMMARY,
    ADD_ENROLLMENT,
    ADD_FISCAL_TRANSFER,
    ADD_HARDSHIP_IDENTITY,
    ADD_PRE_ENROLLMENT,
    ADD_RESIDENT,
    APPROVE_POLICY_DRAFT,
    BULK_IMPORT,
    CHANGE_BIRTH_RECORD,
    CHANGE_FISCAL_TIER,
    CHANGE_RESIDENT,
    CHANGE_UNINSURED_PERSON,
    EXCHANGE_FEED_SEND,
    IMPORT_BASELINES,
    IMPORT_IDENTITY_LIST,
    PREPARE_POLICY_DRAFT,
    PUSH_UNINSURED_LIST,
    RESOLVE_DUPLICATE_CASE,
    RESOLVE_EXCHANGE_RECORD,
    ROLE_PERMISSIONS,
    SPLIT_TARGETS,
    VIEW_BIRTH_RECORD,
    VIEW_CAMPAIGN,
    VIEW_DUPLICATE_CASE,
    VIEW_ENROLLMENT,
    VIEW_EXCHANGE,
    VIEW_FISCAL,
    VIEW_FULL_ID_NUMBER,
    VIEW_HARDSHIP_IDENTITY,
    VIEW_POLICY_DRAFT,
    VIEW_PROGRESS,
    VIEW_RESIDENT,
    VIEW_TAX_PAYMENT,
    VIEW_UNINSURED,
)
from accounts.scope import user_can_see_division
from conftest import SHANYIN, YUJING_TOWN
from tests.access_fixtures import (
    API_NEWBORN_ID,
    EXPECTING_MOTHER,
    MOTHER,
    NEW_RESIDENT,
    NEW_UNINSURED,
    NEWBORN,
    NEWBORN_ID,
    RESIDENT,
    SHUOZHOU,
    SHUOZHOU_SPLIT,
    UNINSURED,
    UNMATCHED,
    YUJING_VILLAGE,
    World,
    baseline_file,
    birth_list,
    identity_list,
    ledger_file,
    push_list,
    resident_registry,
    split_file,
    world_build,
)
from tests.row_counts import row_counts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROJECT_APPS = (
    "accounts",
    "enrollment",
    "subsidies",
    "newborns",
    "targets",
    "reports",
    "bulk",
    "core",
    "duplicates",
    "outreach",
    "exchange",
    "policy_changes",
)

# --- What the matrix leaves out: each has its own guard ---------------------------------------------------------

NOT_IN_MATRIX_NAMESPACES = {"admin"}  # Django admin: is_staff and the model permissions of its own site
NOT_IN_MATRIX_ROUTES = ("static/", "media/")  # files served in development only
NOT_IN_MATRIX_NAMES = {
    "login",  # the login page and logout are open by nature
    "logout",
    "schema",  # the OpenAPI schema and its browsable page describe the API, no data
    "api-docs",
    "api-root",  # DRF's router index: the list of the API's URLs
}

# --- How an endpoint is scoped: what another division's user is answered ----------------------------------------

OBJECT = "object"  # a record in the URL (pk, ID number, certificate number): 404 elsewhere
DIVISION = "division"  # a division in the query or form (county=, city=, division=, township=): 404 elsewhere
OWNER = "owner"  # a record of the user who asked for it (an export): 404 for everyone else, superusers too
BODY = "body"  # a create naming a person or division of the user's scope in its body: refused (400) elsewhere
ROWS = "rows"  # a list, search or file of the asker's own rows: answered, without the world's people
UNSCOPED = "unscoped"  # no division data (forms, templates, the calculator, the province-wide job): answered alike
NOT_FOUND_ELSEWHERE = {OBJECT, DIVISION, OWNER}
PER_USER = {OWNER}  # bound to one user, not to a division: superusers are no exception

Builder = Callable[[World, User], dict[str, Any]]


def nothing(world: World, user: User) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Case:
    """One request of an endpoint: the permission it needs (None: any signed-in user; a tuple: all of them), how it
    is scoped, and how to build it from the world for the role's own user."""

    permission: str | tuple[str, ...] | None
    scope: str
    method: str = "get"
    kwargs: Builder = nothing
    query: Builder = nothing
    data: Builder = nothing
    success: int = 200
    other_success: int | None = None  # ROWS: a search of another division finds nothing and says so
    refusal: tuple[int, ...] = (400,)  # BODY: how the refusal answers
    shows: tuple[str, ...] = ()  # people of the world the answer to their own users shows: the list is not empty
    says: tuple[str, ...] = ()  # what the answer to the own user reads (a preview answered 200 offers to confirm)
    refusal_says: tuple[str, ...] = ()  # BODY: what the refusal reads (a form shown again with its error)
    refusal_records: tuple[str, ...] = ()  # BODY: the models a refusal still writes (an upload keeps its refused batch)


def get(permission, scope, **options) -> Case:
    return Case(permission, scope, "get", **options)


def post(permission, scope, **options) -> Case:
    return Case(permission, scope, "post", **options)


def patch(permission, scope, **options) -> Case:
    return Case(permission, scope, "patch", **options)


def constant(**values: Any) -> Builder:
    return lambda world, user: values


def pk(attribute: str) -> Builder:
    return lambda world, user: {"pk": getattr(world, attribute).pk}


def enrollment_receipt(world: World, user: User) -> dict[str, Any]:
    """The receipt the window issued for the world's enrollment."""
    return {"pk": world.enrollment.receipts.get().pk}


def draft_region(world: World, user: User) -> dict[str, Any]:
    return {"pk": world.policy_draft.pk, "code": SHANYIN}


def own_export(world: World, user: User) -> dict[str, Any]:
    return {"pk": world.export_jobs[user.role].pk}


def batch(attribute: str) -> Builder:
    """A confirmation's form naming a previewed batch of the world."""
    return lambda world, user: {"batch": getattr(world, attribute).pk}


def upload(file_name: str, content: Callable[[], bytes], **fields: Any) -> Builder:
    """A form with a file: a new file for each request, as a file once read is spent."""
    return lambda world, user: {**fields, "file": SimpleUploadedFile(file_name, content())}


def push_form(world: World, user: User) -> dict[str, Any]:
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    return {"year": 2027, "deadline": deadline, "file": SimpleUploadedFile("矩阵未参保名单.xlsx", push_list())}


def ledger_form(world: World, user: User) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("玉井镇台账.xlsx", ledger_file(world))}


COUNTY_YEAR = constant(county=SHANYIN, year=2026)
CITY_YEAR = constant(city=SHUOZHOU, year=2026)
TOWNSHIP_YEAR = constant(township=YUJING_TOWN, year=2026)
WHAT_IF_SHARES = {"province_share": "0.4", "city_share": "0.3", "county_share": "0.3"}
CONFIRM = 'name="batch"'  # a preview with nothing refused offers its confirm button, the batch's id in it
# A page form's village or county outside the user's scope is none of its choices: Django's refusal of the choice.
CHOICE_REFUSED = "该选择不在可用的选项中。"

ENDPOINTS: dict[str, Case | tuple[Case, ...]] = {
    "home": get(None, UNSCOPED),
    # --- residents and the window
    "resident_search": get(VIEW_RESIDENT, ROWS, shows=(RESIDENT[0],)),
    "resident_new": (
        get(ADD_RESIDENT, UNSCOPED),  # the empty form
        post(
            ADD_RESIDENT,
            BODY,
            data=constant(id_number=NEW_RESIDENT[1], name=NEW_RESIDENT[0], household_division=YUJING_VILLAGE),
            success=302,
            refusal=(200,),
            refusal_says=(CHOICE_REFUSED,),
        ),
    ),
    # the villages of a list too long for the page: any signed-in user, inside their scope
    "division_search": get(None, ROWS, query=constant(q="玉井村"), says=('"玉井镇 玉井村委会"',)),
    "resident_detail": get(VIEW_RESIDENT, OBJECT, kwargs=pk("resident")),
    "resident_edit": (
        get(CHANGE_RESIDENT, OBJECT, kwargs=pk("resident")),
        post(
            CHANGE_RESIDENT,
            OBJECT,
            kwargs=pk("resident"),
            data=constant(name=RESIDENT[0], phone="13900000001", household_division=YUJING_VILLAGE, status="normal"),
            success=302,
        ),
    ),
    "resident_reveal": post(VIEW_FULL_ID_NUMBER, OBJECT, kwargs=pk("resident"), data=constant(reason="identity_check")),
    "window_search": get(
        ADD_ENROLLMENT,
        ROWS,
        query=lambda world, user: {"id_number": world.resident.id_number},
        success=302,
        other_success=200,
    ),
    "window_resident": (
        get(ADD_ENROLLMENT, OBJECT, kwargs=pk("resident")),
        post(  # the payment at the window
            ADD_ENROLLMENT,
            OBJECT,
            kwargs=pk("resident"),
            data=constant(
                action="pay", insurance_year=2027, payment_date="2026-11-20", back_paid_years=0, channel="window"
            ),
            success=302,
        ),
    ),
    "window_receipt": get(VIEW_ENROLLMENT, OBJECT, kwargs=pk("enrollment")),
    "window_balance_pay": post(ADD_ENROLLMENT, OBJECT, kwargs=pk("enrollment"), success=302),
    "window_refund": (
        get(ADD_ENROLLMENT, OBJECT, kwargs=pk("enrollment")),
        post(
            ADD_ENROLLMENT,
            OBJECT,
            kwargs=pk("enrollment"),
            data=constant(reason="employee_insured", date="2026-01-10"),
            success=302,
        ),
    ),
    "receipt_detail": get(VIEW_ENROLLMENT, OBJECT, kwargs=enrollment_receipt),
    "receipt_print": post(ADD_ENROLLMENT, OBJECT, kwargs=enrollment_receipt, success=302),
    "day_close": get(ADD_ENROLLMENT, ROWS, query=constant(date="2025-11-20")),
    "day_close_submit": post(ADD_ENROLLMENT, ROWS, data=constant(date="2025-11-20"), success=302),
    # --- reports: exports and the fiscal pages (R11)
    "resident_roster_export": post(VIEW_RESIDENT, ROWS, success=302),
    "export_job_detail": get(None, OWNER, kwargs=own_export),
    "export_job_download": get(None, OWNER, kwargs=own_export),
    "fiscal_settlement": get(VIEW_FISCAL, DIVISION, query=CITY_YEAR),
    "fiscal_prepay_export": get(VIEW_FISCAL, DIVISION, query=CITY_YEAR),
    "fiscal_settlement_export": get(VIEW_FISCAL, DIVISION, query=CITY_YEAR),
    "fiscal_transfer_export": get(VIEW_FISCAL, DIVISION, query=CITY_YEAR),
    "fiscal_settlement_store": post((VIEW_FISCAL, CHANGE_FISCAL_TIER), DIVISION, data=CITY_YEAR, success=302),
    "fiscal_transfer_new": (
        get(ADD_FISCAL_TRANSFER, DIVISION, query=COUNTY_YEAR),
        post(
            ADD_FISCAL_TRANSFER,
            BODY,
            data=constant(
                year=2026, county=SHANYIN, level="province", date="2026-10-20", amount="1000.00", voucher_no="矩阵-0001"
            ),
            success=302,
            refusal_says=("只能录入本辖区区县的拨付。",),
        ),
    ),
    "fiscal_tiers": get(CHANGE_FISCAL_TIER, ROWS),
    "fiscal_tier_edit": (
        get(CHANGE_FISCAL_TIER, OBJECT, kwargs=pk("fiscal_tier")),
        post(
            CHANGE_FISCAL_TIER,
            OBJECT,
            kwargs=pk("fiscal_tier"),
            data=constant(province_share="0.5", city_share="0.3", county_share="0.2", source_document="矩阵测试"),
            success=302,
        ),
    ),
    "fiscal_county_tier_assign": post(
        CHANGE_FISCAL_TIER,
        BODY,
        data=lambda world, user: {"county": SHANYIN, "tier": world.fiscal_tier.pk, "valid_from": "2027-01-01"},
        success=302,
    ),
    "fiscal_what_if": get(
        (VIEW_FISCAL, CHANGE_FISCAL_TIER),
        DIVISION,
        query=lambda world, user: {"year": 2026, "city": SHUOZHOU, "tier": world.fiscal_tier.pk, **WHAT_IF_SHARES},
    ),
    # --- subsidies: the ledger and the coverage rate (R6.3, R10.2), the departments' identity lists (R6.1)
    "subsidy_ledger": get(VIEW_HARDSHIP_IDENTITY, DIVISION, query=COUNTY_YEAR),
    "subsidy_ledger_export": get(VIEW_HARDSHIP_IDENTITY, DIVISION, query=COUNTY_YEAR),
    "subsidy_ledger_people": get(
        VIEW_HARDSHIP_IDENTITY, DIVISION, query=constant(county=SHANYIN, year=2026, category="dibao")
    ),
    "subsidy_ledger_people_export": get(
        VIEW_HARDSHIP_IDENTITY, DIVISION, query=constant(county=SHANYIN, year=2026, category="dibao")
    ),
    "hardship_coverage": get(VIEW_HARDSHIP_IDENTITY, DIVISION, query=COUNTY_YEAR),
    "hardship_unenrolled": get(VIEW_HARDSHIP_IDENTITY, DIVISION, query=constant(division=SHANYIN, year=2026)),
    "hardship_unenrolled_export": get(VIEW_HARDSHIP_IDENTITY, DIVISION, query=constant(division=SHANYIN, year=2026)),
    "identity_list_index": (
        get(IMPORT_IDENTITY_LIST, ROWS),
        post(
            IMPORT_IDENTITY_LIST,
            BODY,
            data=upload("矩阵低保名单.xlsx", identity_list, department="民政", list_date="2026-11-01", county=SHANYIN),
            success=302,
            refusal=(200,),  # the form again, its county refused
            refusal_says="该选择不在可用的选项中",
        ),
    ),
    "identity_list_detail": get(IMPORT_IDENTITY_LIST, OBJECT, kwargs=pk("identity_batch")),
    "identity_list_confirm": post(IMPORT_IDENTITY_LIST, OBJECT, kwargs=pk("identity_batch"), success=302),
    "identity_list_errors": get(IMPORT_IDENTITY_LIST, OBJECT, kwargs=pk("identity_batch")),
    "identity_list_unmatched": get(IMPORT_IDENTITY_LIST, OBJECT, kwargs=pk("identity_batch")),
    "identity_list_template": get(IMPORT_IDENTITY_LIST, UNSCOPED, kwargs=constant(department="民政")),
    # --- newborns (R7), their coverage rate and the health commission's birth lists
    "newborn_coverage": get(VIEW_BIRTH_RECORD, DIVISION, query=constant(division=SHANYIN, year=2026)),
    "newborn_coverage_export": get(VIEW_BIRTH_RECORD, DIVISION, query=constant(division=SHANYIN, year=2026)),
    "newborn_list": get(VIEW_BIRTH_RECORD, ROWS, shows=(NEWBORN[0],)),
    "newborn_new": (
        get(ADD_BIRTH_RECORD, UNSCOPED),  # the empty form
        post(
            ADD_BIRTH_RECORD,
            BODY,
            data=constant(
                birth_certificate_no="M140000098",
                name="柳五",
                gender="F",
                birth_date="2026-11-01",
                mother_id_number=MOTHER[1],
                division=YUJING_VILLAGE,
                registration_date="2026-11-20",
            ),
            success=302,
            refusal=(200,),
            refusal_says=(CHOICE_REFUSED,),
        ),
    ),
    "newborn_awaiting_id": get(VIEW_BIRTH_RECORD, ROWS, shows=(NEWBORN[0],)),
    "newborn_awaiting_id_export": get(VIEW_BIRTH_RECORD, ROWS, shows=(NEWBORN[0],)),
    "pre_enrollment_list": get(VIEW_BIRTH_RECORD, ROWS, shows=(EXPECTING_MOTHER[0],)),
    "pre_enrollment_new": (
        get(ADD_PRE_ENROLLMENT, UNSCOPED),  # the empty form
        post(
            ADD_PRE_ENROLLMENT,
            BODY,
            data=constant(
                mother_id_number=MOTHER[1], expected_delivery_date="2027-02-20", application_date="2026-11-20", babies=1
            ),
            success=302,
            refusal=(200,),
            refusal_says=("没有找到该申请人的居民档案",),
        ),
    ),
    "pre_enrollment_unlinked": get(VIEW_BIRTH_RECORD, ROWS),
    "pre_enrollment_unlinked_export": get(VIEW_BIRTH_RECORD, ROWS),
    "pre_enrollment_detail": get(VIEW_BIRTH_RECORD, OBJECT, kwargs=pk("pre_enrollment")),
    "pre_enrollment_terminate": post(
        ADD_PRE_ENROLLMENT, OBJECT, kwargs=pk("pre_enrollment"), data=constant(date="2026-11-25"), success=302
    ),
    "newborn_detail": get(
        VIEW_BIRTH_RECORD,
        OBJECT,
        kwargs=lambda world, user: {"birth_certificate_no": world.newborn.birth_certificate_no},
    ),
    "newborn_identity_complete": post(
        CHANGE_BIRTH_RECORD,
        OBJECT,
        kwargs=lambda world, user: {"birth_certificate_no": world.newborn.birth_certificate_no},
        data=constant(id_number=NEWBORN_ID),
        success=302,
    ),
    "birth_import_index": (
        get(ADD_BIRTH_RECORD, ROWS),
        post(
            ADD_BIRTH_RECORD,
            BODY,
            data=upload("矩阵出生信息.xlsx", birth_list, county=SHANYIN),
            success=302,
            refusal_says=(CHOICE_REFUSED,),
        ),
    ),
    "birth_import_template": get(ADD_BIRTH_RECORD, UNSCOPED),
    "birth_import_detail": get(ADD_BIRTH_RECORD, OBJECT, kwargs=pk("birth_batch")),
    "birth_import_confirm": post(ADD_BIRTH_RECORD, OBJECT, kwargs=pk("birth_batch"), success=302),
    "birth_import_errors": get(ADD_BIRTH_RECORD, OBJECT, kwargs=pk("birth_batch")),
    # --- targets: the uninsured ledger (R13.5), the dashboards (R10.3), the split (R10.1), the baselines (R10.2)
    "uninsured_lists": get(VIEW_UNINSURED, ROWS),
    "uninsured_list_sign": post(CHANGE_UNINSURED_PERSON, OBJECT, kwargs=pk("uninsured_list"), success=302),
    # The province's list is a batch of the uploader's division until confirmed; which townships it names is the
    # preview's to check.
    "uninsured_push": (
        get(PUSH_UNINSURED_LIST, UNSCOPED),
        post(PUSH_UNINSURED_LIST, UNSCOPED, data=push_form, success=302),
    ),
    "uninsured_push_template": get(PUSH_UNINSURED_LIST, UNSCOPED),
    "uninsured_push_preview": get(PUSH_UNINSURED_LIST, OBJECT, kwargs=pk("push_batch")),
    "uninsured_push_confirm": post(PUSH_UNINSURED_LIST, OBJECT, kwargs=pk("push_batch"), success=302),
    "uninsured_ledger": get(VIEW_UNINSURED, DIVISION, query=TOWNSHIP_YEAR, shows=(UNINSURED[0],)),
    "uninsured_ledger_export": get(VIEW_UNINSURED, DIVISION, query=TOWNSHIP_YEAR),
    "uninsured_ledger_import": (
        get(CHANGE_UNINSURED_PERSON, DIVISION, query=TOWNSHIP_YEAR),
        post(CHANGE_UNINSURED_PERSON, DIVISION, query=TOWNSHIP_YEAR, data=ledger_form, success=302),
    ),
    "uninsured_ledger_import_preview": get(CHANGE_UNINSURED_PERSON, OBJECT, kwargs=pk("ledger_batch")),
    "uninsured_ledger_import_confirm": post(CHANGE_UNINSURED_PERSON, OBJECT, kwargs=pk("ledger_batch"), success=302),
    "uninsured_person_new": (
        get(CHANGE_UNINSURED_PERSON, DIVISION, query=TOWNSHIP_YEAR),
        post(
            CHANGE_UNINSURED_PERSON,
            DIVISION,
            query=TOWNSHIP_YEAR,
            data=constant(
                name=NEW_UNINSURED[0],
                id_number=NEW_UNINSURED[1],
                village=YUJING_VILLAGE,
                year=2026,
                step="door_to_door",
            ),
            success=302,
        ),
    ),
    "uninsured_person_edit": (
        get(CHANGE_UNINSURED_PERSON, OBJECT, kwargs=pk("uninsured_person")),
        post(  # the person 玉井镇 found itself: a pushed list's people wait for the list to be signed
            CHANGE_UNINSURED_PERSON,
            OBJECT,
            kwargs=pk("found_person"),
            data=constant(
                reason="unwilling",
                verification_status="confirmed_uninsured",
                contact_result="reached",
                outreach_note="本人暂不愿参保",
                step="door_to_door",
            ),
            success=302,
        ),
    ),
    "progress_dashboard": get(VIEW_PROGRESS, DIVISION, query=constant(division=SHANYIN, year=2026)),
    "progress_export": get(VIEW_PROGRESS, DIVISION, query=constant(division=SHANYIN, year=2026)),
    # The refresh button recomputes every division of the province at once, its job holds no division either.
    "progress_refresh": post(VIEW_PROGRESS, UNSCOPED, data=constant(year=2026, as_of="2026-06-30"), success=302),
    "progress_job_detail": get(VIEW_PROGRESS, UNSCOPED, kwargs=pk("progress_job")),
    "target_split": (
        get(SPLIT_TARGETS, DIVISION, query=CITY_YEAR),
        post(
            SPLIT_TARGETS,
            DIVISION,
            query=CITY_YEAR,
            data=constant(**{f"county_{code}": value for code, value in SHUOZHOU_SPLIT.items()}),
            success=302,
        ),
    ),
    "target_split_template": get(SPLIT_TARGETS, DIVISION, query=CITY_YEAR),
    "target_split_import": (
        get(SPLIT_TARGETS, DIVISION, query=CITY_YEAR),
        post(SPLIT_TARGETS, DIVISION, query=CITY_YEAR, data=upload("朔州目标分解.xlsx", split_file), says=(CONFIRM,)),
    ),
    "target_split_import_confirm": post(SPLIT_TARGETS, OBJECT, data=batch("split_batch"), success=302),
    "baseline_list": get(VIEW_PROGRESS, ROWS, query=constant(year=2026)),
    "baseline_template": get(IMPORT_BASELINES, UNSCOPED),
    "baseline_import": (
        get(IMPORT_BASELINES, UNSCOPED),
        # The preview writes nothing but its batch: another province's row of 山阴县 is refused in it, with no
        # confirm button.
        post(
            IMPORT_BASELINES,
            BODY,
            data=upload("矩阵人口基数.xlsx", baseline_file),
            says=(CONFIRM,),
            refusal=(200,),
            refusal_says=(f"区划代码「{SHANYIN}」不在您的管辖范围内。",),
            refusal_records=("targets.BaselineImportBatch",),
        ),
    ),
    "baseline_import_confirm": post(IMPORT_BASELINES, OBJECT, data=batch("baseline_batch"), success=302),
    "baseline_import_errors": post(IMPORT_BASELINES, OBJECT, data=batch("refused_baseline_batch")),
    # --- bulk imports of a county's files
    "bulk_import_index": (
        get(BULK_IMPORT, ROWS),
        post(
            BULK_IMPORT,
            BODY,
            data=upload("矩阵户籍人口.csv", resident_registry, kind="resident_registry", county=SHANYIN),
            success=302,
            refusal=(200,),
            refusal_says=(CHOICE_REFUSED,),
        ),
    ),
    "bulk_import_template": get(BULK_IMPORT, UNSCOPED, kwargs=constant(kind="resident_registry")),
    "bulk_import_detail": get(BULK_IMPORT, OBJECT, kwargs=pk("bulk_job")),
    "bulk_import_report": get(BULK_IMPORT, OBJECT, kwargs=pk("bulk_job")),
    "bulk_import_retry": post(BULK_IMPORT, OBJECT, kwargs=pk("interrupted_job"), success=302),
    "bulk_import_confirm": post(BULK_IMPORT, OBJECT, kwargs=pk("checked_job"), success=302),
    "bulk_import_discard": post(BULK_IMPORT, OBJECT, kwargs=pk("checked_job"), success=302),
    "tax_payment_reconciliation": get(VIEW_TAX_PAYMENT, DIVISION, query=COUNTY_YEAR, shows=(RESIDENT[0],)),
    "tax_payment_export": get(VIEW_TAX_PAYMENT, DIVISION, query=COUNTY_YEAR, shows=(RESIDENT[1],)),
    "tax_payment_rematch": post(BULK_IMPORT, DIVISION, data=COUNTY_YEAR, success=302),
    # --- the national platform's person query (1101) for clerks: another division's person is not found, like nobody
    "national_person_query": get(
        (VIEW_ENROLLMENT, VIEW_FULL_ID_NUMBER),
        ROWS,
        query=lambda world, user: {"certno": world.resident.id_number},
        shows=(RESIDENT[0],),
    ),
    # --- duplicate enrollment (重复参保治理)
    "duplicate_summary": get(VIEW_DUPLICATE_CASE, ROWS, says=("山阴县",)),
    "duplicate_case_list": get(VIEW_DUPLICATE_CASE, ROWS, shows=(RESIDENT[0],)),
    "duplicate_case_export": get(VIEW_DUPLICATE_CASE, ROWS, shows=(RESIDENT[0],)),
    "duplicate_case_detail": get(VIEW_DUPLICATE_CASE, OBJECT, kwargs=pk("duplicate_case")),
    "duplicate_case_resolve": post(
        RESOLVE_DUPLICATE_CASE,
        OBJECT,
        kwargs=pk("duplicate_case"),
        data=constant(resolution="not_duplicate", note="矩阵核实"),
        success=302,
    ),
    "duplicate_scan_start": post(RESOLVE_DUPLICATE_CASE, UNSCOPED, success=302),
    "duplicate_scan_job_detail": get(VIEW_DUPLICATE_CASE, UNSCOPED, kwargs=pk("duplicate_scan_job")),
    # --- inbound feeds of other departments (exchange)
    "exchange_batch_list": get(VIEW_EXCHANGE, ROWS),
    "exchange_batch_detail": get(VIEW_EXCHANGE, OBJECT, kwargs=pk("feed_batch")),
    "exchange_batch_xlsx": get(VIEW_EXCHANGE, OBJECT, kwargs=pk("feed_batch")),
    "exchange_queue": get(RESOLVE_EXCHANGE_RECORD, ROWS),
    "exchange_record_resolve": (
        get(RESOLVE_EXCHANGE_RECORD, OBJECT, kwargs=pk("feed_record"), shows=(UNMATCHED[0],)),
        post(
            RESOLVE_EXCHANGE_RECORD,
            OBJECT,
            kwargs=pk("feed_record"),
            data=lambda world, user: {"id_number": world.resident.id_number, "note": "部门身份证号录错"},
            success=302,
        ),
    ),
    "exchange_record_dismiss": post(
        RESOLVE_EXCHANGE_RECORD, OBJECT, kwargs=pk("feed_record"), data=constant(note="非本县居民"), success=302
    ),
    "exchange_refunds": get(VIEW_EXCHANGE, ROWS),
    # --- the API (API.md)
    "policy-quote": post(  # the calculator: any signed-in user, writes nothing
        None, UNSCOPED, data=constant(region=SHANYIN, insurance_year=2027, payment_date="2026-11-20")
    ),
    "identity-create": post(
        ADD_HARDSHIP_IDENTITY,
        BODY,
        data=lambda world, user: {
            "id_number": world.second_resident.id_number,
            "category": "dibao",
            "valid_from": "2026-01-01",
            "department": "民政",
        },
        success=201,
    ),
    "claim-summary-create": post(
        ADD_CLAIM_SUMMARY,
        BODY,
        data=lambda world, user: {
            "id_number": world.resident.id_number,
            "year": 2025,
            "fund_paid_total": "100.00",
            "reward_used": False,
        },
        success=201,
    ),
    # R10.3 over the API: the figures of the dashboards, under their permission (fiscal-settlement checks its own)
    "targets-progress": get(VIEW_PROGRESS, ROWS, query=constant(year=2026, as_of="2026-06-30", level="city")),
    "fiscal-settlement": get(VIEW_FISCAL, DIVISION, query=constant(year=2026, city="140600")),
    # the national platform's person query (1101): a person outside the asker's scope is not found (404), like one
    # nobody holds; the answer carries the full ID number, so it needs both permissions
    "national-person-query": post(
        (VIEW_ENROLLMENT, VIEW_FULL_ID_NUMBER),
        BODY,
        data=lambda world, user: {"input": {"data": {"psn_cert_type": "01", "certno": world.resident.id_number}}},
        success=200,
        refusal=(404,),
        shows=(RESIDENT[0],),
    ),
    "duplicate-case-list": get(VIEW_DUPLICATE_CASE, ROWS, shows=(RESIDENT[0],)),
    "duplicate-case-detail": get(VIEW_DUPLICATE_CASE, OBJECT, kwargs=pk("duplicate_case")),
    "duplicate-case-resolution": post(
        RESOLVE_DUPLICATE_CASE,
        OBJECT,
        kwargs=pk("duplicate_case"),
        data=constant(resolution="not_duplicate", note="矩阵核实"),
    ),
    "duplicate-summary": get(VIEW_DUPLICATE_CASE, ROWS),
    "pre-enrollment-create": post(
        ADD_PRE_ENROLLMENT,
        BODY,
        data=constant(mother_id_number=MOTHER[1], expected_delivery_date="2027-02-20", application_date="2026-11-20"),
        success=201,
    ),
    "resident-list": (
        # `division` filters the asker's residents: naming another division finds nobody, like a search
        get(VIEW_RESIDENT, ROWS, query=constant(division=SHANYIN), shows=(RESIDENT[0],)),
        post(
            ADD_RESIDENT,
            BODY,
            data=constant(id_number=NEW_RESIDENT[1], name=NEW_RESIDENT[0], division=YUJING_VILLAGE),
            success=201,
        ),
    ),
    "resident-detail": get(VIEW_RESIDENT, OBJECT, kwargs=lambda world, user: {"id_number": world.resident.id_number}),
    "enrollment-list": (
        get(VIEW_ENROLLMENT, ROWS),
        post(
            ADD_ENROLLMENT,
            BODY,
            data=lambda world, user: {
                "id_number": world.resident.id_number,
                "insurance_year": 2027,
                "payment_date": "2026-11-20",
            },
            success=201,
        ),
    ),
    "enrollment-detail": get(VIEW_ENROLLMENT, OBJECT, kwargs=pk("enrollment")),
    "enrollment-back-payment": post(
        ADD_ENROLLMENT,
        OBJECT,
        kwargs=pk("late_enrollment"),
        data=constant(years=1, payment_date="2026-04-01"),
    ),
    "enrollment-payments": post(
        ADD_ENROLLMENT, OBJECT, kwargs=pk("enrollment"), data=constant(payment_date="2026-02-01", amount="400.00")
    ),
    "enrollment-refund": post(
        ADD_ENROLLMENT, OBJECT, kwargs=pk("enrollment"), data=constant(reason="employee_insured", date="2026-02-01")
    ),
    "newborn-list": (
        get(VIEW_BIRTH_RECORD, ROWS, shows=(NEWBORN[0],)),
        post(
            ADD_BIRTH_RECORD,
            BODY,
            data=constant(
                birth_certificate_no="M140000099",
                name="柳三",
                gender="F",
                birth_date="2026-11-01",
                mother_id_number=MOTHER[1],
                id_number=API_NEWBORN_ID,
                division=YUJING_VILLAGE,
                registration_date="2026-11-20",
            ),
            success=201,
        ),
    ),
    "newborn-medical-code-check": get(
        VIEW_BIRTH_RECORD, OBJECT, kwargs=lambda world, user: {"code": world.newborn.medical_code.code}
    ),
    "exchange-feed-receive": post(
        EXCHANGE_FEED_SEND,
        BODY,
        kwargs=constant(kind="deaths"),
        query=constant(county=SHANYIN),
        data=lambda world, user: {
            "records": [
                {"id_number": world.resident.id_number, "name": RESIDENT[0], "date": "2026-05-02", "type": "death"}
            ]
        },
        success=201,
    ),
    "exchange-batch": get(VIEW_EXCHANGE, OBJECT, kwargs=pk("feed_batch")),
    # policy drafts (政策调整测算): another division's draft or simulation is not found; a draft of a region outside
    # the preparer's scope is refused; the approval is the city's approver's of its staff's draft
    "policy-draft-list": (
        get(VIEW_POLICY_DRAFT, ROWS),
        post(
            PREPARE_POLICY_DRAFT,
            BODY,
            data=constant(
                region=SHANYIN, insurance_year=2027, title="矩阵新草案", changes={SHANYIN: {"fixed_waiting_months": 5}}
            ),
            success=201,
            refusal_says=("您无权为该地区拟定政策参数。",),
        ),
    ),
    "policy-draft-detail": get(VIEW_POLICY_DRAFT, OBJECT, kwargs=pk("policy_draft")),
    "policy-draft-simulations": post(
        PREPARE_POLICY_DRAFT,
        OBJECT,
        kwargs=pk("policy_draft"),
        data=constant(division=SHANYIN, as_of="2026-12-01", payment_date="2026-12-01", elasticity="-0.30"),
        success=202,
    ),
    "policy-draft-approval": post(
        APPROVE_POLICY_DRAFT,
        OBJECT,
        kwargs=pk("policy_draft"),
        data=lambda world, user: {"document_number": "矩阵文号", "simulation": world.impact_simulation.pk},
    ),
    "policy-simulation": get(VIEW_POLICY_DRAFT, OBJECT, kwargs=pk("impact_simulation")),
    "newborn-detail": (
        get(
            VIEW_BIRTH_RECORD,
            OBJECT,
            kwargs=lambda world, user: {"birth_certificate_no": world.newborn.birth_certificate_no},
        ),
        patch(
            CHANGE_BIRTH_RECORD,
            OBJECT,
            kwargs=lambda world, user: {"birth_certificate_no": world.newborn.birth_certificate_no},
            data=constant(id_number=NEWBORN_ID),
        ),
    ),
}
# --- outreach (动员参保): the campaigns of a division, their files and notices, the phones that opted out
ENDPOINTS |= {
    "campaign_list": get(VIEW_CAMPAIGN, ROWS),
    "campaign_new": (
        get(ADD_CAMPAIGN, UNSCOPED),
        post(
            ADD_CAMPAIGN,
            BODY,
            data=constant(
                name="矩阵动员",
                source="uninsured",
                division=YUJING_TOWN,
                year=timezone.localdate().year + 1,
                channel="file",
                template="{姓名}请缴费",
                action="send",
            ),
            success=302,
        ),
    ),
    "campaign_detail": get(VIEW_CAMPAIGN, OBJECT, kwargs=pk("campaign"), shows=(UNINSURED[0],)),
    "campaign_send": post(ADD_CAMPAIGN, OBJECT, kwargs=pk("campaign"), success=302),
    "campaign_export": get(VIEW_CAMPAIGN, OBJECT, kwargs=pk("campaign"), shows=(UNINSURED[0],)),
    "campaign_file": get(VIEW_CAMPAIGN, OBJECT, kwargs=pk("campaign")),
    "campaign_notices": get(VIEW_CAMPAIGN, OBJECT, kwargs=pk("campaign"), shows=(UNINSURED[0],)),
    "opt_out_list": (
        get(ADD_CAMPAIGN, ROWS),
        post(ADD_CAMPAIGN, ROWS, data=lambda world, user: {"phone": "13800000098", "date": "2026-11-01"}, success=302),
    ),
    "opt_out_delete": post(ADD_CAMPAIGN, OBJECT, kwargs=pk("opt_out"), success=302),
}

# --- policy changes (政策调整测算): the drafts of a region, their figures, simulations and approval
ENDPOINTS |= {
    "policy_draft_list": get(VIEW_POLICY_DRAFT, ROWS),
    "policy_draft_new": (
        get(PREPARE_POLICY_DRAFT, UNSCOPED),
        post(
            PREPARE_POLICY_DRAFT,
            BODY,
            data=constant(region=SHANYIN, insurance_year=2027, title="矩阵新草案"),
            success=302,
            refusal=(200,),
            refusal_says=(CHOICE_REFUSED,),
        ),
    ),
    "policy_draft_detail": get(VIEW_POLICY_DRAFT, OBJECT, kwargs=pk("policy_draft")),
    "policy_draft_region": (
        get(PREPARE_POLICY_DRAFT, OBJECT, kwargs=draft_region),
        post(PREPARE_POLICY_DRAFT, OBJECT, kwargs=draft_region, data=constant(fixed_waiting_months=5), success=302),
    ),
    "policy_draft_simulate": post(
        PREPARE_POLICY_DRAFT,
        OBJECT,
        kwargs=pk("policy_draft"),
        data=constant(division=SHANYIN, as_of="2026-12-01", payment_date="2026-12-01", elasticity="-0.30"),
        success=302,
    ),
    # the draft's preparer is 朔州's city staff: the approver and the administrator (a superuser) may approve it
    "policy_draft_approve": post(
        APPROVE_POLICY_DRAFT,
        OBJECT,
        kwargs=pk("policy_draft"),
        data=lambda world, user: {"document_number": "矩阵医保发〔2026〕1号", "simulation": world.impact_simulation.pk},
        success=302,
    ),
    "policy_draft_withdraw": post(
        PREPARE_POLICY_DRAFT, OBJECT, kwargs=pk("policy_draft"), data=constant(reason="矩阵撤回"), success=302
    ),
    "impact_simulation_detail": get(VIEW_POLICY_DRAFT, OBJECT, kwargs=pk("impact_simulation")),
    "impact_simulation_totals_export": get(VIEW_POLICY_DRAFT, OBJECT, kwargs=pk("impact_simulation")),
    "impact_simulation_people_export": get(VIEW_POLICY_DRAFT, OBJECT, kwargs=pk("impact_simulation")),
}


def cases_of(url_name: str) -> tuple[Case, ...]:
    entry = ENDPOINTS[url_name]
    return entry if isinstance(entry, tuple) else (entry,)


# --- The URL conf ---------------------------------------------------------------------------------------------


def url_views(patterns=None, prefix: str = "", namespace: str = ""):
    """(name with its namespace, full route, view) of every pattern outside NOT_IN_MATRIX, resolvers followed down."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in NOT_IN_MATRIX_NAMESPACES:
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from url_views(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            route = prefix + str(pattern.pattern)
            if name not in NOT_IN_MATRIX_NAMES and not route.startswith(NOT_IN_MATRIX_ROUTES):
                yield name, route, pattern.callback


def url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """(name with its namespace, full route) of every pattern outside NOT_IN_MATRIX, resolvers followed down."""
    for name, route, _ in url_views(patterns, prefix, namespace):
        yield name, route


WRITE_METHODS = ("post", "put", "patch", "delete")


def code_mentions(code: CodeType) -> set[str]:
    """The attribute and global names and the string constants of a function's code, its inner functions' too."""
    mentioned = set(code.co_names) | {constant for constant in code.co_consts if isinstance(constant, str)}
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            mentioned |= code_mentions(constant)
    return mentioned


def write_methods(view: Callable[..., Any]) -> set[str]:
    """The methods of WRITE_METHODS a URL's view accepts.

    A DRF viewset's route: the methods its router mapped to an action (view.actions). A DRF APIView or a Django
    class-based view: the handlers its class defines. A function view: a method its code or one of its decorators
    names in capitals, the decorators followed down `__wrapped__`: `request.method == "POST"` (a constant),
    `request.POST` (an attribute), `@require_POST` or `@require_http_methods(["GET", "POST"])` (the list the
    decorator's wrapper holds). Read from the code objects rather than from inspect.getsource, whose lines are
    those of the file as it is now: a view file edited while the tests run would be read at the wrong lines.
    """
    actions = getattr(view, "actions", None)
    if actions is not None:
        return {method for method in actions if method in WRITE_METHODS}
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if view_class is not None:
        return {method for method in WRITE_METHODS if hasattr(view_class, method)}
    mentioned: set[str] = set()
    layer: Any = view
    while layer is not None:
        if hasattr(layer, "__code__"):
            mentioned |= code_mentions(layer.__code__)
        for cell in getattr(layer, "__closure__", None) or ():
            try:
                held = cell.cell_contents
            except ValueError:  # a cell not yet filled
                continue
            if isinstance(held, list | tuple | set | frozenset):
                mentioned |= {item for item in held if isinstance(item, str)}
        layer = getattr(layer, "__wrapped__", None)
    return {method for method in WRITE_METHODS if method.upper() in mentioned}


@functools.cache
def api_route(url_name: str) -> bool:
    return any(name == url_name and route.startswith("api/") for name, route in url_patterns())


def test_every_endpoint_is_in_the_matrix():
    # given the URL conf
    patterns = list(url_patterns())
    # when
    unnamed = sorted(route for name, route in patterns if name is None)
    missing = sorted({name for name, route in patterns if name is not None and name not in ENDPOINTS})
    stale = sorted(set(ENDPOINTS) - {name for name, route in patterns})
    # then
    assert (unnamed, missing, stale) == ([], [], []), (
        "Every URL needs a name and an entry in ENDPOINTS (tests/test_access_matrix.py) saying its permission and "
        f"scope.\nUnnamed routes: {unnamed}\nNames missing from ENDPOINTS: {missing}\nEntries of no URL: {stale}"
    )


def test_every_write_path_is_in_the_matrix():
    # given the URL conf and the methods each view accepts besides GET
    views = [(name, view) for name, route, view in url_views() if name in ENDPOINTS]
    # when
    untried = sorted(
        {
            f"{name} {method.upper()}"
            for name, view in views
            for method in write_methods(view) - {case.method for case in cases_of(name)}
        }
    )
    # then
    assert views
    assert untried == [], (
        "Every method a view accepts to write needs a case of that method in ENDPOINTS (tests/test_access_matrix.py):"
        " the real write for the own user, refused elsewhere as its scope says (a page of a form: its GET case and "
        f"its POST case).\nWrites never tried: {untried}"
    )


def test_write_methods_are_read_however_the_view_is_written():
    # given views written each way a view of the project accepts a write, and views that accept none
    views = {name: view for name, route, view in url_views()}
    # when
    read = {
        name: write_methods(views[name])
        for name in (
            "resident_new",  # request.method == "POST" and request.POST
            "birth_import_confirm",  # @require_POST alone
            "fiscal_settlement_store",  # @require_POST and request.POST
            "resident_search",  # GET only
            "identity-create",  # a DRF APIView with post()
            "newborn-detail",  # a DRF viewset's route: retrieve and partial_update
            "resident-detail",  # a DRF viewset's route: retrieve only
        )
    }
    # then
    assert read == {
        "resident_new": {"post"},
        "birth_import_confirm": {"post"},
        "fiscal_settlement_store": {"post"},
        "resident_search": set(),
        "identity-create": {"post"},
        "newborn-detail": {"patch"},
        "resident-detail": set(),
    }


# --- The world and the requests ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module in a transaction rolled back at its end; each request runs in a savepoint."""
    media_root = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root), transaction.atomic():
        yield world_build()
        transaction.set_rollback(True)


@dataclass(frozen=True)
class Expected:
    label: str
    statuses: frozenset[int]
    to_login: bool = False
    writes_nothing: bool = True
    may_record: tuple[str, ...] = ()  # models written even so (a refused upload's batch)
    shows_no_one: bool = False  # none of the world's people (what the request itself names aside)
    shows: tuple[str, ...] = ()
    says: tuple[str, ...] = ()


def allowed(role: str, permission: str | tuple[str, ...] | None) -> bool:
    needed = () if permission is None else (permission,) if isinstance(permission, str) else permission
    return set(needed) <= ROLE_PERMISSIONS[role]


def expected(case: Case, *, api: bool, role: str | None, user: User | None, own: bool) -> Expected:
    if user is None or role is None:
        return Expected("401/403", frozenset({401, 403})) if api else Expected("login", frozenset({302}), to_login=True)
    # a superuser holds every permission, those their role does not name too (Django's has_perm)
    if not (user.is_superuser or allowed(role, case.permission)):
        return Expected("403", frozenset({403, 404}))
    sees_the_world = user_can_see_division(user=user, division_code=YUJING_VILLAGE)  # a superuser's "other" does
    if own or (sees_the_world and case.scope not in PER_USER):
        return Expected(
            str(case.success), frozenset({case.success}), writes_nothing=False, shows=case.shows, says=case.says
        )
    if case.scope in NOT_FOUND_ELSEWHERE:
        return Expected("404", frozenset({404}))
    if case.scope == BODY:
        return Expected(
            "refused " + "/".join(map(str, case.refusal)),
            frozenset(case.refusal),
            may_record=case.refusal_records,
            says=case.refusal_says,
        )
    status = case.other_success or case.success
    return Expected(f"{status}, no one shown", frozenset({status}), writes_nothing=False, shows_no_one=True)


def body_text(response) -> str:
    # Consuming a streamed file closes it; the client has closed the others (closing again ends the transaction).
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith(XLSX):
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8", "replace")


@dataclass(frozen=True)
class Sent:
    asked: str  # the URL and the data sent
    status: int
    location: str
    text: str  # the page, the JSON or the cells of the file
    written: tuple[str, ...]  # models whose row count a POST or PATCH changed


def send(world: World, url_name: str, case: Case, *, role: str | None, user: User | None, own: bool) -> Sent:
    """One request in a savepoint rolled back after it: each request meets the same world."""
    api = api_route(url_name)
    builder = world.own[role or Role.SYSTEM_ADMIN]  # whose objects the request names (anonymous: any)
    with transaction.atomic():
        client = APIClient() if api else Client()
        if user is not None and api:
            cast(APIClient, client).credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[user.pk]}")
        elif user is not None:
            client.force_login(user)
        kwargs = case.kwargs(world, builder)
        query = case.query(world, builder)
        url = reverse(url_name, kwargs=kwargs) + (f"?{urlencode(query)}" if query else "")
        data = case.data(world, builder)
        before = row_counts(PROJECT_APPS) if case.method != "get" else {}
        if case.method == "get":
            response = client.get(url)
        elif api:
            response = getattr(client, case.method)(url, data, format="json")
        else:
            response = getattr(client, case.method)(url, data)
        text = body_text(response)
        after = row_counts(PROJECT_APPS) if case.method != "get" else {}
        transaction.set_rollback(True)
    written = tuple(sorted(label for label, count in before.items() if after[label] != count))
    return Sent(url + repr(data), response.status_code, response.get("Location", ""), text, written)


def problems_of(world: World, expectation: Expected, sent: Sent) -> list[str]:
    problems = []
    if sent.status not in expectation.statuses:
        problems.append("status")
    if expectation.to_login and not sent.location.startswith(resolve_url(settings.LOGIN_URL)):
        problems.append("not the login page")
    written = [label for label in sent.written if label not in expectation.may_record]
    if expectation.writes_nothing and written:
        problems.append(f"wrote {', '.join(written)}")
    if expectation.shows_no_one:
        shown = [person for person in world.sentinels if person in sent.text and person not in sent.asked]
        if shown:
            problems.append(f"shows {', '.join(shown)}")
    hidden = [person for person in expectation.shows if person not in sent.text]
    if hidden:
        problems.append(f"does not show {', '.join(hidden)}")
    unsaid = [text for text in expectation.says if text not in sent.text]
    if unsaid:
        problems.append(f"does not say {', '.join(unsaid)}")
    return problems


@dataclass(frozen=True)
class Answer:
    url_name: str
    method: str
    role: str
    whose: str
    expected: str
    got: str
    problems: list[str]


def ask(world: World, url_name: str, case: Case, *, role: str | None, whose: str) -> Answer:
    user = None if role is None else world.own[role] if whose == "own" else world.other[role]
    expectation = expected(case, api=api_route(url_name), role=role, user=user, own=whose == "own")
    sent = send(world, url_name, case, role=role, user=user, own=whose == "own")
    got = f"{sent.status} → {sent.location[:60]}" if sent.location else str(sent.status)
    problems = problems_of(world, expectation, sent)
    return Answer(url_name, case.method.upper(), role or "anonymous", whose, expectation.label, got, problems)


ROLES = [role for role, _ in Role.choices]


def matrix_table(answers: list[Answer]) -> str:
    lines = [f"{'URL name':34} {'method':6} {'role':18} {'whose':9} {'expected':20} got"]
    lines += [
        f"{a.url_name:34} {a.method:6} {a.role:18} {a.whose:9} {a.expected:20} {a.got}  {'; '.join(a.problems)}"
        for a in answers
    ]
    return "\n".join(lines)


@pytest.mark.django_db  # ordered before the browser tests, whose flush would empty the division tree
@pytest.mark.parametrize("url_name", sorted(ENDPOINTS))
def test_access_matrix(world, url_name):
    # given every role's user of the world's division and of another, and no user at all
    askers = [(None, "anonymous"), *((role, whose) for role in ROLES for whose in ("own", "other"))]
    # when each of them sends each request of the endpoint
    answers = [
        ask(world, url_name, case, role=role, whose=whose) for case in cases_of(url_name) for role, whose in askers
    ]
    # then
    wrong = [answer for answer in answers if answer.problems]
    assert wrong == [], "\n" + matrix_table(wrong)
