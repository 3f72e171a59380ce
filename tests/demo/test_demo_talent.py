"""The demo zone's talents are registered through the talent services, each with a valid ID number and an
employer of the demo registry, and the tiers' criteria are in place."""

import datetime as dt

import pytest

from gaoxin.core.identifiers import check_id_card
from gaoxin.demo import generator
from gaoxin.enterprises.models import Enterprise
from gaoxin.talent.models import Employment, Talent, Tier
from gaoxin.talent.services import registry

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = dt.date(2026, 6, 30)


def test_the_demo_registers_talents_with_registry_employers_and_publishes_the_certification_item():
    generator.build(seed=2020, count=400, as_of=AS_OF, log=lambda m: None)
    from gaoxin.govservices.models import ServiceItem

    assert ServiceItem.objects.filter(code=registry.ITEM_CODE, current__isnull=False).exists()
    assert list(Tier.objects.values_list("code", flat=True)) == ["A", "B", "C", "D", "E"]
    from gaoxin.demo import talent_subsidies

    # + the certified citizens of the talent-subsidy step (the 人才公寓 step reuses the demo citizen)
    talents = list(Talent.objects.all())
    assert len(talents) == registry_count() + len(talent_subsidies.PEOPLE)
    registered = set(Enterprise.objects.values_list("uscc", flat=True))
    for t in talents:
        job = Employment.objects.filter(talent=t).order_by("start_on", "id").last()
        assert check_id_card(t.id_card).valid and job.uscc in registered
        if t.state == Talent.State.IN_ZONE:  # tenants of the flats and one certified citizen leave
            assert job.end_on is None and job.uscc == t.employer_uscc


def registry_count() -> int:
    from gaoxin.demo import talent

    return talent.TALENTS if Enterprise.objects.count() >= talent.TALENTS else Enterprise.objects.count()
