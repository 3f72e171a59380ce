"""API of the enterprise registry and of enterprise data reporting."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.core.pagination import Page
from gaoxin.core.schemas import ObjectId, QuerySchema, Schema

from . import classification, excel, permissions, selectors
from .models import Report
from .selectors import reporting as report_selectors
from .services import registry as registry_services
from .services import reporting as services

router = Router(tags=["企业名录"])
# Reporting and its statistics are the other half of this app: one tag for them.
REPORTING = ["数据报送"]


MAX_UPLOAD = 10 * 1024 * 1024


class EnterpriseOut(Schema):
    uscc: str
    name: str
    former_names: str
    legal_rep: str
    registered_on: dt.date
    industry: str | None
    park: str | None
    gbt_code: str
    size: str
    above_scale: bool
    scale_kind: str
    classification_reasons: dict
    status: str

    @staticmethod
    def resolve_industry(obj):
        return obj.industry.name if obj.industry_id else None

    @staticmethod
    def resolve_park(obj):
        return obj.park.name if obj.park_id else None


class EnterpriseFilter(QuerySchema):
    q: str = Field("", max_length=200, description="名称、曾用名、拼音或统一社会信用代码")
    industry: str = Field("", max_length=200)
    qualification: str = Field("", max_length=200)
    size: Literal["", "large", "medium", "small", "micro"] = ""
    above_scale: bool | None = None
    park: str = Field("", max_length=200)
    gbt_code: str = Field("", max_length=200, description="国民经济行业分类代码（前缀）")
    status: Literal["", "operating", "moved_out", "closed"] = ""


def _content(file: UploadedFile) -> bytes:
    if file.size and file.size > MAX_UPLOAD:
        raise ValidationFailed("文件不能超过 10MB", fields={"file": "文件过大"})
    return file.read()


@router.post("/reports/import", summary="Excel 导入报表（全部成功或全部不写入）", tags=REPORTING)
def reports_import(request, file: File[UploadedFile]):
    return {"imported": excel.reports_import(actor=request.user, content=_content(file))}


@router.post("/enterprises/import", summary="Excel 导入企业（全部成功或全部不写入）")
def enterprises_import(request, file: File[UploadedFile]):
    return {"imported": excel.enterprises_import(actor=request.user, content=_content(file))}


@router.get("/enterprises", response=list[EnterpriseOut], summary="企业名录查询")
@paginate(Page)
def enterprise_list(request, f: Query[EnterpriseFilter]):
    return selectors.enterprise_list(
        user=request.user,
        q=f.q[:60],
        industry=f.industry[:40],
        qualification=f.qualification[:20],
        size=f.size[:8],
        above_scale=f.above_scale,
        park=f.park[:40],
        gbt_code=f.gbt_code[:5],
        status=f.status[:12],
    )


@router.get("/enterprises/{uscc}", response=EnterpriseOut, summary="企业基本信息")
def enterprise_get(request, uscc: str):
    return selectors.enterprise_get(user=request.user, uscc=uscc)


@router.get("/enterprises/{uscc}/trend", summary="企业经营数据趋势（万元）")
def enterprise_trend(request, uscc: str):
    return report_selectors.enterprise_trend(user=request.user, uscc=uscc)


class ReportOut(Schema):
    id: int
    uscc: str
    enterprise_name: str
    year: int
    month: int
    period: str
    form_version: int
    state: str
    revision: int
    values: dict
    explanations: dict
    return_reason: str
    due_on: dt.date
    late: bool
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None


def report_out(report: Report, *, user=None, checks: bool = False) -> dict:
    out = {
        "id": report.id,
        "uscc": report.enterprise.uscc,
        "enterprise_name": report.enterprise.name,
        "year": report.year,
        "month": report.month,
        "period": report.period_label,
        "form_version": report.form.version,
        "state": report.state,
        "revision": report.revision,
        "values": {k: (None if v is None else str(v)) for k, v in services.values_of(report).items()},
        "explanations": report.explanations,
        "return_reason": report.return_reason,
        "due_on": report.due_on,
        "late": report.late,
        "submitted_at": report.submitted_at,
        "accepted_at": report.accepted_at,
    }
    if checks:
        errors, anomalies = services.report_checks(report)
        out.update(
            errors=errors,
            anomalies=anomalies,
            actions=[t.action for t in services.REPORTS.available(user=user, obj=report)],
        )
    return out


class ReportDetailOut(ReportOut):
    errors: dict
    anomalies: dict
    actions: list[str]


class ReportOpenIn(Schema):
    uscc: str = Field(max_length=18)
    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=0, le=12, description="1–12；年报为 0")


IndicatorKey = Annotated[str, Field(max_length=40, description="指标代码")]


class ReportValuesIn(Schema):
    values: dict[IndicatorKey, Annotated[str, Field(max_length=40)] | int | float | None] | None = Field(
        None, description="指标代码 → 数值（元；文本或数字，空为未填）"
    )
    explanations: dict[IndicatorKey, Annotated[str, Field(max_length=1000)]] | None = Field(
        None, description="指标代码 → 异常波动说明"
    )


class ReportReasonIn(Schema):
    reason: str = Field(max_length=1000)


class ReportFilter(QuerySchema):
    year: int | None = Field(None, ge=2000, le=2100)
    month: int | None = Field(None, ge=0, le=12)
    state: Literal["", "draft", "submitted", "returned", "accepted"] = ""
    uscc: str = Field("", max_length=18)


@router.get("/reports", response=list[ReportOut], summary="企业报表列表", tags=REPORTING)
@paginate(Page)
def report_list(request, f: Query[ReportFilter]):
    return report_selectors.report_list(
        user=request.user, year=f.year, month=f.month, state=f.state, uscc=f.uscc
    )


@router.post("/reports", response={200: ReportDetailOut}, summary="打开（或新建）某期报表", tags=REPORTING)
def report_open(request, payload: ReportOpenIn):
    report = services.report_open(
        actor=request.user, uscc=payload.uscc.upper(), year=payload.year, month=payload.month
    )
    return report_out(report, user=request.user, checks=True)


@router.get("/reports/{report_id}", response=ReportDetailOut, summary="报表详情与校验结果", tags=REPORTING)
def report_get(request, report_id: ObjectId):
    report = report_selectors.report_get(user=request.user, report_id=report_id)
    return report_out(report, user=request.user, checks=True)


def _detail(request, report: Report) -> dict:
    return report_out(
        report_selectors.report_get(user=request.user, report_id=report.id), user=request.user, checks=True
    )


@router.put("/reports/{report_id}", response=ReportDetailOut, summary="保存报表数据（草稿）", tags=REPORTING)
def report_save(request, report_id: ObjectId, payload: ReportValuesIn):
    report = services.report_save(
        actor=request.user,
        report_id=report_id,
        values=payload.values or {},
        explanations=payload.explanations,
    )
    return _detail(request, report)


@router.post("/reports/{report_id}/submit", response=ReportDetailOut, summary="报送", tags=REPORTING)
def report_submit(request, report_id: ObjectId, payload: ReportValuesIn):
    report = services.report_submit(
        actor=request.user, report_id=report_id, values=payload.values, explanations=payload.explanations
    )
    return _detail(request, report)


@router.post(
    "/reports/{report_id}/return", response=ReportDetailOut, summary="退回（须填写原因）", tags=REPORTING
)
def report_return(request, report_id: ObjectId, payload: ReportReasonIn):
    return _detail(
        request, services.report_return(actor=request.user, report_id=report_id, reason=payload.reason)
    )


@router.post("/reports/{report_id}/accept", response=ReportDetailOut, summary="审核通过", tags=REPORTING)
def report_accept(request, report_id: ObjectId):
    return _detail(request, services.report_accept(actor=request.user, report_id=report_id))


@router.post(
    "/reports/{report_id}/revise",
    response=ReportDetailOut,
    summary="更正已审核的报表（新修订）",
    tags=REPORTING,
)
def report_revise(request, report_id: ObjectId, payload: ReportReasonIn):
    return _detail(
        request, services.report_revise(actor=request.user, report_id=report_id, reason=payload.reason)
    )


class YearIn(Schema):
    year: int = Field(ge=2000, le=2100)


class ClassificationCheckIn(Schema):
    industry: str = Field(max_length=10, description="GB/T 4754-2017 国民经济行业代码，如 C3670、K7010")
    employees: int | None = Field(None, ge=0, le=10_000_000, description="从业人员期末人数")
    revenue: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2, description="营业收入（元）")
    assets: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2, description="资产总额（元）")


class ClassificationCheckOut(Schema):
    industry: str
    industry_name: str
    size: Literal["large", "medium", "small", "micro"] | None
    size_label: str
    above_scale: bool
    scale_kind: Literal["industry", "trade", "services"] | None
    scale_kind_label: str
    reasons: dict[str, str]


@router.post(
    "/classifications/check",
    response=ClassificationCheckOut,
    summary="规模与规上自测（2017年划分办法）：按给定数据判断，不保存",
)
def classifications_check(request, payload: ClassificationCheckIn):
    if not permissions.can_try_classification(request.user):
        raise PermissionDenied("企业账户核验通过后或统计人员可以使用规模自测")
    return classification.check_figures(
        payload.industry, employees=payload.employees, revenue=payload.revenue, assets=payload.assets
    )


@router.post("/classifications/refresh", summary="按某年数据重新计算企业分类")
def classifications_refresh(request, payload: YearIn):
    return registry_services.classifications_refresh(actor=request.user, year=payload.year)


class PeriodQuery(QuerySchema):
    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)
    by: Literal["industry", "park", "size"] = "industry"


@router.get("/statistics/totals", summary="分产业/园区/规模汇总（累计、本月、同比）", tags=REPORTING)
def statistics_totals(request, q: Query[PeriodQuery]):
    return report_selectors.totals(user=request.user, year=q.year, month=q.month, by=q.by)


@router.get("/statistics/completeness", summary="报送完整率", tags=REPORTING)
def statistics_completeness(request, q: Query[PeriodQuery]):
    return report_selectors.completeness(user=request.user, year=q.year, month=q.month)


class NotReportedOut(Schema):
    uscc: str
    name: str
    state: str | None
    overdue: bool


@router.get("/statistics/not-reported", response=list[NotReportedOut], summary="未报送企业", tags=REPORTING)
@paginate(Page)
def statistics_not_reported(request, q: Query[PeriodQuery]):
    rows = report_selectors.not_reported(user=request.user, year=q.year, month=q.month)
    return [
        {
            "uscc": r["enterprise"].uscc,
            "name": r["enterprise"].name,
            "state": r["state"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]


class AnomalyOut(Schema):
    report_id: int
    uscc: str
    name: str
    errors: dict
    anomalies: dict
    explanations: dict


@router.get("/statistics/anomalies", response=list[AnomalyOut], summary="异常数据", tags=REPORTING)
@paginate(Page)
def statistics_anomalies(request, q: Query[PeriodQuery]):
    return [
        {
            "report_id": r["report"].id,
            "uscc": r["report"].enterprise.uscc,
            "name": r["report"].enterprise.name,
            "errors": r["errors"],
            "anomalies": r["anomalies"],
            "explanations": r["explanations"],
        }
        for r in report_selectors.anomalies(user=request.user, year=q.year, month=q.month)
    ]
