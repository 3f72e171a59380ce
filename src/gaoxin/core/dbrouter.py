"""Reads that may go to a read replica (GAOXIN_REPLICA_URL): statistics and cockpit figures only.

A read goes to the replica only when the code asks for it and nothing can go wrong by it:

    from gaoxin.core.dbrouter import using_replica

    with using_replica():                 # or @using_replica() on a function
        figures = list(indicator_rows(...))

- Outside `using_replica()` every query goes to the primary (`default`).
- Every write goes to the primary, inside `using_replica()` too.
- Inside a transaction on the primary (`transaction.atomic()`, a locked row, a service) every read
  goes to the primary: a replica lags behind, and a read there could not see the transaction's own
  writes, nor be locked.
- Without a replica configured, `using_replica()` does nothing.

The router decides when a query runs, not when a queryset is built: the block must wrap the
evaluation (`list(...)`, `.count()`, iteration in the template), not only the selector call.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_wanted: ContextVar[bool] = ContextVar("gaoxin_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def using_replica():
    """Let reads in this block (this thread or task only) go to the replica when it is safe."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


@contextmanager
def using_primary():
    """Force reads back to the primary inside a `using_replica()` block (read-your-writes)."""
    token = _wanted.set(False)
    try:
        yield
    finally:
        _wanted.reset(token)


def read_alias() -> str:
    """The alias a read would use here; for raw SQL (`connections[read_alias()].cursor()`)."""
    if not _wanted.get() or not replica_configured():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


class ReplicaRouter:
    """Installed by settings only when GAOXIN_REPLICA_URL is set."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: a row read from the replica may relate to one from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary through replication; it is never migrated directly.
        return db == DEFAULT_DB_ALIAS
