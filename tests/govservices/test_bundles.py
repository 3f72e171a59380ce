"""一件事 bundles: one form, one material set, one acceptance creating the member cases on the case
engine, in parallel or in order, and one result notice when the last member case ends."""

import threading

import pytest
from django.db import connection, connections

from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gaoxin.govservices import selectors
from gaoxin.govservices.models import BundleCase, BundleEvent, Case, CaseMaterial
from gaoxin.govservices.services.bundles import bundle_apply, bundle_case_act, bundle_save
from gaoxin.govservices.services.cases import case_act
from tests.govservices.builders import KAIBAN, kaiban_bundle
from tests.govservices.helpers import pdf

pytestmark = pytest.mark.django_db


def _apply(gz, code="KBQY"):
    return bundle_apply(
        actor=gz["p"]["ent"], code=code, data={"ent_name": "示例科技有限公司"}, files={"1": pdf()}
    )


def _finish(gz, case: Case):
    approver = gz["p"][f"approver_{case.department.code}"]
    case_act(actor=approver, number=case.number, action="review", payload={"verdict": "agree"})
    case_act(actor=approver, number=case.number, action="approve")
    return case_act(actor=approver, number=case.number, action="issue")


def _members(bc) -> list[Case]:
    return [
        Case.objects.select_related("department").get(pk=m.case_id)
        for m in bc.members.order_by("order")
        if m.case_id
    ]


def test_kaiban_bundle_one_acceptance_five_parallel_cases_one_notice(gz):
    kaiban_bundle(gz)
    bc = _apply(gz)
    assert bc.state == "submitted" and bc.members.filter(case__isnull=False).count() == 0

    bc = bundle_case_act(actor=gz["p"]["clerk"], number=bc.number, action="accept")
    assert bc.state == "running" and bc.due_on is not None and bc.light
    cases = _members(bc)
    assert [c.item.code for c in cases] == [m[0] for m in KAIBAN]
    # routed to each item's own department, all under review at once, the one form mapped onto each
    assert [c.department.code for c in cases] == [m[2] for m in KAIBAN]
    assert {c.state for c in cases} == {"in_review"}
    assert {c.data["company"] for c in cases} == {"示例科技有限公司"}
    assert {c.channel for c in cases} == {"window"}
    # the one material set: uploaded once, the same file in every member case
    shas = set(CaseMaterial.objects.filter(case__in=cases).values_list("sha256", flat=True))
    assert len(shas) == 1 and "" not in shas

    for c in cases[:-1]:
        _finish(gz, c)
    bc.refresh_from_db()
    assert bc.state == "running" and bc.notice == {}
    assert not BundleEvent.objects.filter(bundle_case=bc, action="complete").exists()

    _finish(gz, cases[-1])
    bc.refresh_from_db()
    assert bc.state == "done" and bc.light == ""
    assert BundleEvent.objects.filter(bundle_case=bc, action="complete").count() == 1
    results = bc.notice["results"]
    assert [r["case"] for r in results] == [c.number for c in cases]
    assert all(r["state"] == "issued" and r["licence"] for r in results)
    assert "5 项办成" in bc.notice["text"]


def test_sequential_bundle_starts_each_member_after_the_one_before(gz):
    kaiban_bundle(gz, mode="sequential", code="QYZX", members=KAIBAN[:3])
    bc = bundle_case_act(actor=gz["p"]["clerk"], number=_apply(gz, "QYZX").number, action="accept")
    assert len(_members(bc)) == 1
    first = _members(bc)[0]
    assert first.item.code == KAIBAN[0][0]
    _finish(gz, first)
    second = _members(bc)
    assert len(second) == 2 and second[1].state == "in_review"
    assert second[1].item.code == KAIBAN[1][0]
    _finish(gz, second[1])
    third = _members(bc)[2]
    _finish(gz, third)
    bc.refresh_from_db()
    assert bc.state == "done" and len(bc.notice["results"]) == 3


def test_sequential_bundle_stops_when_a_member_is_denied(gz):
    kaiban_bundle(gz, mode="sequential", code="QYZX", members=KAIBAN[:3])
    bc = bundle_case_act(actor=gz["p"]["clerk"], number=_apply(gz, "QYZX").number, action="accept")
    first = _members(bc)[0]
    case_act(
        actor=gz["p"]["approver_scj"], number=first.number, action="deny", payload={"reason": "名称重复"}
    )
    bc.refresh_from_db()
    assert bc.state == "done"
    assert [r["state"] for r in bc.notice["results"]] == ["denied", "", ""]
    assert "0 项办成" in bc.notice["text"]


def test_instant_members_end_the_bundle_at_its_acceptance(gz):
    from tests.govservices.builders import publish_item

    admin, dept = gz["p"]["admin"], gz["d"]["approval"]
    publish_item(admin, "000000000201", "员工录用登记", dept, handling="instant")
    publish_item(admin, "000000000202", "员工参保登记", dept, handling="instant")
    bundle_save(
        actor=admin,
        fields={
            "code": "YGLY",
            "name": "员工录用",
            "committed_days": 1,
            "form_fields": [{"name": "company"}],
        },
        members=[{"item": "000000000201"}, {"item": "000000000202"}],
        materials=[
            {
                "name": "营业执照",
                "targets": [{"item": "000000000201", "material": 1}, {"item": "000000000202", "material": 1}],
            }
        ],
    )
    bc = bundle_apply(actor=gz["p"]["ent"], code="YGLY", data={"company": "示例"}, files={"1": pdf()})
    bc = bundle_case_act(actor=gz["p"]["clerk"], number=bc.number, action="accept")
    assert bc.state == "done" and {c.state for c in _members(bc)} == {"issued"}
    assert len(bc.notice["results"]) == 2


def test_catalogue_refuses_a_bundle_that_does_not_cover_its_members(gz):
    kaiban_bundle(gz)
    with pytest.raises(ValidationFailed) as exc:
        bundle_save(
            actor=gz["p"]["admin"],
            fields={"code": "BAD", "name": "不完整", "committed_days": 3, "form_fields": []},
            members=[{"item": KAIBAN[0][0]}, {"item": KAIBAN[1][0]}],
            materials=[],
        )
    assert "企业名称" in exc.value.message and "营业执照" in exc.value.message
    with pytest.raises(PermissionDenied):
        kaiban_bundle_by(gz["p"]["ent"])


def kaiban_bundle_by(actor):
    return bundle_save(
        actor=actor, fields={"code": "X", "name": "X", "committed_days": 1}, members=[], materials=[]
    )


def test_apply_refuses_missing_material_and_form_field_storing_nothing(gz):
    kaiban_bundle(gz)
    with pytest.raises(ValidationFailed) as exc:
        bundle_apply(actor=gz["p"]["ent"], code="KBQY", data={"ent_name": "示例"}, files={})
    assert "营业执照或名称告知书" in exc.value.message
    with pytest.raises(ValidationFailed):
        bundle_apply(actor=gz["p"]["ent"], code="KBQY", data={}, files={"1": pdf()})
    with pytest.raises(ValidationFailed):
        bundle_apply(
            actor=gz["p"]["ent"], code="KBQY", data={"ent_name": "示例"}, files={"1": pdf("a.pdf", b"nope")}
        )
    assert BundleCase.objects.count() == 0


def test_other_enterprise_and_citizen_do_not_see_a_bundle_case(gz):
    kaiban_bundle(gz)
    bc = _apply(gz)
    assert selectors.bundle_case_get(user=gz["p"]["ent_op"], number=bc.number).pk == bc.pk
    for who in ("ent2", "citizen", "reviewer_land"):
        with pytest.raises(NotFound):
            selectors.bundle_case_get(user=gz["p"][who], number=bc.number)
    with pytest.raises(NotFound):
        bundle_case_act(actor=gz["p"]["ent2"], number=bc.number, action="withdraw")
    with pytest.raises(PermissionDenied):
        bundle_case_act(actor=gz["p"]["ent"], number=bc.number, action="accept")
    # the approver of a member's department sees the bundle case once its member case exists
    bundle_case_act(actor=gz["p"]["clerk"], number=bc.number, action="accept")
    assert selectors.bundle_case_get(user=gz["p"]["approver_gaj"], number=bc.number).pk == bc.pk


@pytest.mark.django_db(transaction=True)
def test_two_clerks_accepting_one_bundle_one_wins(gz):
    kaiban_bundle(gz)
    number = _apply(gz).number
    results: list[str] = []
    barrier = threading.Barrier(2)
    concurrent = connection.vendor == "postgresql"

    def run(user):
        try:
            if concurrent:
                barrier.wait(timeout=10)
            bundle_case_act(actor=user, number=number, action="accept", revision=0)
            results.append("ok")
        except Conflict:
            results.append("409")
        finally:
            if concurrent:
                connections.close_all()

    clerks = [gz["p"]["clerk"], gz["p"]["clerk_housing"]]
    if concurrent:
        threads = [threading.Thread(target=run, args=(u,)) for u in clerks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for u in clerks:
            run(u)
    assert sorted(results) == ["409", "ok"]
    bc = BundleCase.objects.get(number=number)
    assert bc.members.filter(case__isnull=False).count() == 5
    assert Case.objects.count() == 5
    assert BundleEvent.objects.filter(bundle_case=bc, action="accept").count() == 1
