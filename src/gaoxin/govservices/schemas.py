"""Request bodies of the government services API (the answers' schemas are in api.py)."""

from typing import Annotated, Literal

from pydantic import Field

from gaoxin.core.schemas import BINARY, Date, WithFiles

MaterialOrder = Annotated[str, Field(pattern=r"^[0-9]{1,3}$", description="材料序号")]
Text = Annotated[str, Field(max_length=2000)]

SUBMIT_FILES = {"patternProperties": {"^file_[0-9]{1,3}$": {**BINARY, "description": "材料文件，按材料序号"}}}
ACTION_FILES = {"properties": {"file": {**BINARY, "description": "补交的材料（supply）"}}}


class CaseSubmitIn(WithFiles):
    item: Annotated[str, Field(min_length=1, max_length=12, description="事项基本编码")]
    data: dict[
        Annotated[str, Field(max_length=60)],
        Annotated[str, Field(max_length=500)] | int | float | bool | None,
    ] = Field({}, description="申请表字段")
    materials: dict[
        MaterialOrder,
        Annotated[str, Field(pattern=r"^(commit|licence:[-A-Za-z0-9]{1,40})$")],
    ] = Field({}, description='按材料序号："licence:<证照编号>" 复用电子证照，"commit" 承诺后补')
    commitment: bool = Field(False, description="适用告知承诺制")
    applicant: Annotated[str, Field(min_length=1, max_length=150)] | None = Field(
        None, description="代为提交时申请人的用户名（窗口、代办）"
    )


class CaseActionIn(WithFiles):
    """One body for every action; each action reads the fields it needs (see docs/api.md)."""

    revision: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = Field(
        None, description="页面所见的办件版本；已被他人处理时 409"
    )
    opinion: Text | None = Field(None, description="意见")
    reason: Text | None = Field(None, description="理由（不予受理、不予许可、特别程序、撤回、核查不实）")
    supply_due: Date | None = Field(None, description="容缺材料补交期限（accept）")
    problems: dict[MaterialOrder, Annotated[str, Field(max_length=200)]] | None = Field(
        None, description="补正清单：材料序号 → 问题（request_correction）"
    )
    verdict: Literal["agree", "disagree"] | None = Field(None, description="审查结论（review）")
    override: bool | None = Field(None, description="有不同意意见时仍准予许可（approve）")
    material: Annotated[int, Field(ge=1, le=999)] | None = Field(None, description="补交的材料序号（supply）")
    procedure: Annotated[str, Field(max_length=20)] | None = Field(
        None, description="特别程序种类，须为事项声明的（suspend）"
    )
    expected_days: Annotated[int, Field(ge=1, le=250)] | None = Field(
        None, description="特别程序预计所需工作日，告知申请人（suspend）"
    )
