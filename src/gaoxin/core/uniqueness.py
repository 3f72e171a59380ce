"""Create a row that a unique constraint guards, answering Conflict rather than a database error.

A service checks first (a clear 409 before any write, the usual case) and then creates inside a
savepoint: when a concurrent request wins the race between the check and the insert, the unique
constraint refuses the loser, the savepoint rolls back only that insert and the caller's transaction
carries on to raise Conflict(message). Any other integrity error (a check constraint, a foreign key)
is a bug and is raised as it is."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from .errors import Conflict

T = TypeVar("T")

# PostgreSQL's SQLSTATE for unique_violation; SQLite says so in its message.
_UNIQUE_SQLSTATE = "23505"


def is_unique_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    if (
        getattr(cause, "sqlstate", None) == _UNIQUE_SQLSTATE
        or getattr(cause, "pgcode", None) == _UNIQUE_SQLSTATE
    ):
        return True
    return "UNIQUE constraint failed" in str(exc)


def create_or_conflict(create: Callable[[], T], message: str, *, taken: QuerySet | None = None) -> T:
    """`create()` in a savepoint; Conflict(message) when `taken` already has a row or the unique
    constraint refuses the insert."""
    if taken is not None and taken.exists():
        raise Conflict(message)
    try:
        with transaction.atomic():
            return create()
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise Conflict(message) from None
