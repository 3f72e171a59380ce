"""Request bodies of the government services API (the answers' schemas are in api.py)."""

from typing import Annotated, Literal

from pydantic import Field

from gaoxin.accounts.models import Department, User
from gaoxin.core.schemas import BINARY, Date, Schema, WithFiles, column_length

from .models import Hall, Window

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
    tracking: Annotated[str, Field(max_length=40)] | None = Field(None, description="邮寄单号（post_result）")


class RatingIn(Schema):
    level: Annotated[
        int, Field(ge=1, le=5, description="5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意")
    ]
    comment: Annotated[str, Field(max_length=500)] = ""
    case: Annotated[str, Field(max_length=20)] = Field("", description="一事一评：办件编号")
    window: Annotated[str, Field(max_length=40)] = Field("", description="一次一评：窗口（部门编码）")
    channel: Literal["online", "window"] = "online"


class RectificationActionIn(Schema):
    note: Text = Field("", description="回访记录、处理结果、申诉理由或复核意见")
    revision: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None


class CardResolveIn(Schema):
    resolution: Text = Field("", description="处理情况")
    revision: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None


FormData = dict[
    Annotated[str, Field(max_length=60)],
    Annotated[str, Field(max_length=500)] | int | float | bool | None,
]


class BundleFormFieldIn(Schema):
    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")]
    label: Annotated[str, Field(max_length=60)] = ""
    required: bool = False


class BundleMemberIn(Schema):
    order: Annotated[int, Field(ge=1, le=99)] | None = None
    item: Annotated[str, Field(min_length=1, max_length=12, description="事项基本编码")]
    field_map: dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=40)]] = Field(
        {}, description="事项字段 → 一表申请字段"
    )


class MaterialTargetIn(Schema):
    item: Annotated[str, Field(min_length=1, max_length=12)]
    material: Annotated[int, Field(ge=1, le=999)]


class BundleMaterialIn(Schema):
    order: Annotated[int, Field(ge=1, le=999)] | None = None
    name: Annotated[str, Field(min_length=1, max_length=120)]
    required: bool = True
    file_types: Annotated[str, Field(pattern=r"^(pdf|jpg|png)(,(pdf|jpg|png))*$")] = "pdf,jpg,png"
    targets: list[MaterialTargetIn] = Field([], max_length=50, description="对应的成员事项材料")


class BundleIn(Schema):
    code: Annotated[str, Field(min_length=1, max_length=20)]
    name: Annotated[str, Field(min_length=1, max_length=120)]
    mode: Literal["parallel", "sequential"] = "parallel"
    committed_days: Annotated[int, Field(ge=0, le=3650)]
    guide: Annotated[str, Field(max_length=4000)] = ""
    form_fields: list[BundleFormFieldIn] = Field([], max_length=60)
    members: list[BundleMemberIn] = Field(..., max_length=30)
    materials: list[BundleMaterialIn] = Field([], max_length=60)
    active: bool = True


class BundleApplyIn(WithFiles):
    bundle: Annotated[str, Field(min_length=1, max_length=20, description="一件事编码")]
    data: FormData = Field({}, description="一表申请字段")
    applicant: Annotated[str, Field(min_length=1, max_length=150)] | None = Field(
        None, description="代为提交时申请人的用户名（窗口、代办）"
    )


class ActionIn(Schema):
    revision: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = Field(
        None, description="页面所见的版本；已被他人处理时 409"
    )
    reason: Text | None = Field(None, description="理由（不予受理、撤回）")


class TrackIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    applicant: Annotated[str, Field(min_length=1, max_length=150)] | None = Field(
        None, description="窗口代为登记时建设单位的用户名"
    )
    mode: Literal["standard", "land_first"] = "standard"
    project_code: Annotated[str, Field(max_length=20)] = Field("", description="招商项目编号")
    commitment: bool = Field(False, description="建设单位签署承诺书（拿地即开工须签署）")


class TrackCaseIn(Schema):
    case: Annotated[str, Field(min_length=1, max_length=20, description="办件编号")]
    stage: Annotated[int, Field(ge=1, le=4, description="阶段 1–4")]
    kind: Literal["permit", "joint_drawing", "joint_acceptance", "change"] = "permit"


# ---- the service hall ----

HallCode = Annotated[str, Field(min_length=1, max_length=20, description="大厅代码")]
ItemCode = Annotated[str, Field(min_length=1, max_length=12, description="事项基本编码")]


class SeatIn(Schema):
    window: Annotated[str, Field(min_length=1, max_length=10, description="窗口号")]


class AppointmentIn(Schema):
    hall: HallCode
    item: ItemCode
    day: Date
    slot: Annotated[str, Field(pattern=r"^[0-2][0-9]:[0-5][0-9]$", description="时段开始时间 HH:MM")]


class TicketIn(Schema):
    hall: HallCode | None = Field(None, description="现场取号的大厅")
    item: ItemCode | None = Field(None, description="现场取号办理的事项")
    appointment: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(None, description="按预约取号")


class TicketActionIn(Schema):
    revision: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = Field(
        None, description="页面所见的版本；已被其他窗口处理时 409"
    )
    case: Annotated[str, Field(max_length=20)] | None = Field(
        None, description="本次受理的办件编号（finish）"
    )


class VisitRatingIn(Schema):
    level: Annotated[
        int, Field(ge=1, le=5, description="5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意")
    ]
    comment: Annotated[str, Field(max_length=500)] = ""


class HallCancelIn(Schema):
    reason: Annotated[str, Field(max_length=200)] = Field("", description="取消原因（可不填）")


class CallNextIn(Schema):
    item: ItemCode | None = Field(None, description="只叫该事项的下一号（可不填：本窗口可受理的任何事项）")


Revision = Annotated[int, Field(ge=0, le=2**31 - 1, description="页面所见的修订号；已被他人修改时 409")]


class HallEditIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=column_length(Hall, "name"), description="大厅名称")]
    district: Annotated[
        str, Field(min_length=1, max_length=column_length(Hall, "district"), description="所在区县")
    ]
    in_zone: bool = Field(True, description="本区大厅；否则为市内其他大厅（全城通办）")
    slot_minutes: Annotated[int, Field(ge=10, le=120, description="预约时段长度（分钟）")] = 30
    slot_capacity: Annotated[int, Field(ge=1, le=200, description="每时段可预约人数")] = 4
    order: Annotated[int, Field(ge=0, le=9999, description="排序")] | None = None
    revision: Revision


class HallIn(Schema):
    code: Annotated[
        str,
        Field(
            pattern=r"^[-a-zA-Z0-9_]{1,20}$", max_length=column_length(Hall, "code"), description="大厅代码"
        ),
    ]
    name: Annotated[str, Field(min_length=1, max_length=column_length(Hall, "name"), description="大厅名称")]
    district: Annotated[
        str, Field(min_length=1, max_length=column_length(Hall, "district"), description="所在区县")
    ]
    in_zone: bool = Field(True, description="本区大厅；否则为市内其他大厅（全城通办）")
    slot_minutes: Annotated[int, Field(ge=10, le=120, description="预约时段长度（分钟）")] = 30
    slot_capacity: Annotated[int, Field(ge=1, le=200, description="每时段可预约人数")] = 4
    order: Annotated[int, Field(ge=0, le=9999, description="排序")] | None = None


class WindowEditIn(Schema):
    kind: Literal["general", "special"] = Field(
        "general", description="general 综合窗口（无差别全科受理，任一事项）、special 专项窗口（所列事项）"
    )
    department: Annotated[
        str, Field(min_length=1, max_length=column_length(Department, "code"), description="所属部门代码")
    ]
    items: list[Annotated[str, Field(min_length=1, max_length=12)]] = Field(
        [], max_length=500, description="专项窗口可受理的事项基本编码（综合窗口忽略）"
    )
    active: bool = Field(True, description="启用；false 为关闭窗口")
    revision: Revision


class WindowIn(Schema):
    number: Annotated[
        str, Field(min_length=1, max_length=column_length(Window, "number"), description="窗口号")
    ]
    kind: Literal["general", "special"] = Field(
        "general", description="general 综合窗口（无差别全科受理，任一事项）、special 专项窗口（所列事项）"
    )
    department: Annotated[
        str, Field(min_length=1, max_length=column_length(Department, "code"), description="所属部门代码")
    ]
    items: list[Annotated[str, Field(min_length=1, max_length=12)]] = Field(
        [], max_length=500, description="专项窗口可受理的事项基本编码（综合窗口忽略）"
    )
    active: bool = Field(True, description="启用；false 为关闭窗口")


class KioskCodeIn(Schema):
    id_card: Annotated[
        str, Field(min_length=1, max_length=column_length(User, "id_card"), description="居民身份证号")
    ]


class KioskLoginIn(Schema):
    id_card: Annotated[
        str, Field(min_length=1, max_length=column_length(User, "id_card"), description="居民身份证号")
    ]
    code: Annotated[str, Field(min_length=1, max_length=10, description="短信验证码")]


class KioskCaseIn(WithFiles):
    item: ItemCode
    data: dict[
        Annotated[str, Field(max_length=60)],
        Annotated[str, Field(max_length=500)] | int | float | bool | None,
    ] = Field({}, description="申请表字段")
