"""The demo zone's 一件事 and 工程建设项目审批: 100 bundles, a 开办企业 accepted once, and the 2020
projects' four-stage tracks, one 拿地即开工 with its construction permit in 1 working day."""

import datetime as dt

import pytest

from gaoxin.demo import generator
from gaoxin.govservices.models import Bundle, BundleCase, ProjectTrack

pytestmark = pytest.mark.django_db


def test_demo_has_100_bundles_and_the_2020_project_tracks():
    generator.build(seed=2020, count=200, as_of=dt.date(2026, 11, 22), log=lambda m: None)
    assert Bundle.objects.count() == 100
    assert {"开办企业", "我要开餐馆", "企业注销", "员工录用", "工程建设项目"} <= set(
        Bundle.objects.values_list("name", flat=True)
    )
    generated = Bundle.objects.filter(code__startswith="YJS-ZH")
    assert all("联办组合" in b.name for b in generated)

    # 开办企业: five 即办件 handled on the spot at its one acceptance, one result notice
    done = BundleCase.objects.get(state="done")
    assert done.members.filter(case__state="issued").count() == done.bundle.members.count() == 5
    assert len(done.notice["results"]) == 5
    assert BundleCase.objects.filter(state="submitted").count() == 1

    fast = ProjectTrack.objects.get(mode="land_first")
    stages = {s.order: s for s in fast.stages.all()}
    assert fast.state == "completed" and fast.land_contract_on == dt.date(2020, 6, 5)
    assert stages[3].finished_on == fast.land_contract_on and stages[3].workdays == 1
    slow = ProjectTrack.objects.get(mode="standard")
    assert slow.state == "acceptance"
    # 2020-05-06 … 05-19 is 11 working days: Saturday 9 May 2020 was worked (调休 after 劳动节)
    assert [slow.stages.get(order=n).workdays for n in (1, 2, 3)] == [10, 11, 8]
