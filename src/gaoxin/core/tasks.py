"""One mechanism for long work: a django-tasks task (database-backed, `gaoxin db_worker` runs it)
wrapped in a TaskRun row that records progress and outcome for the task page and the CLI.

    @tracked_task("导入企业名录")
    def import_enterprises(run: Progress, path: str): ...
    run = import_enterprises.start(user=request.user, path=path)   # returns the TaskRun

A worker killed in the middle of a run (SIGKILL, a lost machine) cannot record anything: its run
stays "running". Every run records its process and a heartbeat (each progress update); when a
worker starts, `recover_interrupted()` marks the runs of dead processes failed, so the page says so
and the work can be started again. Tracked work is written to be rerun: it commits in chunks and
skips what an earlier run already made (the 免申即享 batch skips enterprises that have an award).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import TaskRun

logger = logging.getLogger(__name__)

# Told apart from an earlier process that had the same pid (a restarted container's worker often does).
_PROCESS_TOKEN = secrets.token_hex(4)
INTERRUPTED = "任务执行中断（执行进程已终止），可重新运行"


class Interrupted(Exception):
    """What a queue entry of an interrupted run records as its failure."""


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_PROCESS_TOKEN}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_dead(worker: str, heartbeat_at, stale_before) -> bool:
    host, _, rest = worker.partition(":")
    pid, _, token = rest.partition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            return token != _PROCESS_TOKEN  # this pid belonged to an earlier process
        if not _process_alive(int(pid)):
            return True
    return heartbeat_at is None or heartbeat_at < stale_before


@dataclass
class Progress:
    run_id: int
    every: int = 1

    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        fields = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        if message:
            fields["message"] = message[:300]
        TaskRun.objects.filter(pk=self.run_id).update(**fields)


def _execute(func: Callable, name: str, run_id: int, kwargs: dict):
    now = timezone.now()
    TaskRun.objects.filter(pk=run_id).update(
        status=TaskRun.Status.RUNNING, started_at=now, heartbeat_at=now, worker=this_worker()
    )
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


def recover_interrupted() -> list[int]:
    """Mark failed every running run whose process is gone: on this machine a pid that no longer runs
    (or is now another process), anywhere a heartbeat older than GAOXIN_TASK_STALE_MINUTES. The queue
    entry of such a run is closed too, so no backend keeps it "running". Returns the runs marked."""
    from gaoxin.core import audit

    stale_before = timezone.now() - dt.timedelta(minutes=settings.TASK_STALE_MINUTES)
    running = TaskRun.objects.filter(status=TaskRun.Status.RUNNING)
    dead = [
        r.pk
        for r in running.only("pk", "worker", "heartbeat_at")
        if _is_dead(r.worker, r.heartbeat_at, stale_before)
    ]
    marked = []
    for pk in dead:
        with transaction.atomic():
            # Only a run still running is marked: a run that finished meanwhile keeps its outcome.
            run = TaskRun.objects.select_for_update().filter(pk=pk, status=TaskRun.Status.RUNNING).first()
            if run is None:
                continue
            run.status, run.finished_at, run.message = TaskRun.Status.FAILED, timezone.now(), INTERRUPTED
            run.save(update_fields=["status", "finished_at", "message"])
            audit.record(
                actor=None,
                action="task.interrupted",
                obj=run,
                summary={"name": run.name, "worker": run.worker, "done": run.done, "total": run.total},
            )
            marked.append(pk)
            logger.warning("task run %s (%s) was interrupted on %s; marked failed", pk, run.name, run.worker)
    if marked:
        _close_queue_entries(marked)
    return marked


def _close_queue_entries(run_ids: list[int]) -> None:
    """The database queue's rows of the given runs, left "running" by the dead worker, are closed."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stuck = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, task_path=f"{__name__}.run_tracked")
    for row in stuck:
        args = (row.args_kwargs or {}).get("args") or []
        if len(args) > 1 and args[1] in run_ids:
            DBTaskResult.objects.filter(pk=row.pk).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path="gaoxin.core.tasks.Interrupted",
                traceback=INTERRUPTED,
            )


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
