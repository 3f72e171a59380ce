"""The audit page as sentences: “张三 于 2026-03-02 14:05 批准了 奖励 #123”, changes as “字段：旧值 → 新值”,
and the declared list (filters by person, date range and kind) it is shown and exported with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .listing import Choice, Column, DateRange, Listing, Text, register
from .models import AuditEvent

VERBS = {
    "create": _("新建了"),
    "update": _("修改了"),
    "save": _("保存了"),
    "delete": _("删除了"),
    "approve": _("批准了"),
    "reject": _("驳回了"),
    "submit": _("提交了"),
    "issue": _("签发了"),
    "revoke": _("撤销了"),
    "publish": _("发布了"),
    "import": _("导入了"),
    "export": _("导出了"),
    "open": _("打开了"),
    "paid": _("确认支付了"),
    "compute": _("测算了"),
    "classify": _("分类了"),
    "locked": _("锁定了"),
    "login": _("登录了"),
    "assign": _("分配了"),
    "recommend": _("推荐了"),
    "year_load": _("载入了年度安排"),
    "override_set": _("调整了"),
    "key_rotate": _("轮换了密钥"),
}
SUBJECTS = {
    "account": _("账号"),
    "token": _("接口令牌"),
    "report": _("报表"),
    "relief": _("纾困资金"),
    "policy": _("政策"),
    "payment_batch": _("拨付批次"),
    "loan": _("贷款"),
    "licence": _("证照"),
    "enterprise": _("企业"),
    "department": _("部门"),
    "clause": _("政策条款"),
    "catalogue": _("事项目录"),
    "case": _("办件"),
    "calendar": _("工作日历"),
    "award": _("奖励"),
    "test": _("测试对象"),
}


def _verb(action: str) -> str:
    return str(VERBS.get(action.partition(".")[2].split(".")[-1], _("处理了")))


def action_label(action: str) -> str:
    subject = action.partition(".")[0]
    head = _verb(action)
    return f"{head} {SUBJECTS.get(subject.split('_')[0] if subject not in SUBJECTS else subject, subject)}"


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def _field_label(model, name: str) -> str:
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # not a field of the model: the key is shown as recorded
            return name
    return name


def _text(value: Any) -> str:
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{_text(v)}" for k, v in value.items())
    return str(value)


def changes(event: AuditEvent) -> list[str]:
    """“字段：旧值 → 新值” lines for a summary; a plain value reads “字段：值”."""
    model = _model(event.object_type)
    summary = event.summary if isinstance(event.summary, dict) else {"": event.summary}
    out = []
    for key, value in summary.items():
        label = _field_label(model, key)
        if isinstance(value, (list, tuple)) and len(value) == 2 and not isinstance(value[0], (dict, list)):
            out.append(f"{label}：{_text(value[0])} → {_text(value[1])}")
        elif isinstance(value, dict) and set(value) >= {"old", "new"}:
            out.append(f"{label}：{_text(value['old'])} → {_text(value['new'])}")
        else:
            out.append(f"{label}：{_text(value)}" if label else _text(value))
    return out


@dataclass
class Sentence:
    event: AuditEvent
    actor: str
    at: str
    verb: str
    target: str
    url: str | None
    changes: list[str]

    def __str__(self) -> str:
        return f"{self.actor} 于 {self.at} {self.verb} {self.target}"


def sentence(event: AuditEvent, user) -> Sentence:
    model = _model(event.object_type)
    name = str(model._meta.verbose_name) if model is not None else ""
    obj = None
    url = None
    if model is not None and event.object_id:
        manager = model._default_manager
        qs = manager.visible_to(user) if hasattr(manager, "visible_to") else None
        try:
            obj = qs.filter(pk=event.object_id).first() if qs is not None else None
        except (ValueError, TypeError):
            obj = None
        if obj is not None and hasattr(obj, "get_absolute_url"):
            url = obj.get_absolute_url()
    target = f"{name or SUBJECTS.get(event.action.partition('.')[0], '对象')} #{event.object_id}".strip()
    if event.object_id == "":
        target = name or str(SUBJECTS.get(event.action.partition(".")[0], ""))
    if obj is not None:
        target = f"{target}（{obj}）"
    return Sentence(
        event=event,
        actor=event.actor or str(_("系统")),
        at=timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M"),
        verb=_verb(event.action),
        target=target,
        url=url,
        changes=changes(event),
    )


def action_choices(qs: QuerySet[AuditEvent]) -> list[tuple[str, str]]:
    actions = sorted(set(qs.values_list("action", flat=True).distinct()[:500]))
    return [(a, action_label(a)) for a in actions]


def listing(qs: QuerySet[AuditEvent]) -> Listing:
    return Listing(
        columns=[
            Column("seq", _("序号"), sort="seq"),
            Column("at", _("时间"), sort="at"),
            Column("actor", _("操作人"), sort="actor", value=lambda e: e.actor or _("系统")),
            Column("action", _("动作"), sort="action", value=lambda e: action_label(e.action)),
            Column("object", _("对象"), value=lambda e: f"{e.object_type} #{e.object_id}"),
            Column("changes", _("变更"), value=lambda e: "；".join(changes(e))),
        ],
        filters=[
            Text("actor", _("操作人")),
            DateRange("at", _("时间")),
            Choice("action", _("动作"), choices=action_choices(qs)),
        ],
        default_sort="-at",
    )


AUDIT = register(
    "audit",
    title="审计日志",
    url="audit",
    rows=lambda user: selectors.audit_event_list(user=user),
    listing=listing,
)
