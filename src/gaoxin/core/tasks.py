"""One mechanism for long work: a django-tasks task (database-backed, `gaoxin db_worker` runs it)
wrapped in a TaskRun row that records progress and outcome for the task page and the CLI.

    @tracked_task("导入企业名录")
    def import_enterprises(run: Progress, path: str): ...
    run = import_enterprises.start(user=request.user, path=path)   # returns the TaskRun
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import TaskRun

logger = logging.getLogger(__name__)


@dataclass
class Progress:
    run_id: int
    every: int = 1

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        fields = {"done": done}
        if total is not None:
            fields["total"] = total
        if message:
            fields["message"] = message[:300]
        TaskRun.objects.filter(pk=self.run_id).update(**fields)


def _execute(func: Callable, name: str, run_id: int, kwargs: dict):
    TaskRun.objects.filter(pk=run_id).update(status=TaskRun.Status.RUNNING, started_at=timezone.now())
    try:
        result = func(Progress(run_id), **kwargs)
    except Exception as exc:
        logger.exception("task %s failed", name)
        message = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
        TaskRun.objects.filter(pk=run_id).update(
            status=TaskRun.Status.FAILED,
            finished_at=timezone.now(),
            message=message[:300],
            error=traceback.format_exc()[-5000:],
        )
        return None
    TaskRun.objects.filter(pk=run_id).update(
        status=TaskRun.Status.SUCCEEDED, finished_at=timezone.now(), result=result or {}
    )
    return result


@task()
def run_tracked(path: str, run_id: int, kwargs: dict):
    """The single django-tasks entry point: look the tracked function up by path and run it."""
    tracked = import_string(path)
    return _execute(tracked.func, tracked.name, run_id, kwargs)


class TrackedTask:
    def __init__(self, func: Callable, name: str):
        self.func = func
        self.name = name
        self.path = f"{func.__module__}.{func.__qualname__}"

    def start(self, *, user=None, subject: str = "", **kwargs) -> TaskRun:
        """Queue the work and return its TaskRun. Enqueued after commit, so the worker sees the row.
        `subject` names what the work is about (`clause:12`), so a page shows a run only under it."""
        run = TaskRun.objects.create(
            name=self.name, subject=subject, created_by=user if getattr(user, "pk", None) else None
        )
        transaction.on_commit(lambda: run_tracked.enqueue(self.path, run.pk, kwargs))
        return run

    def run_now(self, **kwargs) -> TaskRun:
        """Run in this process (CLI commands), recording a TaskRun all the same."""
        run = TaskRun.objects.create(name=self.name)
        _execute(self.func, self.name, run.pk, kwargs)
        run.refresh_from_db()
        return run


def tracked_task(name: str):
    def decorate(func: Callable) -> TrackedTask:
        return TrackedTask(func, name)

    return decorate
