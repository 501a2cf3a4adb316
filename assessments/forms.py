"""The small forms of the figures and the supervision pages: an amount edited in the grid, a
county's submission and its review, the city target, issuing a notice or the assessment, and an
interview's record. The schedule and scoring-scheme editors are in ``assessments.scheme_forms``."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from fdi_portal.lib.money import base_to_wan, wan_to_base


class AmountForm(forms.Form):
    """One amount in 万美元 (empty: no figure) and, where a notice forces it, a reason.

    ``opened`` carries the stored value the form was opened with (USD, or "none"), so that a
    save made after someone else's is refused instead of overwriting it unseen; ``confirm``
    confirms a value the plausibility checks asked about."""

    NONE = "none"
    amount_wan = forms.DecimalField(
        label=_("Amount (10k USD)"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=4,
        localize=False,
    )
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=200)
    opened = forms.CharField(widget=forms.HiddenInput, max_length=30)
    confirm = forms.BooleanField(label=_("I have checked this value"), required=False)

    def amount_usd(self) -> Decimal | None:
        amount = self.cleaned_data["amount_wan"]
        return None if amount is None else wan_to_base(amount)

    def clean_opened(self) -> str:
        opened = self.cleaned_data["opened"].strip()
        if opened != self.NONE:
            try:
                Decimal(opened)
            except ArithmeticError:
                raise forms.ValidationError(
                    _("The form is out of date: reload the grid.")
                ) from None
        return opened

    def opened_usd(self) -> Decimal | None:
        opened = self.cleaned_data["opened"]
        return None if opened == self.NONE else Decimal(opened)

    @classmethod
    def opened_value(cls, amount_usd: Decimal | None) -> str:
        return cls.NONE if amount_usd is None else str(amount_usd)

    @classmethod
    def for_amount(cls, amount_usd: Decimal | None) -> AmountForm:
        initial = None if amount_usd is None else base_to_wan(amount_usd).normalize()
        return cls(initial={"amount_wan": initial, "opened": cls.opened_value(amount_usd)})

    def reopened(self, current_usd: Decimal | None) -> None:
        """After a refused stale save: the form now carries the current value, so that a
        second save, made knowingly, goes through; what the user typed is kept."""
        self.data = self.data.copy()
        self.data["opened"] = self.opened_value(current_usd)


class SubmissionForm(forms.Form):
    """A county official's figure of a month (万美元), a note, and the confirmation of a value
    the plausibility checks asked about."""

    amount_wan = forms.DecimalField(
        label=_("Amount (10k USD)"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=4,
        localize=False,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
    confirm = forms.BooleanField(label=_("I have checked this value"), required=False)

    def amount_usd(self) -> Decimal:
        return wan_to_base(self.cleaned_data["amount_wan"])


class ReviewForm(forms.Form):
    """Verifying (reason optional) or returning (reason required) a county's submission."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class CityTargetForm(forms.Form):
    """The city target and growth target; ``opened`` carries the stored pair the page showed
    ("none", or "amount|growth" in stored units), so a stale save is refused."""

    NONE = "none"
    opened = forms.CharField(widget=forms.HiddenInput, max_length=60)
    target_wan = forms.DecimalField(
        label=_("City target (10k USD)"), min_value=Decimal(0), max_digits=14, decimal_places=4
    )
    growth_percent = forms.DecimalField(
        label=_("Growth target (%)"), required=False, max_digits=6, decimal_places=2
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=200,
        help_text=_("Required once a notice of the year has been issued."),
    )

    @classmethod
    def opened_value(cls, target_usd: Decimal | None, growth: Decimal | None) -> str:
        if target_usd is None:
            return cls.NONE
        return f"{target_usd}|{'' if growth is None else growth}"

    def clean_opened(self) -> str:
        opened = self.cleaned_data["opened"].strip()
        if opened != self.NONE:
            amount, _bar, growth = opened.partition("|")
            try:
                Decimal(amount)
                if growth:
                    Decimal(growth)
            except ArithmeticError:
                raise forms.ValidationError(
                    _("The form is out of date: reload the grid.")
                ) from None
        return opened

    def opened_pair(self) -> tuple[Decimal, Decimal | None] | None:
        """The stored (amount, growth) the page was opened with; None: no target then."""
        opened = self.cleaned_data["opened"]
        if opened == self.NONE:
            return None
        amount, _bar, growth = opened.partition("|")
        return Decimal(amount), Decimal(growth) if growth else None


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
    confirm_partial = forms.BooleanField(
        label=_("Issue it although December has no figure yet"), required=False
    )


class InterviewForm(forms.Form):
    held_on = forms.DateField(
        label=_("Held on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        max_length=1000,  # as Interview.participants
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,  # as Interview.notes
        widget=forms.Textarea(attrs={"rows": 3}),
    )
