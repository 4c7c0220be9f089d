"""What each role may do. Where a user may do it is the division scope (accounts.scope)."""

from django.contrib.auth.backends import ModelBackend

from .models import Role

VIEW_RESIDENT = "enrollment.view_resident"
ADD_RESIDENT = "enrollment.add_resident"
CHANGE_RESIDENT = "enrollment.change_resident"
VIEW_FULL_ID_NUMBER = "enrollment.view_full_id_number"
VIEW_ENROLLMENT = "enrollment.view_enrollment"
ADD_ENROLLMENT = "enrollment.add_enrollment"
ADD_HARDSHIP_IDENTITY = "subsidies.add_hardshipidentity"
ADD_CLAIM_SUMMARY = "enrollment.add_claimsummary"
# The subsidy ledger, the hardship coverage rate and the list of hardship residents not yet enrolled.
VIEW_HARDSHIP_IDENTITY = "subsidies.view_hardshipidentity"
# Upload a department's list of certified people and confirm it.
IMPORT_IDENTITY_LIST = "subsidies.add_identitylistbatch"
# Newborns: register a birth (window or platform), complete its ID number, pre-enroll; and see them.
ADD_BIRTH_RECORD = "newborns.add_birthrecord"
CHANGE_BIRTH_RECORD = "newborns.change_birthrecord"
VIEW_BIRTH_RECORD = "newborns.view_birthrecord"
ADD_PRE_ENROLLMENT = "newborns.add_preenrollment"
# The newborn programme's fiscal prepay, settlement and transfers (R11): see them; record transfers, edit tiers.
VIEW_FISCAL = "reports.view_fiscalsettlement"
ADD_FISCAL_TRANSFER = "reports.add_fiscaltransfer"
CHANGE_FISCAL_TIER = "reports.change_fiscaltier"
# Targets and progress (R10): the dashboards and their refresh button; a city splits its target among its counties;
# the province imports the population baselines the coverage rates are computed on.
VIEW_PROGRESS = "targets.view_progresssnapshot"
SPLIT_TARGETS = "targets.change_target"
IMPORT_BASELINES = "targets.add_populationbaseline"
# The uninsured ledger (未参保台账, R13.5): the province pushes lists down, townships record the outcomes.
PUSH_UNINSURED_LIST = "uninsured.add_uninsuredlist"
CHANGE_UNINSURED_PERSON = "uninsured.change_uninsuredperson"
VIEW_UNINSURED = "uninsured.view_uninsuredperson"
# Big county files (the registry, enrollment history) imported by a worker: bulk/.
BULK_IMPORT = "bulk.add_bulkimportjob"
# The reconciliation of the tax bureau's payment records with the enrollments (征缴入库对账); re-running the match
# needs BULK_IMPORT.
VIEW_TAX_PAYMENT = "tax_payments.view_taxpaymentrecord"
# Duplicate enrollment (重复参保治理): see the cases and their counts and money; resolve a case and run the scan.
VIEW_DUPLICATE_CASE = "duplicates.view_duplicatecase"
RESOLVE_DUPLICATE_CASE = "duplicates.change_duplicatecase"
# Outreach to the uninsured (动员参保): see the campaigns; create and send them and manage the phones that opted out.
VIEW_CAMPAIGN = "outreach.view_campaign"
ADD_CAMPAIGN = "outreach.add_campaign"
# Inbound feeds of other departments (exchange/): a county's system account sends them; clerks see the batches and
# settle the records waiting for a person.
EXCHANGE_FEED_SEND = "exchange.add_feedbatch"
VIEW_EXCHANGE = "exchange.view_feedbatch"
RESOLVE_EXCHANGE_RECORD = "exchange.change_feedrecord"
# Policy changes (政策调整测算): see the drafts and their simulations; prepare a draft and simulate it; approve another
# user's draft of a region in one's scope, which publishes it as that year's parameters.
VIEW_POLICY_DRAFT = "policy_changes.view_policydraft"
PREPARE_POLICY_DRAFT = "policy_changes.add_policydraft"
APPROVE_POLICY_DRAFT = "policy_changes.approve_policydraft"
POLICY_DRAFT_WORK = frozenset({VIEW_POLICY_DRAFT, PREPARE_POLICY_DRAFT})
WINDOW_WORK = frozenset(
    {
        VIEW_RESIDENT,
        ADD_RESIDENT,
        CHANGE_RESIDENT,
        VIEW_FULL_ID_NUMBER,
        VIEW_ENROLLMENT,
        ADD_ENROLLMENT,
        ADD_HARDSHIP_IDENTITY,
        VIEW_HARDSHIP_IDENTITY,
        IMPORT_IDENTITY_LIST,
        ADD_BIRTH_RECORD,
        CHANGE_BIRTH_RECORD,
        VIEW_BIRTH_RECORD,
        ADD_PRE_ENROLLMENT,
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.WINDOW_CLERK: WINDOW_WORK
    | {VIEW_PROGRESS, VIEW_UNINSURED, BULK_IMPORT, VIEW_TAX_PAYMENT, VIEW_CAMPAIGN, ADD_CAMPAIGN}
    | {VIEW_DUPLICATE_CASE, RESOLVE_DUPLICATE_CASE}
    | {VIEW_EXCHANGE, RESOLVE_EXCHANGE_RECORD},
    Role.TOWNSHIP_OFFICIAL: frozenset(
        {
            VIEW_RESIDENT,
            VIEW_FULL_ID_NUMBER,
            VIEW_ENROLLMENT,
            VIEW_HARDSHIP_IDENTITY,
            VIEW_BIRTH_RECORD,
            VIEW_UNINSURED,
            CHANGE_UNINSURED_PERSON,
            VIEW_CAMPAIGN,
            ADD_CAMPAIGN,
        }
    ),
    Role.CITY_STAFF: frozenset(
        {
            VIEW_RESIDENT,
            VIEW_ENROLLMENT,
            VIEW_HARDSHIP_IDENTITY,
            VIEW_BIRTH_RECORD,
            VIEW_FISCAL,
            VIEW_PROGRESS,
            SPLIT_TARGETS,
            VIEW_UNINSURED,
            VIEW_DUPLICATE_CASE,
            VIEW_CAMPAIGN,
        }
    )
    | POLICY_DRAFT_WORK,
    Role.PROVINCE_STAFF: frozenset(
        {
            VIEW_RESIDENT,
            VIEW_ENROLLMENT,
            VIEW_HARDSHIP_IDENTITY,
            VIEW_BIRTH_RECORD,
            VIEW_FISCAL,
            VIEW_PROGRESS,
            IMPORT_BASELINES,
            VIEW_UNINSURED,
            PUSH_UNINSURED_LIST,
            VIEW_DUPLICATE_CASE,
            VIEW_CAMPAIGN,
        }
    )
    | POLICY_DRAFT_WORK,
    Role.FINANCE: frozenset(
        {VIEW_HARDSHIP_IDENTITY, VIEW_FISCAL, ADD_FISCAL_TRANSFER, CHANGE_FISCAL_TIER, VIEW_PROGRESS, VIEW_POLICY_DRAFT}
    ),
    Role.POLICY_APPROVER: POLICY_DRAFT_WORK | {APPROVE_POLICY_DRAFT, VIEW_FISCAL, VIEW_PROGRESS},
    Role.SYSTEM_ADMIN: WINDOW_WORK
    | {
        ADD_CLAIM_SUMMARY,
        BULK_IMPORT,
        VIEW_TAX_PAYMENT,
        VIEW_FISCAL,
        ADD_FISCAL_TRANSFER,
        CHANGE_FISCAL_TIER,
        VIEW_PROGRESS,
        SPLIT_TARGETS,
        IMPORT_BASELINES,
        VIEW_UNINSURED,
        PUSH_UNINSURED_LIST,
        CHANGE_UNINSURED_PERSON,
        VIEW_DUPLICATE_CASE,
        RESOLVE_DUPLICATE_CASE,
        VIEW_CAMPAIGN,
        ADD_CAMPAIGN,
    }
    | {EXCHANGE_FEED_SEND, VIEW_EXCHANGE, RESOLVE_EXCHANGE_RECORD}
    | POLICY_DRAFT_WORK,
}


class RolePermissionBackend(ModelBackend):
    """Django's ModelBackend that also grants the permissions of the user's role. A permission the role grants is
    answered without the two queries ModelBackend makes for admin-assigned ones: every API request checks one."""

    def get_all_permissions(self, user_obj, obj=None):
        granted = super().get_all_permissions(user_obj, obj)
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return granted
        return granted | role_permissions(user_obj)

    def has_perm(self, user_obj, perm, obj=None):
        if user_obj.is_active and obj is None and perm in role_permissions(user_obj):
            return True
        return super().has_perm(user_obj, perm, obj)


def role_permissions(user) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(getattr(user, "role", ""), frozenset())
