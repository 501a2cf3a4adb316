"""Tests for the pure parser of task-division tables (任务分工表) in tasks/plan_text.py.

The two seed documents are compared task by task against tables written out by hand; the
variant tests use small strings.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings

from tasks.plan_text import (
    ParsedPlan,
    ParsedTask,
    ParseWarning,
    Requirement,
    normalise_unit_name,
    parse_plan,
)

# The seed documents, copied byte for byte from the bureaus' texts (never edited).
PLANS = settings.BASE_DIR / "fixtures" / "plans"
FANGCHENGGANG = PLANS / "fangchenggang_2021.txt"
WUWEI = PLANS / "wuwei_2023.txt"

XQ = "各县（市、区）人民政府"  # the collective unit of the 防城港 document
XQZF = "各县区政府"  # the standing unit of the 武威 document

Row = tuple[tuple[str, ...], str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def rows(plan: ParsedPlan) -> list[Row]:
    """(path, title, lead, support, shared) of every task, in document order."""
    return [(t.path, t.title, t.lead, t.support, t.shared) for t in plan.tasks]


def codes(plan: ParsedPlan) -> list[str]:
    return [w.code for w in plan.warnings]


def only_task(text: str, **kwargs: object) -> ParsedTask:
    """The single leaf task of a one-section test document."""
    plan = parse_plan(text, **kwargs)  # type: ignore[arg-type]
    return plan.tasks[-1]


# --------------------------------------------------------------------------- 防城港 2021

FANGCHENGGANG_TABLE: list[Row] = [
    (("一",), "工作目标", (), (), ()),
    (("二",), "主要任务", (), (), ()),
    (
        ("二", "（一）"),
        "全面落实外商投资法及其实施条例",
        (),
        (),
        ("市发展改革委", "市商务局", "市财政局", "市市场监管局", "市税务局", XQ),
    ),
    (
        ("二", "（二）"),
        "强化利用外资政策支持",
        (),
        (),
        ("市财政局", "市商务局", "市投资促进局", XQ),
    ),
    (("二", "（三）"), "聚焦重点平台和重大项目引进外资", (), (), ()),
    (("二", "（三）", "一是"), "实施重大投资项目外资优先机制", (XQ,), (), ()),
    (
        ("二", "（三）", "二是"),
        "引导外资向重点开放型园区集聚",
        (XQ,),
        (
            "市商务局",
            "市发展改革委",
            "市北部湾办",
            "市科技局",
            "市工业和信息化局",
            "市投资促进局",
        ),
        (),
    ),
    (("二", "（四）"), "强化利用外资招商工作", (), (), ()),
    (
        ("二", "（四）", "一是"),
        "制定产业树和招商清单",
        ("市投资促进局", "市商务局", XQ),
        ("市发展改革委", "市工业和信息化局", "市农业农村局", "市贸促会"),
        (),
    ),
    (
        ("二", "（四）", "二是"),
        "开展产业链精准招商",
        ("市投资促进局", "市商务局", XQ),
        ("市发展改革委", "市工业和信息化局", "市农业农村局", "市贸促会"),
        (),
    ),
    (
        ("二", "（四）", "三是"),
        "创新开展外资招商活动",
        ("市投资促进局", XQ),
        (
            "市发展改革委",
            "市工业和信息化局",
            "市农业农村局",
            "市商务局",
            "市国资委",
            "市工商联",
            "市贸促会",
        ),
        (),
    ),
    (
        ("二", "（五）"),
        "加大外商投资保护力度",
        ("市投资促进局", "市发展改革委", XQ),
        ("市司法局", "市商务局", "市市场监管局"),
        (),
    ),
    (
        ("二", "（六）"),
        "提升外商投资便利度",
        (),
        (),
        (
            "市大数据和行政审批局",
            "市发展改革委",
            "市工业和信息化局",
            "市自然资源局",
            "市住房城乡建设局",
            "市商务局",
            "防城海关",
            "东兴海关",
            "峒中海关",
            "市税务局",
            XQ,
        ),
    ),
    (
        ("二", "（七）"),
        "完善和优化外资服务体系",
        ("市商务局", "市发展改革委"),
        (XQ,),
        (),
    ),
    (("二", "（八）"), "全面实施“一专员两清单”机制", ("市商务局", XQ), (), ()),
    (("二", "（九）"), "拓展“直通车”协调工作机制", ("市商务局", XQ), (), ()),
    (
        ("二", "（十）"),
        "加快建立“一站式”外商投资服务平台",
        ("市商务局",),
        ("市市场监管局", "市投资促进局", "人民银行防城港中心支行", "市税务局"),
        (),
    ),
    (("三",), "保障措施", (), (), ()),
    (("三", "（一）"), "加强组织领导", ("市商务局",), (XQ,), ()),
    (
        ("三", "（二）"),
        "强化协调服务",
        ("市商务局", "市投资促进局"),
        ("各县（市、区）人民政府有关部门",),
        (),
    ),
    (
        ("三", "（三）"),
        "加大对利用外资工作的资金支持",
        ("市商务局", "市投资促进局", "市财政局"),
        (XQ,),
        (),
    ),
    (("三", "（四）"), "加强督促落实", ("市商务局", "市投资促进局"), (), ()),
    (("三", "（五）"), "强化工作考核", ("市商务局", "市投资促进局"), (), ()),
]


@pytest.fixture(scope="module")
def fangchenggang() -> ParsedPlan:
    return parse_plan(FANGCHENGGANG.read_text(encoding="utf-8"))


def test_every_fangchenggang_task_has_the_hand_written_path_title_and_units(fangchenggang):
    assert rows(fangchenggang) == FANGCHENGGANG_TABLE


def test_fangchenggang_labels_and_order_follow_the_document(fangchenggang):
    assert [t.label for t in fangchenggang.tasks][:6] == [
        "一",
        "二",
        "（一）",
        "（二）",
        "（三）",
        "一是",
    ]
    assert [t.order for t in fangchenggang.tasks] == list(range(1, 24))


def test_fangchenggang_title_has_no_document_number_and_no_issuing_units(fangchenggang):
    assert fangchenggang.title == "2021年防城港市扩大利用外资规模工作方案"
    assert fangchenggang.document_number == ""
    assert fangchenggang.issuing_units == []
    assert fangchenggang.standing_units == []


def test_the_missing_label_of_task_two_is_inferred_and_warned(fangchenggang):
    assert fangchenggang.warnings == [
        ParseWarning(
            line=15,
            code="missing_label",
            message="此行缺少编号，已根据前后顺序推断为“（二）”",
            fragment="强化利用外资政策支持",
        )
    ]
    task = fangchenggang.task("二", "（二）")
    assert (
        task.text
        == "加大对外资招商引资奖励政策的支持力度，对符合条件的利用外资奖励项目（企业），及时兑现奖励承诺。"
    )


def test_fangchenggang_goals_are_five_with_the_last_sentence_split_in_two(fangchenggang):
    goals = [(g.metric, g.target_value, g.unit) for g in fangchenggang.goals]
    assert goals == [
        ("“行企助力转型升级”行动签约外商新投资项目（2021年新登记）", Decimal("1"), "个"),
        (
            "“三企入桂”和“行企助力转型升级”行动中签约的外商新投资项目落地率",
            Decimal("20"),
            "%",
        ),
        ("已落地项目在2021年实际到位外资额占当年全市利用外资总额", Decimal("20"), "%"),
        ("2021年全市实际利用外资", Decimal("7000"), "万美元"),
        ("2021年全市实际利用外资同比增长", Decimal("20"), "%"),
    ]
    assert (
        fangchenggang.goals[3].text
        == "2021年全市实际利用外资工作目标7000万美元（含投资性公司投资，下同）"
    )
    assert fangchenggang.goals[4].text == "同比增长20%以上"


def test_the_two_yearly_activity_quotas_are_requirements_of_task_four_two(fangchenggang):
    task = fangchenggang.task("二", "（四）", "二是")
    assert task.requirements == (
        Requirement(
            "各主管部门年内开展不少于2次外资专题招商和项目对接活动",
            2,
            "次",
            "年内",
            "各主管部门",
            "不少于",
        ),
        Requirement(
            "各县市区年内开展不少于4次外资专题招商活动", 4, "次", "年内", "各县市区", "不少于"
        ),
    )
    others = [t.path for t in fangchenggang.tasks if t.requirements and t is not task]
    assert others == []  # 「1500万美元以上的重大项目」 is a threshold, not a requirement


def test_a_title_sentence_is_cut_at_its_full_stop_and_glosses_stay_in_the_text(fangchenggang):
    task = fangchenggang.task("二", "（五）")
    assert task.title == "加大外商投资保护力度"
    assert task.text.startswith("落实外资企业投诉工作机制")
    assert task.text.endswith("切实维护好外商投资合法权益。")
    first = fangchenggang.task("二", "（一）")
    assert "《外商投资准入特别管理措施（负面清单）（2020年版）》" in first.text
    assert "〔" not in first.text
    goals_section = fangchenggang.task("一")
    assert "（含投资性公司投资，下同）" in goals_section.text


# --------------------------------------------------------------------------- 武威 2023

# 一、总体要求 is only prose before the first section with items: not a task.
WUWEI_TABLE: list[Row] = [
    (("二",), "主要任务", (), (), ()),
    (("二", "（一）"), "推动高水平对外开放", (), (), ()),
    (
        ("二", "（一）", "1."),
        "深入实施外资准入负面清单",
        (),
        (),
        ("市发展改革委", "市商务局", "市市场监管局", XQZF),
    ),
    (
        ("二", "（一）", "2."),
        "鼓励外商投资重点产业",
        (),
        (),
        ("各产业链执行链长部门", "市商务局", "市科技局", XQZF),
    ),
    (
        ("二", "（一）", "3."),
        "加大制造业引资力度",
        (),
        (),
        (
            "市工信局",
            "市发展改革委",
            "市商务局",
            "市税务局",
            "武威工业园区管委会",
            "武威国际陆港管委会",
            XQZF,
        ),
    ),
    (("二", "（二）"), "加大投资促进力度", (), (), ()),
    (
        ("二", "（二）", "4."),
        "大力发展外资总部经济",
        (),
        (),
        ("市商务局", "市发展改革委", "武威工业园区管委会", "武威国际陆港管委会", XQZF),
    ),
    (
        ("二", "（二）", "5."),
        "支持外商并购投资",
        (),
        (),
        ("市商务局", "市发展改革委", "市政府国资委", "市政府金融办", XQZF),
    ),
    (
        ("二", "（二）", "6."),
        "提升开放平台引资功能",
        (),
        (),
        (
            "市商务局",
            "市发展改革委",
            "市工信局",
            "市科技局",
            "市财政局",
            "市税务局",
            "武威工业园区管委会",
            "武威国际陆港管委会",
            XQZF,
        ),
    ),
    (("二", "（二）", "7."), "保障出国招商活动", ("市政府外事办",), (), (XQZF,)),
    (("二", "（二）", "8."), "优化外资招引方式", ("市招商局",), (), (XQZF,)),
    (("二", "（三）"), "推动重点项目加快落地", (), (), ()),
    (
        ("二", "（三）", "9."),
        "强化项目要素保障",
        (),
        (),
        (
            "市自然资源局",
            "市商务局",
            "市工信局",
            "市发展改革委",
            "市财政局",
            "市生态环境局",
            "市招商局",
            XQZF,
        ),
    ),
    (("二", "（四）"), "加大财政支持力度", (), (), ()),
    (
        ("二", "（四）", "10."),
        "建立鼓励类项目奖励机制",
        (),
        (),
        ("市商务局", "市发展改革委", "市财政局", "市招商局", "市税务局", XQZF),
    ),
    (("二", "（五）"), "优化外商投资营商环境", (), (), ()),
    (
        ("二", "（五）", "11."),
        "提升外资服务水平",
        (),
        (),
        (
            "市商务局",
            "市发展改革委",
            "市人社局",
            "市自然资源局",
            "市住建局",
            "市教育局",
            "国家金融监督管理总局武威监管分局",
            "市政府金融办",
            XQZF,
        ),
    ),
    (
        ("二", "（五）", "12."),
        "支持参与标准工作",
        (),
        (),
        ("市市场监管局", "相关行业行政主管部门", XQZF),
    ),
    (("二", "（五）", "13."), "公平参与政府采购招投标", (), (), ("市级各部门", XQZF)),
    (("二", "（六）"), "强化利用外资考评激励", (), (), ()),
    (
        ("二", "（六）", "14."),
        "优化外资工作考核机制",
        (),
        (),
        ("市招商局", "市商务局", "市发展改革委", XQZF),
    ),
    (("三",), "工作要求", (), (), ()),
]


@pytest.fixture(scope="module")
def wuwei() -> ParsedPlan:
    return parse_plan(WUWEI.read_text(encoding="utf-8"))


def test_every_wuwei_task_has_the_hand_written_path_title_and_units(wuwei):
    assert rows(wuwei) == WUWEI_TABLE


def test_wuwei_is_read_without_any_warning_and_has_no_goals_or_requirements(wuwei):
    assert wuwei.warnings == []
    assert wuwei.goals == []
    assert [t.path for t in wuwei.tasks if t.requirements] == []


def test_wuwei_title_document_number_and_letterhead_units_are_read(wuwei):
    assert wuwei.title == "关于促进外资稳存量扩增量提质量的实施方案"
    assert wuwei.document_number == "武商发〔2023〕109号"
    assert len(wuwei.issuing_units) == 15
    assert wuwei.issuing_units[0] == "武威市商务局"
    assert "武威市人民政府金融工作办公室" in wuwei.issuing_units
    assert wuwei.issuing_units[-1] == "国家金融监督管理总局武威监管分局"


def test_the_standing_clause_of_task_one_is_recorded_on_the_plan(wuwei):
    [standing] = wuwei.standing_units
    assert (standing.name, standing.role, standing.path) == (XQZF, "shared", ("二", "（一）", "1."))
    assert "不再一一列出" in standing.text


def test_the_standing_unit_is_added_only_to_tasks_with_their_own_units(wuwei):
    assert wuwei.task("二", "（二）").shared == ()
    assert wuwei.task("三").units == ()


def test_the_section_of_work_requirements_is_a_section_without_tasks(wuwei):
    assert wuwei.children("三") == []
    assert wuwei.task("三").text.startswith("各县区、有关部门和单位要坚决落实")
    assert "公开属性" not in wuwei.task("三").text


def test_page_breaks_inside_a_unit_and_inside_a_place_name_are_joined(wuwei):
    assert "市市场监管局" in wuwei.task("二", "（一）", "1.").shared
    assert "甘肃（武威)国际陆港" in wuwei.task("二", "（二）", "4.").text


def test_bold_markers_headings_and_spaces_are_removed_from_titles_and_text(wuwei):
    task = wuwei.task("二", "（二）", "8.")
    assert task.title == "优化外资招引方式"
    assert "对新引进固定资产投资5000万元以上的外资项目" in task.text
    assert all("*" not in t.title and "#" not in t.title for t in wuwei.tasks)


def test_sections_are_tasks_and_the_tree_can_be_rebuilt_from_paths(wuwei):
    # 一、总体要求 is prose only and not a task; 三、工作要求 closes the tasks and stays
    assert [t.path for t in wuwei.children()] == [("二",), ("三",)]
    assert [t.label for t in wuwei.children("二")] == [f"（{n}）" for n in "一二三四五六"]
    assert [t.label for t in wuwei.children("二", "（二）")] == ["4.", "5.", "6.", "7.", "8."]


# --------------------------------------------------------------------------- variants

FULL_WIDTH = """一、主要任务
（一）全面落实外商投资法。落实好政策。〔市发展改革委、商务局；各县（市、区）人民政府分别按职责分工推进〕
（二）强化服务。加强服务。（牵头单位：市商务局；责任单位：市财政局、市税务局）
1.开展招商。内容。（市商务局牵头，市财政局配合）
"""

HALF_WIDTH = """一、主要任务
(一)全面落实外商投资法。落实好政策。[市发展改革委,商务局;各县(市、区)人民政府分别按职责分工推进]
(二)强化服务。加强服务。(牵头单位:市商务局;责任单位:市财政局､市税务局)
1. 开展招商。内容。(市商务局牵头,市财政局配合)
"""


def test_half_width_punctuation_gives_the_same_table_as_full_width():
    assert rows(parse_plan(HALF_WIDTH)) == rows(parse_plan(FULL_WIDTH))
    assert rows(parse_plan(FULL_WIDTH))[1] == (
        ("一", "（一）"),
        "全面落实外商投资法",
        (),
        (),
        ("市发展改革委", "市商务局", XQ),
    )


def test_full_width_spaces_and_spaced_out_characters_are_ignored():
    text = "一、主要任务\n（一）　加强 服务。内容。（市 商 务 局　牵头）\n"
    task = only_task(text)
    assert (task.title, task.lead) == ("加强服务", ("市商务局",))


def test_a_unit_name_broken_by_a_line_break_is_joined():
    text = "一、主要任务\n（一）落实方案。内容。（市发展改革委、市市场监\n\n管局按职责分工负责）\n"
    task = only_task(text)
    assert task.shared == ("市发展改革委", "市市场监管局")
    assert task.text == "内容。"


def test_nested_brackets_inside_a_unit_bracket_are_kept_in_the_name():
    text = (
        "一、主要任务\n（一）落实。内容。〔市商务局、各县（市、区）人民政府牵头，市财政局配合〕\n"
    )
    task = only_task(text)
    assert (task.lead, task.support) == (("市商务局", XQ), ("市财政局",))


def test_a_document_number_inside_a_bracket_is_not_a_unit_list():
    text = (
        "一、主要任务\n（一）落实方案。按照《实施方案》（武商发〔2023〕109号）要求推进。"
        "（市商务局牵头，市财政局配合）\n"
    )
    plan = parse_plan(text)
    task = plan.tasks[-1]
    assert (task.lead, task.support) == (("市商务局",), ("市财政局",))
    assert task.text == "按照《实施方案》（武商发〔2023〕109号）要求推进。"
    assert plan.warnings == []


def test_glosses_at_the_end_of_a_task_are_not_unit_lists():
    text = "一、主要任务\n（一）落实清单。执行外商投资准入特别管理措施（负面清单）。\n（二）出访。优化因公出国（境）\n"
    plan = parse_plan(text)
    assert [t.units for t in plan.tasks] == [(), (), ()]
    assert plan.warnings == []


def test_the_labelled_form_maps_lead_and_responsible_units():
    task = only_task(
        "一、主要任务\n（一）服务。内容。（牵头单位：市商务局；责任单位：财政局、税务局）\n"
    )
    assert (task.lead, task.support, task.shared) == (("市商务局",), ("市财政局", "市税务局"), ())


def test_responsible_units_without_a_lead_unit_are_shared():
    task = only_task("一、主要任务\n（一）服务。内容。（责任单位：市商务局、财政局）\n")
    assert (task.lead, task.support, task.shared) == ((), (), ("市商务局", "市财政局"))


def test_several_role_groups_in_one_bracket_are_split_by_role():
    task = only_task(
        "一、主要任务\n（一）服务。内容。〔市商务局、发展改革委牵头，各县（市、区）人民政府配合〕\n"
    )
    assert (task.lead, task.support) == (("市商务局", "市发展改革委"), (XQ,))


def test_a_single_unit_responsible_alone_is_the_lead_and_several_are_shared():
    assert only_task("一、任务\n（一）出访。内容。（市政府外事办负责）\n").lead == ("市政府外事办",)
    shared = only_task("一、任务\n（一）出访。内容。（市政府外事办、市商务局负责）\n").shared
    assert shared == ("市政府外事办", "市商务局")


def test_ji_always_splits_and_he_splits_only_between_two_unit_names():
    text = (
        "一、主要任务\n"
        "（一）标准。内容。（市市场监管局及相关行业行政主管部门按职责分工负责）\n"
        "（二）审批。内容。（市大数据和行政审批局牵头，市卫生健康委和医保局、工业和信息化局、"
        "住房和城乡建设局配合）\n"
        "（三）便利。内容。（市商务局、税务局和各县（市、区）人民政府按职责分工推进）\n"
    )
    plan = parse_plan(text)
    assert plan.task("一", "（一）").shared == ("市市场监管局", "相关行业行政主管部门")
    second = plan.task("一", "（二）")
    assert second.lead == ("市大数据和行政审批局",)
    assert second.support == ("市卫生健康委", "市医保局", "市工业和信息化局", "市住房和城乡建设局")
    assert plan.task("一", "（三）").shared == ("市商务局", "市税务局", XQ)


def test_the_city_prefix_is_not_added_to_other_levels_places_or_collectives():
    task = only_task(
        "一、任务\n（一）服务。内容。（市商务局牵头，市场监管局、人民银行防城港中心支行、"
        "防城海关、武威工业园区管委会、国家外汇管理局防城港市中心支局、市级各部门配合）\n"
    )
    assert task.support == (
        "市市场监管局",
        "人民银行防城港中心支行",
        "防城海关",
        "武威工业园区管委会",
        "国家外汇管理局防城港市中心支局",
        "市级各部门",
    )


def test_an_unknown_role_word_is_warned_and_its_units_are_kept_as_shared():
    plan = parse_plan("一、主要任务\n（一）服务。内容。〔市商务局、财政局督办〕\n")
    assert plan.tasks[-1].shared == ("市商务局", "市财政局")
    [warning] = plan.warnings
    assert (warning.line, warning.code) == (2, "unknown_role")
    assert "督办" in warning.message
    assert warning.fragment == "市商务局、财政局督办"


def test_units_without_any_role_word_are_warned_as_unknown_role():
    plan = parse_plan("一、主要任务\n（一）服务。内容。（市商务局、市财政局）\n")
    assert plan.tasks[-1].shared == ("市商务局", "市财政局")
    assert codes(plan) == ["unknown_role"]


def test_a_bracket_left_open_at_the_end_is_warned_and_still_read():
    plan = parse_plan(
        "一、主要任务\n（一）服务。内容。〔市商务局牵头，各县区政府配合\n（二）其他。内容。\n"
    )
    task = plan.task("一", "（一）")
    assert (task.lead, task.support) == (("市商务局",), ("各县区政府",))
    [warning] = plan.warnings
    assert (warning.line, warning.code) == (2, "unclosed_bracket")
    assert warning.fragment.startswith("〔市商务局牵头")
    assert plan.task("一", "（二）").title == "其他"


def test_a_resolver_maps_known_names_and_warns_but_keeps_unknown_ones():
    registry = {"市商务局": "防城港市商务局", XQ: XQ}
    plan = parse_plan(
        "一、主要任务\n（一）服务。内容。〔市商务局、招商局牵头，各县（市、区）人民政府配合〕\n",
        resolve=registry.get,
    )
    task = plan.tasks[-1]
    assert task.lead == ("防城港市商务局", "市招商局")
    assert task.support == (XQ,)
    assert plan.warnings == [
        ParseWarning(2, "unknown_unit", "未能在单位名录中找到“市招商局”，已按原文保留", "市招商局")
    ]


def test_a_resolver_that_knows_the_whole_name_keeps_a_name_with_he_whole():
    registry = {"市工业和信息化局": "某市工业和信息化局", "市工业": "x", "市信息化局": "y"}
    task = only_task("一、任务\n（一）服务。内容。（市工业和信息化局牵头）\n", resolve=registry.get)
    assert task.lead == ("某市工业和信息化局",)


def test_a_resolver_that_knows_the_whole_name_prevents_a_split_by_shape():
    registry = {"市委和市政府督查室": "某市委和市政府督查室"}
    task = only_task(
        "一、任务\n（一）督查。内容。（市委和市政府督查室牵头）\n", resolve=registry.get
    )
    assert task.lead == ("某市委和市政府督查室",)
    assert only_task("一、任务\n（一）督查。内容。（市委和市政府督查室牵头）\n").lead == (
        "市委",
        "市政府督查室",
    )


def test_a_resolver_that_knows_both_sides_splits_at_he():
    registry = {"市文旅": "某市文旅", "市体育": "某市体育"}
    task = only_task("一、任务\n（一）服务。内容。（市文旅和体育牵头）\n", resolve=registry.get)
    assert task.lead == ("某市文旅", "某市体育")


def test_quantitative_requirements_name_whom_and_when():
    task = only_task(
        "一、任务\n（一）招商。各主管部门年内开展不少于2次外资专题招商和项目对接活动，"
        "各县市区年内开展不少于4次外资专题招商活动。每年举办3场以上推介会。"
        "对1500万美元以上的项目实行跟踪服务。〔市商务局牵头〕\n"
    )
    assert [(r.quantity, r.unit, r.period, r.applies_to) for r in task.requirements] == [
        (2, "次", "年内", "各主管部门"),
        (4, "次", "年内", "各县市区"),
        (3, "场", "每年", ""),
    ]


def test_the_standing_clause_reaches_later_tasks_of_its_section_only():
    plan = parse_plan(
        "一、主要任务\n"
        "（一）开放。内容。（市商务局按职责分工负责，以下各项任务均需各县区政府落实，不再一一列出）\n"
        "（二）招商。内容。（市招商局负责）\n"
        "（三）宣传。内容。\n"
        "二、保障措施\n"
        "（一）领导。内容。（市商务局牵头）\n"
    )
    assert [(t.path, t.lead, t.shared) for t in plan.tasks] == [
        (("一",), (), ()),
        (("一", "（一）"), (), ("市商务局", XQZF)),
        (("一", "（二）"), ("市招商局",), (XQZF,)),
        (("一", "（三）"), (), ()),
        (("二",), (), ()),
        (("二", "（一）"), ("市商务局",), ()),
    ]
    assert [s.name for s in plan.standing_units] == [XQZF]


def test_all_numbering_levels_nest_in_order_of_appearance():
    plan = parse_plan(
        "一、任务\n（一）组\n1、事项。内容。\n（1）细项。内容。\n——要点。内容。\n——要点二。内容。\n"
        "（2）细项二。内容。\n2、事项二。内容。\n二、其他\n"
    )
    assert [t.path for t in plan.tasks] == [
        ("一",),
        ("一", "（一）"),
        ("一", "（一）", "1、"),
        ("一", "（一）", "1、", "（1）"),
        ("一", "（一）", "1、", "（1）", "——"),
        ("一", "（一）", "1、", "（1）", "——"),
        ("一", "（一）", "1、", "（2）"),
        ("一", "（一）", "2、"),
        ("二",),
    ]


def test_a_bold_title_without_full_stop_is_taken_from_the_bold_run():
    task = only_task(
        "## 一、任务\n**1. 鼓励外商投资重点产业**充分发挥优势，拓展空间。（市商务局负责）\n"
    )
    assert (task.title, task.text) == ("鼓励外商投资重点产业", "充分发挥优势，拓展空间。")


def test_a_heading_line_is_the_title_and_the_next_line_the_text():
    task = only_task("一、任务\n（一）全面落实外商投资法\n落实好政策。〔市商务局牵头〕\n")
    assert (task.title, task.text, task.lead) == (
        "全面落实外商投资法",
        "落实好政策。",
        ("市商务局",),
    )


def test_a_label_alone_on_its_line_takes_the_next_line_as_title():
    task = only_task("一、任务\n（一）\n强化服务\n加强服务。（市商务局牵头）\n")
    assert (task.path, task.title, task.text) == (("一", "（一）"), "强化服务", "加强服务。")


def test_the_body_stops_at_an_attachment_line():
    plan = parse_plan("一、任务\n（一）考核。内容。〔市商务局牵头〕\n附件：1.任务分工表\n")
    assert [t.path for t in plan.tasks] == [("一",), ("一", "（一）")]
    assert plan.tasks[-1].lead == ("市商务局",)


def test_issuing_units_fall_back_to_the_signature_block():
    plan = parse_plan(
        "关于印发方案的通知\n各县区：\n现将方案印发你们。\n\n某市商务局\n\n某市人民政府金融\n工作办公室\n"
        "2023年10月13日\n\n某市扩大利用外资工作方案\n\n一、任务\n（一）考核。内容。（市商务局牵头）\n"
    )
    assert plan.issuing_units == ["某市商务局", "某市人民政府金融工作办公室"]
    assert plan.title == "某市扩大利用外资工作方案"


def test_qualitative_goals_have_no_target_value():
    plan = parse_plan("一、工作目标\n外资结构持续优化；实际利用外资达到5亿美元。\n二、任务\n")
    assert [(g.metric, g.target_value, g.unit) for g in plan.goals] == [
        ("外资结构持续优化", None, ""),
        ("实际利用外资", Decimal("5"), "亿美元"),
    ]


def test_normalise_unit_name_strips_spaces_line_breaks_and_bold_markers():
    assert normalise_unit_name("**市 市场监管\n\n局**") == "市市场监管局"
    assert normalise_unit_name("各县(市、区)\u3000人民政府") == XQ


# --------------------------------------------------------------------------- script and layout


def test_a_traditional_unit_bracket_is_read_and_its_units_stored_in_simplified_form():
    plan = parse_plan(
        "一、堅持系統集成\n"
        "1.全面實施清單管理。內容。(市政府辦公室、市行政審批制度改革工作領導小組辦公室牽頭,"
        "市級各有關部門及各縣市區政府按職責分工負責)\n"
    )
    task = plan.task("一", "1.")
    assert task.title == "全面实施清单管理"
    assert task.lead == ("市政府办公室", "市行政审批制度改革工作领导小组办公室")
    assert task.shared == ("市级各有关部门", "各县市区政府")
    assert [(w.line, w.code) for w in plan.warnings] == [(1, "traditional_script")]


def test_simplified_text_is_not_changed_by_the_script_conversion():
    text = "一、主要任务\n（一）显著提高著名企业占比。内容。（市商务局牵头）\n"
    plan = parse_plan(text)
    assert plan.tasks[-1].title == "显著提高著名企业占比"
    assert plan.warnings == []


def test_a_note_in_brackets_after_a_unit_stays_with_that_unit():
    task = only_task(
        "一、主要任务\n（一）招商。内容。(市商务委牵头,市发展改革委、市工业和信息化委、"
        "各区政府(包括各开发区管委会,xx空港委,下同)配合)\n"
    )
    assert task.lead == ("市商务委",)
    assert task.support == ("市发展改革委", "市工业和信息化委", "各区政府")
    assert task.notes == (("各区政府", "包括各开发区管委会，xx空港委，下同"),)
    assert task.note_of("各区政府") == "包括各开发区管委会，xx空港委，下同"


def test_ji_inside_a_note_does_not_split_the_unit():
    task = only_task(
        "一、任务\n（一）招商。内容。（市商务委牵头，各区政府（包括各开发区管委会及空港委，下同）配合）\n"
    )
    assert task.support == ("各区政府",)
    assert task.note_of("各区政府") == "包括各开发区管委会及空港委，下同"


def test_an_unclosed_bracket_around_a_nested_one_is_warned_at_its_line():
    plan = parse_plan(
        "一、主要任务\n（一）招商。内容。\n（市商务局牵头，各县（市、区）人民政府配合\n（二）服务。内容。\n"
    )
    task = plan.task("一", "（一）")
    assert (task.lead, task.support) == (("市商务局",), (XQ,))
    assert [(w.line, w.code) for w in plan.warnings] == [(3, "unclosed_bracket")]


def test_responsible_unit_lines_without_brackets_are_read_and_may_wrap():
    plan = parse_plan(
        "一、主要任务\n"
        "1.招商引资。加强招商。\n责任单位：市商务局、市财政局\n完成时限：2022年10月底前\n"
        "2.优化服务。内容。\n牵头单位：市商务局\n配合单位：市财政局、\n市税务局\n"
        "3.明确分工。明确责任单位：由各部门自定。\n"
    )
    first, second, third = plan.children("一")
    assert (first.text, first.shared, first.deadline) == (
        "加强招商。",
        ("市商务局", "市财政局"),
        "2022年10月底前",
    )
    assert (second.lead, second.support) == (("市商务局",), ("市财政局", "市税务局"))
    # 「明确责任单位：」 inside a sentence is text, not a field.
    assert third.units == ()
    assert plan.warnings == []


def test_lead_and_responsible_labels_without_a_comma_between_them_are_two_groups():
    task = only_task(
        "一、任务\n1.提高效能。内容。(牵头单位:市商务局  责任单位:市编办、市发改委、各区县政府)\n"
    )
    assert (task.lead, task.support) == (("市商务局",), ("市编办", "市发改委", "各区县政府"))


def test_labelled_units_sharing_by_duty_and_a_standing_involvement_are_read():
    plan = parse_plan(
        "一、改革\n"
        "(一)加强建设。内容。〔责任单位:省发展改革委、商务厅按职责分工负责。"
        "具体任务均涉及相关市(州)人民政府,不再做分工,下同。〕\n"
        "(二)优化环境。内容。〔责任单位:省市场监管局〕\n"
    )
    first, second = plan.children("一")
    assert first.shared == ("省发展改革委", "商务厅", "相关市（州）人民政府")
    # one 责任单位 alone leads; the standing unit shares
    assert (second.lead, second.shared) == (("省市场监管局",), ("相关市（州）人民政府",))
    assert plan.warnings == []


def test_page_numbers_and_running_headers_between_lines_are_dropped():
    plan = parse_plan(
        "某市工作方案\n一、主要任务\n（一）招商。加强招商。（市商务局、市市场监\n"
        "— 3 —\n某市人民政府办公室\n管局按职责分工负责）\n"
        "（二）服务。内容。\n第4页 共9页\n某市人民政府办公室\n（市财政局牵头）\n"
        "（三）考核。内容。\n- 5 -\n某市人民政府办公室\n（市商务局牵头）\n"
    )
    assert plan.task("一", "（一）").shared == ("市商务局", "市市场监管局")
    assert plan.task("一", "（二）").lead == ("市财政局",)
    assert plan.task("一", "（三）").text == "内容。"


def test_numbering_written_as_single_characters_and_dash_variants_is_read():
    plan = parse_plan(
        "一、任务\n⑴强化意识。内容。\n⑵抢抓机遇。内容。\n──加强招商。内容。\n二、其他\n"
    )
    assert [t.path for t in plan.tasks] == [
        ("一",),
        ("一", "（1）"),
        ("一", "（2）"),
        ("一", "（2）", "——"),
        ("二",),
    ]


def test_yi_shi_items_on_their_own_lines_take_their_units():
    plan = parse_plan(
        "一、任务\n（一）招商\n一是精准招商。内容。（市投资促进局牵头）\n"
        "二是以商招商。内容。（市商务局负责）\n"
    )
    assert [(t.label, t.lead) for t in plan.children("一", "（一）")] == [
        ("一是", ("市投资促进局",)),
        ("二是", ("市商务局",)),
    ]


def test_a_document_citation_at_the_end_of_a_task_is_not_a_unit_list():
    plan = parse_plan(
        "一、任务\n（一）落实政策。按照国务院要求推进。（国发〔2017〕5号）\n"
        "（二）扩大开放。内容。（国发〔2017〕5号，市商务局牵头）\n"
    )
    first, second = plan.children("一")
    assert first.units == ()
    assert first.text == "按照国务院要求推进。（国发〔2017〕5号）"
    assert second.lead == ("市商务局",)
    assert plan.warnings == []


def test_the_document_number_is_the_line_that_holds_only_a_number():
    plan = parse_plan(
        "关于印发方案的通知\n依据《实施意见》（国发〔2017〕5号），制定本方案。\n"
        "某商发〔2023〕9号\n某市工作方案\n一、任务\n"
    )
    assert plan.document_number == "某商发〔2023〕9号"
    assert (
        parse_plan("依据（国发〔2017〕5号）制定。\n某市工作方案\n一、任务\n").document_number == ""
    )


# --------------------------------------------------------------------------- goals and quotas


def test_quotas_are_read_in_every_common_wording_and_thresholds_are_not():
    task = only_task(
        "一、任务\n（一）招商。各县区年内至少开展2次推介活动。每年新引进外资项目不低于3个。"
        "到位率达到90%。实际利用外资超过1.5亿美元。举办5场以上推介会。"
        "力争引进到位资金22亿元，引进工业项目到位资金14亿元。"
        "对1500万美元以上的项目实行跟踪服务。最高奖励1000万元。（市商务局牵头）\n"
    )
    assert [(r.quantity, r.unit, r.comparator, r.applies_to) for r in task.requirements] == [
        (2, "次", "至少", "各县区"),
        (3, "个", "不低于", ""),
        (90, "%", "达到", ""),
        (Decimal("1.5"), "亿美元", "超过", ""),
        (5, "场", "以上", ""),
        # 力争 reaches every number after it in the sentence
        (22, "亿元", "力争", ""),
        (14, "亿元", "力争", ""),
    ]


def test_goals_are_read_in_every_common_wording_with_their_qualifier():
    plan = parse_plan(
        "一、工作目标\n实际利用外资不低于5000万美元；新设外资企业至少10个；"
        "外资项目到位率达到30%以上；力争实际利用外资超过1亿美元；确保外贸进出口总额达到20亿元。\n"
        "二、任务\n"
    )
    assert [(g.metric, g.target_value, g.unit, g.qualifier) for g in plan.goals] == [
        ("实际利用外资", Decimal("5000"), "万美元", "不低于"),
        ("新设外资企业", Decimal("10"), "个", "至少"),
        ("外资项目到位率", Decimal("30"), "%", "达到"),
        ("实际利用外资", Decimal("1"), "亿美元", "超过"),
        ("外贸进出口总额", Decimal("20"), "亿元", "达到"),
    ]


def test_a_goals_item_below_a_section_is_read_and_a_year_is_not_a_goal():
    plan = parse_plan(
        "一、总体要求\n（一）指导思想。坚持开放。\n"
        "（二）发展目标。到2025年，培育形成2个千亿级产业集群和6个五百亿级产业集群，"
        "平均生存周期达到5年。\n二、主要任务\n"
    )
    assert [(g.metric, g.target_value, g.unit) for g in plan.goals] == [
        ("培育形成千亿级产业集群", Decimal("2"), "个"),
        ("五百亿级产业集群", Decimal("6"), "个"),
        ("平均生存周期", Decimal("5"), "年"),
    ]
    assert plan.task("一", "（二）").requirements == ()


def test_an_item_with_its_own_units_inside_the_goals_section_is_a_task_not_a_goal():
    plan = parse_plan(
        "一、主要目标\n利用外资累计超过35亿美元。\n"
        "——建立项目库。三年内储备项目不少于300个。（市商务委牵头）\n"
    )
    assert [(g.metric, g.target_value) for g in plan.goals] == [("利用外资累计", Decimal("35"))]
    task = plan.task("一", "——")
    assert [(r.quantity, r.unit) for r in task.requirements] == [(300, "个")]


# --------------------------------------------------------------------------- periods of quotas


def test_a_number_before_nian_nei_belongs_to_the_period_never_to_the_subject():
    task = only_task(
        "一、任务\n（一）储备。三年内全市共储备项目不少于300个。全市两年内引进项目不少于20个。"
        "1年内各县区举办推介会不少于2场。五年内累计引进外资项目不少于100个。"
        "6个月内完成不少于3次对接。未来三年内各开发区引进项目不少于10个。（市商务局牵头）\n"
    )
    assert [(r.quantity, r.period, r.applies_to) for r in task.requirements] == [
        (300, "三年内", "全市"),  # the subject after the period, up to the total 共
        (20, "两年内", "全市"),  # the subject before the period
        (2, "1年内", "各县区"),  # after the period, up to the verb 举办
        (100, "五年内", ""),  # 累计 starts the predicate: no subject
        (3, "6个月内", ""),
        (10, "未来三年内", "各开发区"),
    ]


def test_five_year_plans_dates_and_every_n_years_are_periods():
    task = only_task(
        "一、任务\n（一）招商。“十四五”期间全市新引进外资项目不少于50个。"
        "2023年底前各县区开展不少于2次推介活动。每两年举办不少于1次投资峰会。"
        "2021—2023年全市共引进项目不少于30个。三年行动期间全市储备项目不少于100个。（市商务局牵头）\n"
    )
    assert [(r.quantity, r.period, r.applies_to) for r in task.requirements] == [
        (50, "“十四五”期间", "全市"),  # 新 before the verb is not part of the subject
        (2, "2023年底前", "各县区"),
        (1, "每两年", ""),
        (30, "2021—2023年", "全市"),
        (100, "三年行动期间", "全市"),  # no verb known: only the leading 全市
    ]


# --------------------------------------------------------------------------- —— bullets


def test_dash_bullets_keep_their_mark_and_get_no_invented_number():
    plan = parse_plan(
        "一、主要目标\n利用外资累计超过35亿美元。\n"
        "——建立项目库。内容。（市商务委牵头）\n——促进签约。内容。（市商务委牵头）\n"
    )
    assert [(t.order, t.label, t.path, t.title) for t in plan.tasks] == [
        (1, "一", ("一",), "主要目标"),
        (2, "——", ("一", "——"), "建立项目库"),
        (3, "——", ("一", "——"), "促进签约"),
    ]
    assert [t.title for t in plan.children("一")] == ["建立项目库", "促进签约"]


def test_a_standing_clause_in_a_dash_bullet_reaches_the_later_bullets_only():
    plan = parse_plan(
        "一、任务\n——甲项。内容。（市商务局牵头）\n"
        "——乙项。内容。（市商务局牵头，以下各项任务均需各县区政府落实）\n"
        "——丙项。内容。（市财政局牵头）\n"
        "二、保障\n——丁项。内容。（市商务局牵头）\n"
    )
    assert [(t.title, t.lead, t.shared) for t in plan.tasks] == [
        ("任务", (), ()),
        ("甲项", ("市商务局",), ()),
        ("乙项", ("市商务局",), (XQZF,)),
        ("丙项", ("市财政局",), (XQZF,)),
        ("保障", (), ()),
        ("丁项", ("市商务局",), ()),
    ]


# --------------------------------------------------------------------------- prose sections


def test_prose_sections_before_the_tasks_are_not_tasks():
    plan = parse_plan(
        "一、总体要求\n坚持开放，优化服务。\n二、基本原则\n市场主导，政府引导。\n"
        "三、主要任务\n（一）招商。内容。（市商务局牵头）\n四、工作要求\n各单位要抓好落实。\n"
    )
    # 三 is the first section with items; 四 comes after the tasks and stays
    assert [(t.order, t.path, t.title) for t in plan.tasks] == [
        (1, ("三",), "主要任务"),
        (2, ("三", "（一）"), "招商"),
        (3, ("四",), "工作要求"),
    ]


def test_a_goals_section_and_a_prose_section_with_a_quota_stay():
    plan = parse_plan(
        "一、指导思想\n坚持开放。\n二、工作目标\n实际利用外资不低于5000万美元。\n"
        "三、总体要求\n全市每年举办不少于2场推介会。\n"
        "四、主要任务\n（一）招商。内容。（市商务局牵头）\n"
    )
    assert [t.path for t in plan.tasks] == [("二",), ("三",), ("四",), ("四", "（一）")]
    assert [(g.metric, g.target_value) for g in plan.goals] == [("实际利用外资", Decimal("5000"))]
    assert [(r.quantity, r.period, r.applies_to) for r in plan.task("三").requirements] == [
        (2, "每年", "全市")
    ]


def test_a_prose_section_before_top_level_tasks_with_units_is_not_a_task():
    plan = parse_plan(
        "一、指导思想\n坚持开放。\n二、加强招商。内容。（市商务局牵头）\n"
        "三、优化服务。内容。（市财政局牵头）\n"
    )
    assert [(t.order, t.path, t.lead) for t in plan.tasks] == [
        (1, ("二",), ("市商务局",)),
        (2, ("三",), ("市财政局",)),
    ]


def test_top_level_items_without_items_under_them_are_the_tasks():
    plan = parse_plan("某县工作方案\n（1）强化意识。各县区要重视。\n（2）优化环境。内容。\n")
    assert [t.path for t in plan.tasks] == [("（1）",), ("（2）",)]


def test_the_rule_for_who_leads_in_a_dropped_prose_section_still_reaches_the_tasks():
    plan = parse_plan(
        "一、总体要求。责任分解中，列第一位的责任单位为牵头单位。\n"
        "二、主要任务\n（一）招商。内容。（市商务局、市财政局）\n"
    )
    assert [t.path for t in plan.tasks] == [("二",), ("二", "（一）")]
    task = plan.task("二", "（一）")
    assert (task.lead, task.support) == (("市商务局",), ("市财政局",))
    assert task.lead_rule == "责任分解中，列第一位的责任单位为牵头单位"
