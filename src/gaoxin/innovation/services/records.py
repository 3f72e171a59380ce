"""The science office's records: R&D centres and technology-transfer institutions (enterprise
qualifications with a level), postdoc stations and their postdocs' terms, the expert roster and its
appointments, technology contracts (技术合同认定登记) and 成果转化 projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from gaoxin.accounts.models import Department
from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, NotFound, ValidationFailed
from gaoxin.core.identifiers import check_id_card
from gaoxin.core.uniqueness import create_or_conflict
from gaoxin.enterprises.models import Qualification

from ..models import Appointment, Expert, Level, Postdoc, PostdocStation, TechContract, Transfer
from .carriers import add_months, fits, registry_enterprise, require_office

Q = Qualification.Kind
# The qualifications this office recognises: R&D centres (研发机构) and technology-transfer institutions.
RD_KINDS = (Q.TECH_CENTRE, Q.ENG_CENTRE, Q.KEY_LAB, Q.TECH_TRANSFER)


def _not_future(day: dt.date, field: str) -> None:
    if day > clock.today():
        raise ValidationFailed("日期不能晚于今天", fields={field: "不能晚于今天"})


@transaction.atomic
def rd_centre_register(
    *,
    actor,
    enterprise_uscc: str,
    kind: str,
    level: str,
    certificate_no: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> Qualification:
    """An enterprise's R&D centre or technology-transfer institution, recorded as its qualification."""
    require_office(actor)
    if kind not in RD_KINDS:
        raise ValidationFailed("研发机构类型不正确", fields={"kind": "取值不正确"})
    if level not in Level.values:
        raise ValidationFailed("级别不正确", fields={"level": "取值不正确"})
    certificate_no = fits(Qualification, "certificate_no", certificate_no)
    if not certificate_no:
        raise ValidationFailed("请填写认定文号或证书编号", fields={"certificate_no": "必填"})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationFailed("有效期止不能早于有效期起", fields={"valid_to": "不能早于有效期起"})
    _not_future(valid_from, "valid_from")
    enterprise = registry_enterprise(enterprise_uscc, "enterprise_uscc")
    q = create_or_conflict(
        lambda: Qualification.objects.create(
            enterprise=enterprise,
            kind=kind,
            level=level,
            certificate_no=certificate_no,
            valid_from=valid_from,
            valid_to=valid_to,
        ),
        "该证书编号已登记",
        taken=Qualification.objects.filter(kind=kind, certificate_no=certificate_no),
    )
    audit.record(
        actor=actor,
        action="rd_centre.register",
        obj=q,
        summary={
            "enterprise": enterprise.uscc,
            "kind": kind,
            "level": level,
            "certificate_no": certificate_no,
        },
    )
    return q


# ---- postdoc stations ------------------------------------------------------------------------------


@transaction.atomic
def station_create(
    *,
    actor,
    kind: str,
    name: str,
    established_on: dt.date,
    host_uscc: str = "",
    parent: PostdocStation | None = None,
    partner: str = "",
) -> PostdocStation:
    """The zone's 博士后工作站, or an enterprise's 分站 under it."""
    require_office(actor)
    name = fits(PostdocStation, "name", name)
    partner = fits(PostdocStation, "partner", partner)
    if kind not in PostdocStation.Kind.values:
        raise ValidationFailed("类型不正确", fields={"kind": "取值不正确"})
    if not name:
        raise ValidationFailed("请填写名称", fields={"name": "必填"})
    _not_future(established_on, "established_on")
    host = registry_enterprise(host_uscc, "host_uscc") if host_uscc else None
    if kind == PostdocStation.Kind.SUB_STATION:
        if parent is None or parent.kind != PostdocStation.Kind.STATION:
            raise ValidationFailed("分站须属于一个博士后工作站", fields={"parent_id": "须为工作站"})
        if host is None:
            raise ValidationFailed("分站须有设站企业", fields={"host_uscc": "必填"})
    elif parent is not None:
        raise ValidationFailed("工作站不属于其他工作站", fields={"parent_id": "工作站不填"})
    station = create_or_conflict(
        lambda: PostdocStation.objects.create(
            kind=kind,
            name=name,
            host=host,
            parent=parent,
            partner=partner,
            established_on=established_on,
            created_by=actor,
        ),
        "已有同名工作站",
        taken=PostdocStation.objects.filter(name=name),
    )
    audit.record(
        actor=actor,
        action="postdoc_station.create",
        obj=station,
        summary={
            "kind": kind,
            "name": name,
            "host": host.uscc if host else "",
            "parent": parent and parent.pk,
        },
    )
    return station


@transaction.atomic
def postdoc_enter(
    *,
    actor,
    station: PostdocStation,
    name: str,
    id_card: str,
    field: str,
    entered_on: dt.date,
    months: int = 24,
    supervisor: str = "",
) -> Postdoc:
    """A postdoc enters a station (进站) for a term of `months` (usually two years)."""
    require_office(actor)
    checked = check_id_card(id_card)
    if not checked.valid:
        raise ValidationFailed(checked.message, fields={"id_card": checked.message})
    name, field = fits(Postdoc, "name", name), fits(Postdoc, "field", field)
    supervisor = fits(Postdoc, "supervisor", supervisor)
    if not name or not field:
        raise ValidationFailed("请填写姓名和研究方向", fields={"name": "必填", "field": "必填"})
    if not 1 <= months <= 72:
        raise ValidationFailed("在站期限应为 1 至 72 个月", fields={"months": "超出范围"})
    _not_future(entered_on, "entered_on")
    postdoc = create_or_conflict(
        lambda: Postdoc.objects.create(
            station=station,
            name=name,
            id_card=checked.normalized,
            field=field,
            supervisor=supervisor,
            entered_on=entered_on,
            due_on=add_months(entered_on, months),
        ),
        "该博士后已在站",
        taken=Postdoc.objects.filter(id_card=checked.normalized, state=Postdoc.State.IN_STATION),
    )
    audit.record(
        actor=actor,
        action="postdoc.enter",
        obj=postdoc,
        summary={
            "station": station.pk,
            "entered_on": entered_on.isoformat(),
            "due_on": postdoc.due_on.isoformat(),
        },
    )
    return postdoc


@transaction.atomic
def postdoc_leave(*, actor, postdoc_id: int, on: dt.date, completed: bool = True) -> Postdoc:
    """出站 at the end of the term (completed) or 退站 before it; a postdoc leaves once."""
    require_office(actor)
    postdoc = Postdoc.objects.select_for_update().filter(pk=postdoc_id).first()
    if postdoc is None:
        raise NotFound("未找到该博士后，或您无权查看")
    if postdoc.state != Postdoc.State.IN_STATION:
        raise Conflict(f"该博士后当前为「{postdoc.get_state_display()}」，不能再出站")
    _not_future(on, "on")
    if on < postdoc.entered_on:
        raise ValidationFailed("出站日期不能早于进站日期", fields={"on": "不能早于进站日期"})
    before = postdoc.state
    postdoc.state = Postdoc.State.COMPLETED if completed else Postdoc.State.WITHDRAWN
    postdoc.left_on = on
    postdoc.save(update_fields=["state", "left_on"])
    audit.record(
        actor=actor,
        action="postdoc.leave",
        obj=postdoc,
        summary={"from": before, "to": postdoc.state, "on": on.isoformat()},
    )
    return postdoc


# ---- experts -----------------------------------------------------------------------------------------


@transaction.atomic
def expert_create(*, actor, name: str, organisation: str, field: str, title: str = "") -> Expert:
    require_office(actor)
    name, organisation = fits(Expert, "name", name), fits(Expert, "organisation", organisation)
    field, title = fits(Expert, "field", field), fits(Expert, "title", title)
    if not name or not organisation or not field:
        raise ValidationFailed("请填写姓名、工作单位和专业领域")
    expert = create_or_conflict(
        lambda: Expert.objects.create(
            name=name, organisation=organisation, field=field, title=title, created_by=actor
        ),
        "该单位已有同名专家",
        taken=Expert.objects.filter(name=name, organisation=organisation),
    )
    audit.record(actor=actor, action="expert.create", obj=expert, summary={"name": name, "field": field})
    return expert


@transaction.atomic
def appointment_add(
    *, actor, expert: Expert, department_id: int, field: str, term_from: dt.date, term_to: dt.date
) -> Appointment:
    """A department appoints the expert (聘任) for a term; terms of one department may not overlap."""
    require_office(actor)
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise ValidationFailed("聘任部门不存在", fields={"department_id": "不存在"})
    if term_to < term_from:
        raise ValidationFailed("聘期止不能早于聘期起", fields={"term_to": "不能早于聘期起"})
    field = fits(Appointment, "field", field)
    if not field:
        raise ValidationFailed("请填写聘任领域", fields={"field": "必填"})
    Expert.objects.select_for_update().filter(pk=expert.pk).first()
    overlap = Appointment.objects.filter(
        expert=expert,
        department=department,
        ended_on__isnull=True,
        term_from__lte=term_to,
        term_to__gte=term_from,
    )
    if overlap.exists():
        raise Conflict("该部门对该专家的聘期与已有聘任重叠")
    appointment = Appointment.objects.create(
        expert=expert, department=department, field=field, term_from=term_from, term_to=term_to
    )
    audit.record(
        actor=actor,
        action="expert.appoint",
        obj=appointment,
        summary={
            "expert": expert.pk,
            "department": department.code,
            "from": str(term_from),
            "to": str(term_to),
        },
    )
    return appointment


@transaction.atomic
def appointment_dismiss(
    *, actor, expert: Expert, appointment_id: int, on: dt.date, reason: str
) -> Appointment:
    """解聘: the department ends an appointment before its term is over, with a reason; once only."""
    require_office(actor)
    appointment = Appointment.objects.select_for_update().filter(pk=appointment_id, expert=expert).first()
    if appointment is None:
        raise NotFound("未找到该聘任记录，或您无权查看")
    reason = fits(Appointment, "end_reason", reason)
    if not reason:
        raise ValidationFailed("请填写解聘原因", fields={"reason": "必填"})
    if appointment.ended_on is not None:
        raise Conflict(f"该聘任已于 {appointment.ended_on.isoformat()} 解聘，不能再次解聘")
    if appointment.term_to < clock.today():
        raise Conflict(f"该聘任已于 {appointment.term_to.isoformat()} 期满，无需解聘")
    _not_future(on, "on")
    if on < appointment.term_from:
        raise ValidationFailed("解聘日期不能早于聘期起", fields={"on": "不能早于聘期起"})
    appointment.ended_on = on
    appointment.end_reason = reason
    appointment.save(update_fields=["ended_on", "end_reason"])
    audit.record(
        actor=actor,
        action="expert.dismiss",
        obj=appointment,
        summary={"expert": expert.pk, "on": on.isoformat(), "reason": reason},
    )
    return appointment


# ---- technology contracts and 成果转化 --------------------------------------------------------------


@transaction.atomic
def contract_register(
    *,
    actor,
    number: str,
    name: str,
    kind: str,
    seller_uscc: str,
    buyer: str,
    amount: Decimal,
    tech_amount: Decimal,
    signed_on: dt.date,
    registered_on: dt.date | None = None,
    case_number: str = "",
) -> TechContract:
    """A technology contract recognised and registered (认定登记); its amount counts in the registration year."""
    require_office(actor)
    number, name = fits(TechContract, "number", number), fits(TechContract, "name", name)
    buyer, case_number = fits(TechContract, "buyer", buyer), fits(TechContract, "case_number", case_number)
    if not number or not name or not buyer:
        raise ValidationFailed("请填写登记号、合同名称和买方")
    if kind not in TechContract.Kind.values:
        raise ValidationFailed("合同类别不正确", fields={"kind": "取值不正确"})
    if amount <= 0 or not Decimal(0) <= tech_amount <= amount:
        raise ValidationFailed("成交额须大于 0，技术交易额不能超过成交额", fields={"tech_amount": "超出范围"})
    registered_on = registered_on or clock.today()
    _not_future(registered_on, "registered_on")
    if signed_on > registered_on:
        raise ValidationFailed("签订日期不能晚于认定登记日期", fields={"signed_on": "晚于认定登记日期"})
    seller = registry_enterprise(seller_uscc, "seller_uscc")
    contract = create_or_conflict(
        lambda: TechContract.objects.create(
            number=number,
            name=name,
            kind=kind,
            seller=seller,
            buyer=buyer,
            amount=amount,
            tech_amount=tech_amount,
            signed_on=signed_on,
            registered_on=registered_on,
            case_number=case_number,
            created_by=actor,
        ),
        "该登记号已登记",
        taken=TechContract.objects.filter(number=number),
    )
    audit.record(
        actor=actor,
        action="tech_contract.register",
        obj=contract,
        summary={"number": number, "seller": seller.uscc, "amount": str(amount), "kind": kind},
    )
    return contract


@transaction.atomic
def transfer_record(
    *,
    actor,
    name: str,
    enterprise_uscc: str,
    source: str,
    transferred_on: dt.date,
    major: bool = False,
    investment: Decimal | None = None,
) -> Transfer:
    require_office(actor)
    name, source = fits(Transfer, "name", name), fits(Transfer, "source", source)
    if not name or not source:
        raise ValidationFailed("请填写项目名称和成果来源")
    if investment is not None and investment < 0:
        raise ValidationFailed("转化投入不能为负", fields={"investment": "不能为负"})
    _not_future(transferred_on, "transferred_on")
    enterprise = registry_enterprise(enterprise_uscc, "enterprise_uscc")
    transfer = create_or_conflict(
        lambda: Transfer.objects.create(
            name=name,
            enterprise=enterprise,
            source=source,
            major=major,
            investment=investment,
            transferred_on=transferred_on,
            created_by=actor,
        ),
        "该企业已有同名成果转化项目",
        taken=Transfer.objects.filter(enterprise=enterprise, name=name),
    )
    audit.record(
        actor=actor,
        action="transfer.record",
        obj=transfer,
        summary={"enterprise": enterprise.uscc, "major": major, "on": transferred_on.isoformat()},
    )
    return transfer
