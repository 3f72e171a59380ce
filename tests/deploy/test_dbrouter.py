"""The replica rule: reads go to the replica only when asked, never for a write, never in a transaction."""

import pytest
from django.conf import settings
from django.db import transaction

from gaoxin.core import dbrouter
from gaoxin.core.dbrouter import ReplicaRouter, read_alias, using_primary, using_replica
from gaoxin.govservices.models import Case


@pytest.fixture
def replica(monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)


def test_the_replica_is_configured_by_settings_alone():
    assert dbrouter.replica_configured() == ("replica" in settings.DATABASES)
    assert ("gaoxin.core.dbrouter.ReplicaRouter" in settings.DATABASE_ROUTERS) == (
        "replica" in settings.DATABASES
    )


def test_without_a_replica_everything_reads_the_primary(monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: False)
    with using_replica():
        assert read_alias() == "default"


def test_reads_go_to_the_replica_only_inside_using_replica(replica):
    router = ReplicaRouter()
    assert router.db_for_read(Case) == "default"
    with using_replica():
        assert router.db_for_read(Case) == "replica"
        assert router.db_for_write(Case) == "default"
        with using_primary():
            assert router.db_for_read(Case) == "default"
        assert router.db_for_read(Case) == "replica"
    assert router.db_for_read(Case) == "default"


@using_replica()
def _figures():
    return read_alias()


def test_using_replica_decorates_a_function(replica):
    assert _figures() == "replica" and read_alias() == "default"


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_stay_on_the_primary(replica):
    with using_replica():
        assert read_alias() == "replica"
        with transaction.atomic():
            assert read_alias() == "default"


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "govservices") and not router.allow_migrate(
        "replica", "govservices"
    )
