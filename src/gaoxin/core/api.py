"""API of the core: working-day deadlines, identifier checks, task progress, the user's messages."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router
from ninja.pagination import paginate

from . import calendar, identifiers, notify, selectors
from .pagination import Page
from .schemas import Date, ObjectId, QuerySchema, Schema

router = Router(tags=["基础"])


class DeadlineQuery(QuerySchema):
    start: Date = Field(..., description="受理日期（从次日起算）")
    workdays: int = Field(..., ge=0, le=calendar.MAX_WORKDAYS, description="工作日数")


class DeadlineOut(Schema):
    deadline: dt.date
    certain: bool


@router.get("/calendar/deadline", response=DeadlineOut, auth=None, summary="按工作日计算期限")
def calendar_deadline(request, q: Query[DeadlineQuery]):
    calendar.check_year(q.start.year, "start")
    result = calendar.add_workdays(q.start, q.workdays)
    return {"deadline": result.deadline, "certain": result.certain}


class WorkdayOut(Schema):
    date: dt.date
    workday: bool
    certain: bool


@router.get("/calendar/day", response=WorkdayOut, auth=None, summary="某日是否工作日")
def calendar_day(request, date: Date):
    calendar.check_year(date.year)
    workday, certain = calendar.is_workday(date)
    return {"date": date, "workday": workday, "certain": certain}


class IdentifierIn(Schema):
    kind: Literal["uscc", "id_card"]
    value: str = Field(..., max_length=64)


class IdentifierOut(Schema):
    valid: bool
    normalized: str
    message: str


@router.post(
    "/identifiers/check", response=IdentifierOut, auth=None, summary="校验统一社会信用代码或身份证号"
)
def identifiers_check(request, payload: IdentifierIn):
    result = identifiers.check(payload.kind, payload.value)
    return {"valid": result.valid, "normalized": result.normalized, "message": result.message}


class TaskRunOut(Schema):
    id: int
    name: str
    status: str
    done: int
    total: int
    percent: int
    message: str
    result: dict


@router.get("/tasks/{run_id}", response=TaskRunOut, summary="后台任务进度")
def task_run(request, run_id: ObjectId):
    return selectors.task_run_get(user=request.user, run_id=run_id)


@router.get("/import-errors/{token}", summary="下载导入错误表（上传的表格加「错误说明」列）")
def import_error_sheet(request, token: str):

    from . import officefiles
    from .errors import NotFound

    content = officefiles.error_sheet(request.user, token)
    if content is None:
        raise NotFound("错误表不存在或已过期（保留一天），请重新导入")
    from .spreadsheets import xlsx_response

    return xlsx_response(content, "import-errors.xlsx")


class DeliveryOut(Schema):
    channel: str
    state: str
    attempts: int
    sent_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    last_error: str


class MessageOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_deliveries(obj):
        return list(obj.deliveries.all())


@router.get("/messages", response=list[MessageOut], summary="我的消息（站内信）及各渠道送达状态")
@paginate(Page, limit=25, max_limit=100, max_offset=100_000)
def message_list(request):
    return notify.message_list(user=request.user)


@router.post("/messages/{pk}/read", response=MessageOut, summary="标记消息已读")
def message_read(request, pk: int):
    return notify.message_read(user=request.user, pk=pk)
