"""Scoring schemes as stored and exchanged: the registry and the parser.

The registry says which figures an indicator can score (:data:`INPUTS`) and which methods
exist (:data:`METHODS`, :data:`METHOD_LABELS`). :func:`parse_scheme` turns the stored scheme —
the same JSON a what-if file holds::

    {"label": "…",
     "indicators": [{"code", "name", "weight", "input", "method", "params"}, …],
     "vetoes": [{"input": "completion", "below": "1"}, …]}

(decimals as strings; ``vetoes`` optional) — into ``scoring.ScoringScheme``, or raises
:class:`SchemeError` whose message names the indicator (its code, else its position) and the
field, translated, e.g. 「指标 completion：参数 bands：第2档：门槛必须低于上一档」.
:func:`scheme_to_dict` is the way back. No database access here.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from assessments import scoring

__all__ = [
    "INPUTS",
    "METHODS",
    "METHOD_LABELS",
    "SchemeError",
    "parse_scheme",
    "parse_scheme_json",
    "scheme_to_dict",
]

#: The figures an indicator (or a veto) can score: code → (label, kind). The kind says how the
#: value is stored and printed: ``ratio`` (0.25 = 25 %), ``usd`` (USD), ``count`` (whole).
INPUTS: dict[str, tuple[str, str]] = {
    "completion": (gettext_lazy("Completion of the annual target"), "ratio"),
    "utilised_fdi_usd": (gettext_lazy("Utilised FDI (10k USD)"), "usd"),
    "yoy_growth": (gettext_lazy("Year-on-year growth"), "ratio"),
    "interviews": (gettext_lazy("Interviews received"), "count"),
    "promotion_events": (gettext_lazy("FDI-themed promotion events"), "count"),
}

#: Method code → the class that scores it.
METHODS: dict[str, type[scoring.ScoringMethod]] = {
    cls.code: cls
    for cls in (
        scoring.RatioToTarget,
        scoring.EfficacyCoefficient,
        scoring.Stepped,
        scoring.Quota,
        scoring.Deduction,
        scoring.Bands,
    )
}

METHOD_LABELS: dict[str, str] = {
    "ratio_to_target": gettext_lazy("Ratio to target, capped"),
    "efficacy_coefficient": gettext_lazy("Efficacy coefficient"),
    "stepped": gettext_lazy("Stepped"),
    "quota": gettext_lazy("Count against a quota"),
    "deduction": gettext_lazy("Deduction per occurrence"),
    "bands": gettext_lazy("Bands"),
}

_BOOL_PARAMS = frozenset({"higher_is_better", "start_at_weight"})
_CHOICE_PARAMS = {"below_target": (scoring.BELOW_TARGET_STEPS, scoring.BELOW_TARGET_ZERO)}
_TABLE_PARAMS = frozenset({"bands", "points_per_step_above_by_target"})
_INDICATOR_KEYS = ("code", "name", "weight", "input", "method", "params")
_VETO_KEYS = ("input", "below")
# An assessment snapshot's scheme block carries ``is_default``; it can be used as a file.
_SCHEME_KEYS = ("label", "indicators", "vetoes", "is_default")

# Field names as a message shows them: the Chinese name and the JSON key.
_FIELD_LABELS = {
    "label": pgettext_lazy("scheme field", "label"),
    "indicators": pgettext_lazy("scheme field", "indicators"),
    "vetoes": pgettext_lazy("scheme field", "vetoes"),
    "code": pgettext_lazy("scheme field", "code"),
    "name": pgettext_lazy("scheme field", "name"),
    "weight": pgettext_lazy("scheme field", "weight"),
    "input": pgettext_lazy("scheme field", "input"),
    "method": pgettext_lazy("scheme field", "method"),
    "params": pgettext_lazy("scheme field", "params"),
    "below": pgettext_lazy("scheme field", "below"),
}


class SchemeError(ValueError):
    """A scheme that cannot be scored. The message (translated in the active language) names
    where: the indicator or veto, the field, the parameter and its row; ``where`` holds the
    same as data (e.g. ``("completion", "params", "bands", 2)``)."""

    def __init__(self, message: str, where: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.where = where


# --------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------


def _problem(error: scoring.InvalidParam) -> str:
    problems = {
        "not_positive": _("must be above zero"),
        "negative": _("must not be negative"),
        "below_min": _("must not be below min_points"),
        "empty": _("needs at least one band"),
        "not_descending": _("the threshold must be below the previous band's"),
        "last_not_zero": _("the last threshold must be 0, so that every region reaches a band"),
        "both": _("give either points_per_step_above or points_per_step_above_by_target, not both"),
        "required": _("is required for this method"),
        "above_weight": _("must not be above the weight"),
        "choice": _("must be one of %(choices)s") % {"choices": "steps, zero"},
    }
    return problems.get(error.problem, str(error))


class _Where:
    """Where in the scheme a value is, and how a message names it."""

    def __init__(self, label: str, key: object) -> None:
        self.parts = [label]
        self.keys: list[object] = [key]

    def field(self, name: str) -> _Where:
        child = _Where.__new__(_Where)
        child.parts = [*self.parts, str(_FIELD_LABELS.get(name, name))]
        child.keys = [*self.keys, name]
        return child

    def param(self, name: str, row: int | None = None) -> _Where:
        child = self.field("params")
        child.parts[-1] = _("parameter %(name)s") % {"name": name}
        child.keys.append(name)
        if row is not None:
            child.parts.append(_("band %(row)s") % {"row": row})
            child.keys.append(row)
        return child

    def fail(self, problem: str) -> NoReturn:
        separator = pgettext("scheme error separator", ": ")
        raise SchemeError(separator.join([*self.parts, problem]), tuple(self.keys))


def _scheme_where() -> _Where:
    return _Where(_("Scheme"), None)


def _indicator_where(item: object, position: int) -> _Where:
    code = item.get("code") if isinstance(item, Mapping) else None
    if isinstance(code, str) and code.strip():
        return _Where(_("Indicator %(code)s") % {"code": code.strip()}, code.strip())
    return _Where(_("Indicator no. %(position)s") % {"position": position}, position)


def _choices(codes: object) -> str:
    return ", ".join(str(code) for code in codes)


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------


def _number(value: object, where: _Where) -> Decimal:
    """A JSON number or a decimal string as a finite Decimal. Floats (a JSON number read
    without ``parse_float=Decimal``) go through their shortest repr, which is what was typed."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        where.fail(_('must be a number (e.g. "0.8")'))
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        where.fail(_('must be a number (e.g. "0.8")'))
    if not number.is_finite():
        where.fail(_('must be a number (e.g. "0.8")'))
    return number


def _text(item: Mapping, key: str, where: _Where) -> str:
    value = item.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        where.field(key).fail(_("is required"))
    if not isinstance(value, str):
        where.field(key).fail(_("must be text"))
    return value.strip()


def _table(value: object, name: str, where: _Where) -> tuple[tuple[Decimal, Decimal], ...]:
    if not isinstance(value, list | tuple):
        where.param(name).fail(_("must be a list of [threshold, points] pairs"))
    rows = []
    for row, pair in enumerate(value, start=1):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            where.param(name, row).fail(_("must be a [threshold, points] pair"))
        rows.append(tuple(_number(v, where.param(name, row)) for v in pair))
    return tuple(rows)


def _param(name: str, value: object, where: _Where) -> object:
    if name in _BOOL_PARAMS:
        if not isinstance(value, bool):
            where.param(name).fail(_("must be true or false"))
        return value
    if name in _CHOICE_PARAMS:
        if value not in _CHOICE_PARAMS[name]:
            where.param(name).fail(
                _("must be one of %(choices)s") % {"choices": _choices(_CHOICE_PARAMS[name])}
            )
        return value
    if name in _TABLE_PARAMS:
        return _table(value, name, where)
    return _number(value, where.param(name))


def _fail_invalid(error: scoring.InvalidParam, where: _Where) -> NoReturn:
    if error.param == "weight":
        where.field("weight").fail(_problem(error))
    where.param(error.param, error.row).fail(_problem(error))


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def _method(item: Mapping, input_code: str, where: _Where) -> scoring.ScoringMethod:
    code = item.get("method")
    cls = METHODS.get(code) if isinstance(code, str) else None
    if cls is None:
        where.field("method").fail(
            _("unknown method %(value)s; one of %(choices)s")
            % {"value": json.dumps(code, ensure_ascii=False), "choices": _choices(METHODS)}
        )
    if cls.counts_only and INPUTS[input_code][1] != "count":
        counts = [code for code, (_label, kind) in INPUTS.items() if kind == "count"]
        where.field("input").fail(
            _("this method scores counts: choose one of %(choices)s")
            % {"choices": _choices(counts)}
        )
    raw = item.get("params")
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        where.field("params").fail(_("must be a JSON object"))
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    params: dict[str, object] = {}
    for name, value in raw.items():
        if name not in fields:
            where.param(str(name)).fail(_("unknown parameter for this method"))
        if value is not None:
            params[name] = _param(name, value, where)
    for name, spec in fields.items():
        required = spec.default is dataclasses.MISSING and (
            spec.default_factory is dataclasses.MISSING
        )
        if required and name not in params:
            where.param(name).fail(_("is required for this method"))
    try:
        return cls(**params)
    except scoring.InvalidParam as error:
        _fail_invalid(error, where)


def _indicator(item: object, position: int) -> scoring.Indicator:
    where = _indicator_where(item, position)
    if not isinstance(item, Mapping):
        where.fail(_("must be a JSON object"))
    for key in item:
        if key not in _INDICATOR_KEYS:
            where.field(str(key)).fail(_("unknown field"))
    code = _text(item, "code", where)
    name = _text(item, "name", where)
    if item.get("weight") is None:
        where.field("weight").fail(_("is required"))
    weight = _number(item["weight"], where.field("weight"))
    input_code = item.get("input")
    if not isinstance(input_code, str) or input_code not in INPUTS:
        where.field("input").fail(
            _("unknown figure %(value)s; one of %(choices)s")
            % {"value": json.dumps(input_code, ensure_ascii=False), "choices": _choices(INPUTS)}
        )
    method = _method(item, input_code, where)
    try:
        return scoring.Indicator(
            code=code, name=name, weight=weight, input=input_code, method=method
        )
    except scoring.InvalidParam as error:
        _fail_invalid(error, where)


def _veto(item: object, position: int) -> scoring.Veto:
    where = _Where(_("Veto no. %(position)s") % {"position": position}, f"veto {position}")
    if not isinstance(item, Mapping):
        where.fail(_("must be a JSON object"))
    for key in item:
        if key not in _VETO_KEYS:
            where.field(str(key)).fail(_("unknown field"))
    input_code = item.get("input")
    if not isinstance(input_code, str) or input_code not in INPUTS:
        where.field("input").fail(
            _("unknown figure %(value)s; one of %(choices)s")
            % {"value": json.dumps(input_code, ensure_ascii=False), "choices": _choices(INPUTS)}
        )
    if item.get("below") is None:
        where.field("below").fail(_("is required"))
    return scoring.Veto(input=input_code, below=_number(item["below"], where.field("below")))


def parse_scheme(data: object) -> scoring.ScoringScheme:
    """The scoring scheme of a stored or JSON scheme (see the module docstring).

    Strict: unknown fields and parameters are refused (a misspelt ``"vetoes"`` must not drop
    the vetoes silently); ``is_default`` at the top is accepted and ignored. ``SchemeError``
    names the indicator and field of the first problem.
    """
    scheme = _scheme_where()
    if not isinstance(data, Mapping):
        scheme.fail(_("must be a JSON object"))
    for key in data:
        if key not in _SCHEME_KEYS:
            scheme.field(str(key)).fail(_("unknown field"))
    label = data.get("label") or ""
    if not isinstance(label, str):
        scheme.field("label").fail(_("must be text"))
    items = data.get("indicators")
    if not isinstance(items, list) or not items:
        scheme.field("indicators").fail(_("must be a non-empty list"))
    indicators: list[scoring.Indicator] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(items, start=1):
        indicator = _indicator(item, position)
        if indicator.code in seen:
            _indicator_where(item, position).field("code").fail(
                _("the code is already used by indicator no. %(position)s")
                % {"position": seen[indicator.code]}
            )
        seen[indicator.code] = position
        indicators.append(indicator)
    raw_vetoes = data.get("vetoes")
    if raw_vetoes is None:
        raw_vetoes = []
    if not isinstance(raw_vetoes, list):
        scheme.field("vetoes").fail(_("must be a list"))
    vetoes = [_veto(item, position) for position, item in enumerate(raw_vetoes, start=1)]
    return scoring.ScoringScheme(tuple(indicators), tuple(vetoes), label.strip())


def parse_scheme_json(text: str) -> scoring.ScoringScheme:
    """:func:`parse_scheme` of a JSON text (a what-if file); malformed JSON is a
    ``SchemeError`` with its line and column. Numbers are read as Decimals, never floats."""
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise SchemeError(
            _("The scheme file is not valid JSON (line %(line)s, column %(column)s): %(error)s")
            % {"line": error.lineno, "column": error.colno, "error": error.msg}
        ) from error
    return parse_scheme(data)


def _no_constant(name: str) -> NoReturn:
    raise SchemeError(
        _("The scheme file is not valid JSON: %(value)s is not a number") % {"value": name}
    )


# --------------------------------------------------------------------------------------------
# Back to the stored form
# --------------------------------------------------------------------------------------------


def _plain(value: Decimal) -> str:
    """A decimal as stored: no exponent, no trailing zeros ('30', '1.2', '0.1')."""
    return format(value.normalize(), "f")


def _stored(value: object) -> object:
    if isinstance(value, Decimal):
        return _plain(value)
    if isinstance(value, tuple):
        return [_stored(v) for v in value]
    return value


def scheme_to_dict(scheme: scoring.ScoringScheme) -> dict[str, Any]:
    """The stored/JSON form of ``scheme`` (decimals as plain strings): ``parse_scheme`` of it
    gives an equal scheme. Parameters left unset (None, no by-target table) and the default
    ``below_target`` are omitted, as the editor stores them."""
    indicators = []
    for indicator in scheme.indicators:
        params = {}
        for spec in dataclasses.fields(indicator.method):
            value = getattr(indicator.method, spec.name)
            if (
                value is None
                or value == ()
                or (spec.name == "below_target" and value == scoring.BELOW_TARGET_STEPS)
            ):
                continue
            params[spec.name] = _stored(value)
        indicators.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "weight": _plain(indicator.weight),
                "input": indicator.input,
                "method": indicator.method.code,
                "params": params,
            }
        )
    return {
        "label": scheme.label,
        "indicators": indicators,
        "vetoes": [{"input": v.input, "below": _plain(v.below)} for v in scheme.vetoes],
    }


# ------------------------------------------------------------------------------------------
# The default settings of a new plan
# ------------------------------------------------------------------------------------------

#: The label every plan's own default settings carry until staff change them.
DEFAULT_LABEL = "默认方案，可调整"
#: The label of a new plan's default progress schedule (months elapsed ÷ 12).
DEFAULT_SCHEDULE_LABEL = f"{DEFAULT_LABEL}（序时进度：月数/12）"


def default_scheme(*, events_quota: int | None) -> dict[str, Any]:
    """The default annual scoring scheme (年考评) of a new plan, in the stored shape
    (``{"label", "indicators", "vetoes"}``), the seed plans' default: target completion 30,
    progress against the schedule 20, growth 20, the interviews 15 points, and 15 for FDI-themed
    promotion events when the plan sets the regions a quota of ``events_quota`` events a year
    (不少于N次) — without one, growth takes those points (35), as in the Wuwei seed. No veto."""
    return {"label": DEFAULT_LABEL, "indicators": _default_indicators(events_quota), "vetoes": []}


def _default_indicators(events_quota: int | None) -> list[dict[str, Any]]:
    """The indicators of :func:`default_scheme`."""
    indicators: list[dict[str, Any]] = [
        {
            "code": "completion_ratio",
            "name": "年度目标完成率",
            "weight": "30",
            "input": "completion",
            "method": "ratio_to_target",
            "params": {"target": "1", "cap": "1.2"},
        },
        {
            "code": "completion_stepped",
            "name": "序时进度完成情况",
            "weight": "20",
            "input": "completion",
            "method": "stepped",
            "params": {
                "target": "1",
                "step_above": "0.1",
                "points_per_step_above": "1",
                "step_below": "0.1",
                "points_per_step_below": "2",
                "min_points": "0",
                "max_points": "25",
            },
        },
        {
            "code": "growth",
            "name": "同比增长",
            "weight": "20" if events_quota else "35",
            "input": "yoy_growth",
            "method": "efficacy_coefficient",
            "params": {"higher_is_better": True},
        },
    ]
    if events_quota:
        indicators.append(
            {
                "code": "promotion_events",
                "name": f"外资专题招商活动（每年不少于{events_quota}次）",
                "weight": "15",
                "input": "promotion_events",
                "method": "quota",
                "params": {"quota": str(events_quota)},
            }
        )
    indicators.append(
        {
            "code": "interviews",
            "name": "季约谈扣分",
            "weight": "15",
            "input": "interviews",
            "method": "deduction",
            "params": {"per_occurrence": "5", "floor": "0", "start_at_weight": True},
        }
    )
    return indicators
