"""Project forms. Amounts are entered in 万美元 / 万元 and stored in USD / CNY."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from fdi_portal.lib.money import base_to_wan, wan_to_base
from fdi_portal.locking import LockedFormMixin
from fdi_portal.models import City, Department, Region, Role, membership_of
from projects.models import (
    Campaign,
    Complaint,
    Difficulty,
    Industry,
    Investor,
    ProgressEntry,
    Project,
    PromotionEvent,
    Stage,
)
from projects.services import stage_dates, validate_stage

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


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python. Django renders each option through a template, about
    0.3 ms an option: a province viewer's filters (125 regions and the campaigns) took 75 ms of
    the project list. Same markup, same escaping."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], flatatt(o["attrs"]), o["label"]) for o in options),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group, rendered)
                if group
                else rendered
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),  # noqa: S308 — each part was escaped above
        )


def style(form: forms.BaseForm, size: str = "") -> None:
    """Give the form's widgets their Bootstrap classes."""
    suffix = f" form-select-{size}" if size else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select" + suffix
            if type(widget) is forms.Select:
                widget.__class__ = QuickSelect
        else:
            widget.attrs["class"] = "form-control" + suffix.replace("select", "control")


class ProjectForm(LockedFormMixin, forms.ModelForm):
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
                self.initial[wan_field] = None if value is None else base_to_wan(value).normalize()
            # Optimistic locking (fdi_portal.locking): what the form edits, in model fields.
            self.add_lock(
                self.instance,
                [name for name in self._meta.fields if name in self.fields]
                + [model_field for _wan, model_field, _label in MONEY_FIELDS],
            )
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
            setattr(project, model_field, None if value is None else wan_to_base(value))
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

    city = forms.ModelChoiceField(
        label=_("City"), queryset=City.objects.none(), required=False, empty_label="—"
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label="—"
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", "—"), *Stage.choices], required=False)
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False, empty_label="—"
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
    alerts = forms.ChoiceField(
        label=_("Alerts"),
        choices=[("", "—"), ("yes", _("With alerts, most urgent first"))],
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
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label="—"
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
            label=_("Responsible department"),
            queryset=departments,
            required=False,
            empty_label="—",
        )
        style(self, "sm")


class ArrivalForm(forms.Form):
    """One month's arrived FDI of a project, in 万美元; empty removes the month's figure."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    amount_wan = forms.DecimalField(
        label=_("Arrived FDI (10k USD)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=4,
        help_text=_("Leave empty to remove the month's figure."),
    )
    confirm = forms.BooleanField(
        label=_("Confirm even above the contracted FDI"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=200,
        help_text=_("Needed once a campaign notice reporting the month is issued."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self, "sm")


class ProgressEntryForm(forms.ModelForm):
    class Meta:
        model = ProgressEntry
        fields = ["date", "text"]
        widgets = {"date": DATE_WIDGET, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class DifficultyForm(LockedFormMixin, forms.ModelForm):
    """A difficulty, and later its resolution: a resolved one needs its date and what was done."""

    class Meta:
        model = Difficulty
        fields = ["raised_on", "category", "text", "department", "status", "resolved_on"]
        fields += ["resolution"]
        widgets = {
            "raised_on": DATE_WIDGET,
            "resolved_on": DATE_WIDGET,
            "text": forms.Textarea(attrs={"rows": 3}),
            "resolution": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.fields["department"].queryset = Department.objects.in_city(project.city_id)
        if self.instance.pk:
            self.add_lock(self.instance, list(self._meta.fields))
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        resolved = data.get("status") == Difficulty.Status.RESOLVED
        if resolved:
            if not data.get("resolved_on"):
                self.add_error("resolved_on", _("A resolved difficulty needs its resolution date."))
            if not (data.get("resolution") or "").strip():
                self.add_error("resolution", _("Say how the difficulty was resolved."))
        elif data.get("resolved_on"):
            self.add_error("resolved_on", _("Only a resolved difficulty has a resolution date."))
        raised, resolved_on = data.get("raised_on"), data.get("resolved_on")
        if raised and resolved_on and resolved_on < raised:
            self.add_error("resolved_on", _("It cannot be earlier than the day it was raised."))
        return data


class ComplaintForm(LockedFormMixin, forms.ModelForm):
    """A complaint, and later its answer: answered once the answer and its date are given."""

    class Meta:
        model = Complaint
        fields = ["received_on", "text", "handler", "deadline", "answered_on", "answer"]
        widgets = {
            "received_on": DATE_WIDGET,
            "deadline": DATE_WIDGET,
            "answered_on": DATE_WIDGET,
            "text": forms.Textarea(attrs={"rows": 3}),
            "answer": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.fields["handler"].queryset = Department.objects.in_city(project.city_id)
        if self.instance.pk:
            self.add_lock(self.instance, [*self._meta.fields, "status"])
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        received, deadline = data.get("received_on"), data.get("deadline")
        if received and deadline and deadline < received:
            self.add_error("deadline", _("The deadline cannot be before the complaint came in."))
        answered_on, answer = data.get("answered_on"), (data.get("answer") or "").strip()
        if answer and not answered_on:
            self.add_error("answered_on", _("Give the date of the answer."))
        if answered_on and not answer:
            self.add_error("answer", _("Write the answer."))
        if received and answered_on and answered_on < received:
            self.add_error("answered_on", _("It cannot be earlier than the day it came in."))
        return data

    def save(self, commit: bool = True) -> Complaint:
        complaint = super().save(commit=False)
        complaint.status = (
            Complaint.Status.ANSWERED if complaint.answered_on else Complaint.Status.RECEIVED
        )
        if commit:
            complaint.save()
        return complaint


class EventForm(forms.ModelForm):
    """A promotion event. Staff choose the organiser (a region or a department of their city);
    a region official's events are their region's, a department officer's their department's."""

    class Meta:
        model = PromotionEvent
        fields = ["organiser_region", "organiser_department", "date", "kind", "title"]
        fields += ["target_countries", "fdi_themed", "projects"]
        widgets = {"date": DATE_WIDGET, "projects": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership_of(user)
        role = self.membership.role if self.membership else None
        cities = City.objects.visible_to(user)
        if role in (Role.REGION_OFFICIAL, Role.DEPARTMENT_OFFICER):
            del self.fields["organiser_region"], self.fields["organiser_department"]
        else:
            self.fields["organiser_region"].queryset = Region.objects.filter(city__in=cities)
            self.fields["organiser_department"].queryset = Department.objects.filter(
                city__in=cities
            )
        self.fields["projects"].queryset = (
            Project.objects.visible_to(user).select_related("region").order_by("name")
        )
        self.fields["projects"].required = False
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "organiser_region" in self.fields:
            region, department = data.get("organiser_region"), data.get("organiser_department")
            if bool(region) == bool(department):
                raise forms.ValidationError(_("Choose either a region or a department."))
            city_id = (region or department).city_id
        else:
            membership = self.membership
            official = membership.role == Role.REGION_OFFICIAL
            self.instance.organiser_region = membership.region if official else None
            self.instance.organiser_department = None if official else membership.department
            city_id = membership.city_id
        self.instance.city_id = city_id
        for project in data.get("projects") or []:
            if project.city_id != city_id:
                self.add_error("projects", _("It must belong to the organiser's city."))
        return data
