"""A worker that starts marks failed the runs whose process is gone, and leaves live runs alone
(the SIGKILL itself is in test_crash.py; here each kind of worker record, on either database)."""

import datetime as dt
import os
import socket

import pytest
from django.utils import timezone

from gaoxin.core.models import AuditEvent, TaskRun
from gaoxin.core.tasks import INTERRUPTED, recover_interrupted, this_worker

HOST = socket.gethostname()


def _dead_pid() -> int:
    pid = 4_000_000  # above any pid_max: no process has it
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    return pid


@pytest.mark.django_db
def test_runs_of_dead_processes_are_marked_failed_and_live_ones_kept(settings):
    settings.TASK_STALE_MINUTES = 30
    now, old = timezone.now(), timezone.now() - dt.timedelta(hours=1)

    def run(worker, heartbeat, status=TaskRun.Status.RUNNING):
        return TaskRun.objects.create(name="测算", status=status, worker=worker, heartbeat_at=heartbeat)

    dead_here = run(f"{HOST}:{_dead_pid()}:abcd", now)
    earlier_me = run(f"{HOST}:{os.getpid()}:0000", now)  # an earlier process with this pid
    stale_elsewhere = run("other-host:12:abcd", old)
    me = run(this_worker(), old)  # this very process: alive, however long since its last report
    live_elsewhere = run("other-host:12:abcd", now)
    parent = run(f"{HOST}:{os.getppid()}:abcd", now)
    finished = run(f"{HOST}:{_dead_pid()}:abcd", old, status=TaskRun.Status.SUCCEEDED)

    marked = recover_interrupted()

    assert sorted(marked) == sorted([dead_here.pk, earlier_me.pk, stale_elsewhere.pk])
    for r in (dead_here, earlier_me, stale_elsewhere):
        r.refresh_from_db()
        assert r.status == TaskRun.Status.FAILED and r.message == INTERRUPTED and r.finished_at
    for r, status in (
        (me, "running"),
        (live_elsewhere, "running"),
        (parent, "running"),
        (finished, "succeeded"),
    ):
        r.refresh_from_db()
        assert r.status == status
    assert AuditEvent.objects.filter(action="task.interrupted").count() == 3
    assert recover_interrupted() == []  # a second start finds nothing more
