"""The one workflow primitive: every machine checks in the same order, writes its timeline and audit
events with the state, rolls everything back when a guard refuses, and can be drawn from its table."""

from decimal import Decimal

import pytest
from django.test import Client

from gaoxin.core import workflow
from gaoxin.core.errors import Conflict, NotFound, PermissionDenied
from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.models import Report, ReportEvent
from gaoxin.enterprises.services import reporting
from gaoxin.govservices.services import cases  # noqa: F401  (registers the case machine)
from gaoxin.policies.models import Award, AwardEvent, LedgerEntry
from gaoxin.policies.services import catalogue, money
from tests.enterprises.factories import USCC, enterprise, other_uscc, report
from tests.factories import department, enterprise_user, staff_user
from tests.policies import factories as pf
from tests.policies.conftest import finance, hte_firm, officer, policy, rd_clause  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def statistician(db):
    return staff_user("stat", department("stats", "统计局"), ["statistician"])


def test_the_checks_run_in_one_fixed_order(statistician):
    """Not visible → 404 before anything; then state (409) before role (403)."""
    mine = enterprise()
    owner = enterprise_user("ent", USCC, mine.name)
    stranger = enterprise_user("ent2", other_uscc(), "别家")
    accepted = report(mine, 2025, 3, state=Report.State.ACCEPTED, revenue=Decimal("1"))
    submitted = report(mine, 2025, 4, state=Report.State.SUBMITTED, revenue=Decimal("2"))
    with pytest.raises(NotFound):  # another enterprise learns nothing, whatever the state
        reporting.report_accept(actor=stranger, report_id=accepted.pk)
    with pytest.raises(Conflict):  # wrong state is answered before the role
        reporting.report_accept(actor=owner, report_id=accepted.pk)
    with pytest.raises(PermissionDenied):  # right state, wrong role
        reporting.report_accept(actor=owner, report_id=submitted.pk)
    assert reporting.report_accept(actor=statistician, report_id=submitted.pk).state == "accepted"


def test_each_transition_writes_one_timeline_and_one_audit_event(statistician):
    rep = report(enterprise(), 2025, 5, state=Report.State.SUBMITTED, revenue=Decimal("3"))
    before = AuditEvent.objects.count()
    reporting.report_return(actor=statistician, report_id=rep.pk, reason="请核实营业收入")
    event = ReportEvent.objects.get(report=rep)
    assert (event.action, event.from_state, event.to_state, event.note) == (
        "return",
        "submitted",
        "returned",
        "请核实营业收入",
    )
    audit = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert audit.action == "report.return" and audit.summary["from"] == "submitted"
    assert audit.object_id == str(rep.pk)


def test_a_refusing_guard_leaves_nothing_behind(officer, hte_firm, rd_clause):  # noqa: F811
    catalogue.budget_set(actor=officer, clause=rd_clause, year=2026, amount=Decimal("100"))
    award = Award.objects.create(clause=rd_clause, enterprise=hte_firm, period=2026, amount=Decimal("500"))
    events, audits = AwardEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(Conflict, match="预算余额不足"):
        money.award_approve(actor=officer, award=award)
    award.refresh_from_db()
    assert award.state == Award.State.DRAFT
    assert AwardEvent.objects.count() == events and AuditEvent.objects.count() == audits
    assert not LedgerEntry.objects.exists()


def test_unknown_action_is_404(officer, hte_firm, rd_clause):  # noqa: F811
    award = Award.objects.create(
        clause=rd_clause, enterprise=pf.enterprise(), period=2026, amount=Decimal("1")
    )
    with pytest.raises(NotFound):
        money.AWARDS.run(actor=officer, action="embezzle", pk=award.pk)


def test_every_machine_can_be_drawn_from_its_table():
    names = {m.name for m in workflow.machines()}
    assert {"case", "report", "award"} <= names
    for machine in workflow.machines():
        d = machine.diagram()
        codes = {s["code"] for s in d["states"]}
        assert len(d["edges"]) == sum(len(t.sources) for t in machine.transitions)
        for e in d["edges"]:
            assert e["from"] in codes and e["to"] in codes, (machine.name, e)
            assert e["roles"] and all(e["roles"])


def test_the_workflow_page_draws_every_machine_for_staff(statistician):
    c = Client()
    c.force_login(statistician)
    page = c.get("/workflows/").content.decode()
    for machine in workflow.machines():
        assert f'id="workflow-{machine.name}"' in page
    assert "准予许可" in page and "审核通过" in page and "确认收款账户" in page
    outsider = Client()
    outsider.force_login(enterprise_user("ent", USCC, "示例"))
    assert outsider.get("/workflows/").status_code == 403
    assert Client().get("/workflows/").status_code == 302
