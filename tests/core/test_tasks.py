"""Long work as tracked tasks: progress and outcome recorded, shown on a self-updating page."""

import pytest
from django.test import Client

from gaoxin.core import audit
from gaoxin.core.models import TaskRun

pytestmark = pytest.mark.django_db(transaction=True)


def test_starting_from_the_audit_page_runs_and_reports(admin_user):
    for i in range(3):
        audit.record(actor=admin_user, action="test.event", object_id=str(i))
    c = Client()
    c.force_login(admin_user)
    r = c.post("/audit/")
    assert r.status_code == 302
    run = TaskRun.objects.get()
    assert r.url == f"/tasks/{run.pk}/"
    assert run.status == TaskRun.Status.SUCCEEDED and run.result["结果"] == "审计链完好"
    page = c.get(r.url).content.decode()
    assert "已完成" in page and "审计链完好" in page and "hx-trigger" not in page  # finished: polling stops


def test_a_failing_task_records_its_message(admin_user):
    audit.record(actor=admin_user, action="test.event")
    audit.seal()  # sealed into the chain (a commit seals only when due), then tampered with
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET action = 'x' WHERE seq = 1")
    run = audit.verify_chain.run_now()
    assert run.status == TaskRun.Status.FAILED and "#1" in run.message


def test_running_task_page_polls_itself(admin_user):
    run = TaskRun.objects.create(
        name="导入", status=TaskRun.Status.RUNNING, done=30, total=120, created_by=admin_user
    )
    c = Client()
    c.force_login(admin_user)
    page = c.get(f"/tasks/{run.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'max="100" value="25"' in page
    partial = c.get(f"/tasks/{run.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="task-progress"')


def test_others_cannot_see_my_task(admin_user, clerk):
    run = TaskRun.objects.create(name="导入", created_by=admin_user)
    c = Client()
    c.force_login(clerk)
    assert c.get(f"/tasks/{run.pk}/").status_code == 403
    assert c.get(f"/api/v1/tasks/{run.pk}").status_code == 404


def test_database_backend_and_worker_run_the_task(admin_user, settings):
    """What `make demo` and production run: the row is queued in the database and a worker picks it up."""
    from django.core.management import call_command

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"}
    }  # resets django-tasks' handler
    audit.record(actor=admin_user, action="test.event")
    run = audit.verify_chain.start(user=admin_user)
    run.refresh_from_db()
    assert run.status == TaskRun.Status.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    run.refresh_from_db()
    assert run.status == TaskRun.Status.SUCCEEDED and run.result["事件数"] == 1


def test_oversized_ids_are_404_not_500(admin_user):
    c = Client()
    c.force_login(admin_user)
    assert c.get("/tasks/99999999999999999999999/").status_code == 404
    assert c.get("/api/v1/tasks/99999999999999999999999").status_code == 422
