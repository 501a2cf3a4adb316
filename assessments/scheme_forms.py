"""The forms of a plan's assessment rules: the progress schedule (序时进度), and the scoring
scheme editor — the scheme's label and vetoes (``SchemeForm``) and one row per indicator
(``IndicatorForm`` in ``IndicatorFormSet``), which read and write the stored scheme that
``schemes.parse_scheme`` reads, converting the units a clerk types to the stored ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments import calculations as calc
from assessments import scoring
from assessments.models import ProgressSchedule
from assessments.schemes import INPUTS, METHOD_LABELS, METHODS
from fdi_portal.lib.money import base_to_wan, percent_to_ratio, ratio_to_percent, wan_to_base
from fdi_portal.locking import LockedFormMixin


class ScheduleForm(forms.Form):
    """The progress schedule (序时进度): months elapsed ÷ 12, days elapsed ÷ days in the year,
    or the shares required at the end of Q1–Q3 (per cent; months in between are interpolated
    linearly, December is 100%)."""

    EVEN, DAYS, QUARTERS = "even", "days", "quarters"
    mode = forms.ChoiceField(
        label=_("Schedule"),
        choices=[
            (EVEN, _("Even: month/12")),
            (DAYS, _("By days: days elapsed to the month's end ÷ days in the year")),
            (QUARTERS, _("By quarter")),
        ],
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

    def method(self) -> str:
        """The stored schedule method the chosen mode means."""
        return {
            self.EVEN: ProgressSchedule.Method.MONTHS,
            self.DAYS: ProgressSchedule.Method.DAYS,
            self.QUARTERS: ProgressSchedule.Method.CUSTOM,
        }[self.cleaned_data["mode"]]

    def shares(self) -> list[Fraction]:
        """The 12 custom shares (empty unless the schedule is by quarter)."""
        data = self.cleaned_data
        if data["mode"] != self.QUARTERS:
            return []
        schedule = calc.RequiredShares.from_quarter_ends(
            *(percent_to_ratio(data[q]) for q in ("q1", "q2", "q3"))
        )
        return list(schedule.shares)


# Units a clerk types, and how they are stored (the stored scheme is what
# ``schemes.parse_scheme`` reads, decimals as strings):
# - a target, a band threshold and a veto threshold follow the kind of their input: ratios
#   (completion, growth) in per cent, amounts in 万美元, counts as counts; the cap and step
#   sizes are per cent of the target; the region-target thresholds of the stepped bonus are
#   万美元 (a region's target is an amount);
# - points, quotas and counts are stored as typed.
#: Rows offered for the bands of a 分档计分 indicator, the by-target bonus of a stepped one, and
#: the scheme's vetoes: real 考核办法 use three to five bands and one or two vetoes.
BAND_ROWS = 5
BY_TARGET_ROWS = 3
VETO_ROWS = 3
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
        return percent_to_ratio(value)
    if kind == "usd":
        return wan_to_base(value)
    return value


def _target_from_stored(value: object, input_code: str) -> str | None:
    if value is None or input_code not in INPUTS:
        return None
    number = Decimal(str(value))
    kind = INPUTS[input_code][1]
    if kind == "ratio":
        number = ratio_to_percent(number)
    elif kind == "usd":
        number = base_to_wan(number)
    return _plain(number)


def _rows(prefix: str, count: int) -> list[tuple[str, str]]:
    """The (threshold, points) field names of a table of ``count`` rows."""
    return [(f"{prefix}_threshold_{n}", f"{prefix}_points_{n}") for n in range(1, count + 1)]


BAND_FIELDS = _rows("bd", BAND_ROWS)
BY_TARGET_FIELDS = _rows("st_bt", BY_TARGET_ROWS)
VETO_FIELDS = [(f"veto_input_{n}", f"veto_below_{n}") for n in range(1, VETO_ROWS + 1)]


def _check_table(
    form: forms.Form, rows: list[tuple[str, str]], *, last_zero: bool = False
) -> list[tuple[Decimal, Decimal]]:
    """The filled rows of a threshold table, in order; errors on the form's fields for a half
    filled row, a threshold not below the one above, and (``last_zero``) a last threshold
    other than 0. Blank rows are skipped."""
    data = form.cleaned_data
    filled: list[tuple[Decimal, Decimal]] = []
    previous: Decimal | None = None
    last_name = ""
    for threshold_name, points_name in rows:
        threshold, points = data.get(threshold_name), data.get(points_name)
        if threshold_name in form.errors or points_name in form.errors:
            continue
        if threshold is None and points is None:
            continue
        if threshold is None or points is None:
            form.add_error(
                threshold_name if threshold is None else points_name,
                _("Give both the threshold and the points."),
            )
            continue
        if previous is not None and threshold >= previous:
            form.add_error(threshold_name, _("Must be below the threshold of the row above."))
        previous, last_name = threshold, threshold_name
        filled.append((threshold, points))
    if last_zero and filled and filled[-1][0] != 0 and last_name not in form.errors:
        form.add_error(
            last_name, _("The last threshold must be 0, so that every region has a row.")
        )
    return filled


#: The stored scheme's fields a stale save is checked on.
SCHEME_LOCK_FIELDS = ("label", "indicators", "vetoes")


class SchemeForm(LockedFormMixin, forms.Form):
    """The scheme's label and its vetoes (一票否决: a region whose figure is below the
    threshold scores 0); the indicators are edited in ``IndicatorFormSet``. It carries the
    stored scheme's state (``stored``; fdi_portal.locking) so a stale save is refused."""

    label = forms.CharField(label=_("Label"), required=False, max_length=100)

    def __init__(self, *args: object, stored: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.add_lock(stored, list(SCHEME_LOCK_FIELDS))
        for n, (input_name, below_name) in enumerate(VETO_FIELDS, start=1):
            self.fields[input_name] = forms.ChoiceField(
                label=_("Veto %(n)s: figure") % {"n": n},
                required=False,
                choices=[("", "—"), *((code, label) for code, (label, _kind) in INPUTS.items())],
            )
            self.fields[below_name] = _number(
                _("Veto %(n)s: scores 0 when below") % {"n": n},
                help_text=_("Per cent for completion and growth, 10k USD for amounts."),
            )
        for name in self.fields:
            if name.startswith("veto_"):
                select = isinstance(self.fields[name].widget, forms.Select)
                self.fields[name].widget.attrs["class"] = (
                    "form-select form-select-sm" if select else "form-control form-control-sm"
                )

    def veto_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(figure, threshold) of each veto row, for the template."""
        return [(self[input_name], self[below_name]) for input_name, below_name in VETO_FIELDS]

    def clean(self) -> dict:
        data = super().clean()
        for input_name, below_name in VETO_FIELDS:
            if input_name in self.errors or below_name in self.errors:
                continue
            if data.get(input_name) and data.get(below_name) is None:
                self.add_error(below_name, _("Give the threshold of this veto."))
            elif not data.get(input_name) and data.get(below_name) is not None:
                self.add_error(input_name, _("Choose the figure this veto reads."))
        return data

    def vetoes(self) -> list[dict]:
        """The stored vetoes (``[{"input", "below"}]``, thresholds in stored units)."""
        data = self.cleaned_data
        return [
            {
                "input": data[input_name],
                "below": _plain(_target_to_stored(data[below_name], data[input_name])),
            }
            for input_name, below_name in VETO_FIELDS
            if data.get(input_name) and data.get(below_name) is not None
        ]

    @staticmethod
    def initial_for(label: str, vetoes: list[dict]) -> dict:
        """The form's initial values for a stored label and vetoes (inverse of ``vetoes``)."""
        initial: dict = {"label": label}
        for (input_name, below_name), veto in zip(VETO_FIELDS, vetoes, strict=False):
            input_code = veto.get("input", "")
            initial[input_name] = input_code
            initial[below_name] = _target_from_stored(veto.get("below"), input_code)
        return initial


#: The parameter fields of each method, in display order (a table's rows after the rest).
METHOD_PARAMS: dict[str, tuple[str, ...]] = {
    "ratio_to_target": ("rt_target", "rt_cap"),
    "efficacy_coefficient": ("ec_higher_is_better",),
    "stepped": (
        "st_target",
        "st_step_above",
        "st_points_above",
        "st_below_target",
        "st_step_below",
        "st_points_below",
        "st_min_points",
        "st_max_points",
        *(name for row in BY_TARGET_FIELDS for name in row),
    ),
    "quota": ("qu_quota",),
    "deduction": ("de_per_occurrence", "de_floor", "de_start_at_weight"),
    "bands": ("bd_otherwise", *(name for row in BAND_FIELDS for name in row)),
}
#: A method's table (threshold and points per row), shown as a small table.
METHOD_TABLES: dict[str, list[tuple[str, str]]] = {
    "stepped": BY_TARGET_FIELDS,
    "bands": BAND_FIELDS,
}
#: The parameters a method always needs; the stepped method's others depend on its options.
_REQUIRED = {
    "ratio_to_target": ("rt_target", "rt_cap"),
    "efficacy_coefficient": ("ec_higher_is_better",),
    "stepped": ("st_target", "st_step_above", "st_min_points", "st_max_points"),
    "quota": ("qu_quota",),
    "deduction": ("de_per_occurrence", "de_floor", "de_start_at_weight"),
    "bands": ("bd_otherwise",),
}


@dataclass(frozen=True)
class ParamGroup:
    """One method's parameters for the template: plain fields, then a table of rows."""

    method: str
    label: str
    fields: list[forms.BoundField]
    table: list[tuple[forms.BoundField, forms.BoundField]]
    table_caption: str = ""
    threshold_header: str = ""
    points_header: str = ""


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
    st_points_above = _number(
        _("Points added per step above"),
        help_text=_("Leave empty when the points depend on the region's target (table below)."),
    )
    st_below_target = forms.ChoiceField(
        label=_("Below target"),
        choices=[
            (scoring.BELOW_TARGET_STEPS, _("Deduct per step below")),
            (scoring.BELOW_TARGET_ZERO, _("No points below target")),
        ],
        initial=scoring.BELOW_TARGET_STEPS,
        required=False,
    )
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
    bd_otherwise = _number(_("Points when no band is reached"), initial=0)

    MAIN_FIELDS = ("name", "weight", "input", "method", "code")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for n, (threshold, points) in enumerate(BAND_FIELDS, start=1):
            self.fields[threshold] = _number(_("Band %(n)s: at least") % {"n": n})
            self.fields[points] = _number(_("Band %(n)s: points") % {"n": n})
        for n, (threshold, points) in enumerate(BY_TARGET_FIELDS, start=1):
            self.fields[threshold] = _number(
                _("Row %(n)s: region target at least (10k USD)") % {"n": n}
            )
            self.fields[points] = _number(_("Row %(n)s: points per step above") % {"n": n})
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
        required = list(_REQUIRED[method])
        if method == "stepped":
            by_target = _check_table(self, BY_TARGET_FIELDS, last_zero=True)
            if not by_target:
                required.append("st_points_above")
            elif data.get("st_points_above") is not None:
                self.add_error(
                    "st_points_above",
                    _("Leave empty when the points depend on the region's target."),
                )
            if data.get("st_below_target") != scoring.BELOW_TARGET_ZERO:
                required += ["st_step_below", "st_points_below"]
        elif (
            method == "bands"
            and not _check_table(self, BAND_FIELDS)
            and not any(name in self.errors for row in BAND_FIELDS for name in row)
        ):
            self.add_error(BAND_FIELDS[0][0], _("Give at least one band."))
        for name in required:
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, _("Required for this method."))

        def positive(name: str, message: str) -> None:
            if data.get(name) is not None and data[name] <= 0:
                self.add_error(name, message)

        def not_negative(name: str) -> None:
            if data.get(name) is not None and data[name] < 0 and name not in self.errors:
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
            for row in BY_TARGET_FIELDS:
                for name in row:
                    not_negative(name)
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
        if METHODS[method].counts_only and INPUTS.get(data.get("input"), ("", ""))[1] != "count":
            self.add_error(
                "input",
                _("This method counts occurrences: choose interviews or promotion events."),
            )
        return data

    def param_groups(self) -> list[ParamGroup]:
        """Each method's parameters for the template, its table (if any) apart."""
        groups = []
        for method, names in METHOD_PARAMS.items():
            table = METHOD_TABLES.get(method, [])
            in_table = {name for row in table for name in row}
            groups.append(
                ParamGroup(
                    method=method,
                    label=str(METHOD_LABELS[method]),
                    fields=[self[name] for name in names if name not in in_table],
                    table=[(self[threshold], self[points]) for threshold, points in table],
                    table_caption=str(_TABLE_CAPTIONS.get(method, "")),
                    threshold_header=str(_TABLE_HEADERS.get(method, ("", ""))[0]),
                    points_header=str(_TABLE_HEADERS.get(method, ("", ""))[1]),
                )
            )
        return groups

    def _table(self, rows: list[tuple[str, str]], to_stored: Callable[[Decimal], Decimal]) -> list:
        data = self.cleaned_data
        return [
            [_plain(to_stored(data[threshold])), _plain(data[points])]
            for threshold, points in rows
            if data.get(threshold) is not None and data.get(points) is not None
        ]

    def indicator(self, code: str) -> dict:
        """The stored form of this row (``code`` is the row's code, generated if empty)."""
        data = self.cleaned_data
        method, input_code = data["method"], data["input"]
        if method == "ratio_to_target":
            params: dict = {
                "target": _plain(_target_to_stored(data["rt_target"], input_code)),
                "cap": _plain(percent_to_ratio(data["rt_cap"])),
            }
        elif method == "efficacy_coefficient":
            params = {"higher_is_better": data["ec_higher_is_better"]}
        elif method == "stepped":
            params = self._stepped_params(input_code)
        elif method == "quota":
            params = {"quota": _plain(data["qu_quota"])}
        elif method == "bands":
            params = {
                "bands": self._table(BAND_FIELDS, lambda v: _target_to_stored(v, input_code)),
                "otherwise": _plain(data["bd_otherwise"]),
            }
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

    def _stepped_params(self, input_code: str) -> dict:
        # The default options are left out, so a scheme that does not use them keeps the
        # stored form it always had.
        data = self.cleaned_data
        params: dict = {
            "target": _plain(_target_to_stored(data["st_target"], input_code)),
            "step_above": _plain(percent_to_ratio(data["st_step_above"])),
        }
        by_target = self._table(BY_TARGET_FIELDS, wan_to_base)
        if by_target:
            params["points_per_step_above_by_target"] = by_target
        else:
            params["points_per_step_above"] = _plain(data["st_points_above"])
        if data.get("st_below_target") == scoring.BELOW_TARGET_ZERO:
            params["below_target"] = scoring.BELOW_TARGET_ZERO
        else:
            params |= {
                "step_below": _plain(percent_to_ratio(data["st_step_below"])),
                "points_per_step_below": _plain(data["st_points_below"]),
            }
        params |= {
            "min_points": _plain(data["st_min_points"]),
            "max_points": _plain(data["st_max_points"]),
        }
        return params

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
            return None if value is None else _plain(ratio_to_percent(Decimal(str(value))))

        def plain(key: str) -> str | None:
            value = params.get(key)
            return None if value is None else _plain(Decimal(str(value)))

        def yes_no(key: str) -> str:
            return "0" if params.get(key) is False else "1"

        def rows(
            key: str, fields: list[tuple[str, str]], shown: Callable[[object], str | None]
        ) -> dict:
            table = params.get(key) or []
            return {
                name: value
                for (threshold, points), pair in zip(fields, table, strict=False)
                for name, value in (
                    (threshold, shown(pair[0])),
                    (points, _plain(Decimal(str(pair[1])))),
                )
            }

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
                "st_below_target": params.get("below_target", scoring.BELOW_TARGET_STEPS),
                "st_step_below": percent("step_below"),
                "st_points_below": plain("points_per_step_below"),
                "st_min_points": plain("min_points"),
                "st_max_points": plain("max_points"),
            }
            initial |= rows(
                "points_per_step_above_by_target",
                BY_TARGET_FIELDS,
                lambda usd: _plain(base_to_wan(Decimal(str(usd)))),
            )
        elif method == "quota":
            initial["qu_quota"] = plain("quota")
        elif method == "deduction":
            initial |= {
                "de_per_occurrence": plain("per_occurrence"),
                "de_floor": plain("floor"),
                "de_start_at_weight": yes_no("start_at_weight"),
            }
        elif method == "bands":
            initial["bd_otherwise"] = plain("otherwise")
            initial |= rows("bands", BAND_FIELDS, lambda v: _target_from_stored(v, input_code))
        return {key: value for key, value in initial.items() if value is not None}


_TABLE_CAPTIONS = {
    "stepped": _(
        "Optional: points per step above by the size of the region's annual target, "
        "largest first; the last threshold is 0 (every other region, and a region without "
        "a target)."
    ),
    "bands": _(
        "Thresholds highest first, in per cent for completion and growth, 10k USD for "
        "amounts; a region scores the points of the first threshold it reaches."
    ),
}
_TABLE_HEADERS = {
    "stepped": (_("Region target at least (10k USD)"), _("Points per step above")),
    "bands": (_("At least"), _("Points")),
}


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


def edited_scheme(form: SchemeForm, formset: BaseIndicatorFormSet) -> dict:
    """The scheme as edited on the page (``form`` and ``formset`` both valid), in the stored
    and JSON shape ``schemes.parse_scheme`` reads: what 保存 stores and what 试算 scores."""
    return {
        "label": form.cleaned_data["label"],
        "indicators": formset.indicators(),
        "vetoes": form.vetoes(),
    }
