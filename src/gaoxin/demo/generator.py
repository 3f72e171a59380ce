"""Builds the demo zone from code: deterministic for a seed and an as-of date.

Each pillar adds a step to STEPS; a step takes the shared context and returns what later steps need."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.apps import apps
from django.db import connection, transaction

from gaoxin.core import clock

from . import economy, govservices, investment, policies
from .enterprises import build_enterprises
from .people import build_people

DEMO_APPS = ["core", "accounts", "enterprises", "govservices", "policies", "investment", "economy"]


def _step_enterprises(ctx: dict) -> None:
    ctx["enterprises"] = build_enterprises(ctx["rng"], ctx["count"], ctx["as_of"], ctx["log"])


def _step_people(ctx: dict) -> None:
    ctx.update(build_people(ctx["rng"], ctx["enterprises"], ctx["log"]))


STEPS: list[tuple[str, Callable[[dict], None]]] = [
    ("企业名录", _step_enterprises),
    ("部门与账户", _step_people),
    ("政务服务", govservices.build),
    ("惠企政策", policies.build),
    ("招商引资", investment.build),
    ("经济运行", economy.build),
]


def zone_exists() -> bool:
    from gaoxin.accounts.models import Department

    return Department.objects.exists()


def clear() -> None:
    """Delete every row of the platform's own tables (the demo is rebuilt from scratch)."""
    models = [m for label in DEMO_APPS for m in apps.get_app_config(label).get_models()]
    with transaction.atomic(), connection.constraint_checks_disabled():
        for model in reversed(models):
            model._base_manager.all()._raw_delete(model._base_manager.db)


@transaction.atomic
def build(
    *, seed: int = 2020, count: int = 2000, as_of: dt.date | None = None, log=print, progress=None
) -> dict:
    ctx = {"rng": random.Random(seed), "count": count, "as_of": as_of or clock.today(), "log": log}
    for i, (label, step) in enumerate(STEPS, start=1):
        step(ctx)
        if progress:
            progress(i, len(STEPS), label)
    return ctx
