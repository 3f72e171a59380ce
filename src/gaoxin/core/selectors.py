"""Reads of the core, scoped to the asking user."""

from django.db.models import F, QuerySet

from .errors import NotFound
from .models import AuditEvent, TaskRun


def task_run_list(*, user) -> QuerySet[TaskRun]:
    qs = TaskRun.objects.select_related("created_by")
    if user.has_perm("core.view_all_tasks"):
        return qs
    return qs.filter(created_by_id=user.pk)


def task_run_get(*, user, run_id: int) -> TaskRun:
    run = task_run_list(user=user).filter(pk=run_id).first()
    if run is None:
        raise NotFound("未找到该任务，或您无权查看")
    return run


def audit_event_list(*, user, action: str = "", object_type: str = "") -> QuerySet[AuditEvent]:
    if not user.has_perm("core.view_audit"):
        return AuditEvent.objects.none()
    # Events still waiting to be sealed are the newest; they come first.
    qs = AuditEvent.objects.order_by(F("seq").desc(nulls_first=True), "-id")
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    return qs
