"""工程建设项目审批 tracks: four stages over ordinary cases, 联合审图 / 联合验收 as joint reviews, and
拿地即开工: drawings reviewed before the land is delivered, permits issued on the land-contract day."""

import datetime as dt

import pytest

from gaoxin.core import clock
from gaoxin.core.errors import Conflict, NotFound, ValidationFailed
from gaoxin.govservices import selectors
from gaoxin.govservices.services.cases import case_act
from gaoxin.govservices.services.submission import case_submit
from gaoxin.govservices.services.tracks import span_workdays, track_act, track_case_attach, track_create
from tests.govservices.builders import publish_item
from tests.govservices.helpers import pdf

pytestmark = pytest.mark.django_db

MON = dt.date(2025, 6, 9)  # a working Monday
THU = dt.date(2025, 6, 12)
NEXT_MON = dt.date(2025, 6, 16)


def _items(gz):
    admin, d = gz["p"]["admin"], gz["d"]
    joint = [d["housing"], d["land"], d["ecology"]]

    def stage(depts, days=2):
        return [{"order": 1, "name": "审查", "role": "reviewer", "days": days, "departments": depts}]

    publish_item(admin, "000000000301", "建设用地规划许可", d["approval"], stages=stage([d["approval"]]))
    publish_item(admin, "000000000302", "施工图联合审查", d["approval"], stages=stage(joint))
    publish_item(admin, "000000000303", "建设工程规划许可", d["approval"], stages=stage([d["approval"]]))
    publish_item(
        admin, "000000000304", "建筑工程施工许可", d["approval"], days=1, stages=stage([d["approval"]], 1)
    )
    publish_item(admin, "000000000305", "竣工联合验收", d["approval"], stages=stage(joint))


def _case(gz, code):
    case, _ = case_submit(
        actor=gz["p"]["ent"], item_code=code, data={"company": "示例科技"}, files={"1": pdf()}
    )
    action = "accept_instant" if case.version.is_instant else "accept"
    return case_act(actor=gz["p"]["clerk"], number=case.number, action=action)


def _review(gz, case, reviewers=("reviewer",)):
    for r in reviewers:
        case_act(actor=gz["p"][r], number=case.number, action="review", payload={"verdict": "agree"})
    return case_act(actor=gz["p"]["approver"], number=case.number, action="approve")


JOINT = ("reviewer_housing", "reviewer_land", "reviewer_ecology")


def test_land_first_project_gets_its_construction_permit_on_the_land_contract_day(gz):
    _items(gz)
    with clock.frozen(MON):
        track = track_create(
            actor=gz["p"]["ent"],
            name="智能装备产业园一期",
            mode="land_first",
            commitment=True,
            project_code="ZS-1",
        )
        land = _case(gz, "000000000301")
        drawings = _case(gz, "000000000302")
        planning = _case(gz, "000000000303")
        for case, stage, kind in (
            (land, 1, "permit"),
            (drawings, 2, "joint_drawing"),
            (planning, 2, "permit"),
        ):
            track_case_attach(
                actor=gz["p"]["ent"], number=track.number, case_number=case.number, stage=stage, kind=kind
            )
        # the drawings are reviewed jointly before the land is delivered
        _review(gz, drawings, JOINT)
        case_act(actor=gz["p"]["approver"], number=drawings.number, action="issue")
        _review(gz, land)
        _review(gz, planning)
        # a permit waits for the land contract, under the signed commitment
        with pytest.raises(Conflict) as exc:
            case_act(actor=gz["p"]["approver"], number=land.number, action="issue")
        assert "土地出让合同" in exc.value.message
    land.refresh_from_db()
    assert land.state == "approved"

    with clock.frozen(THU):
        track = track_act(actor=gz["p"]["clerk"], number=track.number, action="sign_land_contract")
        assert track.land_contract_on == THU
        case_act(actor=gz["p"]["approver"], number=land.number, action="issue")
        case_act(actor=gz["p"]["approver"], number=planning.number, action="issue")
        permit = _case(gz, "000000000304")
        track_case_attach(
            actor=gz["p"]["ent"], number=track.number, case_number=permit.number, stage=3, kind="permit"
        )
        _review(gz, permit)
        case_act(actor=gz["p"]["approver"], number=permit.number, action="issue")

    track = selectors.track_get(user=gz["p"]["ent"], number=track.number)
    stages = {s.order: s for s in track.stages.all()}
    assert track.state == "acceptance"
    assert stages[3].finished_on == track.land_contract_on == THU
    assert stages[3].workdays == 1  # accepted and issued on the land-contract day
    assert (stages[1].started_on, stages[1].finished_on, stages[1].workdays) == (MON, THU, 4)
    assert stages[2].workdays == 4 and stages[4].state == "pending"

    with clock.frozen(NEXT_MON):
        final = _case(gz, "000000000305")
        track_case_attach(
            actor=gz["p"]["clerk"],
            number=track.number,
            case_number=final.number,
            stage=4,
            kind="joint_acceptance",
        )
        _review(gz, final, JOINT)
        case_act(actor=gz["p"]["approver"], number=final.number, action="issue")
    track.refresh_from_db()
    assert track.state == "completed"
    # 施工许可 changed on the spot (a 即办件 turned from a 承诺件) after completion: recorded, stage 3 kept
    publish_item(
        gz["p"]["admin"], "000000000306", "建筑工程施工许可证变更", gz["d"]["approval"], handling="instant"
    )
    with clock.frozen(NEXT_MON + dt.timedelta(days=14)):
        change = _case(gz, "000000000306")
        assert change.state == "issued"
        track_case_attach(
            actor=gz["p"]["clerk"], number=track.number, case_number=change.number, stage=3, kind="change"
        )
    assert track.stages.get(order=3).finished_on == THU
    assert track.cases.filter(kind="change").count() == 1
    assert [t.number for t in selectors.project_tracks_for(user=gz["p"]["ent"], project_code="ZS-1")] == [
        track.number
    ]


def test_standard_track_has_no_land_contract_and_stays_in_stage_until_its_cases_end(gz):
    _items(gz)
    with clock.frozen(MON):
        track = track_create(actor=gz["p"]["clerk"], applicant="ent", name="厂房扩建")
        land = _case(gz, "000000000301")
        track_case_attach(
            actor=gz["p"]["clerk"], number=track.number, case_number=land.number, stage=1, kind="permit"
        )
        with pytest.raises(Conflict):
            track_act(actor=gz["p"]["clerk"], number=track.number, action="sign_land_contract")
        _review(gz, land)
        track.refresh_from_db()
        assert track.state == "planning"
        case_act(actor=gz["p"]["approver"], number=land.number, action="issue")  # no hold outside 拿地即开工
    track.refresh_from_db()
    assert track.state == "design"
    assert track.stages.get(order=1).workdays == 1


def test_track_refuses_bad_links_and_outsiders(gz):
    _items(gz)
    with pytest.raises(ValidationFailed):
        track_create(actor=gz["p"]["ent"], name="无承诺", mode="land_first")
    track = track_create(actor=gz["p"]["ent"], name="项目")
    case = _case(gz, "000000000302")
    with pytest.raises(ValidationFailed):  # 联合审图 belongs to 工程建设许可
        track_case_attach(
            actor=gz["p"]["ent"], number=track.number, case_number=case.number, stage=3, kind="joint_drawing"
        )
    other, _ = case_submit(
        actor=gz["p"]["ent2"], item_code="000000000301", data={"company": "另"}, files={"1": pdf()}
    )
    with pytest.raises(NotFound):
        track_case_attach(
            actor=gz["p"]["ent"], number=track.number, case_number=other.number, stage=1, kind="permit"
        )
    for who in ("ent2", "citizen"):
        with pytest.raises(NotFound):
            selectors.track_get(user=gz["p"][who], number=track.number)
        assert not selectors.project_tracks_for(user=gz["p"][who], project_code="").exists()


def test_span_counts_working_days_both_included():
    assert span_workdays(MON, MON) == (1, True)
    assert span_workdays(MON, NEXT_MON) == (6, True)
    assert span_workdays(dt.date(2025, 6, 14), dt.date(2025, 6, 16))[0] == 1  # Saturday to Monday


def test_a_promised_item_turned_instant_is_issued_at_its_acceptance(gz):
    from gaoxin.govservices.services.catalogue import item_made_instant

    _items(gz)
    before = _case(gz, "000000000304")
    version = item_made_instant(actor=gz["p"]["admin"], code="000000000304")
    assert version.is_instant and version.committed_days == 0 and not version.stages.exists()
    assert [m.name for m in version.materials.all()] == ["营业执照"]
    after = _case(gz, "000000000304")
    assert after.state == "issued" and after.version_id == version.pk
    before.refresh_from_db()
    assert before.state == "in_review" and before.version_id != version.pk
    with pytest.raises(Conflict):
        item_made_instant(actor=gz["p"]["admin"], code="000000000304")
