"""The demo zone's talent flats are made through the services: every let flat has exactly one active
lease whose rent follows the published rule, tenants who left the zone have their lease ended and their
flat let again or vacant, the waiting list is ranked (a certified citizen who applied last heading it with her tier's points),
and the demo citizen sees her own application."""

import datetime as dt
from decimal import Decimal

from gaoxin.core.audit import AuditEvent
from gaoxin.demo import generator
from gaoxin.talent import flat_selectors, scoring
from gaoxin.talent.models import Flat, FlatApplication, FlatLease, Talent

AS_OF = dt.date(2026, 6, 30)


def test_the_demo_lets_flats_by_the_waiting_list_and_ends_leases_on_leaving(db):
    generator.build(seed=2020, count=400, as_of=AS_OF, log=lambda m: None)
    flats = list(Flat.objects.all())
    assert len(flats) == 20
    for flat in flats:
        active = FlatLease.objects.filter(flat=flat, state="active")
        assert active.count() == (1 if flat.state == "let" else 0)
    for lease in FlatLease.objects.select_related("rule"):
        share = scoring.rent_share(lease.rule, lease.tier)
        assert lease.monthly_rent == scoring.monthly_rent(lease.market_rent, share)
    left = FlatApplication.objects.filter(state="moved_out", talent__state=Talent.State.LEFT)
    assert left.count() == 2
    assert all(a.lease.state == "ended" and a.lease.ended_on for a in left)
    ranked = flat_selectors.waiting_list(as_of=AS_OF)
    assert ranked and [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    assert all(r.masked_name.endswith("*") for r in ranked)
    totals = [r.score.total for r in ranked]
    assert totals == sorted(totals, reverse=True)
    assert FlatApplication.objects.filter(talent__name="覃小梅").exists()
    # The certified citizen who applied after the last round heads the list with her tier's points.
    head = ranked[0]
    assert head.application.talent.name == "黄志强"
    rule = flat_selectors.published_flat_rule()
    assert (head.score.tier, head.score.tier_points) == ("C", Decimal(str(rule.tier_points["C"])))
    n_events = AuditEvent.objects.filter(action__startswith="talent_flat_application.").count()
    assert n_events >= FlatApplication.objects.count()  # each was at least queued through the machine
