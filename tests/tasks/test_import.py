"""The plan importer (tasks.services.import_plan) and the import_plan / dump_plan commands.

The hand-written task tables of both seed documents live in test_plan_text.py and are reused
here, with the units resolved to the registry's full names.
"""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from fdi_portal.models import Department
from tasks.models import Assignment, Goal, Plan, Task
from tasks.selectors import plan_fixture_json
from tasks.services import import_plan, preview_plan
from tests.tasks.test_plan_text import (
    FANGCHENGGANG,
    FANGCHENGGANG_TABLE,
    WUWEI,
    WUWEI_TABLE,
    XQ,
    XQZF,
)

FCG_TITLE = "2021年防城港市扩大利用外资规模工作方案"
WW_TITLE = "关于促进外资稳存量扩增量提质量的实施方案"

# Written name → the registry's full name, for every department the two documents name.
FCG_FULL = {
    "市发展改革委": "防城港市发展和改革委员会",
    "市商务局": "防城港市商务局",
    "市财政局": "防城港市财政局",
    "市市场监管局": "防城港市市场监督管理局",
    "市税务局": "国家税务总局防城港市税务局",
    "市投资促进局": "防城港市投资促进局",
    "市北部湾办": "防城港市北部湾经济区和东盟开放合作办公室",
    "市科技局": "防城港市科学技术局",
    "市工业和信息化局": "防城港市工业和信息化局",
    "市农业农村局": "防城港市农业农村局",
    "市贸促会": "中国国际贸易促进委员会防城港市委员会",
    "市国资委": "防城港市人民政府国有资产监督管理委员会",
    "市工商联": "防城港市工商业联合会",
    "市司法局": "防城港市司法局",
    "市大数据和行政审批局": "防城港市大数据和行政审批局",
    "市自然资源局": "防城港市自然资源局",
    "市住房城乡建设局": "防城港市住房和城乡建设局",
    "防城海关": "中华人民共和国防城海关",
    "东兴海关": "中华人民共和国东兴海关",
    "峒中海关": "中华人民共和国峒中海关",
    "人民银行防城港中心支行": "中国人民银行防城港市中心支行",
}
WW_FULL = {
    "市发展改革委": "武威市发展和改革委员会",
    "市商务局": "武威市商务局",
    "市市场监管局": "武威市市场监督管理局",
    "市科技局": "武威市科学技术局",
    "市工信局": "武威市工业和信息化局",
    "市税务局": "国家税务总局武威市税务局",
    "武威工业园区管委会": "武威工业园区管理委员会",
    "武威国际陆港管委会": "甘肃（武威）国际陆港管理委员会",
    "市政府国资委": "武威市人民政府国有资产监督管理委员会",
    "市政府金融办": "武威市人民政府金融工作办公室",
    "市财政局": "武威市财政局",
    "市政府外事办": "武威市人民政府外事办公室",
    "市招商局": "武威市招商局",
    "市自然资源局": "武威市自然资源局",
    "市生态环境局": "武威市生态环境局",
    "市人社局": "武威市人力资源和社会保障局",
    "市住建局": "武威市住房和城乡建设局",
    "市教育局": "武威市教育局",
    "国家金融监督管理总局武威监管分局": "国家金融监督管理总局武威监管分局",
}


def resolved_table(table, full):
    """The hand-written table with department names replaced by the registry's full names."""

    def names(units):
        return tuple(full.get(name, name) for name in units)

    return [
        (path, title, names(lead), names(sup), names(sh)) for path, title, lead, sup, sh in table
    ]


def stored_table(plan: Plan):
    """(path, title, lead, support, shared) of every stored task, in document order."""
    tasks = list(plan.tasks.order_by("order").prefetch_related("assignments__department"))
    paths: dict[int, tuple[str, ...]] = {}
    rows = []
    for task in tasks:
        paths[task.pk] = (*paths.get(task.parent_id, ()), task.label)
        units = {"lead": [], "support": [], "shared": []}
        for assignment in task.assignments.all():
            units[assignment.role].append(assignment.unit_name)
        rows.append(
            (paths[task.pk], task.title, *(tuple(units[r]) for r in ("lead", "support", "shared")))
        )
    return rows


def reimport(city, path, title):
    """Import a seed text again, the fixture's own plan renamed out of the way (and out of its
    year: a city has one annual plan per year)."""
    Plan.objects.filter(city=city, title=title).update(title=f"{title}（已载入）", year=None)
    return import_plan(city=city, text=path.read_text(encoding="utf-8")).plan


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("city_code", "path", "title", "fixture"),
    [
        ("450600", FANGCHENGGANG, FCG_TITLE, "fangchenggang_2021.json"),
        ("620600", WUWEI, WW_TITLE, "wuwei_2023.json"),
    ],
)
def test_reimporting_a_seed_text_gives_exactly_its_checked_in_fixture(
    seed, settings, city_code, path, title, fixture
):
    from fdi_portal.models import City

    city = City.objects.get(admin_code=city_code)
    plan = reimport(city, path, title)
    checked_in = (settings.BASE_DIR / "fixtures" / "plans" / fixture).read_text(encoding="utf-8")
    # Every field, goals' qualifiers, units' notes, deadlines and quotas' comparators included:
    # the fixture is what dump_plan prints for the imported text (compared as JSON values:
    # PostgreSQL's jsonb gives a quota's keys back in its own order).
    assert json.loads(plan_fixture_json(plan)) == json.loads(checked_in)


def test_the_seed_fixture_holds_fangchenggangs_hand_written_table(fangchenggang):
    plan = Plan.objects.get(city=fangchenggang, title=FCG_TITLE)
    assert stored_table(plan) == resolved_table(FANGCHENGGANG_TABLE, FCG_FULL)
    assert plan.year == 2021
    assert plan.document_number == ""
    assert list(plan.issuing_units.all()) == []


def test_the_seed_fixture_holds_wuweis_hand_written_table_and_issuing_units(wuwei):
    plan = Plan.objects.get(city=wuwei, title=WW_TITLE)
    assert stored_table(plan) == resolved_table(WUWEI_TABLE, WW_FULL)
    assert plan.document_number == "武商发〔2023〕109号"
    assert str(plan.issued_on) == "2023-10-13"
    assert plan.issuing_units.count() == 15
    # 14 numbered tasks in 6 groups under 二、主要任务
    groups = Task.objects.filter(plan=plan, parent__label="二", parent__parent=None)
    assert groups.count() == 6
    assert Task.objects.filter(plan=plan, parent__in=groups).count() == 14


def test_fangchenggang_has_ten_main_tasks_and_five_safeguard_measures(fangchenggang):
    plan = Plan.objects.get(city=fangchenggang, title=FCG_TITLE)
    assert plan.tasks.filter(parent__label="二", parent__parent=None).count() == 10
    assert plan.tasks.filter(parent__label="三", parent__parent=None).count() == 5


def test_fangchenggang_goals_are_stored_with_metric_codes_and_targets_in_base_units(
    fangchenggang,
):
    goals = list(Goal.objects.filter(plan__city=fangchenggang).order_by("order"))
    assert [(g.metric, g.target_value, g.unit) for g in goals] == [
        ("campaign_new_projects", Decimal("1"), "个"),
        ("campaign_landing_rate", Decimal("20"), "%"),
        ("landed_arrival_share", Decimal("20"), "%"),
        # 7000万美元 = 7000 × 10 000 US dollars
        ("utilised_fdi_usd", Decimal("70000000"), "美元"),
        ("utilised_fdi_growth", Decimal("20"), "%"),
    ]


def test_collective_units_are_stored_whole_and_departments_by_reference(fangchenggang):
    task = Task.objects.get(plan__title=FCG_TITLE, order=3)  # 二（一）
    collective = task.assignments.get(collective=XQ)
    assert collective.department is None
    assert not collective.unresolved
    tax = task.assignments.get(department__name="国家税务总局防城港市税务局")
    assert tax.role == "shared"


def test_the_quota_of_task_four_two_is_stored_with_whom_it_applies_to(fangchenggang):
    task = Task.objects.get(plan__title=FCG_TITLE, order=10)  # 二（四）二是
    assert [(r["quantity"], r["applies_to"]) for r in task.requirements] == [
        (2, "各主管部门"),
        (4, "各县市区"),
    ]


def test_the_wuwei_standing_unit_is_shared_by_every_numbered_task(wuwei):
    numbered = Task.objects.filter(plan__title=WW_TITLE, label__endswith=".")
    assert numbered.count() == 14
    for task in numbered:
        assert task.assignments.filter(collective=XQZF, role="shared").exists(), task


UNKNOWN = """2099年测试方案
一、主要任务
（一）做好服务。加强服务。〔市商务局、市外星办牵头，市科技局配合〕
"""


def test_an_unknown_unit_is_warned_and_stored_as_written_never_guessed(fangchenggang):
    result = import_plan(city=fangchenggang, text=UNKNOWN)
    assert result.unresolved_names == ["市外星办"]
    assert [w.code for w in result.warnings] == ["unknown_unit"]
    unit = Assignment.objects.get(task__plan=result.plan, written_name="市外星办")
    assert (unit.department, unit.collective, unit.unresolved) == (None, "市外星办", True)
    assert unit.role == "lead"


def test_a_correction_maps_an_unknown_unit_to_the_chosen_department(fangchenggang):
    chosen = Department.objects.get(city=fangchenggang, name="防城港市投资促进局")
    result = import_plan(city=fangchenggang, text=UNKNOWN, corrections={"市外星办": chosen})
    assert result.unresolved_names == []
    assert result.warnings == []
    lead = Assignment.objects.filter(task__plan=result.plan, role="lead")
    assert [a.department.name for a in lead] == ["防城港市商务局", "防城港市投资促进局"]


DASHES = """2099年测试方案
一、主要任务
——建立项目库。内容。
（1）储备。内容。（市商务局牵头）
——促进签约。内容。
（1）签约。内容。（市财政局牵头）
"""


def test_dash_bullets_are_stored_with_their_mark_and_each_keeps_its_own_items(fangchenggang):
    plan = import_plan(city=fangchenggang, text=DASHES).plan
    stored = [
        (t.order, t.label, t.title, t.parent.title if t.parent else "")
        for t in plan.tasks.select_related("parent").order_by("order")
    ]
    assert stored == [
        (1, "一", "主要任务", ""),
        (2, "——", "建立项目库", "主要任务"),
        (3, "（1）", "储备", "建立项目库"),
        (4, "——", "促进签约", "主要任务"),
        (5, "（1）", "签约", "促进签约"),
    ]


def test_a_dry_run_stores_nothing(fangchenggang):
    before = (Plan.objects.count(), Task.objects.count(), Assignment.objects.count())
    result = import_plan(city=fangchenggang, text=UNKNOWN, dry_run=True)
    assert result.plan is None
    assert [t.parsed.title for t in result.tasks] == ["主要任务", "做好服务"]
    assert (Plan.objects.count(), Task.objects.count(), Assignment.objects.count()) == before


def test_a_second_plan_of_the_same_title_is_refused_and_nothing_changes(fangchenggang):
    before = Task.objects.count()
    with pytest.raises(ValidationError):
        import_plan(city=fangchenggang, text=FANGCHENGGANG.read_text(encoding="utf-8"))
    assert Task.objects.count() == before


def test_a_text_without_numbered_items_is_refused(fangchenggang):
    with pytest.raises(ValidationError):
        import_plan(city=fangchenggang, text="只是一段话，没有编号。", title="空方案")
    assert not Plan.objects.filter(title="空方案").exists()


def test_the_preview_resolves_the_seed_units_in_one_query(fangchenggang, django_assert_num_queries):
    text = FANGCHENGGANG.read_text(encoding="utf-8")
    with django_assert_num_queries(1):
        preview = preview_plan(city=fangchenggang, text=text, title="预览")
    assert preview.unresolved_names == []


# --------------------------------------------------------------------------- commands


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_plan", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_json_output_without_a_city_has_normalised_written_names():
    data = json.loads(run(str(FANGCHENGGANG), "--format", "json"))
    assert set(data) == {"tasks", "goals", "warnings"}
    task = next(t for t in data["tasks"] if t["path"] == ["二", "（四）", "二是"])
    assert task["label"] == "二是"
    assert task["title"] == "开展产业链精准招商"
    assert task["lead"] == ["市投资促进局", "市商务局", XQ]
    assert task["support"] == ["市发展改革委", "市工业和信息化局", "市农业农村局", "市贸促会"]
    assert task["shared"] == []
    assert [r["quantity"] for r in task["requirements"]] == [2, 4]
    assert data["goals"][3]["target_value"] == "7000"
    assert [w["code"] for w in data["warnings"]] == ["missing_label"]


@pytest.mark.django_db
def test_the_json_output_with_a_city_has_the_registrys_full_names_and_stores_nothing(seed):
    before = Plan.objects.count()
    data = json.loads(
        run(str(WUWEI), "--city", "620600", "--title", "另一份", "--dry-run", "--format", "json")
    )
    task = next(t for t in data["tasks"] if t["path"] == ["二", "（二）", "7."])
    assert task["lead"] == ["武威市人民政府外事办公室"]
    assert task["shared"] == [XQZF]
    assert data["warnings"] == []
    assert Plan.objects.count() == before


@pytest.mark.django_db
def test_the_command_stores_the_plan_under_the_given_title(seed):
    run(str(WUWEI), "--city", "620600", "--title", "武威方案副本")
    # 23 numbered items less 一、总体要求, which is only prose
    assert Plan.objects.get(title="武威方案副本").tasks.count() == 22


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_city_and_a_duplicate_title(seed):
    with pytest.raises(CommandError):
        run(str(WUWEI), "--city", "999999")
    with pytest.raises(CommandError):
        run(str(WUWEI), "--city", "620600")


@pytest.mark.django_db
def test_dump_plan_prints_the_checked_in_fixture(seed, settings):
    out = StringIO()
    call_command("dump_plan", "620600", WW_TITLE, stdout=out)
    checked_in = settings.BASE_DIR / "fixtures" / "plans" / "wuwei_2023.json"
    assert json.loads(out.getvalue()) == json.loads(checked_in.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- default settings


def checked_in_scheme(settings, name: str) -> list[dict]:
    objects = json.loads((settings.BASE_DIR / "fixtures" / "targets" / name).read_text("utf-8"))
    return next(o for o in objects if o["model"] == "assessments.scoringscheme")["fields"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("city_code", "path", "title", "targets"),
    [
        ("450600", FANGCHENGGANG, FCG_TITLE, "fangchenggang_2021.json"),
        ("620600", WUWEI, WW_TITLE, "wuwei_2023.json"),
    ],
)
def test_an_imported_plan_gets_the_seeds_default_schedule_and_scheme_labelled_adjustable(
    seed, settings, city_code, path, title, targets
):
    from assessments.models import ProgressSchedule, ScoringScheme
    from assessments.schemes import parse_scheme
    from fdi_portal.models import City

    plan = reimport(City.objects.get(admin_code=city_code), path, title)
    schedule = ProgressSchedule.objects.get(plan=plan)
    assert (schedule.method, schedule.is_default) == ("months", True)
    assert schedule.label == "默认方案，可调整（序时进度：月数/12）"
    scheme = ScoringScheme.objects.get(plan=plan)
    assert (scheme.label, scheme.is_default) == ("默认方案，可调整", True)
    # 防城港's quota of 4 events a county gives the promotion-events indicator; 武威 has none,
    # so growth weighs 35: each equals the seed's own default scheme
    assert scheme.indicators == checked_in_scheme(settings, targets)["indicators"]
    parse_scheme({"label": scheme.label, "indicators": scheme.indicators})


def test_a_dry_run_creates_no_schedule_or_scheme(fangchenggang):
    from assessments.models import ProgressSchedule, ScoringScheme

    before = (ProgressSchedule.objects.count(), ScoringScheme.objects.count())
    import_plan(city=fangchenggang, text=UNKNOWN, dry_run=True)
    assert (ProgressSchedule.objects.count(), ScoringScheme.objects.count()) == before


@pytest.mark.parametrize(
    ("events_quota", "targets", "growth_weight"),
    [(4, "fangchenggang_2021.json", "20"), (None, "wuwei_2023.json", "35")],
)
def test_the_default_scheme_of_a_new_plan_is_the_seeds_own(
    settings, events_quota, targets, growth_weight
):
    from assessments.schemes import default_scheme

    scheme = default_scheme(events_quota=events_quota)
    seed = checked_in_scheme(settings, targets)
    assert (scheme["label"], scheme["vetoes"]) == ("默认方案，可调整", [])
    assert scheme["indicators"] == seed["indicators"]
    growth = next(i for i in scheme["indicators"] if i["code"] == "growth")
    assert growth["weight"] == growth_weight
    # 30 + 20 + 20 + 15 + 15 with the events quota, 30 + 20 + 35 + 15 without: 100 either way
    assert sum(int(i["weight"]) for i in scheme["indicators"]) == 100


@pytest.mark.django_db
def test_a_second_plan_for_a_year_that_has_one_is_refused(fangchenggang):
    from django.utils import translation

    text = "2021年另一个工作方案\n一、主要任务\n（一）做好服务。（市商务局牵头）\n"
    with translation.override("en"), pytest.raises(ValidationError, match="plan for 2021"):
        import_plan(city=fangchenggang, text=text)
    assert not Plan.objects.filter(title="2021年另一个工作方案").exists()
