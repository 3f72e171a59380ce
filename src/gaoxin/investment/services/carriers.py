"""Carriers (载体: parks, standard plots, standard factory buildings) and trips and visits (出行招商、对接拜访)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed

from .. import permissions
from ..models import Carrier, Chain, Project, Trip, Visit

HELD = (Carrier.State.RESERVED, Carrier.State.LET, Carrier.State.SOLD)


def _require_manager(actor, what: str) -> None:
    if not permissions.can_manage(actor):
        raise PermissionDenied(f"只有投资促进局可以{what}")


@transaction.atomic
def carrier_create(
    *,
    actor,
    kind: str,
    name: str,
    park: Carrier | None = None,
    chain: Chain | None = None,
    area_mu: Decimal | None = None,
    floor_area: Decimal | None = None,
    min_intensity: Decimal | None = None,
    plot_ratio: Decimal | None = None,
    min_tax_per_mu: Decimal | None = None,
) -> Carrier:
    _require_manager(actor, _("登记载体"))
    if kind not in Carrier.Kind.values:
        raise ValidationFailed("载体类型不正确", fields={"kind": "取值不正确"})
    if kind != Carrier.Kind.PARK and park is not None and park.kind != Carrier.Kind.PARK:
        raise ValidationFailed("所属产业园须为产业园", fields={"park": "须为产业园"})
    if Carrier.objects.filter(name=name.strip()).exists():
        raise Conflict("已有同名载体")
    carrier = Carrier.objects.create(
        kind=kind,
        name=name.strip(),
        park=park,
        chain=chain,
        area_mu=area_mu,
        floor_area=floor_area,
        min_intensity=min_intensity,
        plot_ratio=plot_ratio,
        min_tax_per_mu=min_tax_per_mu,
    )
    audit.record(actor=actor, action="investment_carrier.create", obj=carrier, summary={"name": carrier.name})
    return carrier


@transaction.atomic
def carrier_assign(*, actor, carrier_id: int, state: str, project: Project | None = None) -> Carrier:
    """Reserve, let or sell a plot or building to a project, or make it available again."""
    _require_manager(actor, _("分配载体"))
    carrier = Carrier.objects.select_for_update().filter(pk=carrier_id).first()
    if carrier is None:
        raise Conflict("载体不存在")
    if carrier.kind == Carrier.Kind.PARK:
        raise Conflict("产业园本身不分配给项目，请分配园内的标准地或厂房")
    if state not in Carrier.State.values:
        raise ValidationFailed("状态不正确", fields={"state": "取值不正确"})
    if state in HELD and project is None:
        raise ValidationFailed("预留、出租或出让须指定项目", fields={"project": "必填"})
    if state in HELD and carrier.project_id and project is not None and carrier.project_id != project.pk:
        raise Conflict(f"该载体已由项目 {carrier.project.code} 占用")
    before = carrier.state
    carrier.state = state
    carrier.project = project if state in HELD else None
    carrier.save(update_fields=["state", "project"])
    audit.record(
        actor=actor,
        action="investment_carrier.assign",
        obj=carrier,
        summary={"from": before, "to": state, "project": project.code if project else None},
    )
    return carrier


@transaction.atomic
def trip_create(
    *, actor, leader: str, destination: str, start_on: dt.date, end_on: dt.date, purpose: str = ""
) -> Trip:
    _require_manager(actor, _("登记出行招商"))
    if end_on < start_on:
        raise ValidationFailed("返回日期不能早于出发日期", fields={"end_on": "早于出发日期"})
    if start_on > clock.today() + dt.timedelta(days=366):
        raise ValidationFailed("出发日期过远", fields={"start_on": "不能晚于一年后"})
    trip = Trip.objects.create(
        leader=leader.strip(),
        destination=destination.strip(),
        start_on=start_on,
        end_on=end_on,
        purpose=purpose.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor, action="investment_trip.create", obj=trip, summary={"destination": trip.destination}
    )
    return trip


@transaction.atomic
def visit_add(
    *, actor, company: str, on: dt.date, trip: Trip | None = None, city: str = "", note: str = ""
) -> Visit:
    _require_manager(actor, _("登记对接拜访"))
    if not company.strip():
        raise ValidationFailed("请填写拜访企业", fields={"company": "必填"})
    if trip is not None and not (trip.start_on <= on <= trip.end_on):
        raise ValidationFailed("拜访日期须在出行期间", fields={"on": "不在出行期间"})
    visit = Visit.objects.create(
        trip=trip, company=company.strip(), on=on, city=city.strip(), note=note[:300]
    )
    audit.record(actor=actor, action="investment_visit.create", obj=visit, summary={"company": visit.company})
    return visit
