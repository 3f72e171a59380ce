"""The project pipeline: its table, stage gates, the bureau's review past 签约, audit, tenancy and races."""

import datetime as dt
import json
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from gaoxin.core import clock
from gaoxin.core.audit import AuditEvent
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.workflow import MACHINES
from gaoxin.investment.models import Project, StageEvent
from gaoxin.investment.services import pipeline
from tests.factories import department, staff_user

from .builders import bureau, lead, move, sign_ready, to_producing

pytestmark = pytest.mark.django_db
S = Project.Stage


@pytest.fixture
def officers(db):
    return bureau()


def test_the_pipeline_table_is_the_documented_one():
    machine = MACHINES["investment_project"]
    edges = {(t.action, s, t.target) for t in machine.transitions for s in t.sources}
    chain = [(a, src, dst) for a, (src, dst, _) in pipeline.ADVANCES.items()]
    assert [src for _, src, _ in chain] + [chain[-1][2]] == pipeline.ORDER
    assert set(chain) <= edges
    # 暂停 from every stage before 达产, 终止 from those and from 暂停; nothing leaves 终止 or 达产 but nothing.
    assert {s for a, s, _ in edges if a == "pause"} == set(pipeline.ACTIVE)
    assert {s for a, s, _ in edges if a == "terminate"} == {*pipeline.ACTIVE, S.PAUSED}
    assert not [e for e in edges if e[1] in (S.TERMINATED,)]
    assert {s for a, s, _ in edges if a.startswith("review")} == pipeline.REVIEWED
    diagram = machine.diagram()
    assert {st["code"] for st in diagram["states"]} == set(S.values)


def test_an_officer_takes_a_lead_to_production_with_every_move_past_signing_reviewed(officers):
    a, b = officers
    with clock.frozen(dt.date(2020, 6, 1)):
        p = to_producing(a, b, lead(a))
    assert p.stage == S.PRODUCING and not p.pending_review and p.revision > 10
    events = list(
        StageEvent.objects.filter(project=p)
        .exclude(action__startswith="review")
        .values_list("to_stage", flat=True)
    )
    assert events == [S.LEAD, S.TALKS, S.SIGNED, S.REGISTERED, S.SETTLED, S.STARTED, S.COMPLETED, S.PRODUCING]
    assert not StageEvent.objects.filter(project=p, counted_on__isnull=True).exists()
    actions = set(AuditEvent.objects.filter(object_id=str(p.pk)).values_list("action", flat=True))
    assert {
        "investment_project.sign",
        "investment_project.review_ok",
        "investment_project.produce",
    } <= actions


def test_signing_needs_the_agreement_amount_commitments_and_evidence(officers):
    a, _ = officers
    p = lead(a)
    move(a, p, "talk")
    with pytest.raises(ValidationFailed) as err:
        move(a, p, "sign")
    assert {"agreement_no", "signed_amount", "evidence", "commitments"} <= set(err.value.fields)
    p.refresh_from_db()
    assert p.stage == S.TALKS and not StageEvent.objects.filter(project=p, action="sign").exists()
    sign_ready(a, p)
    move(a, p, "sign", agreement_no="XY-9", signed_amount=Decimal("12000"), signed_on=clock.today())
    p.refresh_from_db()
    assert p.stage == S.SIGNED and p.pending_review


def test_a_lead_without_contact_does_not_enter_talks(officers):
    a, _ = officers
    p = lead(a, contact_name="")
    with pytest.raises(ValidationFailed) as err:
        move(a, p, "talk")
    assert "contact_name" in err.value.fields
    move(a, p, "talk", contact_name="李总")
    p.refresh_from_db()
    assert p.stage == S.TALKS and p.contact_name == "李总"


def test_start_needs_the_construction_permit(officers):
    a, b = officers
    p = to_producing(a, b, lead(a))
    q = lead(a, name="第二个项目")
    move(a, q, "talk")
    sign_ready(a, q)
    move(a, q, "sign", agreement_no="X", signed_amount=Decimal("1"), signed_on=clock.today())
    move(b, q, "review_ok")
    move(a, q, "register", uscc=p.uscc)
    move(b, q, "review_ok")
    with pytest.raises(ValidationFailed) as err:
        move(a, q, "settle")
    assert "carrier" in err.value.fields
    pipeline.evidence_add(actor=a, project_id=q.pk, stage="settled", title="入驻协议")
    move(a, q, "settle")
    move(b, q, "review_ok")
    with pytest.raises(ValidationFailed) as err:
        move(a, q, "start")
    assert {"permit_no", "evidence"} == set(err.value.fields)


def test_registering_needs_an_enterprise_of_the_registry(officers):
    a, b = officers
    p = lead(a)
    move(a, p, "talk")
    sign_ready(a, p)
    move(a, p, "sign", agreement_no="X", signed_amount=Decimal("1"), signed_on=clock.today())
    move(b, p, "review_ok")
    with pytest.raises(ValidationFailed) as err:
        move(a, p, "register", uscc="91450200MA0000009X")
    assert "uscc" in err.value.fields


def test_a_move_past_signing_waits_for_another_officer_and_can_be_sent_back(officers):
    a, b = officers
    p = lead(a)
    move(a, p, "talk")
    sign_ready(a, p)
    move(a, p, "sign", agreement_no="X", signed_amount=Decimal("1"), signed_on=clock.today())
    with pytest.raises(PermissionDenied):
        move(a, p, "review_ok")  # not one's own move
    with pytest.raises(Conflict):
        move(a, p, "register", uscc="x")  # waiting for the review
    with pytest.raises(ValidationFailed):
        move(b, p, "review_back")  # needs a reason
    move(b, p, "review_back", note="协议金额与附件不符")
    p.refresh_from_db()
    assert p.stage == S.TALKS and not p.pending_review
    sign = StageEvent.objects.get(project=p, action="sign")
    assert sign.withdrawn and sign.counted_on is None


def test_team_member_outside_the_bureau_moves_the_project_but_cannot_review(officers):
    a, b = officers
    park = staff_user("park", department("park", "河西园区管理处"), [])
    p = lead(a, team=[park])
    move(park, p, "talk")
    sign_ready(park, p)
    move(park, p, "sign", agreement_no="X", signed_amount=Decimal("1"), signed_on=clock.today())
    outsider = staff_user("other", department("finance", "财政局"), ["finance_officer"])
    from gaoxin.core.errors import NotFound

    with pytest.raises(NotFound):
        move(outsider, p, "review_ok")
    with pytest.raises(NotFound):
        move(outsider, p, "pause", note="x")
    move(b, p, "review_ok")


def test_pause_resume_and_terminate_keep_their_reasons(officers):
    a, _ = officers
    p = lead(a)
    move(a, p, "talk")
    with pytest.raises(ValidationFailed):
        move(a, p, "pause")
    move(a, p, "pause", note="投资方资金链调整")
    p.refresh_from_db()
    assert (p.stage, p.paused_from, p.reason) == (S.PAUSED, S.TALKS, "投资方资金链调整")
    move(a, p, "resume")
    p.refresh_from_db()
    assert p.stage == S.TALKS
    move(a, p, "terminate", note="投资方另选址")
    p.refresh_from_db()
    assert p.stage == S.TERMINATED
    with pytest.raises(Conflict):
        move(a, p, "resume")


def test_a_stale_revision_loses(officers):
    a, b = officers
    p = lead(a)
    seen = p.revision
    pipeline.project_move(actor=a, project_id=p.pk, action="talk", revision=seen)
    with pytest.raises(Conflict) as err:
        pipeline.project_move(actor=b, project_id=p.pk, action="pause", revision=seen, note="x")
    assert "刷新" in err.value.message


@pytest.mark.django_db(transaction=True)
def test_two_officers_moving_one_project_one_wins_409(db):
    """Both saw revision 0 and press 「进入洽谈」/「暂停」 at once: one wins, the other gets 409 through the API."""
    a, b = bureau()
    p = lead(a)
    clients = []
    for u in (a, b):
        c = Client()
        c.force_login(u)
        clients.append(c)
    results = []

    def call(c, action):
        try:
            r = c.post(
                f"/api/v1/investment/projects/{p.pk}/actions/{action}",
                json.dumps({"revision": 0, "note": "同时操作"}),
                content_type="application/json",
            )
            results.append(r.status_code)
        finally:
            close_old_connections()
            connection.close()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)

        def worker(c, action):
            barrier.wait()
            call(c, action)

        threads = [
            threading.Thread(target=worker, args=(c, act))
            for c, act in zip(clients, ("talk", "pause"), strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        call(clients[0], "talk")
        call(clients[1], "pause")
    assert sorted(results) == [200, 409]
    p.refresh_from_db()
    assert p.revision == 1
    assert StageEvent.objects.filter(project=p).exclude(action="create").count() == 1


def test_api_answers_a_gate_in_the_error_shape(officers):
    a, _ = officers
    p = lead(a)
    c = Client()
    c.force_login(a)
    r = c.post(f"/api/v1/investment/projects/{p.pk}/actions/talk", "{}", content_type="application/json")
    assert r.status_code == 200 and r.json()["stage"] == "talks"
    r = c.post(f"/api/v1/investment/projects/{p.pk}/actions/sign", "{}", content_type="application/json")
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "validation_failed" and "agreement_no" in body["fields"]
    r = c.post(f"/api/v1/investment/projects/{p.pk}/actions/fly", "{}", content_type="application/json")
    assert r.status_code == 404


def test_leads_are_entered_by_the_bureau_only(officers):
    clerk = staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    with pytest.raises(PermissionDenied):
        lead(clerk)
    c = Client()
    c.force_login(clerk)
    r = c.post(
        "/api/v1/investment/projects",
        json.dumps({"name": "x", "company": "y", "source": "fair", "intended_investment": "1"}),
        content_type="application/json",
    )
    assert r.status_code == 403
    assert c.get("/api/v1/investment/projects").json()["items"] == []
