"""营商环境 tracking: the 13 special indicator tasks as catalogue indicators (their time, and for a task
of government-service items its on-time rate, from the government-services read contract), and the
values the statistics office enters for the tasks the platform holds no records of."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, NotFound, ValidationFailed

from ..business import TASKS, task_of
from ..models import Indicator, IndicatorEntry
from ..sources import ENTERED
from .catalogue import can_edit_catalogue, indicator_save


def task_indicators(task) -> list[tuple[str, dict]]:
    """(code, definition) of a task's catalogue indicators."""
    common = {"frequency": Indicator.Frequency.MONTHLY, "department": task.department}
    if not task.fed:
        return [
            (
                task.code,
                {
                    **common,
                    "name": f"{task.name}：{task.measure}",
                    "unit": task.unit,
                    "source": ENTERED,
                    "decimals": 1,
                    "higher_is_better": task.higher_is_better,
                },
            )
        ]
    scope = "" if task.all_items else f"@{task.code}"
    return [
        (
            task.code,
            {
                **common,
                "name": f"{task.name}：平均办理工作日",
                "unit": "个工作日",
                "source": f"govservices.average_workdays{scope}",
                "decimals": 1,
                "higher_is_better": False,
            },
        ),
        (
            f"{task.code}R",
            {
                **common,
                "name": f"{task.name}：按时办结率",
                "unit": "%",
                "source": f"govservices.on_time_rate{scope}",
                "decimals": 1,
                "higher_is_better": True,
            },
        ),
    ]


@transaction.atomic
def business_catalogue_load(*, actor) -> list[Indicator]:
    """Put the tasks' indicators into the catalogue (a new version only where a definition changed)."""
    return [
        indicator_save(actor=actor, code=code, fields=fields)
        for task in TASKS
        for code, fields in task_indicators(task)
    ]


@transaction.atomic
def indicator_entry_save(
    *, actor, code: str, year: int, month: int, value: Decimal, source_note: str
) -> IndicatorEntry:
    """The office's value of an entered indicator for a month (1–M月累计) or a year (month 0)."""
    from gaoxin.core.errors import PermissionDenied

    if not can_edit_catalogue(actor):
        raise PermissionDenied("只有统计部门可以填报指标数值")
    indicator = Indicator.objects.filter(code=code, current=True).first()
    if indicator is None:
        raise NotFound("未找到该指标")
    if indicator.source != ENTERED:
        raise Conflict(f"“{indicator.name}”由平台记录计算，不能手工填报")
    if not 0 <= month <= 12:
        raise ValidationFailed("月份应为 0（全年）或 1–12", fields={"month": "月份应为 0–12"})
    source_note = (source_note or "").strip()
    if not source_note:
        raise ValidationFailed("请填写数据出处", fields={"source": "请填写数据出处"})
    if value < 0:
        raise ValidationFailed("数值不能为负", fields={"value": "数值不能为负"})
    entry, _ = IndicatorEntry.objects.update_or_create(
        indicator_code=code,
        year=year,
        month=month,
        defaults={
            "value": value,
            "source_note": source_note[:200],
            "entered_by": actor,
            "entered_at": clock.now(),
        },
    )
    audit.record(
        actor=actor,
        action="indicator_entry",
        obj=entry,
        summary={"code": code, "year": year, "month": month, "value": str(value)},
    )
    return entry


def is_business_code(code: str) -> bool:
    return task_of(code) is not None
