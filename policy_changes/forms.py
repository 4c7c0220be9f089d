"""The forms of the policy change pages: the list's filter, a new draft, a region's figures, a simulation, the
approval and the withdrawal."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.scope import scope_queryset
from divisions.models import Division
from enrollment.policy import CALENDAR_FIELDS, CAP_FIELDS, NEWBORN_FIELDS, SPECIAL_GROUP_FIELDS, WAITING_FIELDS

from .models import DraftStatus, ImpactSimulation, PolicyDraft
from .services import DRAFT_FIELDS
from .services.drafts import DRAFT_REGION_LEVELS, DRAFT_YEARS_AHEAD, DRAFT_YEARS_BACK, draft_field

# The sections of a region's figures, in the order of the page; together they hold every figure a draft may change.
FIGURE_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("缴费标准与征缴日历", ("source_document", "contribution_standard", *CALENDAR_FIELDS, "accident_topup_options")),
    ("等待期", (*WAITING_FIELDS, "waiting_source")),
    ("大病保险", (*CAP_FIELDS, "cap_source")),
    (
        "特殊群体",
        (*SPECIAL_GROUP_FIELDS, "special_group_source", "student_source", "resident_years_per_employee_year"),
    ),
    ("新生儿", NEWBORN_FIELDS),
    ("困难群众资助", ("hardship_tiers", "hardship_source")),
    ("退费", ("refund_reasons", "refund_source", "refund_anytime_reasons")),
)
JSON_FIELDS = ("hardship_tiers", "refund_reasons", "accident_topup_options", "refund_anytime_reasons")
DEFAULT_ELASTICITY = Decimal("-0.30")


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"
        else:
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"


def draft_regions(*, user: User, within: str | None = None) -> QuerySet[Division]:
    """The province, cities and counties in the user's scope (and within `within`, when given), by code."""
    regions = scope_queryset(
        Division.objects.filter(level__in=DRAFT_REGION_LEVELS), user=user, code_fields=("code",)
    ).order_by("code")
    return regions.filter(code__startswith=within) if within else regions


class DraftFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *DraftStatus.choices], required=False)


class DraftCreateForm(forms.Form):
    region = forms.ModelChoiceField(label="地区", queryset=Division.objects.none())
    insurance_year = forms.TypedChoiceField(label="保险年度", coerce=int, choices=[])
    title = forms.CharField(
        label="草案名称", max_length=100, required=False, help_text="不填则为“地区+年度+政策参数调整”。"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = draft_regions(user=user)
        this_year = timezone.localdate().year
        years = range(this_year - DRAFT_YEARS_BACK, this_year + DRAFT_YEARS_AHEAD + 1)
        cast(forms.TypedChoiceField, self.fields["insurance_year"]).choices = [(year, f"{year}年度") for year in years]
        self.fields["insurance_year"].initial = this_year + 1
        _styled(self)


class RegionPickForm(forms.Form):
    """A region below the draft's to give figures of its own (its edit page)."""

    region = forms.ModelChoiceField(label="增加下级地区", queryset=Division.objects.none())

    def __init__(self, *args: Any, draft: PolicyDraft, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        below = draft_regions(user=user, within=draft.region_id).exclude(code=draft.region_id)
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = below.exclude(
            code__in=draft.regions.values("region_id")
        )
        _styled(self)


class FigureJSONField(forms.JSONField):
    """A list of the parameter set as JSON in a text box; a list the region leaves to inheritance is an empty box."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


def _figure_field(name: str) -> forms.Field:
    model_field = draft_field(name)
    if name in JSON_FIELDS:
        help_text = f"{model_field.help_text}（JSON 格式）" if model_field.help_text else "JSON 格式"
        return FigureJSONField(
            label=str(model_field.verbose_name), help_text=help_text, widget=forms.Textarea(attrs={"rows": 4})
        )
    field = model_field.formfield()
    assert field is not None
    return field


class RegionFiguresForm(forms.Form):
    """Every figure a draft may change of a region, grouped by section: those equal to the region's current figures
    are not changes (policy_draft_region_update keeps only those that differ)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in DRAFT_FIELDS:
            self.fields[name] = _figure_field(name)
        # a figure of the region's year may be left to inheritance; the service checks what the set requires
        for field in self.fields.values():
            field.required = False
        _styled(self)

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in FIGURE_SECTIONS]


class SimulationForm(forms.Form):
    division = forms.ModelChoiceField(label="测算区划", queryset=Division.objects.none())
    as_of = forms.DateField(label="人群及身份截至日期")
    payment_date = forms.DateField(label="假定缴费日期")
    elasticity = forms.DecimalField(
        label=str(ImpactSimulation._meta.get_field("elasticity").verbose_name),
        max_digits=5,
        decimal_places=2,
        help_text=str(ImpactSimulation._meta.get_field("elasticity").help_text),
    )

    def __init__(self, *args: Any, draft: PolicyDraft, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["division"]).queryset = draft_regions(
            user=user, within=draft.region_id
        )
        self.fields["division"].initial = draft.region_id
        self.fields["elasticity"].initial = DEFAULT_ELASTICITY
        _styled(self)


class SimulationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"第{obj.pk}号 {obj.division.name}（{timezone.localtime(obj.created_at):%Y-%m-%d %H:%M}）"


class ApprovalForm(forms.Form):
    document_number = forms.CharField(label="批准文号", max_length=200)
    simulation = SimulationChoiceField(
        label="审批所依据的测算", queryset=ImpactSimulation.objects.none(), required=False
    )

    def __init__(self, *args: Any, draft: PolicyDraft, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        simulation = cast(SimulationChoiceField, self.fields["simulation"])
        simulation.queryset = ImpactSimulation.objects.filter(draft=draft).select_related("division")
        _styled(self)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回原因", max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)
