from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

from django import forms
from django.utils.translation import gettext_lazy as _

from fdi_portal.lib.money import base_to_wan, wan_to_base


class AmountForm(forms.Form):
    """One amount in 万美元 (empty: no figure) and, where a notice forces it, a reason."""

    amount_wan = forms.DecimalField(
        label=_("Amount (10k USD)"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=4,
        localize=False,
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=200)

    def amount_usd(self) -> Decimal | None:
        amount = self.cleaned_data["amount_wan"]
        return None if amount is None else wan_to_base(amount)

    @classmethod
    def for_amount(cls, amount_usd: Decimal | None) -> AmountForm:
        initial = None if amount_usd is None else base_to_wan(amount_usd).normalize()
        return cls(initial={"amount_wan": initial})


class CityTargetForm(forms.Form):
    target_wan = forms.DecimalField(
        label=_("City target (10k USD)"), min_value=Decimal(0), max_digits=14, decimal_places=4
    )
    growth_percent = forms.DecimalField(
        label=_("Growth target (%)"), required=False, max_digits=6, decimal_places=2
    )


class IssueNoticeForm(forms.Form):
    """The number and date a notice is issued under (〔2021〕第6期)."""

    sequence = forms.IntegerField(label=_("Issue number in the year"), min_value=1, max_value=999)
    issued_on = forms.DateField(
        label=_("Issue date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class IssueAssessmentForm(forms.Form):
    issued_on = forms.DateField(
        label=_("Issue date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class InterviewForm(forms.Form):
    held_on = forms.DateField(
        label=_("Held on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScheduleForm(forms.Form):
    """The progress schedule: month/12, or the shares required at the end of Q1–Q3 (per cent;
    months in between are interpolated linearly, December is 100%)."""

    EVEN, QUARTERS = "even", "quarters"
    mode = forms.ChoiceField(
        label=_("Schedule"),
        choices=[(EVEN, _("Even: month/12")), (QUARTERS, _("By quarter"))],
        widget=forms.RadioSelect,
    )
    q1 = forms.DecimalField(label=_("End of Q1 (%)"), required=False, min_value=0, max_value=100)
    q2 = forms.DecimalField(label=_("End of Q2 (%)"), required=False, min_value=0, max_value=100)
    q3 = forms.DecimalField(label=_("End of Q3 (%)"), required=False, min_value=0, max_value=100)
    label = forms.CharField(label=_("Label"), required=False, max_length=100)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("mode") == self.QUARTERS:
            quarters = [data.get(q) for q in ("q1", "q2", "q3")]
            if any(q is None for q in quarters):
                raise forms.ValidationError(
                    _("Give the share required at the end of Q1, Q2 and Q3.")
                )
            if not quarters[0] <= quarters[1] <= quarters[2] <= 100:
                raise forms.ValidationError(_("The quarterly shares must not decrease."))
        return data

    def shares(self) -> list[Fraction]:
        from assessments.calculations import ProgressSchedule

        data = self.cleaned_data
        if data["mode"] == self.EVEN:
            schedule = ProgressSchedule.even()
        else:
            schedule = ProgressSchedule.from_quarter_ends(
                *(data[q] / 100 for q in ("q1", "q2", "q3"))
            )
        return list(schedule.shares)


class SchemeForm(forms.Form):
    """A scoring scheme as JSON: a list of indicators ``{"code", "name", "weight", "input",
    "method", "params"}``; the service checks that every indicator builds."""

    label = forms.CharField(label=_("Label"), required=False, max_length=100)
    indicators = forms.CharField(
        label=_("Indicators (JSON)"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
    )

    def clean_indicators(self) -> list[dict]:
        try:
            value = json.loads(self.cleaned_data["indicators"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("Not valid JSON (line %(line)s, column %(col)s): %(msg)s")
                % {"line": error.lineno, "col": error.colno, "msg": error.msg}
            ) from error
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise forms.ValidationError(_("The indicators must be a list of objects."))
        return value
