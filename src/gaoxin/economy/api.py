"""API of the economy pillar (经济运行): the indicator catalogue, snapshots with their revisions, and a
year's review figures. Thin: parse, call, answer."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpResponse
from ninja import Field, File, Path, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import StrictInt

from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.core.pagination import Page
from gaoxin.core.schemas import QuerySchema, Schema, TaskOut
from gaoxin.core.spreadsheets import xlsx_response

from . import selectors

router = Router(tags=["经济运行"])


class TargetOut(Schema):
    year: int
    value: Decimal


class IndicatorOut(Schema):
    code: str
    version: int
    name: str
    unit: str
    source: str
    denominator: str
    scale: Decimal
    frequency: str
    department: str
    higher_is_better: bool
    warning: Decimal | None
    excellent: Decimal | None
    targets: list[TargetOut]

    @staticmethod
    def resolve_targets(obj):
        return list(obj.targets.all())


class SnapshotOut(Schema):
    indicator: str
    year: int
    month: int
    revision: int
    value: Decimal | None
    previous: Decimal | None
    difference: Decimal | None
    inputs: int
    as_of: dt.date

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator.code


class SnapshotFilter(QuerySchema):
    code: str = ""


class FigureOut(Schema):
    indicator: str
    name: str
    value: float | None
    unit: str
    display: str
    as_of: dt.date


class ReviewOut(Schema):
    year: int
    figures: list[FigureOut]


@router.get("/economy/indicators", response=list[IndicatorOut], summary="指标目录（现行版本）")
@paginate(Page)
def indicator_list(request):
    return selectors.indicator_list(user=request.user)


MAX_UPLOAD = 10 * 1024 * 1024


class IndicatorImportOut(Schema):
    rows: int
    new_versions: int


@router.post(
    "/economy/indicators/import",
    response=IndicatorImportOut,
    summary="Excel 导入指标目录及年度目标（全部通过才导入）",
)
def indicators_import(request, file: File[UploadedFile]):
    from .services.catalogue import indicators_import as run

    if file.size and file.size > MAX_UPLOAD:
        raise ValidationFailed("文件不能超过 10MB", fields={"file": "文件过大"})
    return run(actor=request.user, content=file.read())


@router.get("/economy/indicators.xlsx", summary="指标目录（导入模板格式的 Excel，可修改后重新导入）")
def indicators_xlsx(request):
    from .services.catalogue import can_edit_catalogue, indicators_layout

    if not selectors.can_view_economy(request.user) or not can_edit_catalogue(request.user):
        raise PermissionDenied("只有统计部门可以导出指标目录")
    return xlsx_response(indicators_layout(user=request.user), "indicators.xlsx")


@router.get("/economy/snapshots", response=list[SnapshotOut], summary="指标快照及其修订")
@paginate(Page)
def snapshot_list(request, f: Query[SnapshotFilter]):
    return selectors.snapshot_list(user=request.user, code=f.code)


Year = Annotated[int, Path(ge=2000, le=2100)]
Kind = Literal["yearly", "decade"]
Format = Literal["docx", "pdf"]
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _file(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


class NarrativeOut(Schema):
    section: str
    title: str
    text: str
    revision: int
    updated_at: dt.datetime | None
    updated_by: str


class NarrativeIn(Schema):
    text: str = Field(max_length=20000)
    revision: StrictInt = Field(0, ge=0, description="编辑开始时的修订号（尚未撰写为 0）；期间有人保存则 409")


class GenerateIn(Schema):
    kind: Kind = "yearly"


@router.get("/economy/reviews/{year}.docx", summary="年度报告（DOCX，即时生成）")
def review_docx(request, year: Year):
    from .services.review import review_document

    content = review_document(user=request.user, kind="yearly", year=year, fmt="docx")
    return _file(content, "docx", f"review-{year}")


@router.get("/economy/reviews/{year}.pdf", summary="年度报告（PDF，即时生成）")
def review_pdf(request, year: Year):
    from .services.review import review_document

    content = review_document(user=request.user, kind="yearly", year=year, fmt="pdf")
    return _file(content, "pdf", f"review-{year}")


@router.get("/economy/reviews/{year}", response=ReviewOut, summary="年度报告的数据")
def review_get(request, year: Year):
    return selectors.review_figures(user=request.user, year=year)


@router.get(
    "/economy/reviews/{year}/narrative", response=list[NarrativeOut], summary="年度报告的文字（各篇章）"
)
def narrative_list(request, year: Year):
    return selectors.narrative_list(user=request.user, year=year)


@router.put(
    "/economy/reviews/{year}/narrative/{section}", response=NarrativeOut, summary="保存年度报告某篇章的文字"
)
def narrative_save(
    request,
    year: Year,
    section: Literal["intro", "quality", "innovation", "warmth", "reform"],
    payload: NarrativeIn,
):
    from .services.review import narrative_save as save

    save(actor=request.user, year=year, section=section, text=payload.text, revision=payload.revision)
    return next(n for n in selectors.narrative_list(user=request.user, year=year) if n["section"] == section)


@router.post(
    "/economy/reviews/{year}/generate", response={202: TaskOut}, summary="后台生成报告（DOCX 与 PDF）"
)
def review_generate(request, year: Year, payload: GenerateIn):
    from .services.review import review_generate_start

    run = review_generate_start(actor=request.user, kind=payload.kind, year=year)
    return Status(202, {"task_run": run.pk})


@router.get("/economy/reviews/{year}/editions/{kind}.{fmt}", summary="下载最近一次生成的报告")
def edition_file(request, year: Year, kind: Kind, fmt: Format):
    edition = selectors.edition_latest(user=request.user, kind=kind, year=year)
    name = f"review-{year}" if kind == "yearly" else f"review-{year - 9}-{year}"
    return _file(bytes(getattr(edition, fmt)), fmt, name)


# ---- national evaluation (国家高新区综合评价) -------------------------------------------------------


class EvaluationIndicatorOut(Schema):
    code: str
    dimension: str
    dimension_weight: Decimal
    name: str
    weight: Decimal
    unit: str
    higher_is_better: bool
    computed: bool


class EvaluationSystemOut(Schema):
    code: str
    name: str
    document: str
    current: bool
    indicators: list[EvaluationIndicatorOut]

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.all())


class BestOut(Schema):
    zone: str
    value: Decimal


class EvaluationRowOut(Schema):
    code: str
    dimension: str
    name: str
    unit: str
    weight: Decimal
    higher_is_better: bool
    value: Decimal | None
    source: str
    computed: bool
    normalised: Decimal
    points: Decimal
    lost: Decimal
    best: BestOut | None
    zones: int


class RankingOut(Schema):
    zone: str
    own: bool
    score: Decimal
    rank: int
    illustrative: bool


class DimensionOut(Schema):
    name: str
    weight: Decimal
    points: Decimal


class EvaluationOut(Schema):
    system: str
    system_name: str
    year: int
    zone: str
    score: Decimal
    rank: int
    zones: int
    missing: list[str]
    indicators: list[EvaluationRowOut]
    dimensions: list[DimensionOut]
    pulling_down: list[EvaluationRowOut]
    ranking: list[RankingOut]
    illustrative: bool
    peer_sources: list[str]


class SystemFilter(QuerySchema):
    system: str = Field("", max_length=30, description="指标体系编码；不填为现行体系")


class AssumedValue(Schema):
    indicator: str = Field(..., max_length=10, description="指标序号，如 1.1")
    value: Decimal = Field(..., ge=Decimal("-1e15"), le=Decimal("1e15"), max_digits=24, decimal_places=6)


class WhatIfIn(Schema):
    system: str = Field("", max_length=30)
    values: list[AssumedValue] = Field(..., min_length=1, max_length=100)


class ScoreRankOut(Schema):
    score: Decimal
    rank: int


class WhatIfOut(Schema):
    year: int
    before: ScoreRankOut
    after: ScoreRankOut
    zones: int
    changed: list[EvaluationRowOut]
    ranking: list[RankingOut]


class OwnValueIn(Schema):
    system: str = Field("", max_length=30)
    indicator: str = Field(..., max_length=10)
    value: Decimal = Field(..., ge=Decimal("-1e15"), le=Decimal("1e15"), max_digits=24, decimal_places=6)
    source: str = Field(..., min_length=1, max_length=200, description="数据出处")


class OwnValueOut(Schema):
    indicator: str
    year: int
    value: Decimal
    source: str

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator.code

    @staticmethod
    def resolve_source(obj):
        return obj.source_note


class PeerImportOut(Schema):
    rows: int
    zones: int


def _content(file: UploadedFile) -> bytes:
    if file.size and file.size > MAX_UPLOAD:
        raise ValidationFailed("文件不能超过 10MB", fields={"file": "文件过大"})
    return file.read()


@router.get("/economy/evaluation/systems", response=list[EvaluationSystemOut], summary="综合评价指标体系")
def evaluation_systems(request):
    return selectors.evaluation_systems(user=request.user)


@router.get(
    "/economy/evaluation/peers.xlsx", summary="同类高新区指标值（导入模板格式的 Excel，可修改后重新导入）"
)
def evaluation_peers_file(request, system: str = ""):
    from .services import evaluation

    selectors.evaluation_systems(user=request.user)  # the role check
    return xlsx_response(
        evaluation.peers_layout(system=evaluation.system_get(system[:30])), "evaluation-peers"
    )


@router.get("/economy/evaluation/peers/template", summary="同类高新区指标值导入模板（Excel）")
def evaluation_peer_template(request):
    from .services import evaluation

    selectors.evaluation_systems(user=request.user)  # the role check
    return xlsx_response(evaluation.peer_template(), "evaluation-peers-template")


@router.post(
    "/economy/evaluation/peers/import",
    response=PeerImportOut,
    summary="Excel 导入同类高新区指标值（全部成功或全部不写入）",
)
def evaluation_peers_import(request, file: File[UploadedFile], f: Query[SystemFilter]):
    from .services import evaluation

    return evaluation.peers_import(
        actor=request.user, system=evaluation.system_get(f.system), content=_content(file)
    )


@router.get(
    "/economy/evaluation/{year}", response=EvaluationOut, summary="本区的综合评价得分、排名和拉低得分的指标"
)
def evaluation_get(request, year: Year, f: Query[SystemFilter]):
    return selectors.evaluation_get(user=request.user, year=year, system=f.system)


@router.post(
    "/economy/evaluation/{year}/what-if", response=WhatIfOut, summary="假设本区某些指标值，看新的得分和排名"
)
def evaluation_what_if(request, year: Year, body: WhatIfIn):
    values: dict[str, Decimal] = {}
    for v in body.values:
        values[v.indicator] = v.value
    return selectors.evaluation_what_if(user=request.user, year=year, values=values, system=body.system)


@router.put(
    "/economy/evaluation/{year}/values",
    response=OwnValueOut,
    summary="填报本区不由平台计算的指标值（注明出处）",
)
def evaluation_value_enter(request, year: Year, body: OwnValueIn):
    from .services import evaluation

    return evaluation.own_value_enter(
        actor=request.user,
        system=evaluation.system_get(body.system),
        year=year,
        code=body.indicator,
        value=body.value,
        source_note=body.source,
    )


# ---- 营商环境 ------------------------------------------------------------------------------------


class BusinessFigureOut(Schema):
    code: str
    name: str
    unit: str
    value: Decimal | None
    display: str
    inputs: int
    entered: bool
    source: str


class BusinessTaskOut(Schema):
    code: str
    name: str
    fed: bool
    department: str
    figures: list[BusinessFigureOut]


class PeriodFilter(QuerySchema):
    month: int = Field(0, ge=0, le=12, description="0 为全年，1–12 为 1–M 月累计")


class EntryIn(Schema):
    indicator: str = Field(..., max_length=30)
    month: int = Field(0, ge=0, le=12)
    value: Decimal = Field(..., ge=0, le=Decimal("1e15"), max_digits=24, decimal_places=6)
    source: str = Field(..., min_length=1, max_length=200, description="数据出处")


class EntryOut(Schema):
    indicator: str
    year: int
    month: int
    value: Decimal
    source: str

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator_code

    @staticmethod
    def resolve_source(obj):
        return obj.source_note


@router.get(
    "/economy/business-environment/{year}", response=list[BusinessTaskOut], summary="营商环境13项专项指标任务"
)
def business_environment(request, year: Year, f: Query[PeriodFilter]):
    return selectors.business_environment(user=request.user, year=year, month=f.month)


@router.put(
    "/economy/business-environment/{year}/entries",
    response=EntryOut,
    summary="填报营商环境指标值（注明出处）",
)
def business_entry(request, year: Year, body: EntryIn):
    from .services.business import indicator_entry_save

    return indicator_entry_save(
        actor=request.user,
        code=body.indicator,
        year=year,
        month=body.month,
        value=body.value,
        source_note=body.source,
    )
