"""Pages of the innovation pillar. Thin: parse a form, call a service or a selector, render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gaoxin.core import clock
from gaoxin.core.errors import DomainError, NotFound

from . import forms, permissions, selectors
from .models import Incubation, InnovationCarrier, Level
from .services import carriers, records


def page(view):
    """The science office, leaders, statisticians and enterprises; NotFound → 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_view_pages(request.user):
            raise Http404("未找到该页面")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


def _submit(request, form, call, success: str) -> bool:
    """Run `call(cleaned_data)` for a valid form; a refusal becomes a message (or the form's error)."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return False
    messages.success(request, success)
    return True


@page
def carriers_view(request):
    user = request.user
    kind = request.GET.get("kind", "")
    kind = kind if kind in InnovationCarrier.Kind.values else ""
    form = forms.CarrierForm(request.POST or None)
    if request.method == "POST" and _submit(
        request,
        form,
        lambda d: carriers.carrier_create(actor=user, **{**d, "operator_uscc": d["operator_uscc"] or ""}),
        _("已登记载体"),
    ):
        return redirect("innovation:carriers")
    return render(
        request,
        "innovation/carriers.html",
        {
            "rows": selectors.carrier_list(user=user, kind=kind),
            "kind": kind,
            "kinds": InnovationCarrier.Kind.choices,
            "graduations": selectors.graduations_by_year(user=user),
            "form": form,
            "can_manage": permissions.can_manage(user),
        },
    )


@page
def carrier_view(request, innovation_carrier_id: int):
    user = request.user
    carrier = selectors.carrier_get(user=user, carrier_id=innovation_carrier_id)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    admit = forms.AdmitForm(request.POST if which == "admit" else None, initial={"entered_on": clock.today()})
    act = forms.IncubationActionForm(request.POST if which == "act" else None)
    if which == "admit" and _submit(
        request,
        admit,
        lambda d: carriers.incubation_admit(actor=user, carrier=carrier, **d),
        _("已登记入驻"),
    ):
        return redirect("innovation:carrier", innovation_carrier_id=carrier.pk)
    if which == "act":
        if _submit(
            request,
            act,
            lambda d: carriers.incubation_act(
                actor=user,
                incubation_id=d["incubation"],
                action=d["action"],
                revision=d["revision"],
                on=d["on"],
                reason=d["reason"],
                months=d["months"],
            ),
            _("已办理"),
        ):
            return redirect("innovation:carrier", innovation_carrier_id=carrier.pk)
        for error in act.non_field_errors() or [_("请检查填写的日期、说明或月数")]:
            messages.error(request, error)
    state = request.GET.get("state", "")
    state = state if state in Incubation.State.values else ""
    tenants = Paginator(selectors.incubations_of(user=user, carrier=carrier, state=state), 50)
    page_ = tenants.get_page(request.GET.get("page"))
    office = permissions.can_manage(user)
    rows = [
        {"inc": inc, "actions": carriers.INCUBATIONS.available(user=user, obj=inc) if office else []}
        for inc in page_.object_list
    ]
    return render(
        request,
        "innovation/carrier.html",
        {
            "carrier": carrier,
            "rows": rows,
            "page": page_,
            "state": state,
            "states": Incubation.State.choices,
            "counts": selectors.online_counts(user=user, carrier=carrier),
            "graduations": selectors.graduations_by_year(user=user, carrier=carrier),
            "admit": admit,
            "can_manage": office,
            "today": clock.today(),
        },
    )


@page
def rd_centres_view(request):
    user = request.user
    kind = request.GET.get("kind", "")
    kind = kind if kind in records.RD_KINDS else ""
    level = request.GET.get("level", "")
    level = level if level in Level.values else ""
    form = forms.RdCentreForm(request.POST or None, initial={"valid_from": clock.today()})
    if request.method == "POST" and _submit(
        request, form, lambda d: records.rd_centre_register(actor=user, **d), _("已登记研发机构")
    ):
        return redirect("innovation:rd_centres")
    rows = Paginator(selectors.rd_centre_list(user=user, kind=kind, level=level), 50).get_page(
        request.GET.get("page")
    )
    year = clock.today().year
    return render(
        request,
        "innovation/rd_centres.html",
        {
            "page": rows,
            "kind": kind,
            "level": level,
            "kinds": [(k.value, k.label) for k in records.RD_KINDS],
            "levels": Level.choices,
            "stats": selectors.innovation_stats(user=user, period=(year, None))["total"],
            "year": year,
            "form": form,
            "can_manage": permissions.can_manage(user),
        },
    )


@page
def stations_view(request):
    user = request.user
    stations = list(selectors.station_list(user=user))
    which = request.POST.get("form", "") if request.method == "POST" else ""
    today = clock.today()
    station_form = forms.StationForm(
        request.POST if which == "station" else None,
        stations=stations,
        prefix="st",
        initial={"established_on": today},
    )
    postdoc_form = forms.PostdocForm(
        request.POST if which == "postdoc" else None,
        stations=stations,
        prefix="pd",
        initial={"entered_on": today},
    )
    leave_form = forms.PostdocLeaveForm(request.POST if which == "leave" else None)

    def create_station(d):
        parent_id = d.pop("parent_id")
        parent = selectors.station_get(user=user, station_id=parent_id) if parent_id else None
        records.station_create(actor=user, parent=parent, **{**d, "host_uscc": d["host_uscc"] or ""})

    def enter(d):
        station = selectors.station_get(user=user, station_id=d.pop("station"))
        records.postdoc_enter(actor=user, station=station, **d)

    def leave(d):
        selectors.postdoc_get(user=user, postdoc_id=d["postdoc"])
        records.postdoc_leave(actor=user, postdoc_id=d["postdoc"], on=d["on"], completed=d["completed"])

    done = {
        "station": (station_form, create_station, _("已设立工作站")),
        "postdoc": (postdoc_form, enter, _("已登记博士后进站")),
        "leave": (leave_form, leave, _("已办理出站")),
    }.get(which)
    if done and _submit(request, *done):
        return redirect("innovation:stations")
    if which == "leave":
        for error in leave_form.non_field_errors() or [_("请填写出站日期和方式")]:
            messages.error(request, error)
    return render(
        request,
        "innovation/stations.html",
        {
            "stations": [
                {
                    "station": s,
                    "postdocs": [
                        {"p": p, "id_card": selectors.shown_id_card(p)}
                        for p in selectors.postdocs_of(user=user, station=s)
                    ],
                }
                for s in stations
            ],
            "station_form": station_form,
            "postdoc_form": postdoc_form,
            "can_view_all": permissions.can_view_all(user),
            "can_manage": permissions.can_manage(user),
            "today": today,
        },
    )


def office_page(view):
    """The pages only the zone's readers (the office, leaders, statisticians) open."""

    @page
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_view_all(request.user):
            raise Http404("未找到该页面")
        return view(request, *args, **kwargs)

    return wrapper


@office_page
def experts_view(request):
    user = request.user
    q = request.GET.get("q", "").strip()[:60]
    form = forms.ExpertForm(request.POST or None)
    created = {}

    def create(d):
        created["expert"] = records.expert_create(actor=user, **d)

    if request.method == "POST" and _submit(request, form, create, _("已登记专家")):
        return redirect("innovation:expert", expert_id=created["expert"].pk)
    rows = Paginator(selectors.expert_list(user=user, q=q), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "innovation/experts.html",
        {"page": rows, "q": q, "form": form, "can_manage": permissions.can_manage(user)},
    )


@office_page
def expert_view(request, expert_id: int):
    user = request.user
    expert = selectors.expert_get(user=user, expert_id=expert_id)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    today = clock.today()
    appoint = forms.AppointmentForm(
        request.POST if which == "appoint" else None, initial={"term_from": today}
    )
    dismiss = forms.DismissForm(request.POST if which == "dismiss" else None)
    if which == "appoint" and _submit(
        request, appoint, lambda d: records.appointment_add(actor=user, expert=expert, **d), _("已聘任")
    ):
        return redirect("innovation:expert", expert_id=expert.pk)
    if which == "dismiss":
        if _submit(
            request,
            dismiss,
            lambda d: records.appointment_dismiss(
                actor=user, expert=expert, appointment_id=d["appointment"], on=d["on"], reason=d["reason"]
            ),
            _("已解聘"),
        ):
            return redirect("innovation:expert", expert_id=expert.pk)
        errors = dismiss.non_field_errors() or [e for es in dismiss.errors.values() for e in es]
        for error in errors or [_("请填写解聘日期和原因")]:
            messages.error(request, error)
    office = permissions.can_manage(user)
    appointments = [
        {"a": a, "standing": a.standing(today), "open": office and a.ended_on is None and a.term_to >= today}
        for a in selectors.appointments_of(user=user, expert=expert)
    ]
    return render(
        request,
        "innovation/expert.html",
        {
            "expert": expert,
            "appointments": appointments,
            "appoint": appoint,
            "can_manage": office,
            "today": today,
        },
    )


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", "") or clock.today().year)
    except ValueError:
        year = clock.today().year
    return min(max(year, 2000), 2100)


@page
def transfers_view(request):
    user = request.user
    year = _year(request)
    form = forms.TransferForm(request.POST or None, initial={"transferred_on": clock.today()})
    if request.method == "POST" and _submit(
        request, form, lambda d: records.transfer_record(actor=user, **d), _("已登记成果转化项目")
    ):
        return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "innovation/transfers.html",
        {
            "year": year,
            "page": Paginator(selectors.transfer_list(user=user, year=year), 50).get_page(
                request.GET.get("page")
            ),
            "stats": selectors.innovation_stats(user=user, period=(year, None))["total"],
            "form": form,
            "can_manage": permissions.can_manage(user),
        },
    )


@page
def contracts_view(request):
    user = request.user
    year = _year(request)
    form = forms.ContractForm(request.POST or None, initial={"registered_on": clock.today()})
    if request.method == "POST" and _submit(
        request, form, lambda d: records.contract_register(actor=user, **d), _("已登记技术合同")
    ):
        return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "innovation/contracts.html",
        {
            "year": year,
            "contracts": Paginator(selectors.contract_list(user=user, year=year), 50).get_page(
                request.GET.get("page")
            ),
            "transfers": selectors.transfer_list(user=user, year=year)[:200],
            "stats": selectors.innovation_stats(user=user, period=(year, None))["total"],
            "form": form,
            "can_manage": permissions.can_manage(user),
        },
    )
