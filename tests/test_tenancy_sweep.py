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
from gaoxin.govservices.models import CaseMaterial
from gaoxin.policies.models import Award, FinancingNeed, PaymentBatch
from gaoxin.policies.services import catalogue as policy_catalogue
from tests.enterprises import factories as ef
from tests.factories import DEFAULT_PASSWORD, citizen_user, department, enterprise_user, staff_user
from tests.govservices.builders import zone
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
}
PUBLIC_URLS = {
    "healthz",
    "readyz",  # readiness for the load balancer: names of checks, no data of anyone
    "accounts/login/",
    "accounts/logout/",
    "accounts/register/",
    "services/",  # the catalogue and the guides are public
    "services/items/<str:code>/",
    "verify/<str:token>/",  # the licence's QR code
    "i18n/setlang/",
    "accounts/display/",  # the large-font mode: a cookie of the visitor's own browser, no data of anyone
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
        ):
            if part in route:
                return kind
        return None
    return {
        "code": CATALOGUE,
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
        "year": CATALOGUE,  # a year of the zone's figures (economy): staff only, no tenant's row
    }.get(param)


# The most specific kind decides owner and outsiders (a material of a case is a material).
PRECEDENCE = [
    "material",
    "licence",
    "case",
    "report",
    "enterprise",
    "award",
    "batch",
    "loan",
    "task",
    "token",
    "project",
    "trip",
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
    inv = investment_objects(department)
    people["invest"] = inv["officer"]

    # Server errors come back as answers (and fail the sweep) instead of stopping it.
    clients = {"anonymous": Client(raise_request_exception=False)}
    for name in ("ent", "ent2", "unverified", "citizen", "reviewer_land", "finance", "invest"):
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
            "action": "withdraw",
            "public_token": lic.token,
            CATALOGUE: "",  # filled per parameter below
            "code": "000000000002",
            "policy_id": str(policy.pk),
            "clause_id": str(clause.pk),
            "pk_policy": str(policy.pk),
            "pk_clause": str(clause.pk),
            "year": "2020",
            **{k: str(inv[k].pk) for k in ("project", "chain", "link", "carrier", "trip")},
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
            "action": "withdraw",
            **dict.fromkeys(("project", "chain", "link", "carrier", "trip"), "999999"),
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
            **dict.fromkeys(("project", "chain", "link", "carrier", "trip"), "invest"),
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
            # A project: its team, the investment bureau and leaders; the zone's chains and carriers:
            # every staff member; trips: the bureau and leaders.
            "project": ["anonymous", *firms, *staff_outsider, "finance"],
            "trip": ["anonymous", *firms, *staff_outsider, "finance"],
            "chain": ["anonymous", *firms],
            "link": ["anonymous", *firms],
            "carrier": ["anonymous", *firms],
        },
        markers={
            "ent2": [case.number, citizen_number, lic.number, ent_a.uscc, ent_a.name, *inv["markers"]],
            "unverified": [case.number, citizen_number, lic.number, ent_a.uscc, ent_a.name, ent_b.uscc],
            "citizen": [case.number, lic.number, ent_a.uscc, *inv["markers"]],
            "reviewer_land": [case.number, citizen_number, lic.number, *inv["markers"]],
            "finance": inv["markers"],
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
    return not api and r.status_code == 302 and "/accounts/login/" in r.get("Location", "")


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
