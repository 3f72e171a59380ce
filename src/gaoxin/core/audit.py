"""The append-only audit log and its SHA-256 hash chain.

Each event's hash covers its own fields and the previous event's hash, so altering, inserting or
deleting any row breaks the chain at that row; the head row records the tip, which catches a
deletion at the end. Appends lock the head row, which serialises them on PostgreSQL and SQLite."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from .errors import DomainError
from .middleware import current_request_id
from .models import AuditEvent, AuditHead
from .tasks import Progress, tracked_task

GENESIS = "0" * 64


def _canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(event: AuditEvent) -> str:
    body = _canonical(
        [
            event.seq,
            event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            event.actor_id,
            event.actor,
            event.action,
            event.object_type,
            event.object_id,
            event.summary,
            event.request_id,
            event.prev_hash,
        ]
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "系统"
    return actor.pk, actor.get_username()


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    summary: dict | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it describes."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id, actor_label = _actor_fields(actor)
    # Round-trip through JSON so the hash is computed over exactly what the database will return.
    summary = json.loads(_canonical(summary or {}))
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1, defaults={"hash": GENESIS})
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
        event.hash = event_hash(event)
        event.save()
        AuditHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash)
    return event


def changes(before: dict, after: dict) -> dict:
    """The summary of an edit: only the fields whose value changed, as {field: [old, new]}."""
    return {
        k: [before.get(k), after.get(k)]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    kind: str  # altered | inserted | deleted
    message: str


def verify(batch: int = 5000, progress: Callable[[int], None] | None = None) -> ChainProblem | None:
    """Walk the chain in order; return the first problem found, or None when it is intact."""
    head = AuditHead.objects.filter(id=1).first()
    expected_prev, expected_seq = GENESIS, 1
    last = None
    for n, event in enumerate(_iter_events(batch), start=1):
        if progress and n % batch == 0:
            progress(n)
        if event.seq > expected_seq:
            return ChainProblem(
                expected_seq, "deleted", f"审计事件 #{expected_seq} 至 #{event.seq - 1} 已被删除"
            )
        if event_hash(event) != event.hash:
            return ChainProblem(event.seq, "altered", f"审计事件 #{event.seq} 的内容被改动")
        if event.prev_hash != expected_prev:
            return ChainProblem(
                event.seq,
                "inserted",
                f"审计事件 #{event.seq} 与前一条不相连（此处被插入，或前一条被改写后重算了哈希）",
            )
        expected_prev, expected_seq = event.hash, event.seq + 1
        last = event
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else GENESIS
    if head_seq != (last.seq if last else 0) or head_hash != (last.hash if last else GENESIS):
        if head_seq > (last.seq if last else 0):
            return ChainProblem(
                (last.seq if last else 0) + 1, "deleted", f"链尾的审计事件已被删除（应有 {head_seq} 条）"
            )
        return ChainProblem(last.seq if last else None, "inserted", "链尾有不属于审计链的事件")
    return None


def _iter_events(batch: int) -> Iterator[AuditEvent]:
    after = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=after).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


@tracked_task("校验审计链")
def verify_chain(run: Progress) -> dict:
    total = AuditEvent.objects.count()
    run.update(0, total, "正在逐条校验哈希")
    problem = verify(progress=lambda done: run.update(done, total))
    if problem:
        raise DomainError(problem.message)
    run.update(total, total)
    return {"事件数": total, "结果": "审计链完好"}
