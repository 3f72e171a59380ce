"""Prometheus metrics (prometheus-client) at /metrics, for the operators only: request latency per route,
failed logins, open cases by deadline light, and the task queue's depth.

Under gunicorn with several workers set PROMETHEUS_MULTIPROC_DIR to an empty directory shared by the
workers (prometheus-client's multiprocess mode); /metrics then adds up every worker's counters."""

from __future__ import annotations

import hmac
import os

from django.apps import apps
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REQUEST_LATENCY = Histogram(
    "gaoxin_request_duration_seconds",
    "Time to answer a request, by route pattern, method and status class",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
FAILED_LOGINS = Counter(
    "gaoxin_failed_logins", "Failed login attempts (wrong password, locked or unknown account)"
)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(route=route, method=method, status=f"{status // 100}xx").observe(seconds)


def _login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    FAILED_LOGINS.inc()


user_login_failed.connect(_login_failed, dispatch_uid="gaoxin.metrics.failed_logins")


class DatabaseCollector:
    """Read at scrape time from the database, so every worker answers the same figures."""

    def collect(self):
        lights = GaugeMetricFamily("gaoxin_open_cases", "Open cases by deadline light", labels=["light"])
        Case = apps.get_model("govservices", "Case")
        counts = {"green": 0, "yellow": 0, "red": 0, "none": 0}
        for light, n in _count(Case.objects.filter(state__in=Case.OPEN_STATES), "light"):
            counts[light or "none"] = counts.get(light or "none", 0) + n
        for light, n in counts.items():
            lights.add_metric([light], n)
        yield lights
        if settings.TASKS["default"]["BACKEND"] == settings.TASK_BACKENDS["db"]:
            from django_tasks_db.models import DBTaskResult

            queue = GaugeMetricFamily(
                "gaoxin_tasks", "Tasks in the database queue by status", labels=["status"]
            )
            for status, n in _count(DBTaskResult.objects.all(), "status"):
                queue.add_metric([status], n)
            yield queue


def _count(queryset, field):
    from django.db.models import Count

    return queryset.order_by().values_list(field).annotate(n=Count("pk"))


def registry() -> CollectorRegistry:
    reg = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(reg)
    else:
        for collector in (REQUEST_LATENCY, FAILED_LOGINS):
            reg.register(collector)
    reg.register(DatabaseCollector())
    return reg


def allowed(request) -> bool:
    """The scraper with GAOXIN_METRICS_TOKEN as its bearer token, or a signed-in operator (whoever may
    read the audit log: core.view_audit)."""
    token = getattr(settings, "METRICS_TOKEN", "") or ""
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].strip(), token):
        return True
    return request.user.is_authenticated and request.user.has_perm("core.view_audit")


@never_cache
@require_GET
def metrics(request):
    if not allowed(request):
        status = 403 if request.user.is_authenticated else 401
        return JsonResponse(
            {"code": "permission_denied", "message": "只有运维人员可以查看运行指标", "fields": {}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
