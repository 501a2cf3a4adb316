from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fdi_portal.lib.money import typed_unit
from fdi_portal.templatetags.portal import QUARTER_NAMES
from tasks.documents import DocumentTooLarge, UnreadableDocument, document_text
from tasks.models import Goal, Plan, ProgressReport
from tasks.services import METRIC_CHOICES, GoalDraft, QuotaDraft


def _bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class ReportForm(forms.ModelForm):
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), choices=list(QUARTER_NAMES.items()), coerce=int
    )

    class Meta:
        model = ProgressReport
        fields = ["year", "quarter", "status", "narrative"]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, years: list[int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if years is not None:
            # Only the plan's years begun so far are offered (the service checks the quarter).
            self.fields["year"] = forms.TypedChoiceField(
                label=self.fields["year"].label, choices=[(y, y) for y in years], coerce=int
            )
        _bootstrap(self)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Give a year between 2000 and 2100."))
        return year


class PlanTextForm(forms.Form):
    """A plan document: a Word file (.docx) or a text file (UTF-8 or GB18030), or pasted."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the document's."),
    )
    file = forms.FileField(label=_("Word (.docx) or text file"), required=False)
    text = forms.CharField(
        label=_("Or paste the text"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    revision_of = forms.TypedChoiceField(
        label=_("A revised text of"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "A text with the title of a stored plan revises it; choose a plan here when the "
            "revised title differs."
        ),
    )

    def __init__(self, *args, plans: list[Plan] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plans = {plan.pk: plan for plan in plans or []}
        self.fields["revision_of"].choices = [
            ("", _("— a new plan, or the plan of that title —"))
        ] + [(plan.pk, plan.title) for plan in plans or []]
        _bootstrap(self)

    def revised_plan(self) -> Plan | None:
        """The plan chosen as the one this text revises, if any."""
        return self.plans.get(self.cleaned_data.get("revision_of"))

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload:
            limit = getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
            if upload.size > limit:
                raise forms.ValidationError(_("The file is too large."))
            try:
                data["text"] = document_text(upload.read())
            except DocumentTooLarge as error:
                raise forms.ValidationError(str(error)) from None
            except UnreadableDocument:
                raise forms.ValidationError(
                    _(
                        "The file is neither a Word document (.docx) nor plain text: save the "
                        "document as .docx or as plain text and try again."
                    )
                ) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Upload a text file or paste the document."))
        return data


class GoalForm(forms.Form):
    """One goal of the import preview as staff correct it (value in the unit written)."""

    keep = forms.BooleanField(label=_("Keep"), required=False, initial=True)
    text = forms.CharField(widget=forms.HiddenInput)
    subject = forms.CharField(label=_("What is measured"), max_length=200, required=False)
    metric = forms.ChoiceField(label=_("Tracked as"), choices=METRIC_CHOICES)
    target_value = forms.DecimalField(
        label=_("Target"), max_digits=18, decimal_places=4, required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    qualifier = forms.CharField(label=_("Bound"), max_length=20, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
        self.fields["keep"].widget.attrs["class"] = "form-check-input"

    def draft(self) -> GoalDraft:
        data = self.cleaned_data
        return GoalDraft(
            text=data["text"],
            subject=data["subject"],
            metric=data["metric"],
            target_value=data["target_value"],
            unit=data["unit"],
            qualifier=data["qualifier"],
        )


class QuotaForm(forms.Form):
    """One quota of a task (不少于4次, 力争22亿元) as staff correct it in the import preview."""

    keep = forms.BooleanField(label=_("Keep"), required=False, initial=True)
    task_order = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(widget=forms.HiddenInput)
    period = forms.CharField(widget=forms.HiddenInput, required=False)
    comparator = forms.CharField(label=_("Bound"), max_length=20, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=18, decimal_places=4)
    unit = forms.CharField(label=_("Unit"), max_length=20)
    applies_to = forms.CharField(label=_("Applies to"), max_length=60, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
        self.fields["keep"].widget.attrs["class"] = "form-check-input"

    def draft(self) -> QuotaDraft:
        data = self.cleaned_data
        quantity: int | Decimal = data["quantity"]
        if quantity == quantity.to_integral_value():
            quantity = int(quantity)  # counts stay whole numbers (the events page needs ints)
        return QuotaDraft(
            task_order=data["task_order"],
            text=data["text"],
            quantity=quantity,
            unit=data["unit"],
            period=data["period"],
            applies_to=data["applies_to"],
            comparator=data["comparator"],
        )


GoalFormSet = forms.formset_factory(GoalForm, extra=0)
QuotaFormSet = forms.formset_factory(QuotaForm, extra=0)


def kept_drafts(formset: forms.BaseFormSet) -> list:
    """The drafts of the forms whose 「keep」 box is ticked, in order."""
    return [form.draft() for form in formset.forms if form.cleaned_data.get("keep")]


class CarryForwardForm(forms.Form):
    """The year of the new plan and each goal's target, typed in the unit documents use
    (7000 万美元, 20 %); :meth:`targets` gives them back in the stored units."""

    year = forms.IntegerField(label=_("Year of the new plan"), min_value=2000, max_value=2100)
    replace_city_target = forms.BooleanField(
        label=_("Replace the stored city target with the plan's"), required=False
    )

    def __init__(self, *args, goals: list[Goal], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            factor, unit = typed_unit(goal.unit)
            initial = None if goal.target_value is None else goal.target_value / factor
            self.fields[f"goal_{goal.order}"] = forms.DecimalField(
                label=goal.text,
                help_text=unit,
                max_digits=18,
                decimal_places=4,
                required=False,
                # 7000, not 7E+3 nor 7000.0000
                initial=None if initial is None else format(initial.normalize(), "f"),
            )
        _bootstrap(self)
        self.fields["replace_city_target"].widget.attrs["class"] = "form-check-input"

    def goal_fields(self) -> list[forms.BoundField]:
        return [self[f"goal_{goal.order}"] for goal in self.goals]

    def targets(self) -> dict[int, Decimal | None]:
        """Each goal's new target in its stored unit (USD for money), keyed by goal order."""
        result = {}
        for goal in self.goals:
            value = self.cleaned_data.get(f"goal_{goal.order}")
            factor, _unit = typed_unit(goal.unit)
            result[goal.order] = None if value is None else value * factor
        return result
