"""The scheme parser: the stored and what-if JSON → the scoring scheme, and every malformed
scheme refused with a message naming the indicator (or veto) and the field. No database."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from assessments.schemes import (
    INPUTS,
    METHOD_LABELS,
    METHODS,
    SchemeError,
    parse_scheme,
    parse_scheme_json,
    scheme_to_dict,
)
from assessments.scoring import Bands, Stepped, Veto

D = Decimal


@pytest.fixture(autouse=True)
def english():
    """Messages read as their msgids."""
    with translation.override("en"):
        yield


def stored_default_scheme() -> dict:
    """The default scheme of the Fangchenggang seed plan, as the fixture stores it."""
    path = Path(settings.BASE_DIR) / "fixtures" / "targets" / "fangchenggang_2021.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    fields = next(r["fields"] for r in rows if r["model"] == "assessments.scoringscheme")
    return {"label": fields["label"], "indicators": fields["indicators"]}


def indicator(**fields: object) -> dict:
    """A valid bands indicator on completion, with ``fields`` replaced."""
    item = {
        "code": "completion",
        "name": "年度目标完成率",
        "weight": "20",
        "input": "completion",
        "method": "bands",
        "params": {"bands": [["1", "20"], ["0.8", "15"], ["0.5", "10"]], "otherwise": "0"},
    }
    return item | fields


def test_the_seed_default_scheme_parses_and_writes_back_unchanged() -> None:
    stored = stored_default_scheme()
    scheme = parse_scheme(stored)
    assert [i.method.code for i in scheme.indicators] == [
        "ratio_to_target",
        "stepped",
        "efficacy_coefficient",
        "quota",
        "deduction",
    ]
    assert scheme.label == "默认方案，可调整"
    assert scheme.vetoes == ()
    assert scheme_to_dict(scheme) == stored | {"vetoes": []}


def test_the_issues_bands_stepped_options_and_vetoes_parse_and_round_trip() -> None:
    data = {
        "label": "2022年考核办法",
        "indicators": [
            indicator(params={"bands": [["1", "100"], ["0.8", "75"], ["0.5", "50"]]}),
            {
                "code": "stepped",
                "name": "超额完成",
                "weight": "10",
                "input": "completion",
                "method": "stepped",
                "params": {
                    "target": "1",
                    "step_above": "0.05",
                    "points_per_step_above_by_target": [["50000000", "0.6"], ["0", "0.3"]],
                    "below_target": "zero",
                    "min_points": "0",
                    "max_points": "15",
                },
            },
        ],
        "vetoes": [{"input": "completion", "below": "1"}],
    }
    scheme = parse_scheme(data)
    bands, stepped = (i.method for i in scheme.indicators)
    assert isinstance(bands, Bands)
    # "otherwise" left out: 0.
    assert bands.bands == ((D("1"), D("100")), (D("0.8"), D("75")), (D("0.5"), D("50")))
    assert bands.otherwise == D("0")
    assert isinstance(stepped, Stepped)
    assert stepped.below_target == "zero"
    assert stepped.points_per_step_above_by_target == (
        (D("50000000"), D("0.6")),
        (D("0"), D("0.3")),
    )
    assert scheme.vetoes == (Veto("completion", D("1")),)
    again = parse_scheme(scheme_to_dict(scheme))
    assert again == scheme


def test_a_what_if_file_reads_numbers_as_decimals_and_ignores_is_default() -> None:
    text = json.dumps(stored_default_scheme() | {"is_default": True}, ensure_ascii=False)
    # JSON numbers instead of strings: 0.1 must be exactly one tenth, not the float.
    text = text.replace('"step_above": "0.1"', '"step_above": 0.1')
    scheme = parse_scheme_json(text)
    assert scheme.indicators[1].method.step_above == D("0.1")


WHERE = "Indicator completion"
BAD_SCHEMES = [
    # Not a scheme at all.
    ([1, 2], "Scheme: must be a JSON object"),
    ({"indicators": []}, "Scheme: indicators: must be a non-empty list"),
    ({"indicators": {"a": 1}}, "Scheme: indicators: must be a non-empty list"),
    (
        {"indicators": [indicator()], "veto": []},  # a misspelt key must not be dropped
        "Scheme: veto: unknown field",
    ),
    ({"indicators": [indicator()], "vetoes": {}}, "Scheme: vetoes: must be a list"),
    ({"indicators": ["completion"]}, "Indicator no. 1: must be a JSON object"),
    # The indicator is named by its code, or by its position without one.
    ({"indicators": [indicator(code="")]}, "Indicator no. 1: code: is required"),
    (
        {"indicators": [indicator(), indicator(name="重复")]},
        f"{WHERE}: code: the code is already used by indicator no. 1",
    ),
    ({"indicators": [indicator(name=None)]}, f"{WHERE}: name: is required"),
    ({"indicators": [indicator(colour="red")]}, f"{WHERE}: colour: unknown field"),
    # Weight.
    ({"indicators": [indicator(weight=None)]}, f"{WHERE}: weight: is required"),
    ({"indicators": [indicator(weight="二十")]}, f'{WHERE}: weight: must be a number (e.g. "0.8")'),
    ({"indicators": [indicator(weight=True)]}, f'{WHERE}: weight: must be a number (e.g. "0.8")'),
    ({"indicators": [indicator(weight="-5")]}, f"{WHERE}: weight: must not be negative"),
    # Input and method.
    (
        {"indicators": [indicator(input="gdp")]},
        f'{WHERE}: input: unknown figure "gdp"; one of completion, utilised_fdi_usd, '
        "yoy_growth, interviews, promotion_events",
    ),
    (
        {"indicators": [indicator(method="magic")]},
        f'{WHERE}: method: unknown method "magic"; one of ratio_to_target, '
        "efficacy_coefficient, stepped, quota, deduction, bands",
    ),
    (
        {"indicators": [indicator(method="quota", params={"quota": "4"})]},
        f"{WHERE}: input: this method scores counts: choose one of interviews, promotion_events",
    ),
    # Parameters.
    ({"indicators": [indicator(params=[])]}, f"{WHERE}: params: must be a JSON object"),
    (
        {"indicators": [indicator(params={"bands": [["1", "20"]], "cap": "1.2"})]},
        f"{WHERE}: parameter cap: unknown parameter for this method",
    ),
    (
        {"indicators": [indicator(params={})]},
        f"{WHERE}: parameter bands: is required for this method",
    ),
    (
        {"indicators": [indicator(params={"bands": [["1", "20"]], "otherwise": "nil"})]},
        f'{WHERE}: parameter otherwise: must be a number (e.g. "0.8")',
    ),
    (
        {"indicators": [indicator(params={"bands": "1:20"})]},
        f"{WHERE}: parameter bands: must be a list of [threshold, points] pairs",
    ),
    (
        {"indicators": [indicator(params={"bands": [["1", "20"], ["0.8"]]})]},
        f"{WHERE}: parameter bands: band 2: must be a [threshold, points] pair",
    ),
    (
        {"indicators": [indicator(params={"bands": [["1", "20"], ["x", "15"]]})]},
        f'{WHERE}: parameter bands: band 2: must be a number (e.g. "0.8")',
    ),
    (
        {"indicators": [indicator(params={"bands": [["0.8", "15"], ["1", "20"]]})]},
        f"{WHERE}: parameter bands: band 2: the threshold must be below the previous band's",
    ),
    (
        {"indicators": [indicator(params={"bands": []})]},
        f"{WHERE}: parameter bands: needs at least one band",
    ),
    (
        {
            "indicators": [
                indicator(
                    method="stepped",
                    params={
                        "target": "1",
                        "step_above": "0.1",
                        "points_per_step_above_by_target": [["50000000", "0.6"]],
                        "below_target": "zero",
                        "min_points": "0",
                        "max_points": "25",
                    },
                )
            ]
        },
        f"{WHERE}: parameter points_per_step_above_by_target: band 1: the last threshold must "
        "be 0, so that every region reaches a band",
    ),
    (
        {
            "indicators": [
                indicator(
                    method="stepped",
                    params={
                        "target": "1",
                        "step_above": "0.1",
                        "points_per_step_above": "1",
                        "below_target": "never",
                        "min_points": "0",
                        "max_points": "25",
                    },
                )
            ]
        },
        f"{WHERE}: parameter below_target: must be one of steps, zero",
    ),
    (
        {"indicators": [indicator(method="ratio_to_target", params={"target": "1", "cap": "0"})]},
        f"{WHERE}: parameter cap: must be above zero",
    ),
    (
        {
            "indicators": [
                indicator(method="efficacy_coefficient", params={"higher_is_better": "yes"})
            ]
        },
        f"{WHERE}: parameter higher_is_better: must be true or false",
    ),
    (
        {
            "indicators": [
                indicator(
                    input="interviews",
                    method="deduction",
                    params={"per_occurrence": "5", "floor": "30"},
                )
            ]
        },
        f"{WHERE}: parameter floor: must not be above the weight",
    ),
    # Vetoes.
    ({"indicators": [indicator()], "vetoes": ["completion"]}, "Veto no. 1: must be a JSON object"),
    (
        {"indicators": [indicator()], "vetoes": [{"input": "gdp", "below": "1"}]},
        'Veto no. 1: input: unknown figure "gdp"; one of completion, utilised_fdi_usd, '
        "yoy_growth, interviews, promotion_events",
    ),
    (
        {"indicators": [indicator()], "vetoes": [{"input": "completion"}]},
        "Veto no. 1: below: is required",
    ),
    (
        {"indicators": [indicator()], "vetoes": [{"input": "completion", "below": "一"}]},
        'Veto no. 1: below: must be a number (e.g. "0.8")',
    ),
    (
        {"indicators": [indicator()], "vetoes": [{"input": "completion", "above": "1"}]},
        "Veto no. 1: above: unknown field",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_SCHEMES)
def test_a_malformed_scheme_is_refused_naming_the_indicator_and_field(
    data: object, message: str
) -> None:
    with pytest.raises(SchemeError) as caught:
        parse_scheme(data)
    assert str(caught.value) == message


def test_the_error_says_where_as_data_too() -> None:
    bad = indicator(params={"bands": [["1", "20"], ["1", "15"]]})
    with pytest.raises(SchemeError) as caught:
        parse_scheme({"indicators": [bad]})
    assert caught.value.where == ("completion", "params", "bands", 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"indicators": [}',
            "The scheme file is not valid JSON (line 1, column 17): Expecting value",
        ),
        ("", "The scheme file is not valid JSON (line 1, column 1): Expecting value"),
        (
            '{"indicators": [{"code": "c", "weight": NaN}]}',
            "The scheme file is not valid JSON: NaN is not a number",
        ),
        ("[]", "Scheme: must be a JSON object"),
    ],
)
def test_a_malformed_scheme_file_gets_a_message_too(text: str, message: str) -> None:
    with pytest.raises(SchemeError) as caught:
        parse_scheme_json(text)
    assert str(caught.value) == message


def test_every_method_has_a_label_and_every_input_a_kind() -> None:
    assert set(METHOD_LABELS) == set(METHODS)
    assert {kind for _label, kind in INPUTS.values()} == {"ratio", "usd", "count"}
    with translation.override("zh-hans"):
        # The labels the pages show are Chinese, never the codes.
        assert str(METHOD_LABELS["stepped"]) == "阶梯计分"
