"""Builds the demo zone from code: deterministic for a seed and an as-of date.

Each app declares its steps with core.pillars (in its apps.py); a step takes the shared context and
leaves in it what later steps need."""

from __future__ import annotations

import datetime as dt
import random

from django.apps import apps
from django.db import connection, transaction

from gaoxin.core import clock, pillars

from .enterprises import build_enterprises
from .people import build_people


def enterprises_step(ctx: dict) -> None:
    ctx["enterprises"] = build_enterprises(ctx["rng"], ctx["count"], ctx["as_of"], ctx["log"])


def people_step(ctx: dict) -> None:
    ctx.update(build_people(ctx["rng"], ctx["enterprises"], ctx["log"]))


def steps() -> list[pillars.DemoStep]:
    """Every registered step, in declared order."""
    return pillars.demo_steps()


def demo_apps() -> list[str]:
    """core, then every registered app in the order the demo builds it (cleared in reverse)."""
    built = sorted(pillars.pillars(), key=lambda p: min((s.order for s in p.demo_steps), default=10**6))
    return ["core", *(p.label for p in built)]


def zone_exists() -> bool:
    from gaoxin.accounts.models import Department

    return Department.objects.exists()


def clear() -> None:
    """Delete every row of the platform's own tables (the demo is rebuilt from scratch), the tables
    of many-to-many fields included."""
    models = [
        m for label in demo_apps() for m in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    with transaction.atomic(), connection.constraint_checks_disabled():
        for model in reversed(models):
            model._base_manager.all()._raw_delete(model._base_manager.db)


@transaction.atomic
def build(
    *, seed: int = 2020, count: int = 2000, as_of: dt.date | None = None, log=print, progress=None
) -> dict:
    ctx = {"rng": random.Random(seed), "count": count, "as_of": as_of or clock.today(), "log": log}
    todo = steps()
    for i, step in enumerate(todo, start=1):
        step(ctx)
        if progress:
            progress(i, len(todo), step.title)
    return ctx
