"""Readiness: what a load balancer asks before it sends a server traffic (`/readyz`), beside the
liveness answer of `/healthz`. Each check names itself; any failing one makes the answer a 503."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_migrations() -> str:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        raise RuntimeError(f"{len(plan)} migrations not applied: {pending}")
    return "applied"


def check_tasks() -> str:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == settings.TASK_BACKENDS["db"]:
        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.ready().count()
        return f"db, {queued} queued"
    if backend == settings.TASK_BACKENDS["rq"]:
        import django_rq

        django_rq.get_connection("default").ping()
        return "rq"
    return backend.rsplit(".", 1)[-1]


def check_storage() -> str:
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}", ContentFile(b"ok"))
    try:
        if default_storage.open(name).read() != b"ok":
            raise RuntimeError("storage returned other bytes than written")
    finally:
        default_storage.delete(name)
    return "writable"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "migrations": check_migrations,
    "tasks": check_tasks,
    "storage": check_storage,
}


def readiness() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = {"ok": True, "detail": check()}
        except Exception as exc:  # a readiness check reports the failure instead of raising it
            results[name] = {"ok": False, "detail": f"{exc.__class__.__name__}: {exc}"[:300]}
            if name == "database":  # nothing else can answer without it
                for rest in list(CHECKS)[1:]:
                    results[rest] = {"ok": False, "detail": "database unreachable"}
                break
    ready = all(r["ok"] for r in results.values())
    return ready, results


@never_cache
@require_GET
def readyz(request):
    ready, checks = readiness()
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
