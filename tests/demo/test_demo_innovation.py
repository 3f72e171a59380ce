"""The demo zone's innovation figures of 2020 come out of records made through the innovation services:
the digital park's 1653 online and 56 on-site companies, the big-data base's 15, about 90 technology and
engineering centres, 3 technology-transfer institutions, 41 major 成果转化 projects and 3 sub-stations."""

import datetime as dt

import pytest

from gaoxin.accounts.models import User
from gaoxin.core.models import AuditEvent
from gaoxin.demo import generator
from gaoxin.innovation import selectors
from gaoxin.innovation.models import Incubation, InnovationCarrier, PostdocStation

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = dt.date(2026, 6, 30)


def test_the_demo_reproduces_the_2020_innovation_figures_from_records():
    generator.build(seed=2020, count=400, as_of=AS_OF, log=lambda m: None)
    leader = User.objects.get(username="leader")
    total = selectors.innovation_stats(user=leader, period=(2020, None))["total"]
    assert total["online"] == 1653
    assert (total["rd_centres"], total["tech_transfer"], total["major_transfers"]) == (90, 3, 41)
    park = InnovationCarrier.objects.get(kind=InnovationCarrier.Kind.DIGITAL_PARK)
    assert selectors.online_counts(user=leader, carrier=park)["on_site"] == 56
    base = InnovationCarrier.objects.get(kind=InnovationCarrier.Kind.DATA_BASE)
    assert Incubation.objects.filter(carrier=base, entered_on__year=2020).count() == 15
    assert PostdocStation.objects.filter(kind=PostdocStation.Kind.SUB_STATION).count() == 3
    # every stay went through the service (its audit event), and graduations happened over the years
    assert AuditEvent.objects.filter(action="incubation.admit").count() == Incubation.objects.count()
    years = {g["year"] for g in selectors.graduations_by_year(user=leader) if g["graduated"]}
    assert {2019, 2020, 2021} <= years
