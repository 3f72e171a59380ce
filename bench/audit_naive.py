"""The audit append this platform used before sealing: every write locks the single head row, takes
the next seq and chains its hash at insert. Kept here only as the benchmark's naive comparison.

`install()` puts a dispatcher in place of `gaoxin.core.audit.record` (callers look it up on the module
at call time): it appends the naive way or the platform's way, by the process-wide mode or by the
mode set for the current thread (`audit_wsgi.py` sets it per request from a header)."""

import json
import threading

from django.db import models, transaction
from django.utils import timezone

from gaoxin.core import audit
from gaoxin.core.middleware import current_request_id
from gaoxin.core.models import AuditEvent, AuditHead

SEALED = audit.record


def record_head_locking(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    summary: dict | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id, actor_label = audit._actor_fields(actor)
    summary = json.loads(audit._canonical(summary or {}))
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1, defaults={"hash": audit.GENESIS})
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=actor_id,
            actor=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary,
            request_id=current_request_id(),
            prev_hash=head.hash,
        )
        event.hash = audit.event_hash(event)
        event.save()
        AuditHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event


_thread = threading.local()
_mode = "sealed"


def record(**kwargs) -> AuditEvent:
    mode = getattr(_thread, "mode", None) or _mode
    return (record_head_locking if mode == "naive" else SEALED)(**kwargs)


def install(mode: str = "sealed") -> None:
    """mode: "naive" (head lock on every append) or "sealed" (the platform's append)."""
    global _mode
    _mode = mode
    audit.record = record


def use_in_this_thread(mode: str | None) -> None:
    _thread.mode = mode
