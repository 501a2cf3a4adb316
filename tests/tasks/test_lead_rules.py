"""Who leads: the document's own rule, role phrases, one unit alone, and text that cannot be read.

Six real documents of other cities and layouts (tests/tasks/documents/, sources in its README
and in each file's first line) are compared task by task with tables worked out by hand; the
rules themselves are pinned with short strings in wordings the documents do not use.
"""

from __future__ import annotations

from pathlib import Path

from tasks.plan_text import ParsedPlan, parse_plan
from tests.tasks.test_plan_text import Row, codes, only_task, rows

DOCUMENTS = Path(__file__).parent / "documents"


def read(name: str) -> ParsedPlan:
    """The stored copy without its first line, which names the source (「# 来源: …」)."""
    lines = (DOCUMENTS / name).read_text(encoding="utf-8").split("\n")
    assert lines[0].startswith("# 来源: http")
    return parse_plan("\n".join(lines[1:]))


def warned(plan: ParsedPlan) -> list[tuple[int, str]]:
    """(line, code) of every warning; lines count from the stored copy's second line."""
    return [(w.line, w.code) for w in plan.warnings]


# --------------------------------------------------------------------------- 湖州 2020

HUZHOU: list[Row] = [
    (("一",), "王纲市长主抓重点工作", (), (), ()),
    # 「责任单位:市经信局、…、市税务局(列第一位者为工作牵头单位或汇总单位,下同)」
    (
        ("一", "1."),
        "坚定不移支持企业发展",
        ("市经信局",),
        ("市财政局", "市发展改革委", "市人力社保局", "市金融办", "市税务局"),
        (),
    ),
    # the copy breaks off inside the title: 「2.开展项目“双进双产」
    (("一", "2."), "开展项目“双进双产", (), (), ()),
]


def test_huzhou_leads_by_its_rule_that_the_first_responsible_unit_leads():
    plan = read("huzhou_2020_zhongdian_gongzuo_zeren_fenjie.txt")
    assert rows(plan) == HUZHOU
    task = plan.task("一", "1.")
    assert task.lead_rule == "列第一位者为工作牵头单位或汇总单位，下同"
    assert task.lead_rule_line == 12
    assert task.notes == ()  # the rule is not a note on 市税务局
    assert plan.issuing_units == ["湖州市人民政府办公室"]
    assert warned(plan) == [(13, "cut_off")]


# --------------------------------------------------------------------------- 湘西 2020 (繁体)

XIANGXI: list[Row] = [
    (("一",), "进一步提升政务服务效能", (), (), ()),
    # (牽頭單位:州行政審批服務局;責任單位:州司法局、州委編辦及州直相關單位,各縣市人民政府、
    #  湘西經開區管委會,6月底完成)
    (
        ("一", "1."),
        "加大简政放权力度",
        ("州行政审批服务局",),
        ("州司法局", "州委编办", "州直相关单位", "各县市人民政府", "湘西经开区管委会"),
        (),
    ),
    # the copy breaks off inside a gloss: 「全面落实“三进”(人进、权进、事」
    (("一", "2."), "推动政务服务导则落实", (), (), ()),
]


def test_xiangxi_reads_a_prefecture_prefix_and_a_deadline_without_its_label():
    plan = read("xiangxi_2020_fangguanfu_gongzuo_jihua.txt")
    assert rows(plan) == XIANGXI
    # 「6月底完成」 in the unit list is the deadline, never a unit
    assert plan.task("一", "1.").deadline == "6月底完成"
    # the copy's pinyin glosses (「州政發(fā)」) are removed, and said so
    assert plan.document_number == "州政发〔2020〕5号"
    assert plan.title == "湘西自治州2020年深化“放管服”改革优化营商环境工作计划"
    assert warned(plan) == [
        (1, "traditional_script"),
        (1, "pinyin_gloss"),
        (10, "unclosed_bracket"),
    ]


# --------------------------------------------------------------------------- 立山区 2023

LISHAN: list[Row] = [
    (("一",), "经济社会发展的主要预期目标", (), (), ()),
    (
        ("一", "1."),
        "努力实现地区生产总值增长6.2%左右",
        ("区发改局",),
        ("立山经济开发区", "全区经济运行各专班"),
        (),
    ),
    (("一", "2."), "规模上工业增加值增长5%左右", ("区工信局",), ("立山经济开发区",), ()),
    (
        ("一", "3."),
        "固定资产投资增长15%左右",
        ("区发改局",),
        ("立山经济开发区", "各街道", "区直各部门"),
        (),
    ),
    (("一", "4."), "社会消费品零售总额增长9%左右", ("区商务局",), ("各街道", "区市场局"), ()),
    (
        ("一", "5."),
        "一般公共预算收入增长8%左右",
        ("区财政局",),
        ("立山经济开发区", "各街道", "区税务局"),
        (),
    ),
    (("一", "6."), "居民收入增长与经济增长基本同步", ("区发改局",), ("各街道", "各相关单位"), ()),
    (("一", "7."), "其他主要经济指标不低于全市平均水平", (), (), ()),
]


def test_lishan_keeps_a_lead_line_written_alike_in_three_tasks():
    """「牵头单位:区发改局」 stands in three tasks: content, not a running page header."""
    plan = read("lishan_2023_zhongdian_gongzuo_fengong_fangan.txt")
    assert rows(plan) == LISHAN
    assert plan.document_number == "鞍立政发〔2023〕2号"
    assert plan.warnings == []


# --------------------------------------------------------------------------- 东莞 2021 (繁体)

DONGGUAN: list[Row] = [
    (("一",), "减负稳岗留工并举,深层次优化用工生态", (), (), ()),
    (("一", "（一）"), "减轻企业负担,稳定就业岗位", (), (), ()),
    # (市人力資源社會保障局、市醫保局、市財政局、市稅務局負責): several 负责 and no rule: shared
    (
        ("一", "（一）", "1."),
        "按照国家统一部署,平稳有序实施企业职工基本养老保险缴费比例、缴费基数统一政策,"
        "保持企业社会保险缴费成本预期稳定",
        (),
        (),
        ("市人力资源社会保障局", "市医保局", "市财政局", "市税务局"),
    ),
    (
        ("一", "（一）", "2."),
        "继续按不高于2017年征收标准征收残疾人就业保障金",
        (),
        (),
        ("市残联", "市财政局", "市税务局"),
    ),
    (("一", "（一）", "3."), "继续实施失业保险稳岗返还政策", (), (), ()),
]


def test_dongguan_without_a_rule_lets_several_responsible_units_share():
    plan = read("dongguan_2021_wending_jiuye_shishi_yijian.txt")
    assert rows(plan) == DONGGUAN
    assert all(task.lead_rule == "" for task in plan.tasks)
    # the copy breaks off in item 3: 「…對中小微企業按企業及其職」
    assert warned(plan) == [(1, "traditional_script"), (9, "cut_off")]


# --------------------------------------------------------------------------- 菏泽 2023

# The notice's 一、二、 are prose before the table, with no units and no items: not tasks.
HEZE: list[Row] = [
    (("三",), "加强督导,健全推进机制", (), (), ()),
    (
        ("三", "1."),
        "菏泽市深化新旧动能转换建设绿色低碳高质量发展先行区实现重大突破,"
        "形成一批可复制可推广的成功经验",
        (),
        (),
        (),
    ),
]


def test_heze_never_makes_a_unit_of_a_name_cut_off_by_the_page():
    """「(牵头单位:市发」: the copy stops inside the name; 「市发」 is warned, not stored."""
    plan = read("heze_2023_xinjiu_dongneng_fengong_fangan.txt")
    assert rows(plan) == HEZE
    assert warned(plan) == [(7, "unclosed_bracket"), (7, "unreadable_unit")]
    assert plan.warnings[1].fragment == "市发"


# --------------------------------------------------------------------------- 广东 2023 (garbled)

GUANGDONG: list[Row] = [
    (("一",), "施展重大项目牵引和政府投资撬动作用", (), (), ()),
    (("一", "（一）"), "支持民间投资介入重大工程项目建设", (), (), ()),
    # (省生长改造委牵头卖力): 牵头 is read, 卖力 warned
    (
        ("一", "（一）", "1."),
        "聚焦国家“十四五”计划102项重大工程、国家重大战略以及省委、省政府明确的重点建设义务,"
        "依托省投资项目在线审批羁系平台(以下简称在线平台),梳理筛选具备一定收益水平、"
        "条件相对成熟的项目,常态化向民间资源举行推介,多种方式吸引民间资源介入",
        ("省生长改造委",),
        (),
        (),
    ),
    # (…、能源局等省有关部门和各地级以上市人民政府按职责分工卖力): shared by duty
    (
        ("一", "（一）", "2."),
        "对具有稳固收益、可获得较好预期投资回报的交通及相关站场服务设施、水利、都会基础设施、"
        "节能降碳等领域重点项目,原则上推行市场化运作,激励支持民间资源介入",
        (),
        (),
        (
            "省生长改造委",
            "交通运输厅",
            "水利厅",
            "住房城乡建设厅",
            "能源局",
            "省有关部门",
            "各地级以上市人民政府",
        ),
    ),
    (
        ("一", "（一）", "3."),
        "增强交通、水利等项目招投标行为羁系,依法必须招标的项目不得违法限制投标人所有制形式,"
        "不得违法设定与招标采购项",
        (),
        (),
        (),
    ),
]


def test_guangdong_reads_the_role_words_a_garbled_copy_left_and_warns_the_rest():
    plan = read("guangdong_2023_minjian_touzi_shixing_fangan.txt")
    assert rows(plan) == GUANGDONG
    assert warned(plan) == [(35, "unknown_role"), (37, "unknown_role"), (39, "cut_off")]
    assert "“卖力”无法识别，已按“牵头”读取" in plan.warnings[0].message


# --------------------------------------------------------------------------- the rules


def test_a_first_listed_rule_with_xiatong_reaches_later_tasks_until_another_rule():
    plan = parse_plan(
        "一、任务\n"
        "1.甲。内容。\n责任单位：市商务局、市财政局（排在首位的为牵头部门，下同）\n"
        "2.乙。内容。\n责任单位：市发展改革委、市统计局、各县区政府\n"
        "3.丙。内容。（市人社局、市农业农村局。排名不分先后，下同）\n"
        "4.丁。内容。（市自然资源局、市住建局）\n"
    )
    first, second, third, fourth = plan.children("一")
    assert (first.lead, first.support) == (("市商务局",), ("市财政局",))
    assert (second.lead, second.support) == (("市发展改革委",), ("市统计局", "各县区政府"))
    assert second.lead_rule == "排在首位的为牵头部门，下同"
    assert second.lead_rule_line == 3
    # 「排名不分先后」 replaces the rule: listed units share, warned as without a role
    assert (third.lead, third.shared) == ((), ("市人社局", "市农业农村局"))
    assert (fourth.lead, fourth.shared) == ((), ("市自然资源局", "市住建局"))
    assert codes(plan) == ["unknown_role", "unknown_role"]


def test_a_rule_without_xiatong_reaches_only_its_own_task():
    plan = parse_plan(
        "一、任务\n"
        "1.甲。内容。（市商务局、市财政局，第一个单位为牵头单位）\n"
        "2.乙。内容。（市发展改革委、市统计局）\n"
    )
    first, second = plan.children("一")
    assert first.lead == ("市商务局",)
    assert (second.lead, second.shared) == ((), ("市发展改革委", "市统计局"))


def test_a_rule_stated_before_the_tasks_reaches_all_of_them():
    plan = parse_plan(
        "关于印发重点工作责任分解的通知\n"
        "责任分解中，牵头单位为列在首位的责任单位。\n"
        "一、任务\n"
        "1.甲。内容。（市商务局、市财政局负责）\n"
        "2.乙。内容。\n责任单位：市发展改革委、市统计局\n"
    )
    first, second = plan.children("一")
    assert (first.lead, first.support) == (("市商务局",), ("市财政局",))
    assert (second.lead, second.support) == (("市发展改革委",), ("市统计局",))
    assert first.lead_rule == "责任分解中，牵头单位为列在首位的责任单位"


def test_units_marked_fenbie_qiantou_lead_their_parts_whatever_the_rule():
    """「除标注“分别牵头”外，列第一位为牵头或汇总单位，下同」: a task that says its roles keeps
    them; 分别/共同 never stay glued to a name."""
    plan = parse_plan(
        "一、任务\n"
        "1.甲。内容。（市商务局、市财政局。除标注“分别牵头”外，列第一位为牵头或汇总单位，下同）\n"
        "2.乙。内容。（市人力社保局、市农业农村局分别牵头）\n"
        "3.丙。内容。（市文旅局与市体育局共同牵头，各县区政府按职责分工负责）\n"
        "4.丁。内容。（市卫健委、市医保局各自负责）\n"
    )
    first, second, third, fourth = plan.children("一")
    assert (first.lead, first.support) == (("市商务局",), ("市财政局",))
    assert second.lead == ("市人力社保局", "市农业农村局")
    assert second.lead_rule == ""  # the task said it itself
    assert (third.lead, third.shared) == (("市文旅局", "市体育局"), ("各县区政府",))
    assert (fourth.lead, fourth.shared) == ((), ("市卫健委", "市医保局"))
    assert plan.warnings == []


def test_one_responsible_unit_alone_leads_unless_its_task_says_otherwise():
    plan = parse_plan(
        "一、任务\n"
        "1.甲。内容。\n责任部门：市商务局\n"
        "2.乙。内容。（市财政局）\n"
        "3.丙。内容。（市统计局按职责分工负责）\n"
        "4.丁。内容。（市税务局配合）\n"
    )
    first, second, third, fourth = plan.children("一")
    assert first.lead == ("市商务局",)
    assert second.lead == ("市财政局",)
    assert (third.lead, third.shared) == ((), ("市统计局",))
    assert (fourth.lead, fourth.support) == ((), ("市税务局",))
    assert plan.warnings == []


def test_a_unit_cut_off_at_the_end_is_warned_at_its_line_and_not_stored():
    plan = parse_plan("一、任务\n1.甲。内容。\n2.乙。内容。\n责任单位：市")
    assert plan.task("一", "2.").units == ()
    assert [(w.line, w.code, w.fragment) for w in plan.warnings] == [(4, "unreadable_unit", "市")]


def test_a_truncated_name_without_a_unit_ending_is_not_a_unit():
    plan = parse_plan("一、任务\n1.甲。内容。（牵头单位：市商务局、市发展改")
    assert plan.task("一", "1.").lead == ("市商务局",)
    assert [(w.code, w.fragment) for w in plan.warnings] == [
        ("unclosed_bracket", "（牵头单位：市商务局、市发展改"),
        ("unreadable_unit", "市发展改"),
    ]


def test_unit_brackets_after_each_sentence_are_read_when_the_last_is_unclosed():
    task = only_task(
        "一、任务\n1.甲。第一句。（市商务局、市财政局）第二句。（市统计局）第三句。（市税务"
    )
    assert task.shared == ("市商务局", "市财政局", "市统计局")
    assert "第一句。第二句。第三句" in f"{task.title}。{task.text}"


def test_a_dropped_bracket_of_unit_names_is_warned():
    plan = parse_plan("一、任务\n1.甲。推进工作（市商务局、市财政局）\n并加强督促。")
    assert plan.task("一", "1.").units == ()
    assert [(w.line, w.code) for w in plan.warnings] == [(2, "dropped_bracket")]


def test_a_garbled_label_continuing_the_numbering_keeps_its_task():
    plan = parse_plan(
        "一、任务\n"
        "1.甲。内容。（市商务局牵头）\n"
        "2)乙。内容。（市财政局牵头）\n"
        "3.丙。内容。（市统计局牵头）\n"
    )
    assert [t.label for t in plan.children("一")] == ["1.", "2.", "3."]
    assert plan.task("一", "2.").lead == ("市财政局",)
    assert [(w.line, w.code) for w in plan.warnings] == [(3, "garbled_label")]


def test_a_number_inside_a_sentence_is_not_a_garbled_label():
    plan = parse_plan("一、任务\n1.甲。全年举办活动\n2场，每场不少于50家企业参加。")
    assert [t.label for t in plan.children("一")] == ["1."]
    assert plan.warnings == []


def test_a_rule_with_its_condition_and_its_tail_names_no_unit():
    plan = parse_plan(
        "一、任务\n"
        "1.甲。内容。（市商务局、市财政局；涉及多个单位的，第一个为牵头单位，其余为配合单位）\n"
        "2.乙。内容。（责任单位排在第一位的为牵头单位，其余为配合单位，下同）\n"
        "3.丙。内容。（市发展改革委、市统计局）\n"
    )
    first, second, third = plan.children("一")
    assert (first.lead, first.support) == (("市商务局",), ("市财政局",))
    assert first.lead_rule == "涉及多个单位的，第一个为牵头单位，其余为配合单位"
    assert second.units == ()
    assert (third.lead, third.support) == (("市发展改革委",), ("市统计局",))
    assert plan.warnings == []


def test_the_unit_before_huitong_leads_and_those_after_it_support():
    task = only_task("一、任务\n1.甲。内容。（市商务局会同市财政局、市统计局负责）\n")
    assert (task.lead, task.support) == (("市商务局",), ("市财政局", "市统计局"))
