"""The project-list import: projects with their investors and stage dates (项目名称 | 地区 |
投资方 | … | 总部类型), previewed then applied all or nothing.

The upload → preview → confirm pages are fdi_portal.import_views, the command import_projects;
both call the preview and apply functions here. The flow's shared parts are fdi_portal.imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fdi_portal.imports import ChangeStatus, Preview, RegionLookup, RegionMessages, name_key
from fdi_portal.lib import spreadsheets
from fdi_portal.lib.money import MAX_WAN, wan_to_base
from fdi_portal.lib.spreadsheets import CellError, Column, DataRow, ErrorCode, Kind, SheetSpec
from fdi_portal.models import Region
from projects.models import Campaign, Industry, Investor, Project, Stage, StageChange
from projects.rules import stage_date_errors
from projects.services import DATE_FIELDS, STAGE_MESSAGES, create_project

#: The project list's headers, in the template's order; 项目名称 and 地区 are required.
PROJECT_HEADERS = (
    "项目名称",
    "地区",
    "投资方",
    "来源地",
    "行业门类",
    "制造业（是/否）",
    "投资方式",
    "招商活动",
    "阶段",
    "签约日期",
    "注册日期",
    "落地日期",
    "合同外资（万美元）",
    "投资总额（万美元）",
    "固定资产投资（万元）",
    "世界500强（是/否）",
    "总部类型",
)

PROJECTS = SheetSpec(
    columns=(
        Column("name", ("项目名称",), Kind.TEXT, max_length=160),
        Column("region", ("地区", "所在地区", "县（市、区）"), Kind.TEXT),
        Column("investor", ("投资方", "外方投资者"), Kind.TEXT, required=False, max_length=120),
        Column("origin", ("来源地", "国别（地区）"), Kind.TEXT, required=False, max_length=40),
        Column("industry", ("行业门类", "行业"), Kind.TEXT, required=False),
        Column("manufacturing", ("制造业（是/否）", "制造业"), Kind.YES_NO, required=False),
        Column("mode", ("投资方式",), Kind.TEXT, required=False),
        Column("campaign", ("招商活动",), Kind.TEXT, required=False),
        Column("stage", ("阶段", "项目阶段"), Kind.TEXT, required=False),
        Column("signed", ("签约日期",), Kind.DATE, required=False),
        Column("registered", ("注册日期",), Kind.DATE, required=False),
        Column("landed", ("落地日期",), Kind.DATE, required=False),
        # Not in the published layout, accepted so that later stages can be imported too.
        Column("construction", ("开工日期",), Kind.DATE, required=False),
        Column("production", ("投产日期",), Kind.DATE, required=False),
        Column("cancelled", ("终止日期",), Kind.DATE, required=False),
        Column("contracted", ("合同外资（万美元）",), Kind.DECIMAL, required=False),
        Column("total", ("投资总额（万美元）",), Kind.DECIMAL, required=False),
        Column("fixed_assets", ("固定资产投资（万元）",), Kind.DECIMAL, required=False),
        Column("fortune", ("世界500强（是/否）", "世界500强"), Kind.YES_NO, required=False),
        Column("headquarters", ("总部类型",), Kind.TEXT, required=False),
    )
)

#: GB/T 4754-2017 section names as the bureaus write them (data, not interface text).
INDUSTRY_NAMES = {
    "农、林、牧、渔业": "A",
    "采矿业": "B",
    "制造业": "C",
    "电力、热力、燃气及水生产和供应业": "D",
    "建筑业": "E",
    "批发和零售业": "F",
    "交通运输、仓储和邮政业": "G",
    "住宿和餐饮业": "H",
    "信息传输、软件和信息技术服务业": "I",
    "金融业": "J",
    "房地产业": "K",
    "租赁和商务服务业": "L",
    "科学研究和技术服务业": "M",
    "水利、环境和公共设施管理业": "N",
    "居民服务、修理和其他服务业": "O",
    "教育": "P",
    "卫生和社会工作": "Q",
    "文化、体育和娱乐业": "R",
    "公共管理、社会保障和社会组织": "S",
    "国际组织": "T",
}
MODE_NAMES = {
    "新设": "greenfield",
    "新设企业": "greenfield",
    "新设立": "greenfield",
    "并购": "merger",
    "跨国并购": "merger",
    "增资": "capital_increase",
    "利润再投资": "reinvestment",
}
STAGE_NAMES = {
    "洽谈": "negotiating",
    "在谈": "negotiating",
    "签约": "signed",
    "已签约": "signed",
    "注册": "registered",
    "已注册": "registered",
    "落地": "landed",
    "已落地": "landed",
    "开工": "construction",
    "在建": "construction",
    "投产": "production",
    "已投产": "production",
    "终止": "cancelled",
    "已终止": "cancelled",
}
HEADQUARTERS_NAMES = {
    "全国总部": "national",
    "中国总部": "national",
    "地区总部": "regional",
    "区域总部": "regional",
    "分支机构": "branch",
    "分公司": "branch",
    "功能性总部": "functional",
    "功能总部": "functional",
}
ORIGIN_KINDS = {
    "香港": "hong_kong",
    "中国香港": "hong_kong",
    "澳门": "macao",
    "中国澳门": "macao",
    "台湾": "taiwan",
    "中国台湾": "taiwan",
}
#: The stage-date columns of the file, by stage code.
DATE_COLUMNS = {
    "signed": "signed",
    "registered": "registered",
    "landed": "landed",
    "construction": "construction",
    "production": "production",
    "cancelled": "cancelled",
}
#: Project fields an import may set, compared to tell a changed project from an unchanged one.
IMPORTED_FIELDS = (
    "region_id",
    "investor_name",
    "industry",
    "mode",
    "campaign_id",
    "stage",
    *DATE_FIELDS.values(),
    "contracted_fdi_usd",
    "total_investment_usd",
    "fixed_asset_investment_cny",
    "headquarters_kind",
)


#: A project lies in a county, district or county-level city the user may change (a park is
#: set on the project's page); a region outside them is "unknown" to the user.
PROJECT_REGIONS = RegionMessages(
    refused=_(
        "「%(name)s」 is a park or zone: write the county, district or county-level city "
        "it lies in (set the park on the project's page)"
    ),
    ambiguous=_("「%(name)s」 names regions of several cities: write its 6-digit code"),
    outside=_("Unknown region 「%(name)s」, or not one whose projects you may change"),
    unknown=_("Unknown region 「%(name)s」, or not one whose projects you may change"),
)


@dataclass(frozen=True)
class ProjectChange:
    """One row of a project-list import: the project as the file leaves it.

    ``values`` holds every :data:`IMPORTED_FIELDS` value after the import, ``old`` the stored
    ones (empty for a new project); ``investor`` the investor's name, origin kind, origin and
    Fortune Global 500 flag (None for what the file leaves as stored)."""

    row: int
    name: str
    city_id: int
    region: Region
    project_id: int | None
    values: dict[str, Any]
    old: dict[str, Any]
    investor: tuple[str, str | None, str | None, bool | None] | None
    investor_old: tuple[str, str, str, bool] | None

    @property
    def changed_fields(self) -> list[str]:
        fields = [f for f in IMPORTED_FIELDS if self.values.get(f) != self.old.get(f)]
        if self.investor and self.investor_old and self._investor_after() != self.investor_old:
            fields.append("investor")
        return fields

    def _investor_after(self) -> tuple[str, str, str, bool]:
        name, kind, origin, fortune = self.investor
        _old_name, old_kind, old_origin, old_fortune = self.investor_old or ("", "", "", False)
        return (
            name,
            old_kind if kind is None else kind,
            old_origin if origin is None else origin,
            old_fortune if fortune is None else fortune,
        )

    @property
    def status(self) -> ChangeStatus:
        if self.project_id is None:
            return "new"
        return "changed" if self.changed_fields else "unchanged"

    @property
    def changed_labels(self) -> list[str]:
        labels = {f.attname: f.verbose_name for f in Project._meta.concrete_fields}
        labels["investor_name"] = labels["investor"] = Project._meta.get_field(
            "investor"
        ).verbose_name
        return [str(labels.get(f, f)) for f in self.changed_fields]

    @property
    def key(self) -> str:
        return repr((self.row, self.name, self.project_id, sorted(self.values.items()), self.old))


def preview_projects_import(
    source: Any, *, regions: QuerySet[Region], max_bytes: int | None
) -> Preview:
    """Validate a project list (see :data:`PROJECT_HEADERS`) and compare every row with the
    project of the same name in the region's city. Only ``regions`` may be named (the user's
    writable regions on the web; all on the command line). An empty optional cell leaves the
    stored value; the stage is validated against the dates the project will have. Amounts in
    万美元 / 万元, stored in USD / CNY. A fixed number of queries however long the file."""
    result = spreadsheets.read_sheet(source, PROJECTS, max_bytes=max_bytes)
    errors = list(result.errors)
    if result.header_row is None:
        return Preview.failed("projects", result.sheet, errors)
    errors += spreadsheets.check_totals(result)
    lookup = RegionLookup(regions, messages=PROJECT_REGIONS)
    city_ids = {r.city_id for r in lookup.regions}
    projects = {
        (p.city_id, name_key(p.name)): p
        for p in Project.objects.filter(city_id__in=city_ids).select_related("investor").order_by()
    }
    investors = {
        (i.city_id, name_key(i.name)): i
        for i in Investor.objects.filter(city_id__in=city_ids).order_by()
    }
    campaigns = {
        (c.city_id, name_key(c.name)): c
        for c in Campaign.objects.filter(city_id__in=city_ids).order_by()
    }
    writable = {r.pk for r in lookup.regions}
    refused_rows = frozenset(e.row for e in result.errors if e.row is not None)
    changes: list[ProjectChange] = []
    for row in result.rows:
        change, row_errors = _project_row(
            result, row, lookup, projects, investors, campaigns, writable, refused_rows
        )
        errors += row_errors
        if change is not None:
            changes.append(change)
    by_row = {c.row: c for c in changes}
    errors += spreadsheets.find_duplicates(
        result,
        lambda row: (by_row[row.row].city_id, name_key(row["name"])) if row.row in by_row else None,
        reason=_("a project appears only once in the list"),
    )
    errors += _investor_conflicts(result, changes)
    if errors:
        return Preview.failed("projects", result.sheet, errors)
    return Preview("projects", result.sheet, tuple(changes))


def _choice(
    result: Any, row: DataRow, key: str, names: dict[str, str], errors: list[CellError]
) -> str | None:
    written = row[key]
    if not written:
        return None
    code = names.get(name_key(written))
    if code is None:
        errors.append(
            result.cell_error(
                row.row,
                key,
                _("「%(written)s」 is not one of: %(choices)s")
                % {"written": written, "choices": "、".join(names)},
            )
        )
    return code


def _industry(result: Any, row: DataRow, errors: list[CellError]) -> str | None:
    written = name_key(row["industry"])
    if not written:
        return None
    letter = written[0].upper()
    if letter in Industry.values and (len(written) == 1 or written[1:] in INDUSTRY_NAMES):
        return letter
    if written in INDUSTRY_NAMES:
        return INDUSTRY_NAMES[written]
    errors.append(
        result.cell_error(
            row.row,
            "industry",
            _(
                "「%(written)s」 is not a section of the national industry classification: write "
                "its letter (A–T) or its name, e.g. C or 制造业"
            )
            % {"written": row["industry"]},
        )
    )
    return None


def _project_row(
    result: Any,
    row: DataRow,
    lookup: RegionLookup,
    projects: dict[tuple[int, str], Project],
    investors: dict[tuple[int, str], Investor],
    campaigns: dict[tuple[int, str], Campaign],
    writable: set[int],
    refused_rows: frozenset[int],
) -> tuple[ProjectChange | None, list[CellError]]:
    errors: list[CellError] = []
    region = None
    if row["region"]:
        region, message = lookup.resolve(row["region"])
        if region is None:
            errors.append(result.cell_error(row.row, "region", message))
    industry = _industry(result, row, errors)
    if row["manufacturing"] is not None:
        if industry is None:
            industry = "C" if row["manufacturing"] else None
        elif (industry == "C") != row["manufacturing"]:
            errors.append(
                result.cell_error(
                    row.row,
                    "manufacturing",
                    _("It contradicts 行业门类 「%(written)s」") % {"written": row["industry"]},
                )
            )
    mode = _choice(result, row, "mode", MODE_NAMES, errors)
    stage = _choice(result, row, "stage", STAGE_NAMES, errors)
    headquarters = _choice(result, row, "headquarters", HEADQUARTERS_NAMES, errors)
    if region is None or row["name"] is None:
        return None, errors
    city_id = region.city_id
    project = projects.get((city_id, name_key(row["name"])))
    if project is not None and project.region_id not in writable:
        errors.append(
            result.cell_error(
                row.row,
                "name",
                _("A project of this name belongs to a region whose projects you may not change"),
            )
        )
        return None, errors
    campaign = None
    if row["campaign"]:
        campaign = campaigns.get((city_id, name_key(row["campaign"])))
        if campaign is None:
            known = "、".join(c.name for (cid, _k), c in campaigns.items() if cid == city_id)
            errors.append(
                result.cell_error(
                    row.row,
                    "campaign",
                    _("Unknown campaign 「%(name)s」; the city's campaigns are: %(known)s")
                    % {"name": row["campaign"], "known": known or "—"},
                )
            )
    old = {f: _stored_value(project, f) for f in IMPORTED_FIELDS} if project else {}
    values = dict(old) or {f: None for f in IMPORTED_FIELDS}
    if not project:
        values.update(industry="", mode=Project.Mode.GREENFIELD, headquarters_kind="")
        values["stage"] = Stage.NEGOTIATING
    values["region_id"] = region.pk
    given = {
        "industry": industry,
        "mode": mode,
        "campaign_id": campaign.pk if campaign else None,
        "headquarters_kind": headquarters,
        "contracted_fdi_usd": row["contracted"],
        "total_investment_usd": row["total"],
        "fixed_asset_investment_cny": row["fixed_assets"],
    }
    for stage_code, column in DATE_COLUMNS.items():
        given[DATE_FIELDS[stage_code]] = row[column]
    for field, value in given.items():
        if value is None:
            continue
        if field in ("contracted_fdi_usd", "total_investment_usd", "fixed_asset_investment_cny"):
            if value >= MAX_WAN:
                errors.append(
                    result.cell_error(
                        row.row,
                        _MONEY_COLUMNS[field],
                        _("This amount is far too large: check the unit and the figure"),
                        code=ErrorCode.OUT_OF_RANGE,
                    )
                )
                continue
            value = wan_to_base(value)
        values[field] = value
    dates = {code: values[field] for code, field in DATE_FIELDS.items()}
    if stage is None and not project:
        dated = [
            code
            for code in ("signed", "registered", "landed", "construction", "production")
            if dates[code]
        ]
        stage = "cancelled" if dates["cancelled"] else (dated[-1] if dated else None)
    if stage is not None:
        values["stage"] = stage
    # A date the reader refused is already reported; its stage cannot be judged.
    refused = row.row in refused_rows
    problems = {} if refused else stage_date_errors(values["stage"], dates)
    if dates["landed"] and not dates["signed"] and not refused:
        problems.setdefault("signed", "missing")
    for code, problem in problems.items():
        column = DATE_COLUMNS[code]
        where = column if column in result.columns else "stage"
        message = str(STAGE_MESSAGES[problem])
        if where == "stage":
            message = _("%(stage)s: %(message)s") % {"stage": Stage(code).label, "message": message}
        errors.append(result.cell_error(row.row, where, message))
    investor = investor_old = None
    if row["investor"]:
        kind = origin = None
        if row["origin"]:
            kind = ORIGIN_KINDS.get(name_key(row["origin"]), Investor.OriginKind.FOREIGN)
            origin = row["origin"]
        investor = (row["investor"], kind, origin, row["fortune"])
        stored = investors.get((city_id, name_key(row["investor"])))
        if stored is not None:
            investor = (stored.name, kind, origin, row["fortune"])
            investor_old = (
                stored.name,
                stored.origin_kind,
                stored.origin,
                stored.fortune_global_500,
            )
        values["investor_name"] = investor[0]
    elif row["origin"] or row["fortune"] is not None:
        column = "origin" if row["origin"] else "fortune"
        errors.append(result.cell_error(row.row, column, _("Fill in 投资方 as well")))
    if errors:
        return None, errors
    change = ProjectChange(
        row=row.row,
        name=project.name if project else row["name"],
        city_id=city_id,
        region=region,
        project_id=project.pk if project else None,
        values=values,
        old=old,
        investor=investor,
        investor_old=investor_old,
    )
    return change, errors


_MONEY_COLUMNS = {
    "contracted_fdi_usd": "contracted",
    "total_investment_usd": "total",
    "fixed_asset_investment_cny": "fixed_assets",
}


def _stored_value(project: Project, field: str) -> Any:
    if field == "investor_name":
        return project.investor.name if project.investor else None
    return getattr(project, field)


def _investor_conflicts(result: Any, changes: list[ProjectChange]) -> list[CellError]:
    """Two rows that describe the same investor differently (origin, Fortune Global 500)."""
    errors: list[CellError] = []
    seen: dict[tuple[int, str], tuple[int, tuple]] = {}
    for change in changes:
        if change.investor is None:
            continue
        key = (change.city_id, name_key(change.investor[0]))
        first_row, first = seen.setdefault(key, (change.row, change.investor))
        for index, column in ((2, "origin"), (3, "fortune")):
            if (
                None not in (first[index], change.investor[index])
                and first[index] != change.investor[index]
            ):
                errors.append(
                    result.cell_error(
                        change.row,
                        column,
                        _("Row %(first)s describes this investor differently")
                        % {"first": first_row},
                    )
                )
    return errors


@transaction.atomic
def apply_projects_import(preview: Preview, *, user: Any, today: dt.date) -> dict[str, int]:
    """Create the new projects of a previewed list and update the changed ones (a stage change
    is logged), creating and updating their investors; or nothing.

    Raises ValidationError when the preview has errors or a stored project changed after the
    preview (preview again)."""
    if not preview.ok:
        raise ValidationError(list(preview.errors))
    pending: list[ProjectChange] = preview.pending
    ids = [c.project_id for c in pending if c.project_id]
    stored = {
        p.pk: p
        for p in Project.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("investor")
    }
    for change in pending:
        project = stored.get(change.project_id) if change.project_id else None
        if change.project_id and (
            project is None or {f: _stored_value(project, f) for f in IMPORTED_FIELDS} != change.old
        ):
            raise ValidationError(
                _(
                    "The stored projects changed after the preview (row %(row)s, %(name)s): "
                    "upload the file again and check the changes."
                )
                % {"row": change.row, "name": change.name}
            )
    investors: dict[tuple[int, str], Investor] = {}
    for change in pending:
        if change.investor is None:
            continue
        name, kind, origin, fortune = change.investor
        key = (change.city_id, name_key(name))
        if key not in investors:
            investor, _created = Investor.objects.get_or_create(city_id=change.city_id, name=name)
            investors[key] = investor
        investor = investors[key]
        updates = {"origin_kind": kind, "origin": origin, "fortune_global_500": fortune}
        updates = {k: v for k, v in updates.items() if v is not None}
        if any(getattr(investor, k) != v for k, v in updates.items()):
            for k, v in updates.items():
                setattr(investor, k, v)
            investor.save(update_fields=list(updates))
    for change in pending:
        fields = {f: v for f, v in change.values.items() if f != "investor_name"}
        investor = (
            investors[(change.city_id, name_key(change.investor[0]))] if change.investor else None
        )
        if change.project_id is None:
            project = Project(city_id=change.city_id, name=change.name, **fields)
            if investor:
                project.investor = investor
            create_project(project=project, user=user, today=today)
            continue
        project = stored[change.project_id]
        previous_stage = project.stage
        for field, value in fields.items():
            setattr(project, field, value)
        if investor:
            project.investor = investor
        if project.stage != previous_stage:
            on = project.date_of(project.stage) or today
            project.stage_changed_on = on
            StageChange.objects.create(
                project=project,
                from_stage=previous_stage,
                to_stage=project.stage,
                changed_on=on,
                changed_by=user if getattr(user, "is_authenticated", False) else None,
            )
        project.save()
    return preview.counts
