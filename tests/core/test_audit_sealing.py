"""Appending without a lock, sealing in blocks afterwards: concurrent writers, late commits, unsealed
events, tampering after sealing, and rows written before sealing existed. Each test runs on SQLite
and on PostgreSQL (the suite runs twice)."""

import json
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from gaoxin.core import audit
from gaoxin.core.models import AuditEvent, AuditHead


def _record(i, actor=None):
    return audit.record(actor=actor, action="test.event", object_type="t", object_id=str(i), summary={"i": i})


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _assert_sealed_exactly_once(count):
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, count + 1))
    assert AuditEvent.objects.filter(hash__isnull=False).values("hash").distinct().count() == count
    head = AuditHead.objects.get(id=1)
    assert head.seq == count and head.hash == AuditEvent.objects.get(seq=count).hash
    assert audit.verify() is None


@pytest.mark.django_db
class TestAppendAndSeal:
    def test_an_appended_event_has_no_chain_position_until_sealed(self, clerk):
        event = _record(1, clerk)
        event.refresh_from_db()
        assert (event.seq, event.prev_hash, event.hash) == (None, "", None)
        assert audit.seal() == 1
        event.refresh_from_db()
        assert event.seq == 1 and event.prev_hash == audit.GENESIS and event.hash == audit.event_hash(event)

    def test_unsealed_events_are_reported_as_such_not_as_errors(self):
        for i in range(3):
            _record(i)
        audit.seal()
        _record(3)
        _record(4)
        report = audit.check(seal_first=False)
        assert report.problem is None and (report.sealed, report.unsealed) == (3, 2)
        assert "2 条事件已提交、尚未封存" in report.message and "审计链完好" in report.message
        report = audit.check()  # verification seals first
        assert report.problem is None and (report.sealed, report.unsealed) == (5, 0)
        assert report.unsealed_message == ""

    def test_blocks_continue_the_chain(self):
        for i in range(7):
            _record(i)
        assert audit.seal(block=3, max_blocks=1) == 3
        assert audit.unsealed_count() == 4
        assert audit.seal(block=3) == 4
        _assert_sealed_exactly_once(7)

    def test_tampering_with_a_sealed_event_is_caught_after_sealing(self):
        for i in range(4):
            _record(i)
        audit.seal()
        _record(4)  # not sealed yet
        _sql("UPDATE core_auditevent SET object_id = %s WHERE seq = %s", ["forged", 2])
        problem = audit.verify()
        assert (problem.seq, problem.kind) == (2, "altered")
        assert AuditEvent.objects.get(object_id="4").seq == 5  # sealed by the verification all the same

    def test_altering_an_unsealed_event_before_sealing_goes_unnoticed_by_design(self):
        """What the chain protects starts at sealing: seal often (after commit and on a timer)."""
        _record(1)
        _sql("UPDATE core_auditevent SET object_id = %s", ["edited"])
        assert audit.verify() is None

    def test_a_row_forged_beyond_the_head_stops_sealing_and_is_named(self):
        last = [_record(i) for i in range(2)][-1]
        audit.seal()
        last.refresh_from_db()
        _sql(
            "INSERT INTO core_auditevent (seq, at, actor_id, actor, action, object_type, object_id, summary,"
            " request_id, prev_hash, hash) VALUES (3, %s, NULL, 'x', 'test.fake', '', '', '{}', '', %s, %s)",
            [last.at, last.hash, "f" * 64],
        )
        _record(9)
        assert audit.seal() == 0  # seq 3 is taken: nothing is sealed on top of a forged row
        problem = audit.verify()
        assert problem.kind in {"altered", "inserted"} and problem.seq == 3

    def test_a_deleted_head_is_reported_and_never_recreated_over_sealed_events(self):
        for i in range(2):
            _record(i)
        audit.seal()
        _sql("DELETE FROM core_audithead")
        _record(2)
        assert audit.seal() == 0 and not AuditHead.objects.exists()
        problem = audit.verify()
        assert problem is not None and problem.kind == "inserted"

    def test_late_commit_is_sealed_in_a_later_block(self):
        """A transaction that commits late holds a lower id than events already sealed. SQLite lets one
        writer at a time, so there a late commit is staged by inserting the lower id after sealing; on
        PostgreSQL, `test_late_committing_transaction_on_real_connections` does it with two connections."""
        first = _record(1)
        gap = first.pk + 1
        _sql(
            "UPDATE core_auditevent SET id = %s WHERE id = %s", [first.pk + 2, first.pk]
        )  # leave the id below free
        assert audit.seal() == 1
        AuditEvent.objects.bulk_create(
            [AuditEvent(id=gap, at=first.at, actor="系统", action="test.late", summary={})]
        )
        assert audit.seal() == 1
        late = AuditEvent.objects.get(id=gap)
        assert late.pk < first.pk + 2 and late.seq == 2
        _assert_sealed_exactly_once(2)

    def test_seal_command_seals_and_verify_command_reports(self, capsys):
        for i in range(3):
            _record(i)
        call_command("audit", "seal")
        assert "已封存 3 条事件" in capsys.readouterr().out
        _record(3)
        call_command("audit", "verify")
        assert "审计链完好，共 4 条事件" in capsys.readouterr().out

    def test_the_audit_page_lists_unsealed_events_first(self, admin_user, client):
        for i in range(2):
            _record(i)
        audit.seal()
        _record(2)
        client.force_login(admin_user)
        page = client.get("/audit/").content.decode()
        assert page.index("<td>—</td>") < page.index("<td>2</td>") < page.index("<td>1</td>")


@pytest.mark.django_db(transaction=True)
class TestConcurrentWriters:
    def _run(self, workers, target):
        errors = []

        def run(w):
            try:
                target(w)
            except Exception as exc:  # surfaced in the main thread
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(w,)) for w in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors

    def test_concurrent_writers_and_sealers_give_an_intact_chain_sealed_exactly_once(self, settings):
        per = 25

        def write(w):
            for i in range(per):
                with transaction.atomic():
                    _record(w * 1000 + i)  # sealed after commit, one attempt in flight per process
                if i % 5 == w % 5:
                    audit.seal()  # and by sealers racing each other directly

        self._run(4, write)
        assert AuditEvent.objects.filter(seq__isnull=False).exists()  # commits triggered sealing
        audit.seal()
        _assert_sealed_exactly_once(4 * per)

    def test_sealing_after_commit_can_be_switched_off(self, settings):
        settings.AUDIT_SEAL_ON_COMMIT = False
        with transaction.atomic():
            _record(1)
        assert audit.unsealed_count() == 1
        assert audit.check(seal_first=False).unsealed == 1

    def test_late_committing_transaction_on_real_connections(self):
        """Two connections: the first writer commits after the second. Where the database lets both
        write at once (PostgreSQL), the second is sealed first and the first, holding the lower id, in
        a later block. SQLite queues the second writer behind the first, so there commit order equals
        id order. The chain is intact either way."""
        ready, go, early_done = threading.Event(), threading.Event(), threading.Event()
        late_id, errors = [], []

        def thread(body):
            def run():
                try:
                    body()
                except Exception as exc:  # surfaced in the main thread
                    errors.append(exc)
                finally:
                    connection.close()

            t = threading.Thread(target=run)
            t.start()
            return t

        def late_writer():
            with transaction.atomic():
                late_id.append(_record("late").pk)
                ready.set()
                go.wait(timeout=30)

        def early_writer():
            with transaction.atomic():
                _record("early")
            audit.seal()
            early_done.set()

        holder = thread(late_writer)
        assert ready.wait(timeout=30)
        early = thread(early_writer)
        concurrent = early_done.wait(timeout=2 if connection.vendor == "sqlite" else 30)
        if concurrent:
            early_event = AuditEvent.objects.get(object_id="early")
            assert early_event.seq == 1 and early_event.pk > late_id[0]
            assert not AuditEvent.objects.filter(seq__isnull=True).exists()  # the late one is invisible
        go.set()
        holder.join(timeout=60)
        early.join(timeout=60)
        assert not errors
        audit.seal()
        if concurrent:
            assert AuditEvent.objects.get(object_id="late").seq == 2  # lower id, later block
        assert concurrent or connection.vendor == "sqlite"
        _assert_sealed_exactly_once(2)


@pytest.mark.django_db(transaction=True)
class TestSealingWhenDue:
    """A commit seals only when due: the first after a quiet interval at once, then at most one
    attempt per interval (or per AUDIT_SEAL_EVERY events) in this process; the rest wait, reported
    as unsealed, for the next due commit, `gaoxin audit seal` or a verification."""

    @pytest.fixture
    def attempts(self, monkeypatch):
        calls = []
        real = audit.seal

        def counting(**kwargs):
            calls.append(kwargs)
            return real(**kwargs)

        monkeypatch.setattr(audit, "seal", counting)
        monkeypatch.setattr(audit, "_seal_last", float("-inf"))  # a quiet process
        monkeypatch.setattr(audit, "_seal_pending", 0)
        return calls

    def _commit(self, i):
        with transaction.atomic():
            _record(i)

    def test_a_burst_seals_once_per_interval_and_leaves_the_rest_reported(self, settings, attempts):
        settings.AUDIT_SEAL_INTERVAL, settings.AUDIT_SEAL_EVERY = 60, 1000
        for i in range(5):
            self._commit(i)
        assert len(attempts) == 1  # the first commit after the quiet interval
        assert AuditEvent.objects.get(object_id="0").seq == 1
        report = audit.check(seal_first=False)
        assert report.problem is None and (report.sealed, report.unsealed) == (1, 4)
        call_command("audit", "seal")
        _assert_sealed_exactly_once(5)

    def test_enough_events_make_a_seal_due_within_the_interval(self, settings, attempts):
        settings.AUDIT_SEAL_INTERVAL, settings.AUDIT_SEAL_EVERY = 60, 3
        for i in range(4):
            self._commit(i)
        assert len(attempts) == 2  # the first commit, then the third one after it
        assert audit.unsealed_count() == 0
        _assert_sealed_exactly_once(4)

    def test_the_first_commit_after_the_interval_seals_what_waited(self, settings, attempts):
        settings.AUDIT_SEAL_INTERVAL, settings.AUDIT_SEAL_EVERY = 1.0, 1000
        for i in range(3):
            self._commit(i)
        assert len(attempts) == 1 and audit.unsealed_count() == 2
        time.sleep(1.1)
        self._commit(3)
        assert len(attempts) == 2 and audit.unsealed_count() == 0
        _assert_sealed_exactly_once(4)


@pytest.mark.django_db(transaction=True)
def test_rows_chained_before_the_migration_stay_valid():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0001_initial")])
    try:
        prev = audit.GENESIS
        from django.utils import timezone

        for seq in range(1, 4):
            event = AuditEvent(
                seq=seq,
                at=timezone.now(),
                actor="系统",
                action="old.event",
                summary={"n": seq},
                prev_hash=prev,
            )
            event.hash = audit.event_hash(event)
            _sql(
                "INSERT INTO core_auditevent (seq, at, actor_id, actor, action, object_type, object_id, summary,"
                " request_id, prev_hash, hash) VALUES (%s, %s, NULL, %s, %s, '', '', %s, '', %s, %s)",
                [seq, event.at, event.actor, event.action, json.dumps({"n": seq}), prev, event.hash],
            )
            prev = event.hash
        _sql("INSERT INTO core_audithead (id, seq, hash) VALUES (1, 3, %s)", [prev])
    finally:  # every app forward again: going back to core 0001 unapplied the apps that depend on core
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    _record(4)  # committed at once, sealed after commit
    audit.seal()
    assert AuditEvent.objects.get(object_id="4").prev_hash == prev
    _assert_sealed_exactly_once(4)
