"""API of the economy pillar (经济运行): the indicator catalogue, snapshots with their revisions, and a
year's review figures. Thin: parse, call, answer."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from gaoxin.core.pagination import Page

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


class SnapshotFilter(Schema):
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


@router.get("/economy/snapshots", response=list[SnapshotOut], summary="指标快照及其修订")
@paginate(Page)
def snapshot_list(request, f: Query[SnapshotFilter]):
    return selectors.snapshot_list(user=request.user, code=f.code)


@router.get("/economy/reviews/{year}.docx", summary="年度报告（DOCX）")
def review_docx(request, year: Annotated[int, Path(ge=2000, le=2100)]):
    from .services.review import review_docx as build

    response = HttpResponse(
        build(user=request.user, year=year),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="review-{year}.docx"'
    return response


@router.get("/economy/reviews/{year}", response=ReviewOut, summary="年度报告的数据")
def review_get(request, year: Annotated[int, Path(ge=2000, le=2100)]):
    return selectors.review_figures(user=request.user, year=year)
