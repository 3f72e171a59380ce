import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gaoxin.core import audit
from gaoxin.core.models import AuditEvent


def _events(n, actor=None):
    """n events, sealed into the chain (inside a test's transaction no commit triggers sealing)."""
    ids = [
        audit.record(
            actor=actor,
            action="test.event",
            object_type="t",
            object_id=str(i),
            summary={"i": i, "金额": "1.10"},
        ).pk
        for i in range(n)
    ]
    audit.seal()
    return list(AuditEvent.objects.filter(pk__in=ids).order_by("seq"))


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
class TestAuditChain:
    def test_intact_chain_verifies(self, clerk):
        _events(5, clerk)
        assert audit.verify() is None
        call_command("audit", "verify")

    def test_events_cannot_be_edited_or_deleted_through_the_orm(self):
        event = _events(1)[0]
        with pytest.raises(RuntimeError):
            event.save()
        with pytest.raises(RuntimeError):
            event.delete()

    def test_altered_summary_is_named(self):
        _events(5)
        _sql("UPDATE core_auditevent SET summary = %s WHERE seq = 3", ['{"i": 99}'])
        problem = audit.verify()
        assert (problem.seq, problem.kind) == (3, "altered")
        with pytest.raises(CommandError, match="#3"):
            call_command("audit", "verify")

    def test_deleted_event_is_named(self):
        _events(5)
        _sql("DELETE FROM core_auditevent WHERE seq = %s", [2])
        problem = audit.verify()
        assert (problem.seq, problem.kind) == (2, "deleted")

    def test_deleted_tail_is_caught(self):
        _events(5)
        _sql("DELETE FROM core_auditevent WHERE seq = %s", [5])
        problem = audit.verify()
        assert (problem.seq, problem.kind) == (5, "deleted")

    def test_rehashed_alteration_breaks_the_next_link(self):
        events = _events(4)
        forged = AuditEvent.objects.get(seq=2)
        forged.action = "test.forged"
        _sql(
            "UPDATE core_auditevent SET action = %s, hash = %s WHERE seq = 2",
            ["test.forged", audit.event_hash(forged)],
        )
        problem = audit.verify()
        assert (problem.seq, problem.kind) == (3, "inserted")
        assert events

    def test_inserted_event_at_the_end_is_caught(self):
        last = _events(3)[-1]
        fake = AuditEvent(seq=4, at=last.at, actor="x", action="test.fake", prev_hash=last.hash, summary={})
        fake.hash = audit.event_hash(fake)
        _sql(
            "INSERT INTO core_auditevent (seq, at, actor_id, actor, action, object_type, object_id, summary, request_id, prev_hash, hash)"
            " VALUES (%s, %s, NULL, %s, %s, '', '', %s, '', %s, %s)",
            [4, last.at, "x", "test.fake", "{}", last.hash, fake.hash],
        )
        problem = audit.verify()
        assert problem.kind == "inserted"

    def test_changes_summary_only_keeps_changed_fields(self):
        assert audit.changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}
