"""Demo: the zone's 一件事 bundles and the 工程建设项目审批 tracks of its 2020 projects, through the services.

The source documents speak of 100 special 一件事: the ones they name are built from the catalogue's
items; the rest are generated pairs of items an enterprise often needs together, named as such
("联办组合 NN"). Two 2020 projects run their four stages on ordinary cases, one of them 拿地即开工 with
its 建筑工程施工许可 accepted and issued on the land-contract day (1 working day)."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.govservices import permissions as perms
from gaoxin.govservices.models import Bundle, Case, ServiceItem
from gaoxin.govservices.services.bundles import bundle_apply, bundle_case_act, bundle_save
from gaoxin.govservices.services.cases import case_act
from gaoxin.govservices.services.submission import case_submit
from gaoxin.govservices.services.tracks import track_act, track_case_attach, track_create

from .govservices import PDF

BUNDLE_COUNT = 100
# Named in the source documents (or the national 一件事 list), with the demo catalogue's items.
# The 企业开办专区 and 注销 windows' items (即办件 at the 行政审批局), published here through the
# catalogue service for the bundles that need them.
WINDOW_ITEMS = [
    ("GX0100000101", "公章刻制备案", "公章刻制备案回执"),
    ("GX0100000102", "发票申领", "发票领用簿"),
    ("GX0100000103", "单位参保登记", "社会保险登记回执"),
    ("GX0100000104", "住房公积金单位开户", "公积金单位登记回执"),
    ("GX0100000105", "单位用工备案", "用工备案回执"),
    ("GX0100000106", "税务注销", "清税证明"),
    ("GX0100000107", "社会保险单位注销", "社会保险注销回执"),
    (
        "GX0100000108",
        "建筑工程施工许可证变更",
        "建筑工程施工许可证（变更）",
    ),  # 承诺件 turned 即办件, on the spot
]
NAMED = [
    (
        "YJS-KBQY",
        "开办企业",
        "parallel",
        ["GX0100000001", "GX0100000101", "GX0100000102", "GX0100000103", "GX0100000104"],
    ),
    ("YJS-KCG", "我要开餐馆", "parallel", ["GX0100000004", "GX0100000013", "GX0100000017"]),
    ("YJS-QYZX", "企业注销", "sequential", ["GX0100000106", "GX0100000107", "GX0100000003"]),
    ("YJS-YGLY", "员工录用", "parallel", ["GX0100000105", "GX0100000103"]),
    (
        "YJS-GCJS",
        "工程建设项目",
        "sequential",
        ["GX0100000023", "GX0100000008", "GX0100000006", "GX0100000007", "GX0100000009"],
    ),
    ("YJS-KYD", "我要开药店", "parallel", ["GX0100000001", "GX0100000014"]),
    ("YJS-YLQX", "我要开医疗器械经营店", "parallel", ["GX0100000001", "GX0100000015"]),
    ("YJS-HYGS", "我要开货运公司", "parallel", ["GX0100000001", "GX0100000016"]),
    ("YJS-RLZY", "我要开人力资源服务机构", "parallel", ["GX0100000001", "GX0100000011", "GX0100000012"]),
    ("YJS-KJQY", "科技企业认定", "sequential", ["GX0100000021", "GX0100000020", "GX0100000022"]),
    ("YJS-SPSC", "我要开食品加工厂", "parallel", ["GX0100000001", "GX0100000005", "GX0100000029"]),
]


def _upload(name: str):
    f = io.BytesIO(PDF)
    f.name = name
    return f


def _bundle(admin, code: str, name: str, mode: str, items: list[ServiceItem]) -> Bundle:
    """One form: the union of the members' fields; one material set: materials of one name asked once."""
    form: dict[str, dict] = {}
    materials: dict[str, dict] = {}
    for item in items:
        version = item.current
        assert version is not None
        for f in version.form_fields:
            form.setdefault(f["name"], f)
        for m in version.materials.all():
            entry = materials.setdefault(m.name, {"name": m.name, "required": m.required, "targets": []})
            entry["targets"].append({"item": item.code, "material": m.order})
    return bundle_save(
        actor=admin,
        fields={
            "code": code,
            "name": name,
            "mode": mode,
            "committed_days": sum(i.current.committed_days for i in items if i.current) or 1,
            "guide": "一次告知："
            + "、".join(i.name for i in items)
            + "一表申请、一套材料、一窗受理，办结后一次通知。",
            "form_fields": list(form.values()),
        },
        members=[{"order": n, "item": i.code} for n, i in enumerate(items, 1)],
        materials=[{**m, "order": n} for n, m in enumerate(materials.values(), 1)],
    )


def _window_items(admin) -> None:
    from gaoxin.accounts.models import Department
    from gaoxin.govservices.services.catalogue import item_draft_save, item_publish

    from .govservices import FIELDS

    approval = Department.objects.get(code="approval")
    for code, name, result in WINDOW_ITEMS:
        fields = {
            "code": code,
            "name": name,
            "implementing_code": f"11450200MB{code}",
            "item_type": "public",
            "legal_basis": "《优化营商环境条例》",
            "department": approval,
            "applicant_kind": "enterprise",
            "legal_days": 1,
            "committed_days": 0,
            "handling": "instant",
            "conditions": "已取得营业执照的企业",
            "fee": False,
            "fee_basis": "",
            "visits": 0,
            "online_depth": "4",
            "scope": "city",
            "allow_deferral": False,
            "allow_commitment": False,
            "issue_before_supply": False,
            "commitment_text": "",
            "verification_days": 20,
            "special_procedures": "",
            "result_type": "other",
            "result_name": result,
            "licence_years": 0,
            "consultation": "政务服务中心企业开办专区",
            "complaint": "12345 政务服务便民热线",
            "form_fields": FIELDS["ent"],
        }
        material = {
            "order": 1,
            "name": "营业执照",
            "required": True,
            "key": True,
            "commitment_allowed": False,
        }
        item_draft_save(
            actor=admin, fields=fields, materials=[{**material, "file_types": "pdf,jpg,png"}], stages=[]
        )
        item_publish(actor=admin, code=code)


def _catalogue(admin) -> None:
    _window_items(admin)
    items = {i.code: i for i in ServiceItem.objects.select_related("current").filter(current__isnull=False)}
    for code, name, mode, members in NAMED:
        _bundle(admin, code, name, mode, [items[c] for c in members])
    enterprise = [
        i
        for c, i in sorted(items.items())
        if i.current and i.current.applicant_kind in ("enterprise", "both")
    ]
    pairs = itertools.combinations(enterprise, 2)
    n = 0
    while Bundle.objects.count() < BUNDLE_COUNT:
        a, b = next(pairs)
        n += 1
        _bundle(admin, f"YJS-ZH{n:02d}", f"{a.name}与{b.name}联办（联办组合 {n:02d}）", "parallel", [a, b])


def _reviewer_for(department_id: int) -> User:
    for user in User.objects.filter(kind="staff").order_by("pk"):
        if perms.reviews_in(user, [department_id]):
            return user
    raise LookupError(department_id)


def _review_all(number: str, approver: User) -> None:
    """Every department of every stage agrees; the approver approves (the permit is issued apart)."""
    case = Case.objects.get(number=number)
    while case.state == "in_review":
        stage = case.stages.filter(state="active").first()
        if stage is None:
            break
        for o in stage.opinions.filter(verdict=""):
            case_act(
                actor=_reviewer_for(o.department_id),
                number=number,
                action="review",
                payload={"verdict": "agree", "opinion": "同意"},
            )
        case.refresh_from_db()
    if case.state == "in_review":
        case_act(actor=approver, number=number, action="approve", payload={"opinion": "准予许可"})


def _case(ent: User, clerk: User, code: str) -> str:
    version = ServiceItem.objects.get(code=code).current
    assert version is not None
    files = {str(m.order): _upload(f"{m.name}.pdf") for m in version.materials.all()}
    data = {"project": "年产 10 万台智能装备项目", "address": "高新区科技大道 18 号"}
    case, _ = case_submit(actor=ent, item_code=code, data=data, files=files)
    action = "accept_instant" if version.is_instant else "accept"
    return case_act(actor=clerk, number=case.number, action=action).number


def _tracks(u: dict[str, User]) -> None:
    clerk, approver = u["clerk"], u["approver"]
    # 拿地即开工: drawings and permits reviewed before the land is delivered, issued on the contract day.
    with clock.frozen(dt.datetime(2020, 6, 1, 9)):
        fast = track_create(
            actor=u["ent"], name="智能装备产业园一期（拿地即开工）", mode="land_first", commitment=True
        )
        held = []
        for code, stage in (("GX0100000008", 1), ("GX0100000006", 2)):
            n = _case(u["ent"], clerk, code)
            track_case_attach(actor=clerk, number=fast.number, case_number=n, stage=stage, kind="permit")
            _review_all(n, approver)
            held.append(n)
    with clock.frozen(dt.datetime(2020, 6, 5, 9)):
        track_act(actor=clerk, number=fast.number, action="sign_land_contract")
        for n in held:
            case_act(actor=approver, number=n, action="issue")
        n = _case(u["ent"], clerk, "GX0100000007")
        track_case_attach(actor=clerk, number=fast.number, case_number=n, stage=3, kind="permit")
        _review_all(n, approver)
        case_act(actor=approver, number=n, action="issue")  # 建筑工程施工许可 in 1 working day
    with clock.frozen(dt.datetime(2020, 9, 1, 9)):
        n = _case(u["ent"], clerk, "GX0100000108")
        track_case_attach(actor=clerk, number=fast.number, case_number=n, stage=3, kind="change")
    with clock.frozen(dt.datetime(2021, 3, 15, 9)):
        n = _case(u["ent"], clerk, "GX0100000009")
        track_case_attach(actor=clerk, number=fast.number, case_number=n, stage=4, kind="joint_acceptance")
        _review_all(n, approver)
        case_act(actor=approver, number=n, action="issue")
    # The ordinary way: each stage after the one before, over weeks.
    steps = [
        (dt.datetime(2020, 4, 7, 9), dt.datetime(2020, 4, 20, 16), "GX0100000008", 1),
        (dt.datetime(2020, 5, 6, 9), dt.datetime(2020, 5, 19, 16), "GX0100000006", 2),
        (dt.datetime(2020, 6, 1, 9), dt.datetime(2020, 6, 10, 16), "GX0100000007", 3),
    ]
    with clock.frozen(steps[0][0]):
        slow = track_create(actor=u["ent2"], name="新能源汽车零部件扩建项目")
    for start, end, code, stage in steps:
        with clock.frozen(start):
            n = _case(u["ent2"], clerk, code)
            track_case_attach(actor=clerk, number=slow.number, case_number=n, stage=stage, kind="permit")
            _review_all(n, approver)
        with clock.frozen(end):
            case_act(actor=approver, number=n, action="issue")


def _bundle_cases(u: dict[str, User]) -> None:
    """A 开办企业 applied online, accepted once at the window: its member cases run in their departments."""
    data = {"project": "新设企业开办", "address": "高新区创新大道 88 号"}
    bundle = Bundle.objects.get(code="YJS-KBQY")
    files = {str(m.order): _upload(f"{m.name}.pdf") for m in bundle.materials.all()}
    bc = bundle_apply(actor=u["ent3"], code=bundle.code, data=data, files=files)
    bundle_case_act(actor=u["clerk"], number=bc.number, action="accept")
    files = {str(m.order): _upload(f"{m.name}.pdf") for m in bundle.materials.all()}
    bundle_apply(actor=u["ent4"], code=bundle.code, data=data, files=files)  # waiting at the window


def build(ctx: dict) -> None:
    u = {
        x.username: x
        for x in User.objects.filter(
            username__in=["admin", "clerk", "approver", "ent", "ent2", "ent3", "ent4"]
        )
    }
    _catalogue(u["admin"])
    _tracks(u)
    _bundle_cases(u)
    ctx["log"](f"一件事 {Bundle.objects.count()} 个；工程建设项目审批 2 个（含拿地即开工 1 个）")
