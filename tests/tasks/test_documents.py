"""Eight real policy documents of different styles (tests/tasks/documents/, sources in its
README): every task with its units, goals and quotas, worked out by hand from the texts.

Units are written names in Simplified form (the parser is run without a registry); the
Traditional documents are converted.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from fdi_portal.models import City
from tasks.models import Assignment
from tasks.plan_text import ParsedPlan, parse_plan
from tasks.services import import_plan
from tests.tasks.test_plan_text import Row, codes, rows

DOCUMENTS = Path(__file__).parent / "documents"


def read(name: str) -> ParsedPlan:
    return parse_plan((DOCUMENTS / name).read_text(encoding="utf-8"))


def goals(plan: ParsedPlan) -> list[tuple[str, Decimal | None, str]]:
    return [(g.metric, g.target_value, g.unit) for g in plan.goals]


def quotas(plan: ParsedPlan) -> list[tuple[tuple[str, ...], int | Decimal, str, str]]:
    return [
        (task.path, r.quantity, r.unit, r.comparator)
        for task in plan.tasks
        for r in task.requirements
    ]


# --------------------------------------------------------------------------- 咸阳 2022 (繁体)

XIANYANG: list[Row] = [
    (("一",), "坚持系统集成,推动审批全链条最佳化", (), (), ()),
    (
        ("一", "1."),
        "全面实施行政许可事项清单管理",
        ("市政府办公室", "市行政审批制度改革工作领导小组办公室"),
        (),
        ("市级各有关部门", "各县市区政府"),
    ),
    # the stored copy breaks off inside this task's bracket: 「(市政府辦公室、市」
    (("一", "2."), "持续深化相对集中行政许可权改革", (), (), ()),
]


def test_xianyang_in_traditional_script_has_its_units_in_simplified_form():
    plan = read("xianyang_2022_gongzuo_yaodian.txt")
    assert rows(plan) == XIANYANG
    assert codes(plan) == ["traditional_script", "unclosed_bracket"]
    assert plan.warnings[1].line == 5
    # 「2022年10月底前編制並公布…」
    assert plan.task("一", "1.").deadline == "2022年10月底前"


# --------------------------------------------------------------------------- 重庆 2024 (繁体)

CHONGQING: list[Row] = [
    (("一",), "总体目标", (), (), ()),
    (("二",), "构建“三型”梯次培育体系", (), (), ()),
    (("二", "（一）"), "激发“生存型”个体工商户创业创新活力", (), (), ()),
    (("二", "（一）", "1."), "构建创业支持服务体系", (), (), ()),
    (("二", "（一）", "2."), "丰富经营场所供给", (), (), ()),
]


def test_chongqing_in_traditional_script_gives_its_six_goals():
    plan = read("chongqing_2024_getihu_shishi_fangan.txt")
    assert rows(plan) == CHONGQING
    assert plan.title == "重庆市构建分型分类精准培育机制促进个体工商户高质量发展实施方案"
    assert plan.issuing_units == ["重庆市人民政府办公厅"]
    # 「活躍度達到70%,平均生存周期達到5年,…占比達到40%,累計新增“個轉企”2萬戶,
    #   帶動就業人數達到580萬人,經營性貸款余額達到3500億元」
    assert goals(plan) == [
        ("活跃度", Decimal("70"), "%"),
        ("平均生存周期", Decimal("5"), "年"),
        ("“四新”经济个体工商户占比", Decimal("40"), "%"),
        ("累计新增“个转企”", Decimal("2"), "万户"),
        ("带动就业人数", Decimal("580"), "万人"),
        ("经营性贷款余额", Decimal("3500"), "亿元"),
    ]
    assert [g.qualifier for g in plan.goals] == ["达到", "达到", "达到", "", "达到", "达到"]
    assert codes(plan) == ["traditional_script"]


# --------------------------------------------------------------------------- 四川 2022

SICHUAN_STANDING = "相关市（州）人民政府"
SICHUAN: list[Row] = [
    (("一",), "深化现代流通市场化改革", (), (), ()),
    (
        ("一", "（一）"),
        "加强市场体系建设",
        (),
        (),
        ("省发展改革委", "省市场监管局", "商务厅", "省大数据中心", SICHUAN_STANDING),
    ),
    # 「具体任务均涉及相关市(州)人民政府,不再做分工,下同」 reaches the later tasks with units
    # 〔责任单位:省市场监管局〕: one 责任单位 alone leads
    (("一", "（二）"), "优化市场准入环境", ("省市场监管局",), (), (SICHUAN_STANDING,)),
    # the copy breaks off before this task's bracket
    (("一", "（三）"), "加强反垄断和反不正当竞争执法", (), (), ()),
]


def test_sichuan_reads_the_nested_bracket_of_its_standing_clause():
    plan = read("sichuan_2022_liutong_shishi_fangan.txt")
    assert rows(plan) == SICHUAN
    assert plan.title == "四川省“十四五”现代流通体系建设实施方案"
    assert plan.issuing_units == ["四川省发展和改革委员会"]
    assert [s.name for s in plan.standing_units] == [SICHUAN_STANDING]
    # the copy breaks off inside item (三), which has no units: said, never silent
    assert [(w.line, w.code) for w in plan.warnings] == [(10, "cut_off")]


# --------------------------------------------------------------------------- 济南 2018

JINAN: list[Row] = [
    (("一",), "扩大利用外资规模", (), (), ()),
    (("一", "1."), "放宽外资产业准入限制", ("市投资促进局",), ("市发改委",), ()),
    # the copy breaks off before the bracket closes: still read, and warned
    (("一", "2."), "加大外资招商奖励力度", ("市投资促进局",), ("市工商局",), ()),
]


def test_jinan_reads_lead_and_responsible_labels_and_keeps_the_gloss_in_the_text():
    plan = read("jinan_2018_ruogan_cuoshi.txt")
    assert rows(plan) == JINAN
    assert plan.title == "济南市打造对外开放新高地构建开放型经济新体制的若干措施"
    assert plan.document_number == "济发〔2018〕45号"
    assert plan.issuing_units == ["中共济南市委", "济南市人民政府"]
    assert "(注册地在我市,含港、澳、台投资设立企业,下同)" in plan.task("一", "1.").text
    assert [(w.line, w.code) for w in plan.warnings] == [(21, "unclosed_bracket")]
    # 「最高奖励1000万元」 and 「按…1%予以奖励」 are rewards, not quotas
    assert quotas(plan) == []


# --------------------------------------------------------------------------- 西宁 2017

XINING: list[Row] = [
    (("一",), "主要工作目标", (), (), ()),
    (("二",), "加快流通业发展的重点工作任务", (), (), ()),
    (("二", "（一）"), "深化流通体制改革", (), (), ()),
    (
        ("二", "（一）", "1."),
        "提高流通管理部门管理效能",
        ("市商务局",),
        ("市编办", "市发改委", "市法制办", "各区县政府"),
        (),
    ),
    (("二", "（一）", "2."), "规范商贸流通市场秩序", (), (), ()),
]


def test_xining_reads_two_labels_without_a_comma_and_its_qualitative_goals():
    plan = read("xining_2017_liutongye_shishi_yijian.txt")
    assert rows(plan) == XINING
    assert plan.title == "加快西宁市流通业发展实施意见"
    # the cited 国发〔2012〕39号 is not the document's number
    assert plan.document_number == ""
    # four sentences, none with a quantity
    assert [g.target_value for g in plan.goals] == [None, None, None, None]
    assert plan.goals[0].text.startswith("到2020年,我市商贸流通业实力显著提升")
    # the copy breaks off in item 2 (「加快建」), which has no units
    assert [(w.line, w.code) for w in plan.warnings] == [(21, "cut_off")]


# --------------------------------------------------------------------------- 开封 2020

KAIFENG: list[Row] = [
    (("一",), "总体要求", (), (), ()),
    (("一", "（一）"), "指导思想", (), (), ()),
    (("一", "（二）"), "发展目标", (), (), ()),
    (("二",), "主要任务", (), (), ()),
]


def test_kaifeng_reads_the_goals_of_its_development_targets_item():
    plan = read("kaifeng_2020_zhizaoye_shishi_fangan.txt")
    assert rows(plan) == KAIFENG
    assert goals(plan) == [
        ("全市制造业增加值占地区生产总值比重", Decimal("35"), "%"),  # 35%左右
        ("规模以上工业企业研究开发与试验发展经费支出占营业收入比重", Decimal("1"), "%"),
        ("单位工业增加值能耗年均下降", Decimal("5"), "%"),
        ("培育形成千亿级产业集群", Decimal("2"), "个"),
        ("五百亿级产业集群", Decimal("6"), "个"),
        ("培育百亿企业", Decimal("8"), "个"),  # 力争培育8—10个: the lower bound
    ]
    assert [g.qualifier for g in plan.goals] == ["左右", "达到", "", "", "", "力争"]
    assert quotas(plan) == []  # the goals item's numbers are goals, not quotas


# --------------------------------------------------------------------------- 苍溪 2022


def test_cangxi_reads_single_character_numbering_and_its_quotas():
    plan = read("cangxi_2022_kaimenhong.txt")
    assert [(t.path, t.title, t.units) for t in plan.tasks] == [
        (("（1）",), "强化招商意识", ()),
        (("（2）",), "抢抓合作机遇", ()),
        (("（3）",), "优化营商环境", ()),
    ]
    assert quotas(plan) == [
        # 「确保项目履约率、开工率、资金到位率分别达到90%、80%、30%以上」
        (("（1）",), 90, "%", "达到"),
        (("（1）",), 80, "%", "确保"),
        (("（1）",), 30, "%", "以上"),
        # 「力争…到位资金22亿元,…14亿元,…15亿元」
        (("（2）",), 22, "亿元", "力争"),
        (("（2）",), 14, "亿元", "力争"),
        (("（2）",), 15, "亿元", "力争"),
        # 「力争一季度一批项目正式投产」 has no number
    ]


# --------------------------------------------------------------------------- 三年行动方案

NESTED_NOTE = "包括各开发区管委会及xx空港委，下同"
SUPPORTERS = ("市发展改革委", "市工业和信息化委", "市科技创新委", "各区政府")
# 一、总体要求 is only prose (no units, no items under it): not a task.  二、主要目标 heads the
# goals and its two —— items, which keep their bullet as written, never a number.
THREE_YEAR: list[Row] = [
    (("二",), "主要目标", (), (), ()),
    (("二", "——"), "建立重点招商项目库", ("市商务委",), SUPPORTERS, ()),
    (("二", "——"), "促进项目签约落地", ("市商务委",), SUPPORTERS, ()),
]


def test_the_three_year_plan_keeps_the_nested_note_with_its_unit():
    plan = read("xianjin_zhizaoye_liyong_waizi_sannian.txt")
    assert rows(plan) == THREE_YEAR
    library, signing = plan.children("二")
    assert library.notes == (("各区政府", NESTED_NOTE),)
    assert signing.notes == ()
    assert plan.document_number == ""  # 国发〔2017〕5号 is cited
    assert goals(plan) == [
        ("制造业利用外资规模保持每年增长", Decimal("20"), "%"),
        ("三年制造业实际利用外资累计", Decimal("35"), "亿美元"),
    ]
    assert quotas(plan) == [
        (("二", "——"), 300, "个", "不少于"),
        (("二", "——"), 200, "个", "不少于"),
        (("二", "——"), 100, "个", "不少于"),
    ]
    assert plan.warnings == []


def test_the_three_year_plan_has_no_invented_labels_and_no_prose_section_as_a_task():
    plan = read("xianjin_zhizaoye_liyong_waizi_sannian.txt")
    assert [(t.order, t.label, t.title) for t in plan.tasks] == [
        (1, "二", "主要目标"),
        (2, "——", "建立重点招商项目库"),
        (3, "——", "促进项目签约落地"),
    ]
    assert "总体要求" not in [t.title for t in plan.tasks]


def test_the_three_year_plans_quotas_count_over_three_years_for_the_whole_city():
    plan = read("xianjin_zhizaoye_liyong_waizi_sannian.txt")
    # 「三年内全市共储备项目不少于300个」, 「三年内全市签约…项目不少于200个,落地项目不少于100个」
    assert [(r.period, r.applies_to, r.quantity) for t in plan.tasks for r in t.requirements] == [
        ("三年内", "全市", 300),
        ("三年内", "全市", 200),
        ("", "", 100),
    ]


@pytest.mark.django_db
def test_the_nested_note_is_stored_on_the_assignment(seed):
    city = City.objects.get(admin_code="450600")
    text = (DOCUMENTS / "xianjin_zhizaoye_liyong_waizi_sannian.txt").read_text(encoding="utf-8")
    result = import_plan(city=city, text=text)
    # order 1 is 二、主要目标, order 2 the first —— item
    unit = Assignment.objects.get(task__plan=result.plan, task__order=2, written_name="各区政府")
    assert (unit.collective, unit.note, unit.role) == ("各区政府", NESTED_NOTE, "support")
    assert unit.task.label == "——"
    # a three-year total is not the year's utilised-FDI target
    assert [g.metric for g in result.plan.goals.order_by("order")] == ["custom", "custom"]


@pytest.mark.parametrize("name", sorted(p.name for p in DOCUMENTS.glob("*.txt")))
def test_every_document_parses_each_numbered_item_once(name):
    plan = read(name)
    assert [t.order for t in plan.tasks] == list(range(1, len(plan.tasks) + 1))
    # —— bullets keep their label as written, so only paths without one are unique
    numbered = [t.path for t in plan.tasks if "——" not in t.path]
    assert len(set(numbered)) == len(numbered)
    # a —— bullet is never numbered (「——1」), and a number is never whom a quota applies to
    assert not [t.label for t in plan.tasks if t.label.startswith("——") and t.label != "——"]
    subjects = [r.applies_to for t in plan.tasks for r in t.requirements]
    assert not [s for s in subjects if re.fullmatch(r"[\d一二两三四五六七八九十百半]+", s)]
