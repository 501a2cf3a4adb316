"""What the API returns. Amounts are US dollars as decimal strings ("1234567.89"), ratios as
decimal strings ("0.4500" = 45 %); a region is named by its administrative code (a park, which
has none, by ``id<pk>``: ``assessments.loaders.region_code``, as the notices name it)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.loaders import region_code
from assessments.models import AnnualAssessment, CityTarget, Interview, MonthlyFigure, Notice
from assessments.models import RegionTarget as RegionTargetModel
from assessments.snapshots import assessment_json
from fdi_portal.models import City, Region
from projects.models import Arrival, Project
from tasks.models import Assignment, Plan, ProgressReport, Task


@extend_schema_field(OpenApiTypes.STR)
class RegionCodeField(serializers.Field):
    """A region (the attribute named by ``source``) as its code."""

    def to_representation(self, value: Region) -> str:
        return region_code(value)


class CityCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="admin_code", read_only=True, **kwargs)


class RegionSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField()
    city = CityCodeField()

    class Meta:
        model = Region
        fields = ["id", "code", "admin_code", "name", "short_name", "kind", "assessed", "city"]

    def get_code(self, region: Region) -> str:
        return region_code(region)


class CityRegionSerializer(RegionSerializer):
    class Meta(RegionSerializer.Meta):
        fields = ["id", "code", "admin_code", "name", "kind", "assessed"]


class CitySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="admin_code")
    regions = CityRegionSerializer(many=True)

    class Meta:
        model = City
        fields = ["code", "name", "province", "regions"]


class FigureSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    updated_at = serializers.DateTimeField(
        help_text="When the figure last changed (its history's latest entry)."
    )

    class Meta:
        model = MonthlyFigure
        fields = ["region", "year", "month", "amount_usd", "updated_at"]


class RegionTargetSerializer(serializers.ModelSerializer):
    region = RegionCodeField()
    region_name = serializers.CharField(source="region.name")

    class Meta:
        model = RegionTargetModel
        fields = ["region", "region_name", "year", "target_usd"]


class CityTargetSerializer(serializers.ModelSerializer):
    city = CityCodeField()

    class Meta:
        model = CityTarget
        fields = ["city", "year", "target_usd", "growth_target"]


# ----------------------------------------------------------------------------- notices


class NoticeRowSerializer(serializers.Serializer):
    """One region's row of an issued notice, exactly as it was frozen."""

    region = serializers.CharField(source="code")
    name = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    target_usd = serializers.CharField(allow_null=True)
    month_usd = serializers.CharField(allow_null=True)
    ytd_usd = serializers.CharField()
    ytd_last_year_usd = serializers.CharField()
    completion = serializers.CharField(allow_null=True)
    required_share = serializers.CharField()
    on_track = serializers.BooleanField(allow_null=True)
    yoy_growth = serializers.CharField(allow_null=True)
    shortfall_usd = serializers.CharField(allow_null=True)
    catch_up_monthly_usd = serializers.CharField(allow_null=True)


class NoticeCityTotalSerializer(serializers.Serializer):
    target_usd = serializers.CharField(allow_null=True)
    ytd_usd = serializers.CharField()
    ytd_last_year_usd = serializers.CharField()
    completion = serializers.CharField(allow_null=True)
    yoy_growth = serializers.CharField(allow_null=True)
    growth_target = serializers.CharField(allow_null=True)


class NoticeSerializer(serializers.ModelSerializer):
    """An issued monthly notice as it was published: every value read from its frozen
    snapshot, never recomputed from today's figures."""

    city = CityCodeField()
    required_share = serializers.SerializerMethodField()
    city_total = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "city",
            "year",
            "month",
            "number",
            "issued_on",
            "issued_at",
            "required_share",
            "city_total",
            "rows",
        ]

    def get_required_share(self, notice: Notice) -> str:
        return notice.snapshot["notice"]["required_share"]

    @extend_schema_field(NoticeCityTotalSerializer)
    def get_city_total(self, notice: Notice) -> dict:
        return NoticeCityTotalSerializer(notice.snapshot["notice"]["city_total"]).data

    @extend_schema_field(NoticeRowSerializer(many=True))
    def get_rows(self, notice: Notice) -> list:
        frozen = notice.snapshot["notice"]
        rows = [{**row, "required_share": frozen["required_share"]} for row in frozen["regions"]]
        return NoticeRowSerializer(rows, many=True).data


class InterviewSerializer(serializers.ModelSerializer):
    city = CityCodeField()
    region = RegionCodeField()
    region_name = serializers.CharField(source="region.name")
    required_share = serializers.DecimalField(source="required", max_digits=12, decimal_places=4)
    notice = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Interview
        fields = [
            "id",
            "city",
            "region",
            "region_name",
            "year",
            "quarter",
            "notice",
            "completion",
            "required_share",
            "rank",
            "ranked_count",
            "shortfall_usd",
            "status",
            "held_on",
            "notes",
        ]


class AssessmentIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    method = serializers.CharField()
    value = serializers.CharField(allow_null=True)
    points = serializers.CharField(allow_null=True)


class AssessmentRowSerializer(serializers.Serializer):
    region = serializers.CharField(source="code")
    name = serializers.CharField()
    score = serializers.CharField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    vetoed = serializers.BooleanField()
    indicators = AssessmentIndicatorSerializer(many=True)


class AssessmentSerializer(serializers.ModelSerializer):
    """An issued annual assessment as it was frozen (``annual_assessment --format json``)."""

    city = CityCodeField()
    rows = serializers.SerializerMethodField()

    class Meta:
        model = AnnualAssessment
        fields = ["id", "city", "year", "issued_on", "issued_at", "rows"]

    @extend_schema_field(AssessmentRowSerializer(many=True))
    def get_rows(self, assessment: AnnualAssessment) -> list:
        return AssessmentRowSerializer(
            assessment_json(assessment.snapshot)["regions"], many=True
        ).data


# ----------------------------------------------------------------------------- plans


class AssignmentSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit_name")

    class Meta:
        model = Assignment
        fields = ["role", "unit", "department"]


class ProgressReportSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")

    class Meta:
        model = ProgressReport
        fields = ["department", "year", "quarter", "status", "narrative", "submitted_at"]


class TaskSerializer(serializers.ModelSerializer):
    assignments = AssignmentSerializer(many=True)
    reports = ProgressReportSerializer(
        many=True, source="visible_reports", help_text="The progress reports the reader may see."
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "parent",
            "order",
            "label",
            "title",
            "deadline",
            "deadline_on",
            "assignments",
            "reports",
        ]


class PlanSerializer(serializers.ModelSerializer):
    city = CityCodeField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "city",
            "title",
            "document_number",
            "issued_on",
            "year",
            "first_year",
            "last_year",
        ]


class PlanDetailSerializer(PlanSerializer):
    tasks = TaskSerializer(many=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "tasks"]


# ----------------------------------------------------------------------------- projects


class ArrivalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Arrival
        fields = ["year", "month", "amount_usd"]


class ProjectSerializer(serializers.ModelSerializer):
    city = CityCodeField()
    region = RegionCodeField()
    region_name = serializers.CharField(source="region.name")
    investor = serializers.CharField(source="investor.name", allow_null=True, default=None)
    campaign = serializers.CharField(source="campaign.name", allow_null=True, default=None)
    arrivals = ArrivalSerializer(many=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "city",
            "region",
            "region_name",
            "name",
            "investor",
            "industry",
            "mode",
            "campaign",
            "stage",
            "signed_on",
            "registered_on",
            "landed_on",
            "construction_started_on",
            "production_started_on",
            "cancelled_on",
            "contracted_fdi_usd",
            "total_investment_usd",
            "arrivals",
        ]
