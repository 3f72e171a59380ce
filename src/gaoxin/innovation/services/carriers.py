"""Innovation carriers (双创载体) and their tenants: registering a carrier, admitting a registry enterprise
for an incubation period, and the tenant's way out — graduation (毕业), exit (退出) or a longer period —
on the workflow runner; the online registrations of a digital park, counted apart from its tenants."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db import models, transaction
from django.utils.translation import gettext_lazy

from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.identifiers import check_uscc
from gaoxin.core.uniqueness import create_or_conflict
from gaoxin.core.workflow import Machine, Step, Transition
from gaoxin.enterprises.models import Enterprise

from .. import permissions
from ..models import Incubation, IncubationEvent, InnovationCarrier, Level, OnlineRegistration

OFFICE = "office"
ROLE_NAMES = {OFFICE: gettext_lazy("科技创新部门（政策专员）")}
MAX_PERIOD_MONTHS = 120
MAX_ONLINE_ROWS = 5000


def require_office(actor) -> None:
    if not permissions.can_manage(actor):
        raise PermissionDenied("只有科技创新部门（政策专员）可以办理")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def fits(model: type[models.Model], field: str, value: str | None) -> str:
    """The text stripped, or a refusal naming the field and its column's limit: never cut short."""
    text = str(value or "").strip()
    column = model._meta.get_field(field)
    assert isinstance(column, models.CharField)
    limit = column.max_length
    if limit is not None and len(text) > limit:
        label = str(column.verbose_name)
        raise ValidationFailed(f"{label}过长（最多 {limit} 个字符）", fields={field: f"最多 {limit} 个字符"})
    return text


def registry_enterprise(uscc: str, field: str) -> Enterprise:
    """An enterprise of the zone's registry by its code (validated), or a 422 naming the field."""
    result = check_uscc(uscc or "")
    if not result.valid:
        raise ValidationFailed(result.message, fields={field: result.message})
    enterprise = Enterprise.objects.filter(uscc=result.normalized).first()
    if enterprise is None:
        raise ValidationFailed("该企业不在园区企业名录中，请先登记企业", fields={field: "不在园区企业名录中"})
    return enterprise


# ---- carriers ------------------------------------------------------------------------------------


@transaction.atomic
def carrier_create(
    *,
    actor,
    kind: str,
    name: str,
    level: str = Level.CITY,
    operator_uscc: str = "",
    area: Decimal | None = None,
    recognised_on: dt.date | None = None,
) -> InnovationCarrier:
    require_office(actor)
    name = fits(InnovationCarrier, "name", name)
    if kind not in InnovationCarrier.Kind.values:
        raise ValidationFailed("载体类型不正确", fields={"kind": "取值不正确"})
    if level not in Level.values:
        raise ValidationFailed("级别不正确", fields={"level": "取值不正确"})
    if not name:
        raise ValidationFailed("请填写载体名称", fields={"name": "必填"})
    if area is not None and area <= 0:
        raise ValidationFailed("面积须大于 0", fields={"area": "须大于 0"})
    operator = registry_enterprise(operator_uscc, "operator_uscc") if operator_uscc else None
    carrier = create_or_conflict(
        lambda: InnovationCarrier.objects.create(
            kind=kind,
            name=name,
            level=level,
            operator=operator,
            area=area,
            recognised_on=recognised_on,
            created_by=actor,
        ),
        "已有同名载体",
        taken=InnovationCarrier.objects.filter(name=name),
    )
    audit.record(
        actor=actor,
        action="innovation_carrier.create",
        obj=carrier,
        summary={"kind": kind, "name": name, "level": level, "operator": operator.uscc if operator else ""},
    )
    return carrier


# ---- tenants -------------------------------------------------------------------------------------


def _event(step: Step) -> None:
    t = step.transition
    IncubationEvent.objects.create(
        incubation=step.obj,
        at=clock.now(),
        actor=step.actor,
        action=t.action,
        label=t.label,
        from_state=step.before,
        to_state=step.obj.state,
        details=step.details,
    )


@transaction.atomic
def incubation_admit(
    *,
    actor,
    carrier: InnovationCarrier,
    enterprise_uscc: str,
    entered_on: dt.date | None = None,
    period_months: int = 36,
) -> Incubation:
    """A registry enterprise moves into a carrier (入驻) for an incubation period."""
    require_office(actor)
    enterprise = registry_enterprise(enterprise_uscc, "enterprise_uscc")
    entered_on = entered_on or clock.today()
    if entered_on > clock.today():
        raise ValidationFailed("入驻日期不能晚于今天", fields={"entered_on": "不能晚于今天"})
    if not 1 <= period_months <= MAX_PERIOD_MONTHS:
        raise ValidationFailed(
            f"孵化期应为 1 至 {MAX_PERIOD_MONTHS} 个月", fields={"period_months": "超出范围"}
        )
    InnovationCarrier.objects.select_for_update().filter(pk=carrier.pk).first()
    inc = create_or_conflict(
        lambda: Incubation.objects.create(
            carrier=carrier,
            enterprise=enterprise,
            entered_on=entered_on,
            period_months=period_months,
            due_on=add_months(entered_on, period_months),
            created_by=actor,
        ),
        "该企业已在此载体在孵",
        taken=Incubation.objects.filter(
            carrier=carrier, enterprise=enterprise, state=Incubation.State.INCUBATING
        ),
    )
    IncubationEvent.objects.create(
        incubation=inc,
        at=clock.now(),
        actor=actor,
        action="admit",
        label="入驻",
        to_state=inc.state,
        details={"entered_on": entered_on.isoformat(), "period_months": period_months},
    )
    audit.record(
        actor=actor,
        action="incubation.admit",
        obj=inc,
        summary={"carrier": carrier.pk, "enterprise": enterprise.uscc, "entered_on": entered_on.isoformat()},
    )
    return inc


def _left_on(inc: Incubation, payload: dict, today: dt.date) -> dt.date:
    on = payload.get("on") or today
    if not isinstance(on, dt.date):
        raise ValidationFailed("日期格式不正确", fields={"on": "日期格式不正确"})
    if on < inc.entered_on or on > today:
        raise ValidationFailed("日期须在入驻日期与今天之间", fields={"on": "须在入驻日期与今天之间"})
    return on


def _graduate(inc: Incubation, actor, payload: dict, today: dt.date) -> dict:
    inc.left_on = _left_on(inc, payload, today)
    inc.reason = fits(Incubation, "reason", payload.get("reason"))
    return {"on": inc.left_on.isoformat(), "reason": inc.reason}


def _exit(inc: Incubation, actor, payload: dict, today: dt.date) -> dict:
    reason = fits(Incubation, "reason", payload.get("reason"))
    if not reason:
        raise ValidationFailed("请填写退出原因", fields={"reason": "必填"})
    inc.left_on = _left_on(inc, payload, today)
    inc.reason = reason
    return {"on": inc.left_on.isoformat(), "reason": inc.reason}


def _extend(inc: Incubation, actor, payload: dict, today: dt.date) -> dict:
    months = payload.get("months")
    if not isinstance(months, int) or isinstance(months, bool) or months < 1:
        raise ValidationFailed("请填写延长的月数", fields={"months": "须为正整数"})
    if inc.period_months + months > MAX_PERIOD_MONTHS:
        raise ValidationFailed(f"孵化期合计不能超过 {MAX_PERIOD_MONTHS} 个月", fields={"months": "超出范围"})
    before = inc.due_on
    inc.period_months += months
    inc.due_on = add_months(inc.entered_on, inc.period_months)
    return {"months": months, "due_before": before.isoformat(), "due_on": inc.due_on.isoformat()}


S = Incubation.State
TRANSITIONS = [
    Transition("graduate", "毕业", (S.INCUBATING,), S.GRADUATED, (OFFICE,), _graduate),
    Transition("exit", "退出", (S.INCUBATING,), S.EXITED, (OFFICE,), _exit),
    Transition("extend", "延长孵化期", (S.INCUBATING,), None, (OFFICE,), _extend),
]

INCUBATIONS = Machine(
    name="incubation",
    model=Incubation,
    transitions=TRANSITIONS,
    role_names=ROLE_NAMES,
    may=lambda role, user, obj: role == OFFICE and permissions.can_manage(user),
    visible=lambda actor, inc: Incubation.objects.visible_to(actor).filter(pk=inc.pk).exists(),
    write_event=_event,
    summary=lambda inc: {"carrier": inc.carrier_id, "enterprise": inc.enterprise.uscc},
    select_related=("carrier", "enterprise"),
    revision_field="revision",
    not_found="未找到该在孵企业，或您无权查看",
    stale="该在孵企业已被他人处理，请刷新后再操作",
    wrong_state="该企业当前为「{state}」，不能「{action}」",
)


def incubation_act(
    *, actor, incubation_id: int, action: str, revision: int | None = None, **payload
) -> Incubation:
    return INCUBATIONS.run(actor=actor, action=action, pk=incubation_id, payload=payload, revision=revision)


# ---- a digital park's online registrations ----------------------------------------------------------


@transaction.atomic
def online_registrations_add(*, actor, carrier: InnovationCarrier, rows: list[dict]) -> int:
    """Record companies and personal studios registered online with a digital park: each row has
    `name`, `registered_on` and optionally `uscc` (validated) and `studio`. All or nothing."""
    require_office(actor)
    if carrier.kind != InnovationCarrier.Kind.DIGITAL_PARK:
        raise Conflict("只有数字经济产业园登记线上注册企业")
    if not rows or len(rows) > MAX_ONLINE_ROWS:
        raise ValidationFailed(f"每次登记 1 至 {MAX_ONLINE_ROWS} 条", fields={"rows": "条数超出范围"})
    today = clock.today()
    seen: set[str] = set()
    objs = []
    for n, row in enumerate(rows, start=1):
        name = str(row.get("name") or "").strip()
        on = row.get("registered_on")
        uscc = str(row.get("uscc") or "").strip()
        if not name or name in seen:
            raise ValidationFailed(f"第 {n} 条：名称为空或重复", fields={"rows": f"第 {n} 条名称为空或重复"})
        limit = OnlineRegistration._meta.get_field("name").max_length
        if limit is not None and len(name) > limit:
            raise ValidationFailed(
                f"第 {n} 条：名称过长（最多 {limit} 个字符）", fields={"rows": f"第 {n} 条名称过长"}
            )
        if not isinstance(on, dt.date) or on > today:
            raise ValidationFailed(f"第 {n} 条：注册日期不正确", fields={"rows": f"第 {n} 条注册日期不正确"})
        if uscc:
            result = check_uscc(uscc)
            if not result.valid:
                raise ValidationFailed(f"第 {n} 条：{result.message}", fields={"rows": result.message})
            uscc = result.normalized
        seen.add(name)
        objs.append(
            OnlineRegistration(
                carrier=carrier, name=name, uscc=uscc, studio=bool(row.get("studio")), registered_on=on
            )
        )
    create_or_conflict(
        lambda: OnlineRegistration.objects.bulk_create(objs, batch_size=500),
        "部分名称已在此园区线上注册",
        taken=OnlineRegistration.objects.filter(carrier=carrier, name__in=seen),
    )
    audit.record(
        actor=actor,
        action="innovation_carrier.online_add",
        obj=carrier,
        summary={"rows": len(objs), "studios": sum(o.studio for o in objs)},
    )
    return len(objs)
