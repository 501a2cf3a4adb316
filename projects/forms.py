"""Project forms. Amounts are entered in 万美元 / 万元 and stored in USD / CNY."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from fdi_portal.models import City, Region, Role
from projects.models import Campaign, Difficulty, Industry, Investor, Project, Stage
from projects.services import stage_dates, validate_stage

WAN = Decimal(10000)

#: (form field in 万, model field in base units, label)
MONEY_FIELDS = (
    ("contracted_fdi_wan", "contracted_fdi_usd", _("Contracted FDI (10k USD)")),
    ("total_investment_wan", "total_investment_usd", _("Total investment (10k USD)")),
    (
        "fixed_asset_investment_wan",
        "fixed_asset_investment_cny",
        _("Fixed-asset investment (10k CNY)"),
    ),
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def style(form: forms.BaseForm, size: str = "") -> None:
    """Give the form's widgets their Bootstrap classes."""
    suffix = f" form-select-{size}" if size else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select" + suffix
        else:
            widget.attrs["class"] = "form-control" + suffix.replace("select", "control")


class ProjectForm(forms.ModelForm):
    """A project's description. On creation it also takes the stage and its dates; later the
    stage changes through :class:`StageForm` so that every change is logged."""

    contracted_fdi_wan = forms.DecimalField(
        label=MONEY_FIELDS[0][2], required=False, min_value=0, max_digits=12, decimal_places=4
    )
    total_investment_wan = forms.DecimalField(
        label=MONEY_FIELDS[1][2], required=False, min_value=0, max_digits=12, decimal_places=4
    )
    fixed_asset_investment_wan = forms.DecimalField(
        label=MONEY_FIELDS[2][2], required=False, min_value=0, max_digits=12, decimal_places=4
    )

    class Meta:
        model = Project
        fields = [
            "name",
            "region",
            "park",
            "investor",
            "industry",
            "high_tech_manufacturing",
            "mode",
            "campaign",
            "headquarters_kind",
            "leader",
            "commissioner",
            "stage",
            "signed_on",
            "registered_on",
            "landed_on",
            "construction_started_on",
            "production_started_on",
            "cancelled_on",
        ]
        widgets = {
            field: DATE_WIDGET
            for field in (
                "signed_on",
                "registered_on",
                "landed_on",
                "construction_started_on",
                "production_started_on",
                "cancelled_on",
            )
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = Region.objects.writable_by(user)
        cities = City.objects.filter(regions__in=regions).distinct()
        self.fields["region"].queryset = regions.exclude(kind=Region.Kind.PARK)
        self.fields["park"].queryset = Region.objects.filter(city__in=cities, kind=Region.Kind.PARK)
        self.fields["investor"].queryset = Investor.objects.filter(city__in=cities)
        self.fields["campaign"].queryset = Campaign.objects.filter(city__in=cities)
        users = get_user_model().objects.filter(membership__city__in=cities).order_by("username")
        self.fields["leader"].queryset = users.filter(membership__role=Role.LEADER)
        self.fields["commissioner"].queryset = users
        for field in ("leader", "commissioner"):
            self.fields[field].label_from_instance = lambda u: u.get_full_name() or u.username
        if self.instance.pk:
            for field in (
                "stage",
                "signed_on",
                "registered_on",
                "landed_on",
                "construction_started_on",
                "production_started_on",
                "cancelled_on",
            ):
                del self.fields[field]
            for wan_field, model_field, _label in MONEY_FIELDS:
                value = getattr(self.instance, model_field)
                self.initial[wan_field] = None if value is None else (value / WAN).normalize()
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        region = data.get("region")
        if region is not None:
            for field in ("park", "investor", "campaign"):
                value = data.get(field)
                if value is not None and value.city_id != region.city_id:
                    self.add_error(field, _("It must belong to the region's city."))
        if not self.instance.pk and "stage" in data:
            try:
                validate_stage(data["stage"], stage_dates(data))
            except forms.ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field if field in self.fields else None, message)
        return data

    def save(self, commit: bool = True) -> Project:
        project = super().save(commit=False)
        project.city = project.region.city
        for wan_field, model_field, _label in MONEY_FIELDS:
            value = self.cleaned_data.get(wan_field)
            setattr(project, model_field, None if value is None else value * WAN)
        if commit:
            project.save()
        return project


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self, "sm")


class ProjectFilterForm(forms.Form):
    """The project list's filters; every field optional."""

    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.none(), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", "—"), *Stage.choices], required=False)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )
    origin = forms.ChoiceField(
        label=_("Origin"), choices=[("", "—"), *Investor.OriginKind.choices], required=False
    )
    industry = forms.ChoiceField(
        label=_("Industry"), choices=[("", "—"), *Industry.choices], required=False
    )
    flag = forms.CharField(label=_("Rule"), required=False)
    leader = forms.ChoiceField(
        label=_("Leader"),
        choices=[("", "—"), ("yes", _("Has a leader")), ("no", _("No leader"))],
        required=False,
    )

    def __init__(self, *args: Any, user: Any, flags: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cities = City.objects.visible_to(user)
        self.fields["city"].queryset = cities
        self.fields["region"].queryset = Region.objects.filter(city__in=cities)
        self.fields["campaign"].queryset = Campaign.objects.filter(city__in=cities)
        self.fields["flag"] = forms.ChoiceField(
            label=_("Rule"), choices=[("", "—"), *flags], required=False
        )
        style(self, "sm")


class DifficultyFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    department = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Difficulty.Status.choices], required=False
    )

    def __init__(self, *args: Any, user: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cities = City.objects.visible_to(user)
        self.fields["region"].queryset = Region.objects.filter(city__in=cities)
        self.fields["department"] = forms.ModelChoiceField(
            label=_("Responsible department"), queryset=departments, required=False
        )
        style(self, "sm")
