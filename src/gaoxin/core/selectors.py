"""Reads of the core, scoped to the asking user."""

from django.db.models import F, QuerySet

from .errors import NotFound
from .models import AuditEvent, TaskRun


def task_run_list(*, user) -> QuerySet[TaskRun]:
    return TaskRun.objects.visible_to(user).select_related("created_by")


def task_run_get(*, user, run_id: int, subject: str | None = None) -> TaskRun:
    """One run the user may see; with `subject`, only a run about that object (a page never shows
    another object's run under its own heading)."""
    runs = task_run_list(user=user).filter(pk=run_id)
    if subject is not None:
        runs = runs.filter(subject=subject)
    run = runs.first()
    if run is None:
        raise NotFound("未找到该任务，或您无权查看")
    return run


def audit_event_list(*, user, action: str = "", object_type: str = "") -> QuerySet[AuditEvent]:
    # Events still waiting to be sealed are the newest; they come first.
    qs = AuditEvent.objects.visible_to(user).order_by(F("seq").desc(nulls_first=True), "-id")
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    return qs
