"""Failed-login counters do not pile up: pairs idle for the configured days and not locked are
forgotten by `gaoxin logins_prune`; a pair locked now, or seen recently, is kept."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from gaoxin.accounts.models import LoginCounter


def _counter(username, *, idle_days, locked_for_minutes=None):
    row = LoginCounter.objects.create(username=username, client="10.0.0.1", failures=3)
    now = timezone.now()
    LoginCounter.objects.filter(pk=row.pk).update(
        updated_at=now - dt.timedelta(days=idle_days),
        locked_until=None if locked_for_minutes is None else now + dt.timedelta(minutes=locked_for_minutes),
    )
    return row


def test_idle_unlocked_counters_are_pruned_and_others_kept(db):
    _counter("guess1", idle_days=40)
    _counter("guess2", idle_days=31, locked_for_minutes=-5)  # its lock ran out long ago
    _counter("recent", idle_days=2)
    _counter("locked", idle_days=40, locked_for_minutes=60)  # still locked: kept
    out = StringIO()
    call_command("logins_prune", stdout=out)
    assert "2" in out.getvalue()
    assert set(LoginCounter.objects.values_list("username", flat=True)) == {"recent", "locked"}


def test_the_idle_period_is_configurable(db):
    _counter("a", idle_days=8)
    call_command("logins_prune", "--days", "10", stdout=StringIO())
    assert LoginCounter.objects.filter(username="a").exists()
    call_command("logins_prune", "--days", "7", stdout=StringIO())
    assert not LoginCounter.objects.filter(username="a").exists()
