"""Builders for the investment tests: the bureau's officers, a lead, and a project taken along the pipeline."""

import datetime as dt
from decimal import Decimal

from gaoxin.core import clock
from gaoxin.investment.models import Commitment
from gaoxin.investment.services import carriers, pipeline
from tests.enterprises import factories as ef
from tests.factories import department, staff_user


def bureau():
    dept = department("investment", "投资促进局")
    return (
        staff_user("invest", dept, ["investment_officer"]),
        staff_user("invest2", dept, ["investment_officer"]),
    )


def lead(officer, **kw):
    kw.setdefault("name", "动力电池电芯项目")
    kw.setdefault("company", "某某新能源科技股份有限公司")
    kw.setdefault("source", "business")
    kw.setdefault("intended_investment", Decimal("50000"))
    kw.setdefault("contact_name", "张经理")
    return pipeline.lead_create(actor=officer, **kw)


def move(actor, project, action, **fields):
    project.refresh_from_db()
    return pipeline.project_move(actor=actor, project_id=project.pk, action=action, **fields)


def sign_ready(officer, project, *, start_by=dt.date(2020, 9, 30), produce_by=dt.date(2021, 12, 31)):
    pipeline.evidence_add(
        actor=officer, project_id=project.pk, stage="signed", title="投资合作协议", doc_no="XY-1"
    )
    pipeline.commitment_set(
        actor=officer,
        project_id=project.pk,
        kind=Commitment.Kind.INVESTMENT,
        value=Decimal("50000"),
        due_on=produce_by,
    )
    pipeline.commitment_set(
        actor=officer, project_id=project.pk, kind=Commitment.Kind.START_BY, due_on=start_by
    )
    pipeline.commitment_set(
        actor=officer, project_id=project.pk, kind=Commitment.Kind.PRODUCE_BY, due_on=produce_by
    )


def to_producing(officer, reviewer, project, *, uscc=None, day=None):
    """Take a lead through every stage to 投产, each move past 签约 reviewed by the other officer."""
    day = day or clock.today()
    move(officer, project, "talk")
    sign_ready(officer, project)
    move(officer, project, "sign", agreement_no="XY-1", signed_amount=Decimal("50000"), signed_on=day)
    move(reviewer, project, "review_ok")
    uscc = uscc or ef.enterprise(ef.other_uscc(31), "某某新能源（柳州）有限公司").uscc
    move(officer, project, "register", uscc=uscc)
    move(reviewer, project, "review_ok")
    plot = carriers.carrier_create(
        actor=officer, kind="plot", name=f"标准地-{project.pk}", area_mu=Decimal("100")
    )
    carriers.carrier_assign(actor=officer, carrier_id=plot.pk, state="sold", project=project)
    move(officer, project, "settle")
    move(reviewer, project, "review_ok")
    pipeline.evidence_add(actor=officer, project_id=project.pk, stage="started", title="施工许可证")
    move(officer, project, "start", permit_no="450200202001010101")
    move(reviewer, project, "review_ok")
    pipeline.evidence_add(actor=officer, project_id=project.pk, stage="completed", title="竣工验收备案")
    move(officer, project, "complete")
    move(reviewer, project, "review_ok")
    pipeline.evidence_add(actor=officer, project_id=project.pk, stage="producing", title="投产报告")
    move(officer, project, "produce")
    move(reviewer, project, "review_ok")
    project.refresh_from_db()
    return project
