"""Shared pieces of the services: deadline lights, actor names, text at the boundary."""

from __future__ import annotations

import datetime as dt

from gaoxin.core import calendar


def light_for(due_on: dt.date | None, on: dt.date) -> str:
    """green, yellow (due today or the next working day) or red (overdue)."""
    if due_on is None:
        return ""
    if due_on < on:
        return "red"
    if due_on <= calendar.add_workdays(on, 1).deadline:
        return "yellow"
    return "green"


def actor_name(user) -> str:
    if user is None:
        return "系统"
    return getattr(user, "display_name", "") or user.get_username()


def text(value, limit: int = 200) -> str:
    """A user-supplied string as the database accepts it (PostgreSQL refuses NUL characters)."""
    return str(value if value is not None else "").replace("\x00", "")[:limit]


def scrub(value):
    """NUL characters removed from every string inside a JSON payload."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value
