"""A generated tenancy sweep: every API operation and every page URL, as every kind of outsider.

The world holds one object of every kind that has an address (a case with a material and a licence,
a citizen's case with an ID scan, a report, an award, a payment batch, a loan, a task run, a token …).
Each route is walked with its path parameters filled from the world:

* anonymous → 401/403 or a redirect to the login page, unless the route is listed in PUBLIC;
* every outsider (the other enterprise, the self-registered account still waiting for verification,
  a citizen, a reviewer of another department) → the same answer as for an object that does not exist,
  and never 2xx or 409 (a 409 would say "it exists, but not in this state");
* the owner → 2xx on GET, so that a filler that addresses nothing cannot make the sweep pass;
* list routes (no object parameter) show outsiders none of the owner's identifiers.

A route with a parameter that no filler knows, or a route without security that is not listed in
PUBLIC, fails the sweep: new routes are covered without anyone writing a test for them."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver

from gaoxin.accounts.services import enterprise_user_create, token_issue
from gaoxin.core.models import TaskRun
from gaoxin.core.notify import notify
from gaoxin.govservices.models import CaseMaterial
from gaoxin.govservices.services.bundles import bundle_apply
from gaoxin.govservices.services.ratings import rating_submit
from gaoxin.govservices.services.supervision import card_raise
from gaoxin.govservices.services.tracks import track_create
from gaoxin.policies.models import Award, FinancingNeed, PaymentBatch
from gaoxin.policies.services import catalogue as policy_catalogue
from tests.enterprises import factories as ef
from tests.factories import DEFAULT_PASSWORD, citizen_user, department, enterprise_user, staff_user
from tests.govservices.builders import kaiban_bundle, zone
from tests.govservices.helpers import client_for, pdf, submit
from tests.govservices.test_licences import issued_licence

pytestmark = pytest.mark.django_db

USCC_A = "91350100M000100Y43"

# Routes anyone may call, each for a reason. Everything else must refuse the anonymous visitor.
PUBLIC_API = {
    ("GET", "/api/v1/calendar/deadline"),  # working-day arithmetic, no data of anyone
    ("GET", "/api/v1/calendar/day"),
    ("POST", "/api/v1/identifiers/check"),  # check characters of a code the caller typed
    ("POST", "/api/v1/auth/token"),  # login
    ("GET", "/api/v1/service-items"),  # the published catalogue (办事指南)
    ("GET", "/api/v1/service-items/{code}"),
    ("GET", "/api/v1/licences/{number}/verification"),  # genuine or not and the title, nothing personal
    ("GET", "/api/v1/licences/tokens/{token}/verification"),  # anyone holding a copy verifies it (QR code)
    ("GET", "/api/v1/bundles"),  # the 一件事 catalogue and its guides (一次告知), like the items'
    ("GET", "/api/v1/bundles/{bundle_code}"),
    ("GET", "/api/v1/halls/{hall_code}/screen"),  # the hall's calling screen: numbers and windows only
    ("POST", "/api/v1/kiosk/codes"),  # the kiosk's login: a code by SMS, the same answer for any number
    ("POST", "/api/v1/kiosk/token"),  # the kiosk's login: the code exchanged for a short-lived token
    ("GET", "/api/v1/talent/flat-rules"),  # the published scoring rules of the talent flats' waiting list
    ("GET", "/api/v1/talent/waiting-list"),  # the published ranking: masked names and scores only
    ("GET", "/api/v1/talent/purchase-rules"),  # the published 限价房 eligibility rule
}
PUBLIC_URLS = {
    "healthz",
    "readyz",  # readiness for the load balancer: names of checks, no data of anyone
    "accounts/login/",
    "accounts/logout/",
    "accounts/register/",
    "services/",  # the catalogue and the guides are public
    "services/items/<str:code>/",
    "services/bundles/",  # the 一件事 catalogue and guides; an applicant's own list needs a login
    "services/bundles/<str:bundle_code>/",
    "verify/<str:token>/",  # the licence's QR code
    "talent/flats/waiting-list/",  # the talent flats' published rule and ranking, names masked
    "i18n/setlang/",
    "accounts/display/",  # the large-font mode: a cookie of the visitor's own browser, no data of anyone
    "services/hall/<str:hall_code>/screen/",  # the hall's calling screen: numbers and windows only
    "services/hall/<str:hall_code>/screen.json",
    "services/kiosk/login/",  # the kiosk's own login (ID card number and a one-time code)
    "services/kiosk/logout/",
}
SKIP_PREFIXES = (
    "admin/",
    "api/v1/",
)  # Django admin (staff-only site, not tenant pages); the API is swept by its schema

# What each path parameter addresses. The route decides between kinds sharing a name.
CATALOGUE = (
    "catalogue"  # the published catalogue / policies: visible to every signed-in user, not tenant data
)


def kind_of(route: str, param: str) -> str | None:
    if param == "number":
        return "licence" if "licences" in route else "case"
    if param == "pk":
        for part, kind in (
            ("/p/", CATALOGUE),
            ("clauses", CATALOGUE),
            ("awards", "award"),
            ("payments", "batch"),
            ("messages", "message"),
            ("rectifications", "rectification"),
            ("supervision", "card"),
        ):
            if part in route:
                return kind
        return None
    return {
        "code": CATALOGUE,
        "bundle_code": CATALOGUE,
        "hall_code": CATALOGUE,  # the city's halls: reference data
        "ticket_id": "ticket",
        "appointment_id": "appointment",
        "bundle_number": "bundle_case",
        "track_number": "track",
        "policy_id": CATALOGUE,
        "clause_id": CATALOGUE,
        "action": "action",
        "material_id": "material",
        "report_id": "report",
        "uscc": "enterprise",
        "award_id": "award",
        "batch_id": "batch",
        "loan_id": "loan",
        "run_id": "task",
        "token_id": "token",
        "token": "public_token",
        "project_id": "project",
        "chain_id": "chain",
        "link_id": "link",
        "carrier_id": "carrier",
        "trip_id": "trip",
        "talent_id": "talent",
        "certification_id": "certification",
        "innovation_carrier_id": "innovation_carrier",
        "incubation_id": "incubation",
        "station_id": "station",
        "postdoc_id": "postdoc",
        "expert_id": "expert",
        "contract_id": "contract",
        "transfer_id": "transfer",
        "application_id": "flat_application",
        "purchase_id": "purchase",
        "year": CATALOGUE,  # a year of the zone's figures (economy): staff only, no tenant's row
        "section": CATALOGUE,  # a section of the zone's yearly review (economy)
        "kind": CATALOGUE,  # yearly review or ten-year review (economy)
        "fmt": CATALOGUE,  # docx or pdf
    }.get(param)


# The most specific kind decides owner and outsiders (a material of a case is a material).
PRECEDENCE = [
    "ticket",
    "appointment",
    "material",
    "message",
    "rectification",
    "card",
    "licence",
    "case",
    "bundle_case",
    "track",
    "report",
    "enterprise",
    "award",
    "batch",
    "loan",
    "task",
    "token",
    "project",
    "trip",
    "certification",
    "flat_application",
    "purchase",
    "talent",
    "postdoc",
    "incubation",
    "innovation_carrier",
    "station",
    "expert",
    "contract",
    "transfer",
    "carrier",
    "link",
    "chain",
]


@dataclass
class World:
    clients: dict[str, Client]
    values: dict[str, str]  # kind → the value of its path parameter
    fakes: dict[str, str]  # kind → a value addressing nothing
    owners: dict[str, str]  # kind → who sees it
    outsiders: dict[str, list[str]]  # kind → who must not
    markers: dict[str, list[str]]  # outsider → strings of others' data it must never be shown
    alt: dict[str, dict[str, str]] = field(default_factory=dict)  # a second object of a kind: citizen's


def build_world() -> World:
    depts, people, items = zone()
    ent_a = ef.enterprise(USCC_A, "示例科技有限公司")
    ent_b = ef.enterprise(ef.other_uscc(2), "另一家公司")
    people["ent"] = enterprise_user("ent", ent_a.uscc, ent_a.name)
    people["ent_op"] = enterprise_user("ent_op", ent_a.uscc, ent_a.name, legal_rep=False)
    people["ent2"] = enterprise_user("ent2", ent_b.uscc, ent_b.name)
    people["citizen"] = citizen_user("citizen", "11010519491231002X")
    # Self-registered at /accounts/register/, not yet verified at a window: enterprise_uscc is "".
    people["unverified"] = enterprise_user_create(
        actor=None,
        username="unverified",
        password=DEFAULT_PASSWORD,
        full_name="待核验",
        uscc=ef.other_uscc(7),
        enterprise_name="待核验企业",
        legal_rep=True,
    )
    people["finance"] = staff_user("finance", department("czj", "财政局"), ["finance_officer"])
    officer = staff_user("policy", department("kjj", "科技和工业信息化局"), ["policy_officer"])

    gz = {"d": depts, "p": people, "items": items}
    lic = issued_licence(gz)  # ent's case in the approval department, three files, a licence
    case = lic.case
    material = CaseMaterial.objects.filter(case=case).exclude(file="").first()
    r = submit(client_for(people["citizen"]), "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()})
    assert r.status_code == 201, r.content
    citizen_number = r.json()["number"]
    citizen_material = CaseMaterial.objects.filter(case__number=citizen_number).exclude(file="").first()

    report = ef.report(ent_a, 2025, 0)
    policy = policy_catalogue.policy_create(
        actor=officer,
        title="研发投入支持",
        issuer="高新区管委会",
        issued_on=dt.date(2026, 1, 5),
        doc_no="高新〔2026〕9号",
    )
    clause = policy_catalogue.clause_create(
        actor=officer, policy=policy, code="rd", title="研发奖励", period=2026, rule="true", formula="1000"
    )
    award = Award.objects.create(
        clause=clause, enterprise=ent_a, period=2026, amount=Decimal("1000"), state=Award.State.NOTICE
    )
    batch = PaymentBatch.objects.create(code="PB-SWEEP-1", created_by=people["finance"])
    loan = FinancingNeed.objects.create(
        policy=policy, enterprise=ent_a, bank="示例银行", requested=Decimal("1"), recommended=Decimal("1")
    )
    run = TaskRun.objects.create(name="sweep", created_by=people["ent"])
    TaskRun.objects.create(name="nobody's")  # started by a worker: created_by is NULL
    token, _ = token_issue(user=people["ent"], name="sweep")
    message = notify(recipient=people["ent"], kind="other", subject="sweep")
    rect = rating_submit(actor=people["ent"], level=1, case_number=case.number).rectification
    card = card_raise(
        kind="case_overdue", cause="sweep", department_id=case.department_id, detail="sweep", case=case
    )
    bundle = kaiban_bundle(gz)
    bundle_case = bundle_apply(
        actor=people["ent"], code=bundle.code, data={"ent_name": "示例"}, files={"1": pdf()}
    )
    track = track_create(actor=people["ent"], name="扫描专用厂房项目")
    hall_, ticket, appt = hall_objects(people, depts)
    inv = investment_objects(department)
    people["invest"] = inv["officer"]
    tal = talent_objects(people, officer, depts)
    people["policy"] = officer
    ino = innovation_objects(officer, ent_a)

    # Server errors come back as answers (and fail the sweep) instead of stopping it.
    clients = {"anonymous": Client(raise_request_exception=False)}
    ours = [bundle_case.number, track.number, track.name]
    for name in (
        "ent",
        "ent2",
        "unverified",
        "citizen",
        "reviewer",
        "reviewer_land",
        "finance",
        "invest",
        "policy",
    ):
        clients[name] = Client(raise_request_exception=False)
        clients[name].force_login(people[name])

    firms = ["ent2", "unverified", "citizen"]
    staff_outsider = ["reviewer_land"]  # a reviewer of another department
    return World(
        clients=clients,
        values={
            "case": case.number,
            "material": str(material.pk),
            "licence": lic.number,
            "report": str(report.pk),
            "enterprise": ent_a.uscc,
            "award": str(award.pk),
            "batch": str(batch.pk),
            "loan": str(loan.pk),
            "task": str(run.pk),
            "token": str(token.pk),
            "message": str(message.pk),
            "rectification": str(rect.pk),
            "card": str(card.pk),
            "action": "withdraw",
            "bundle_case": bundle_case.number,
            "track": track.number,
            "bundle_code": bundle.code,
            "hall_code": hall_.code,
            "ticket": str(ticket.pk),
            "appointment": str(appt.pk),
            "public_token": lic.token,
            CATALOGUE: "",  # filled per parameter below
            "code": "000000000002",
            "policy_id": str(policy.pk),
            "clause_id": str(clause.pk),
            "pk_policy": str(policy.pk),
            "pk_clause": str(clause.pk),
            "year": "2020",
            "section": "quality",
            "kind": "yearly",
            "fmt": "pdf",
            **{k: str(inv[k].pk) for k in ("project", "chain", "link", "carrier", "trip")},
            **{k: str(ino[k].pk) for k in INNOVATION_KINDS},
            **{k: str(tal[k].pk) for k in ("talent", "certification", "flat_application", "purchase")},
        },
        fakes={
            "case": "GX0000000000000",
            "material": "999999",
            "licence": "NO-SUCH-LICENCE",
            "report": "999999",
            "enterprise": ef.other_uscc(99),
            "award": "999999",
            "batch": "999999",
            "loan": "999999",
            "task": "999999",
            "token": "999999",
            "message": "999999",
            "rectification": "999999",
            "card": "999999",
            "action": "withdraw",
            "bundle_case": "YJS000000000000",
            "ticket": "999999",
            "appointment": "999999",
            "track": "GC00000000000000",
            **dict.fromkeys(("project", "chain", "link", "carrier", "trip"), "999999"),
            **dict.fromkeys(INNOVATION_KINDS, "999999"),
            **dict.fromkeys(("talent", "certification", "flat_application", "purchase"), "999999"),
        },
        owners={
            "case": "ent",
            "material": "ent",
            "licence": "ent",
            "report": "ent",
            "enterprise": "ent",
            "award": "ent",
            "batch": "finance",
            "loan": "ent",
            "task": "ent",
            "token": "ent",
            "message": "ent",
            "rectification": "ent",
            "card": "reviewer",  # an officer of the case's department
            "bundle_case": "ent",
            "track": "ent",
            "ticket": "ent",
            "appointment": "ent",
            **dict.fromkeys(("project", "chain", "link", "carrier", "trip"), "invest"),
            # A talent: the person, the employer and the talent office (policy officers).
            # 双创: the enterprise a record names (tenant, host, seller); the expert roster: the office
            **dict.fromkeys(INNOVATION_KINDS, "ent"),
            "expert": "policy",
            **dict.fromkeys(("talent", "certification", "flat_application", "purchase"), "citizen"),
        },
        outsiders={
            "case": ["anonymous", *firms, *staff_outsider],
            "material": ["anonymous", *firms, *staff_outsider],
            "licence": ["anonymous", *firms, *staff_outsider],
            # Every staff member reads the registry and its reports; only firms are outsiders here.
            "report": ["anonymous", *firms],
            "enterprise": ["anonymous", *firms],
            "award": ["anonymous", *firms, *staff_outsider],
            "batch": ["anonymous", "ent", *firms, *staff_outsider],
            "loan": ["anonymous", *firms, *staff_outsider],
            "task": ["anonymous", *firms, *staff_outsider, "finance"],
            "token": ["anonymous", *firms, *staff_outsider, "finance"],
            "message": ["anonymous", "ent2", "unverified", "citizen", "reviewer"],  # the recipient's alone
            # a 差评 and its rectification: the rater's enterprise and the rated department's officers
            "rectification": ["anonymous", *firms, *staff_outsider, "finance"],
            "card": ["anonymous", "ent", *firms, *staff_outsider, "finance"],
            "bundle_case": ["anonymous", *firms, *staff_outsider, "finance"],
            # the hall's tickets and appointments: the visitor's (its enterprise's) and the clerks'
            "ticket": ["anonymous", *firms, *staff_outsider, "finance"],
            "appointment": ["anonymous", *firms, *staff_outsider, "finance"],
            "track": ["anonymous", *firms, *staff_outsider, "finance"],
            # A project: its team, the investment bureau and leaders; the zone's chains and carriers:
            # every staff member; trips: the bureau and leaders.
            "project": ["anonymous", *firms, *staff_outsider, "finance"],
            "trip": ["anonymous", *firms, *staff_outsider, "finance"],
            "chain": ["anonymous", *firms],
            "link": ["anonymous", *firms],
            "carrier": ["anonymous", *firms],
            "talent": ["anonymous", "ent", *firms[:2], *staff_outsider, "finance"],
            "certification": ["anonymous", "ent", *firms[:2], *staff_outsider, "finance"],
            **dict.fromkeys(INNOVATION_KINDS, ["anonymous", *firms, *staff_outsider, "finance", "invest"]),
            "expert": ["anonymous", "ent", *firms, *staff_outsider, "finance", "invest"],
            "flat_application": ["anonymous", "ent", *firms[:2], *staff_outsider, "finance"],
            "purchase": ["anonymous", "ent", *firms[:2], *staff_outsider, "finance"],
        },
        markers={
            "ent": tal["markers"],
            "ent2": [
                case.number,
                citizen_number,
                lic.number,
                ent_a.uscc,
                ent_a.name,
                *inv["markers"],
                *tal["markers"],
                *ino["markers"],
                *ours,
            ],
            "unverified": [
                case.number,
                citizen_number,
                lic.number,
                ent_a.uscc,
                ent_a.name,
                ent_b.uscc,
                *tal["markers"],
                *ino["markers"],
                *ours,
            ],
            "citizen": [case.number, lic.number, ent_a.uscc, *inv["markers"], *ino["markers"], *ours],
            "reviewer_land": [
                case.number,
                citizen_number,
                lic.number,
                *inv["markers"],
                *tal["markers"],
                *ino["markers"],
                *ours,
            ],
            "finance": [*inv["markers"], *tal["markers"], *ino["markers"], *ours],
        },
        alt={
            # The citizen's case and ID scan: the enterprise, the other enterprise and the unverified
            # account are outsiders (the empty-USCC defect showed these to unverified accounts).
            "case": {
                "value": citizen_number,
                "owner": "citizen",
                "outsiders": "ent,ent2,unverified,reviewer_land",
            },
            "material": {
                "value": str(citizen_material.pk),
                "case": citizen_number,
                "owner": "citizen",
                "outsiders": "ent,ent2,unverified,reviewer_land",
            },
        },
    )


def hall_objects(people, depts):
    """A hall with a window, a ticket the enterprise took and an appointment it booked for tomorrow."""
    from gaoxin.core import calendar, clock
    from gaoxin.govservices.services import hall

    h = hall.hall_save(actor=people["admin"], code="sweep", name="扫描大厅", district="高新区")
    hall.window_save(actor=people["admin"], hall=h, number="1", department=depts["approval"])
    ticket = hall.ticket_take(actor=people["ent"], hall_code=h.code, item_code="000000000002")
    day = clock.today() + dt.timedelta(days=1)
    while not calendar.is_workday(day)[0]:
        day += dt.timedelta(days=1)
    appt = hall.appointment_book(
        actor=people["ent"], hall_code=h.code, item_code="000000000002", day=day, slot="10:00"
    )
    return h, ticket, appt


def investment_objects(department) -> dict:
    """A project held by an investment officer (with a plot it holds), a chain with a link, a trip."""
    from gaoxin.investment.services import carriers, chains, pipeline

    officer = staff_user("invest", department("investment", "投资促进局"), ["investment_officer"])
    project = pipeline.lead_create(
        actor=officer,
        name="扫描专用电芯项目",
        company="扫描专用投资方有限公司",
        source="fair",
        intended_investment=Decimal("100"),
        contact_name="扫描联系人",
    )
    chain = chains.chain_create(actor=officer, code="sweep", name="扫描产业链")
    link = chains.link_add(actor=officer, chain=chain, name="电芯", gbt_codes="C3841")
    carrier = carriers.carrier_create(actor=officer, kind="plot", name="扫描标准地", area_mu=Decimal("10"))
    carriers.carrier_assign(actor=officer, carrier_id=carrier.pk, state="reserved", project=project)
    trip = carriers.trip_create(
        actor=officer,
        leader="扫描领导",
        destination="扫描城市",
        start_on=dt.date(2026, 1, 5),
        end_on=dt.date(2026, 1, 6),
    )
    return {
        "officer": officer,
        "project": project,
        "chain": chain,
        "link": link,
        "carrier": carrier,
        "trip": trip,
        "markers": [project.code, project.company, "扫描联系人", "扫描城市"],
    }


INNOVATION_KINDS = (
    "innovation_carrier",
    "incubation",
    "station",
    "postdoc",
    "expert",
    "contract",
    "transfer",
)


def innovation_objects(officer, ent) -> dict:
    """The enterprise as a tenant of a carrier, host of a postdoc sub-station, seller of a technology
    contract and maker of a 成果转化 project; an expert of the roster (the office's alone)."""
    from gaoxin.innovation.services import carriers, records

    on = dt.date(2025, 3, 1)
    carrier = carriers.carrier_create(actor=officer, kind="incubator", name="扫描孵化器")
    incubation = carriers.incubation_admit(
        actor=officer, carrier=carrier, enterprise_uscc=ent.uscc, entered_on=on
    )
    station = records.station_create(actor=officer, kind="station", name="扫描工作站", established_on=on)
    sub = records.station_create(
        actor=officer,
        kind="sub_station",
        name="扫描分站",
        established_on=on,
        host_uscc=ent.uscc,
        parent=station,
    )
    postdoc = records.postdoc_enter(
        actor=officer,
        station=sub,
        name="扫描博士后",
        id_card="110105194912310038",
        field="扫描方向",
        entered_on=on,
    )
    expert = records.expert_create(actor=officer, name="扫描专家", organisation="扫描大学", field="扫描领域")
    contract = records.contract_register(
        actor=officer,
        number="SWEEP-TC-1",
        name="扫描技术合同",
        kind="service",
        seller_uscc=ent.uscc,
        buyer="扫描买方",
        amount=Decimal("100"),
        tech_amount=Decimal("50"),
        signed_on=on,
    )
    transfer = records.transfer_record(
        actor=officer, name="扫描成果转化", enterprise_uscc=ent.uscc, source="扫描大学", transferred_on=on
    )
    return {
        "innovation_carrier": carrier,
        "incubation": incubation,
        "station": sub,
        "postdoc": postdoc,
        "expert": expert,
        "contract": contract,
        "transfer": transfer,
        "markers": ["扫描孵化器", "扫描分站", "扫描博士后", "扫描专家", "SWEEP-TC-1", "扫描成果转化"],
    }


def talent_objects(people, officer, depts) -> dict:
    """The citizen registered as a talent of a third enterprise (so that the enterprises of the world
    are outsiders to it), certified by an issued 人才认定 case."""
    from gaoxin.talent.services import flats, registry
    from tests.talent.builders import issued_case

    employer = ef.enterprise(ef.other_uscc(3), "扫描用工单位有限公司")
    registry.tiers_install_defaults(actor=officer)
    registry.certification_item_publish(actor=officer, department=depts["approval"])
    talent = registry.talent_register(
        actor=officer,
        id_card=people["citizen"].id_card,
        name="扫描人才",
        employer_uscc=employer.uscc,
        start_on=dt.date(2025, 1, 1),
        degree=2,
    )
    number = issued_case(people, tier="E")
    cert = registry.certification_from_case(actor=officer, case_number=number, tier_code="E")
    # 人才公寓 and 限价房: the talent's flat application (queued) and purchase case
    flats.flat_rule_publish(
        actor=officer, tier_points={"E": 5}, month_points=Decimal("1"), member_points=Decimal("1")
    )
    flats.purchase_rule_publish(actor=officer, tiers=["E"], min_years=0)
    application = flats.flat_apply(actor=officer, talent_id=talent.pk, family_size=2)
    flats.flat_act(actor=officer, application_id=application.pk, action="queue")
    purchase = flats.purchase_apply(actor=officer, talent_id=talent.pk, declared_no_home=True)
    return {
        "talent": talent,
        "certification": cert,
        "flat_application": application,
        "purchase": purchase,
        "markers": ["扫描人才", number],
    }


# --- walking the routes ------------------------------------------------------------------------

PARAM = re.compile(r"\{(\w+)\}|<(?:(\w+):)?(\w+)>")
BODY = {
    "reason": "核对",
    "values": {},
    "explanations": {},
    "bank_name": "示例银行",
    "account_name": "示例",
    "account_no": "12345678",
    "references": {},
    "opinion": "核对",
}


@dataclass
class Route:
    method: str
    template: str  # as written: /api/v1/cases/{number} or services/cases/<str:number>/
    api: bool
    public: bool
    params: list[str]

    def url(self, values: dict[str, str]) -> str:
        def sub(m):
            return values[m.group(1) or m.group(3)]

        path = PARAM.sub(sub, self.template)
        return path if self.api else "/" + path


def api_routes(api) -> list[Route]:
    schema = api.get_openapi_schema()
    routes = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            routes.append(
                Route(
                    method.upper(),
                    path,
                    api=True,
                    public=not op.get("security"),
                    params=[p["name"] for p in op.get("parameters", []) if p["in"] == "path"],
                )
            )
    return routes


def url_routes(urlconf=None) -> list[Route]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    routes = []
    for template in walk(get_resolver(urlconf).url_patterns):
        if template.startswith(SKIP_PREFIXES):
            continue
        params = [m.group(3) for m in PARAM.finditer(template)]
        routes.append(Route("GET", template, api=False, public=template in PUBLIC_URLS, params=params))
    return routes


def _call(client: Client, method: str, url: str):
    r = _send(client, method, url)
    # Every answer, to every user, carries the Content-Security-Policy (tests/core/test_csp.py).
    assert "script-src 'self'" in r.get("Content-Security-Policy", ""), f"{method} {url}: no CSP"
    return r


def _send(client: Client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    if method == "DELETE":
        return client.delete(url)
    if method == "PUT":
        return client.put(url, json.dumps(BODY), content_type="application/json")
    return client.post(url, json.dumps(BODY), content_type="application/json")


def _refused_anonymous(r, api: bool) -> bool:
    if r.status_code in (401, 403):
        return True
    # The kiosk's pages send the visitor to the kiosk's own login.
    return (
        not api
        and r.status_code == 302
        and any(login in r.get("Location", "") for login in ("/accounts/login/", "/services/kiosk/login/"))
    )


def _fill(route: Route, world: World, kind_values: dict[str, str]) -> dict[str, str]:
    values = {}
    for p in route.params:
        kind = kind_of(route.template, p)
        if kind == CATALOGUE:
            if p == "pk":
                values[p] = world.values["pk_policy" if "/p/" in route.template else "pk_clause"]
            else:
                values[p] = world.values[p]
        elif kind == "material" and "number" in route.params:
            values[p] = kind_values["material"]
        else:
            values[p] = kind_values[kind]
    return values


@dataclass
class Report:
    walked_api: int = 0
    walked_urls: int = 0
    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, route: Route, who: str, msg: str):
        self.failures.append(f"{route.method} {route.template} as {who}: {msg}")


def sweep(world: World, *, api=None, urlconf=None, only: tuple[str, ...] = ()) -> Report:
    """Walk every route (or those whose template starts with one of `only`) and report each failure."""
    from gaoxin.api import api as default_api

    report = Report()
    routes = [r for r in api_routes(api or default_api) if not only or r.template.startswith(only)]
    report.walked_api = len(routes)
    pages = [r for r in url_routes(urlconf) if not only or r.template.startswith(only)]
    report.walked_urls = len(pages)
    for route in routes + pages:
        _sweep_route(route, world, report)
    return report


def _sweep_route(route: Route, world: World, report: Report) -> None:
    kinds = {p: kind_of(route.template, p) for p in route.params}
    unknown = [p for p, k in kinds.items() if k is None]
    if unknown:
        report.fail(route, "-", f"no filler for parameter(s) {unknown}: add one or list the route as public")
        return
    tenant = [k for k in PRECEDENCE if k in kinds.values()]
    if route.public:
        if route.api and (route.method, route.template) not in PUBLIC_API:
            report.fail(route, "anonymous", "has no security and is not listed in PUBLIC_API")
        return

    anon_values = _fill(route, world, {**world.values})
    r = _call(world.clients["anonymous"], route.method, route.url(anon_values))
    report.requests += 1
    if not _refused_anonymous(r, route.api):
        report.fail(route, "anonymous", f"answered {r.status_code}")
    if r.status_code >= 500:
        report.fail(route, "anonymous", f"server error {r.status_code}")

    if not tenant:
        if not route.params:
            _sweep_list(route, world, report)
        return
    kind = tenant[0]
    _sweep_object(route, world, report, kind, world.values, world.owners[kind], world.outsiders[kind])
    alt = world.alt.get(kind)
    if alt:
        values = {**world.values, kind: alt["value"]}
        if "case" in alt:
            values["case"] = alt["case"]
        _sweep_object(route, world, report, kind, values, alt["owner"], alt["outsiders"].split(","))


def _sweep_object(route, world, report, kind, values, owner, outsiders):
    real = _fill(route, world, values)
    fake = _fill(route, world, {**values, **{k: world.fakes[k] for k in world.fakes if k != "action"}})
    for who in outsiders:
        if who == "anonymous":
            continue
        client = world.clients[who]
        r_fake = _call(client, route.method, route.url(fake))
        r_real = _call(client, route.method, route.url(real))
        report.requests += 2
        if r_real.status_code == 405 and not route.api:  # a POST-only page: try it as posted
            r_fake = client.post(route.url(fake), BODY)
            r_real = client.post(route.url(real), BODY)
            report.requests += 2
        if 200 <= r_real.status_code < 300 or r_real.status_code == 409:
            report.fail(route, who, f"answered {r_real.status_code} for another tenant's {kind}")
        elif r_real.status_code != r_fake.status_code:
            report.fail(
                route,
                who,
                f"answered {r_real.status_code} for another tenant's {kind} but {r_fake.status_code} "
                "for one that does not exist: the answer reveals that it exists",
            )
        elif r_real.status_code >= 500:
            report.fail(route, who, f"server error {r_real.status_code}")
    if route.method == "GET":
        r = world.clients[owner].get(route.url(real))
        report.requests += 1
        if not (200 <= r.status_code < 300 or (r.status_code == 405 and not route.api)):
            report.fail(
                route, owner, f"the owner got {r.status_code}: the filler does not address its {kind}"
            )


def _sweep_list(route: Route, world: World, report: Report) -> None:
    if route.method != "GET":
        return
    for who, markers in world.markers.items():
        r = world.clients[who].get(route.url({}))
        report.requests += 1
        if r.status_code >= 500:
            report.fail(route, who, f"server error {r.status_code}")
            continue
        if r.get("Content-Type", "").startswith(("text/", "application/json")):
            body = r.content.decode("utf-8", "replace")
            shown = [m for m in markers if m in body]
            if shown:
                report.fail(route, who, f"shows another tenant's {shown}")


# --- the tests ---------------------------------------------------------------------------------


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return build_world()


def test_every_route_keeps_every_tenant_apart(world):
    report = sweep(world)
    print(
        f"\ntenancy sweep: {report.walked_api} API operations, {report.walked_urls} URLs, "
        f"{report.requests} requests",
        file=sys.stderr,
    )
    assert not report.failures, "\n".join(report.failures)
    assert report.walked_api >= 60 and report.walked_urls >= 50


def test_the_inbox_lies_inside_what_each_official_sees(world):
    from gaoxin.accounts.models import User
    from gaoxin.govservices import selectors
    from gaoxin.govservices.models import Case

    for user in User.objects.all():
        inbox = set(selectors.inbox(user=user).values_list("pk", flat=True))
        assert inbox <= set(Case.objects.visible_to(user).values_list("pk", flat=True)), user.username


# --- the sweep catches what it is for ----------------------------------------------------------

LEAK_URLS = "tests.tenancy_leak_urls"


@pytest.fixture
def leaky_routes():
    with override_settings(ROOT_URLCONF=LEAK_URLS):
        clear_url_caches()
        yield
    clear_url_caches()


def test_the_sweep_catches_an_unscoped_page_and_operation(world, leaky_routes):
    from tests.tenancy_leak_urls import leak_api

    report = sweep(world, api=leak_api, urlconf=LEAK_URLS, only=("leak", "mystery", "/api/v1/leak"))
    assert (report.walked_api, report.walked_urls) == (2, 3)
    failures = "\n".join(report.failures)
    assert "leak/<str:number>/ as ent2: answered 200" in failures
    assert "leak/<str:number>/ as unverified: answered 200" in failures
    assert "/api/v1/leak/cases/{number} as ent2: answered 200" in failures
    assert "mystery/<str:whatever>/ as -: no filler" in failures
    assert "/api/v1/leak/open as anonymous: has no security" in failures
    assert "leak-list/ as unverified: shows another tenant's" in failures


def test_an_unverified_account_only_waits_for_verification(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    zone()
    citizen_user("citizen", "11010519491231002X")
    claimed = ef.other_uscc(7)
    ef.enterprise(claimed, "待核验企业")
    unverified = enterprise_user_create(
        actor=None,
        username="unverified",
        password=DEFAULT_PASSWORD,
        full_name="待核验",
        uscc=claimed,
        enterprise_name="待核验企业",
        legal_rep=True,
    )
    c = Client()
    c.force_login(unverified)
    assert c.get("/api/v1/auth/me").json()["claimed_uscc"] == claimed
    assert claimed in c.get("/").content.decode()
    # Neither for itself nor in the name of an applicant whose enterprise code is empty too (a citizen).
    for applicant in (None, "citizen"):
        r = submit(c, "000000000002", applicant=applicant, files={1: pdf(), 2: pdf(), 3: pdf()})
        assert r.status_code in (403, 422), r.content
    r = c.post(
        "/api/v1/reports",
        json.dumps({"uscc": claimed, "year": 2025, "month": 0}),
        content_type="application/json",
    )
    assert r.status_code == 404
    assert c.get("/api/v1/enterprises").json()["items"] == []
    assert c.get("/api/v1/cases").json()["items"] == []
