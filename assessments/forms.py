from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.selectors import INPUTS, METHOD_LABELS
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
    """The scheme's label; the indicators are edited in ``IndicatorFormSet``."""

    label = forms.CharField(label=_("Label"), required=False, max_length=100)


# Units a clerk types, and how they are stored (the stored indicator dicts are what
# ``selectors.scheme_indicators`` reads, decimals as strings):
# - a target follows the kind of its input: ratios (completion, growth) in per cent, amounts
#   in 万美元, counts as counts; the cap and step sizes are per cent of the target;
# - points, quotas and counts are stored as typed.
HUNDRED = Decimal(100)
WAN = Decimal(10000)
COUNT_INPUTS = frozenset(code for code, (_label, kind) in INPUTS.items() if kind == "count")
#: The parameter fields of each method, in display order.
METHOD_PARAMS: dict[str, tuple[str, ...]] = {
    "ratio_to_target": ("rt_target", "rt_cap"),
    "efficacy_coefficient": ("ec_higher_is_better",),
    "stepped": (
        "st_target",
        "st_step_above",
        "st_points_above",
        "st_step_below",
        "st_points_below",
        "st_min_points",
        "st_max_points",
    ),
    "quota": ("qu_quota",),
    "deduction": ("de_per_occurrence", "de_floor", "de_start_at_weight"),
}
_YES_NO = {"1": True, "0": False}


def _plain(value: Decimal) -> str:
    """A decimal as stored: no exponent, no trailing zeros ('30', '1.2', '0.1')."""
    return format(value.normalize(), "f")


def _number(label: str, *, initial: int | None = None, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=16,
        decimal_places=6,
        localize=False,
        # A Decimal, so that a blank row left as served counts as unchanged.
        initial=None if initial is None else Decimal(initial),
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


def _target_to_stored(value: Decimal, input_code: str) -> Decimal:
    kind = INPUTS[input_code][1]
    if kind == "ratio":
        return value / HUNDRED
    if kind == "usd":
        return value * WAN
    return value


def _target_from_stored(value: object, input_code: str) -> str | None:
    if value is None or input_code not in INPUTS:
        return None
    number = Decimal(str(value))
    kind = INPUTS[input_code][1]
    if kind == "ratio":
        number *= HUNDRED
    elif kind == "usd":
        number /= WAN
    return _plain(number)


class IndicatorForm(forms.Form):
    """One indicator of a scoring scheme: name, weight, the input it scores, its method and
    that method's parameters (only the chosen method's parameters are read)."""

    code = forms.SlugField(
        label=_("Code"),
        required=False,
        max_length=40,
        help_text=_("Optional; generated from the row number when empty."),
    )
    name = forms.CharField(label=_("Indicator"), max_length=100)
    weight = forms.DecimalField(
        label=_("Weight (points)"),
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        localize=False,
        error_messages={"min_value": _("The weight must not be negative.")},
    )
    input = forms.ChoiceField(
        label=_("Scored figure"),
        choices=[(code, label) for code, (label, _kind) in INPUTS.items()],
        initial="completion",
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=list(METHOD_LABELS.items()), initial="ratio_to_target"
    )
    rt_target = _number(
        _("Target"),
        initial=100,
        help_text=_("Per cent for completion and growth, 10k USD for amounts."),
    )
    rt_cap = _number(
        _("Counted up to (per cent of target)"),
        initial=120,
        help_text=_("e.g. 120: counted up to 120 per cent."),
    )
    ec_higher_is_better = forms.TypedChoiceField(
        label=_("Direction"),
        choices=[("1", _("Higher is better")), ("0", _("Lower is better"))],
        coerce=_YES_NO.get,
        empty_value=None,
        initial="1",
        required=False,
    )
    st_target = _number(
        _("Target (full marks)"),
        initial=100,
        help_text=_("Per cent for completion and growth, 10k USD for amounts."),
    )
    st_step_above = _number(_("Step above target (per cent of target)"))
    st_points_above = _number(_("Points added per step above"))
    st_step_below = _number(_("Step below target (per cent of target)"))
    st_points_below = _number(_("Points deducted per step below"))
    st_min_points = _number(_("Lowest points"), initial=0)
    st_max_points = _number(_("Highest points"))
    qu_quota = _number(_("Quota (times a year)"))
    de_per_occurrence = _number(_("Points deducted per occurrence"))
    de_floor = _number(_("Never below (points)"), initial=0)
    de_start_at_weight = forms.TypedChoiceField(
        label=_("Deduct from"),
        choices=[("1", _("The weight (full marks)")), ("0", _("Zero (a pure deduction)"))],
        coerce=_YES_NO.get,
        empty_value=None,
        initial="1",
        required=False,
    )

    MAIN_FIELDS = ("name", "weight", "input", "method", "code")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )
        self.fields["method"].widget.attrs["data-scheme-method"] = ""
        self.fields["weight"].widget.attrs["data-scheme-weight"] = ""

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN_FIELDS]

    def clean(self) -> dict:
        data = super().clean()
        method = data.get("method")
        if method is None:
            return data
        # Without the page's script every method's parameters are posted: what is typed in
        # another method's fields is not used, so it cannot be wrong.
        for other, names in METHOD_PARAMS.items():
            if other != method:
                for name in names:
                    self._errors.pop(name, None)
        for name in METHOD_PARAMS[method]:
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, _("Required for this method."))

        def positive(name: str, message: str) -> None:
            if data.get(name) is not None and data[name] <= 0:
                self.add_error(name, message)

        def not_negative(name: str) -> None:
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("Must not be negative."))

        if method == "ratio_to_target":
            positive("rt_target", _("The target must be above zero."))
            positive("rt_cap", _("The cap must be above zero."))
        elif method == "stepped":
            positive("st_target", _("The target must be above zero."))
            positive("st_step_above", _("The step must be above zero."))
            positive("st_step_below", _("The step must be above zero."))
            not_negative("st_points_above")
            not_negative("st_points_below")
            low, high = data.get("st_min_points"), data.get("st_max_points")
            if low is not None and high is not None and low > high:
                self.add_error(
                    "st_max_points", _("The highest points must not be below the lowest points.")
                )
        elif method == "quota":
            quota = data.get("qu_quota")
            if quota is not None and (quota <= 0 or quota != quota.to_integral_value()):
                self.add_error("qu_quota", _("The quota must be a whole number above zero."))
        elif method == "deduction":
            not_negative("de_per_occurrence")
            floor, weight = data.get("de_floor"), data.get("weight")
            if (
                data.get("de_start_at_weight")
                and floor is not None
                and weight is not None
                and floor > weight
            ):
                self.add_error("de_floor", _("The floor must not be above the weight."))
        if method in ("quota", "deduction") and data.get("input") not in COUNT_INPUTS:
            self.add_error(
                "input",
                _("This method counts occurrences: choose interviews or promotion events."),
            )
        return data

    def param_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(method code, method label, its parameter fields) for the template."""
        return [
            (method, METHOD_LABELS[method], [self[name] for name in names])
            for method, names in METHOD_PARAMS.items()
        ]

    def indicator(self, code: str) -> dict:
        """The stored form of this row (``code`` is the row's code, generated if empty)."""
        data = self.cleaned_data
        method, input_code = data["method"], data["input"]
        if method == "ratio_to_target":
            params: dict = {
                "target": _plain(_target_to_stored(data["rt_target"], input_code)),
                "cap": _plain(data["rt_cap"] / HUNDRED),
            }
        elif method == "efficacy_coefficient":
            params = {"higher_is_better": data["ec_higher_is_better"]}
        elif method == "stepped":
            params = {
                "target": _plain(_target_to_stored(data["st_target"], input_code)),
                "step_above": _plain(data["st_step_above"] / HUNDRED),
                "points_per_step_above": _plain(data["st_points_above"]),
                "step_below": _plain(data["st_step_below"] / HUNDRED),
                "points_per_step_below": _plain(data["st_points_below"]),
                "min_points": _plain(data["st_min_points"]),
                "max_points": _plain(data["st_max_points"]),
            }
        elif method == "quota":
            params = {"quota": _plain(data["qu_quota"])}
        else:
            params = {
                "per_occurrence": _plain(data["de_per_occurrence"]),
                "floor": _plain(data["de_floor"]),
                "start_at_weight": data["de_start_at_weight"],
            }
        return {
            "code": code,
            "name": data["name"],
            "weight": _plain(data["weight"]),
            "input": input_code,
            "method": method,
            "params": params,
        }

    @staticmethod
    def initial_for(item: dict) -> dict:
        """The form's initial values for a stored indicator dict (the inverse of
        ``indicator``)."""
        params = item.get("params") or {}
        input_code = item.get("input", "")
        initial: dict = {
            "code": item.get("code", ""),
            "name": item.get("name", ""),
            "weight": item.get("weight"),
            "input": input_code,
            "method": item.get("method", ""),
        }

        def percent(key: str) -> str | None:
            value = params.get(key)
            return None if value is None else _plain(Decimal(str(value)) * HUNDRED)

        def plain(key: str) -> str | None:
            value = params.get(key)
            return None if value is None else _plain(Decimal(str(value)))

        def yes_no(key: str) -> str:
            return "0" if params.get(key) is False else "1"

        method = item.get("method")
        if method == "ratio_to_target":
            initial |= {
                "rt_target": _target_from_stored(params.get("target"), input_code),
                "rt_cap": percent("cap"),
            }
        elif method == "efficacy_coefficient":
            initial["ec_higher_is_better"] = yes_no("higher_is_better")
        elif method == "stepped":
            initial |= {
                "st_target": _target_from_stored(params.get("target"), input_code),
                "st_step_above": percent("step_above"),
                "st_points_above": plain("points_per_step_above"),
                "st_step_below": percent("step_below"),
                "st_points_below": plain("points_per_step_below"),
                "st_min_points": plain("min_points"),
                "st_max_points": plain("max_points"),
            }
        elif method == "quota":
            initial["qu_quota"] = plain("quota")
        elif method == "deduction":
            initial |= {
                "de_per_occurrence": plain("per_occurrence"),
                "de_floor": plain("floor"),
                "de_start_at_weight": yes_no("start_at_weight"),
            }
        return {key: value for key, value in initial.items() if value is not None}


class BaseIndicatorFormSet(forms.BaseFormSet):
    """The scheme's indicators in row order; deleted and untouched blank rows are left out."""

    def kept_forms(self) -> list[IndicatorForm]:
        initial = self.initial_form_count()
        return [
            form
            for i, form in enumerate(self.forms)
            if (i < initial or form.has_changed())
            and not (self.can_delete and self._should_delete_form(form))
        ]

    def clean(self) -> None:
        if any(self.errors):
            raise forms.ValidationError(_("Correct the marked indicators; nothing was saved."))
        kept = self.kept_forms()
        if not kept:
            raise forms.ValidationError(_("A scoring scheme needs at least one indicator."))
        seen: dict[str, int] = {}
        for position, form in enumerate(kept, start=1):
            code = self._code(form, position)
            if code in seen:
                form.add_error(
                    "code",
                    _("The code %(code)s is already used by indicator %(row)s.")
                    % {"code": code, "row": seen[code]},
                )
            else:
                seen[code] = position
        if any(self.errors):
            raise forms.ValidationError(_("Correct the marked indicators; nothing was saved."))

    @staticmethod
    def _code(form: IndicatorForm, position: int) -> str:
        return form.cleaned_data.get("code") or f"i{position}"

    def indicators(self) -> list[dict]:
        """The stored indicator dicts, in row order."""
        return [
            form.indicator(self._code(form, position))
            for position, form in enumerate(self.kept_forms(), start=1)
        ]

    def total_weight(self) -> Decimal:
        """The sum of the weights of the rows kept (for the page; 0 for unreadable rows)."""
        total = Decimal(0)
        for form in self.forms:
            if self.is_bound:
                if form.data.get(form.add_prefix("DELETE")):
                    continue
                raw = form.data.get(form.add_prefix("weight"), "")
            else:
                raw = form.initial.get("weight", "")
            try:
                total += Decimal(str(raw or 0))
            except ArithmeticError:
                continue
        return total


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, formset=BaseIndicatorFormSet, extra=1, can_delete=True
)
