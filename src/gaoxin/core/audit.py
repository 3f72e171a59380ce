"""The append-only audit log and its SHA-256 hash chain, sealed in blocks like a transparency log.

A writer only inserts its event, inside the transaction of the change, with no chain position: no
row is locked, so writers never queue on one another. Sealing (`seal()`) takes the head row's lock,
reads committed events not yet in the chain in id order, gives them consecutive `seq` and links each
to the previous one by SHA-256 (the hash covers the event's fields and the previous hash), then
moves the head. An event whose transaction commits late is sealed in a later block: the order of
sealing defines the chain. Altering, inserting or deleting a sealed row breaks the chain at that
row; the head row records the tip, which catches a deletion at the end.

Sealing runs after a commit when it is due (at most one attempt per interval per process, and
one in flight; skipped while another sealer holds the head), from `gaoxin audit seal` on a timer,
and before every verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Subquery
from django.utils import timezone

from .errors import DomainError
from .middleware import current_request_id
from .models import AuditEvent, AuditHead
from .tasks import Progress, tracked_task

GENESIS = "0" * 64
logger = logging.getLogger(__name__)


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
    """Append one event. Call it inside the transaction of the change it describes.

    The event gets its place in the chain (`seq`, `hash`) when it is sealed, after commit."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id, actor_label = _actor_fields(actor)
    # Round-trip through JSON so the stored summary is exactly what the hash will later cover.
    summary = json.loads(_canonical(summary or {}))
    event = AuditEvent.objects.create(
        at=timezone.now(),
        actor_id=actor_id,
        actor=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        request_id=current_request_id(),
    )
    transaction.on_commit(_seal_after_commit, robust=True)
    return event


SEAL_BLOCK = 500
# A commit seals only when it is due: this many events committed in this process since its last
# attempt, or this many seconds since that attempt (settings AUDIT_SEAL_EVERY, AUDIT_SEAL_INTERVAL).
SEAL_EVERY = 200
SEAL_INTERVAL = 1.0

_seal_state = threading.Lock()
_seal_running = False
_seal_pending = 0
_seal_last = -float("inf")  # time.monotonic() of this process's last attempt


def _seal_due(now: float) -> bool:
    every = getattr(settings, "AUDIT_SEAL_EVERY", SEAL_EVERY)
    interval = getattr(settings, "AUDIT_SEAL_INTERVAL", SEAL_INTERVAL)
    return _seal_pending >= every or now - _seal_last >= interval


def _seal_after_commit() -> None:
    """Seal in blocks, cheaply: at most one attempt in flight per process, and only when due — the
    first commit after a quiet interval seals at once; in a burst, one commit per interval (or per
    `AUDIT_SEAL_EVERY` events) seals what the others committed. What a burst's last commits leave
    is taken by the next due commit, `gaoxin audit seal` on its timer, or the next verification."""
    global _seal_running, _seal_pending, _seal_last
    if not getattr(settings, "AUDIT_SEAL_ON_COMMIT", True):
        return
    with _seal_state:
        _seal_pending += 1
        now = time.monotonic()
        if _seal_running or not _seal_due(now):
            return
        _seal_running, _seal_pending, _seal_last = True, 0, now
    try:
        seal(max_blocks=2)
    except Exception:
        logger.exception("审计事件封存失败（事件已提交，将在下一次封存时补上）")
    finally:
        with _seal_state:
            _seal_running = False


def _create_head() -> bool:
    """Create the genesis head of a log with no sealed event; False when the head is missing while
    sealed events exist — a tampered log that verification reports, never repaired here."""
    if AuditEvent.objects.filter(seq__isnull=False).exists():
        logger.error("审计链头记录缺失而已有封存事件，停止封存；请运行 gaoxin audit verify")
        return False
    try:
        with transaction.atomic():
            AuditHead.objects.create(id=1, seq=0, hash=GENESIS)
    except IntegrityError:
        pass  # another sealer created it first
    return True


def _lock_head(wait: bool) -> AuditHead | None:
    qs = AuditHead.objects.filter(id=1)
    if connection.features.has_select_for_update_skip_locked and not wait:
        return qs.select_for_update(skip_locked=True).first()
    # SQLite has no row locks: the write transaction (BEGIN IMMEDIATE) already serialises sealers.
    return qs.select_for_update().first()


class _ChainMoved(Exception):
    pass


def _write_block(rows: list[tuple[int, str, str, int]], seq: int, tip: str) -> None:
    """Give the events their place and move the head, in one round trip on PostgreSQL. The head
    moves only if every event was still unsealed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(rows))
            cursor.execute(
                f"WITH v(id, seq, prev_hash, hash) AS (VALUES {values}),"  # noqa: S608 (placeholders only)
                " u AS (UPDATE core_auditevent e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash"
                " FROM v WHERE e.id = v.id AND e.seq IS NULL RETURNING e.id)"
                " UPDATE core_audithead SET seq = %s, hash = %s WHERE id = 1 AND (SELECT count(*) FROM u) = %s",
                [p for event_id, *rest in rows for p in (event_id, *rest)] + [seq, tip, len(rows)],
            )
            moved = cursor.rowcount == 1
        else:
            cursor.executemany(
                "UPDATE core_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL",
                [(*rest, event_id) for event_id, *rest in rows],
            )
            moved = AuditHead.objects.filter(id=1).update(seq=seq, hash=tip) == 1
    if not moved:
        raise _ChainMoved


def seal(*, block: int = SEAL_BLOCK, max_blocks: int | None = None, wait: bool = False) -> int:
    """Seal committed events not yet in the chain, in blocks of `block`; return how many were sealed.

    Without `wait`, returns at once when another sealer holds the head (it will seal them)."""
    sealed = blocks = 0
    head_created = False
    while max_blocks is None or blocks < max_blocks:
        try:
            with transaction.atomic():
                head = _lock_head(wait)
                if head is None:
                    events = None
                else:
                    events = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:block])
                    seq, prev = head.seq, head.hash
                    rows = []
                    for event in events:
                        seq += 1
                        event.seq, event.prev_hash = seq, prev
                        event.hash = prev = event_hash(event)
                        rows.append((event.pk, event.seq, event.prev_hash, event.hash))
                    if rows:
                        _write_block(rows, seq, prev)
        except (IntegrityError, _ChainMoved):
            # A row already holds the next seq or hash: someone wrote into the chain behind the head.
            logger.exception("审计链封存失败：链尾之后已有序号或哈希相同的事件；请运行 gaoxin audit verify")
            return sealed
        if head is None:
            if head_created or AuditHead.objects.filter(id=1).exists() or not _create_head():
                return sealed  # another sealer holds the head, or the head is missing
            head_created = True
            continue
        sealed += len(events)
        blocks += 1
        if len(events) < block:
            break
    return sealed


def unsealed_count() -> int:
    return AuditEvent.objects.filter(seq__isnull=True).count()


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


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a verification: the first problem in the sealed chain (None when intact), how
    many events it covers, and how many committed events are not sealed yet (not an error)."""

    problem: ChainProblem | None
    sealed: int
    unsealed: int

    @property
    def unsealed_message(self) -> str:
        if not self.unsealed:
            return ""
        return f"另有 {self.unsealed} 条事件已提交、尚未封存入链（将在下一批封存，不属于错误）"

    @property
    def message(self) -> str:
        text = self.problem.message if self.problem else f"审计链完好，共 {self.sealed} 条已封存事件"
        return f"{text}；{self.unsealed_message}" if self.unsealed else text


def check(
    batch: int = 5000, progress: Callable[[int], None] | None = None, *, seal_first: bool = True
) -> ChainReport:
    """Seal what is committed, then walk the sealed chain in order and count what is left unsealed."""
    if seal_first:
        seal()
    # Head and top of the chain read in one statement (one snapshot). A sealer running meanwhile
    # only adds rows above this head, so the walk stops there and never sees a half-moved tip.
    top = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values("seq")[:1]
    head = AuditHead.objects.filter(id=1).annotate(top=Subquery(top)).values("seq", "hash", "top").first()
    if head is None:
        head_seq, head_hash, limit = 0, GENESIS, top.first()
        limit = limit["seq"] if limit else 0
        top_seq = limit
    else:
        head_seq, head_hash, top_seq = head["seq"], head["hash"], head["top"] or 0
        limit = head_seq
    problem, walked, last = _walk(limit, batch, progress)
    if problem is None:
        last_seq, last_hash = (last.seq, last.hash) if last else (0, GENESIS)
        if head_seq > last_seq:
            problem = ChainProblem(last_seq + 1, "deleted", f"链尾的审计事件已被删除（应有 {head_seq} 条）")
        elif head_seq != last_seq or head_hash != last_hash:
            problem = ChainProblem(last.seq if last else None, "inserted", "链尾有不属于审计链的事件")
        elif top_seq > head_seq:
            problem = ChainProblem(
                head_seq + 1, "inserted", f"链尾之后有不属于审计链的事件（自 #{head_seq + 1} 起）"
            )
    return ChainReport(problem=problem, sealed=walked, unsealed=unsealed_count())


def _walk(
    limit: int, batch: int, progress: Callable[[int], None] | None
) -> tuple[ChainProblem | None, int, AuditEvent | None]:
    expected_prev, expected_seq = GENESIS, 1
    last = None
    n = 0
    for n, event in enumerate(_iter_events(batch, limit), start=1):
        if progress and n % batch == 0:
            progress(n)
        if event.seq > expected_seq:
            return (
                ChainProblem(
                    expected_seq, "deleted", f"审计事件 #{expected_seq} 至 #{event.seq - 1} 已被删除"
                ),
                n,
                last,
            )
        if event_hash(event) != event.hash:
            return ChainProblem(event.seq, "altered", f"审计事件 #{event.seq} 的内容被改动"), n, last
        if event.prev_hash != expected_prev:
            message = f"审计事件 #{event.seq} 与前一条不相连（此处被插入，或前一条被改写后重算了哈希）"
            return ChainProblem(event.seq, "inserted", message), n, last
        expected_prev, expected_seq = event.hash, event.seq + 1
        last = event
    return None, n, last


def verify(batch: int = 5000, progress: Callable[[int], None] | None = None) -> ChainProblem | None:
    """Seal, then walk the chain in order; return the first problem found, or None when it is intact.
    `check()` also tells how many events are still waiting to be sealed."""
    return check(batch, progress).problem


def _iter_events(batch: int, limit: int) -> Iterator[AuditEvent]:
    after = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=after, seq__lte=limit).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


@tracked_task("封存审计事件")
def seal_chain(run: Progress) -> dict:
    pending = unsealed_count()
    run.update(0, pending, "正在把已提交的事件封存入链")
    sealed = seal(wait=True)
    run.update(sealed, max(pending, sealed))
    return {"封存事件数": sealed, "尚未封存": unsealed_count()}


@tracked_task("校验审计链")
def verify_chain(run: Progress) -> dict:
    total = AuditEvent.objects.count()
    run.update(0, total, "正在封存并逐条校验哈希")
    report = check(progress=lambda done: run.update(done, total))
    if report.problem:
        raise DomainError(report.message)
    run.update(total, total, report.unsealed_message)
    return {"事件数": report.sealed, "尚未封存": report.unsealed, "结果": "审计链完好"}
