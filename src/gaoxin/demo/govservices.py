"""Demo data of the govservices pillar: a high-tech zone's catalogue with guides, cases in every state, and a
year of 好差评 ratings with their rectifications."""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import F

from gaoxin.accounts.models import User
from gaoxin.core import calendar, clock
from gaoxin.govservices.models import Case, CaseStage
from gaoxin.govservices.services.cases import case_act, lights_recompute
from gaoxin.govservices.services.catalogue import item_draft_save, item_publish
from gaoxin.govservices.services.ratings import rating_submit, rectification_act
from gaoxin.govservices.services.submission import agent_authorise, case_submit
from gaoxin.govservices.services.supervision import cards_compute

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
LAW = {
    "licensing": "《中华人民共和国行政许可法》",
    "market": "《中华人民共和国市场主体登记管理条例》",
    "food": "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
    "build": "《中华人民共和国建筑法》第七条；《建筑工程施工许可管理办法》",
    "plan": "《中华人民共和国城乡规划法》第四十条",
    "land": "《中华人民共和国土地管理法》第五十四条",
    "eia": "《中华人民共和国环境影响评价法》第二十二条",
    "hr": "《人力资源市场暂行条例》第十八条",
    "labour": "《劳务派遣行政许可实施办法》",
    "fire": "《中华人民共和国消防法》第十三条",
    "drug": "《药品经营和使用质量监督管理办法》",
    "med": "《医疗器械监督管理条例》第四十二条",
    "road": "《中华人民共和国道路运输条例》",
    "sci": "《高新技术企业认定管理办法》（国科发火〔2016〕32号）",
    "social": "《中华人民共和国社会保险法》",
}
COMMIT = "本人（本单位）郑重承诺：所填报信息真实、准确、完整；已经具备法律法规规定的许可条件；愿意承担不实承诺的法律责任，接受审批机关的事中事后核查。"
FIELDS = {
    "ent": [
        {"name": "project", "label": "项目名称", "required": True},
        {"name": "address", "label": "经营（建设）地址", "required": True},
    ],
    "person": [{"name": "purpose", "label": "办理事由", "required": True}],
}

# code, name, department, item type, law, handling, legal days, committed days, result type, result name, years,
# applicant kind, flags (d = 容缺, c = 告知承诺, s = 专家评审), materials [(name, key, commit, licence item)], stages
ITEMS = [
    (
        "GX0100000001",
        "企业设立登记",
        "approval",
        "licensing",
        "market",
        "instant",
        3,
        0,
        "licence",
        "营业执照",
        0,
        "enterprise",
        "",
        [
            ("公司登记（备案）申请书", True, False, ""),
            ("公司章程", True, False, ""),
            ("股东主体资格证明", True, False, ""),
            ("住所使用证明", True, False, ""),
        ],
        [],
    ),
    (
        "GX0100000002",
        "企业变更登记",
        "approval",
        "licensing",
        "market",
        "instant",
        3,
        0,
        "licence",
        "营业执照",
        0,
        "enterprise",
        "",
        [
            ("变更登记申请书", True, False, ""),
            ("股东会决议", True, False, ""),
            ("原营业执照", True, False, "GX0100000001"),
        ],
        [],
    ),
    (
        "GX0100000003",
        "企业注销登记",
        "approval",
        "licensing",
        "market",
        "promised",
        20,
        3,
        "approval",
        "准予注销登记通知书",
        0,
        "enterprise",
        "",
        [("注销登记申请书", True, False, ""), ("清算报告", True, False, "")],
        [("审查", ["approval"], 2)],
    ),
    (
        "GX0100000004",
        "食品经营许可",
        "approval",
        "licensing",
        "food",
        "promised",
        20,
        5,
        "licence",
        "食品经营许可证",
        5,
        "enterprise",
        "dc",
        [
            ("食品经营许可申请书", True, False, ""),
            ("营业执照", True, False, "GX0100000001"),
            ("经营场所平面图", False, True, ""),
            ("食品安全管理制度", False, True, ""),
        ],
        [("材料审查与现场核查", ["approval"], 4)],
    ),
    (
        "GX0100000005",
        "食品生产许可",
        "approval",
        "licensing",
        "food",
        "promised",
        20,
        10,
        "licence",
        "食品生产许可证",
        5,
        "enterprise",
        "d",
        [
            ("食品生产许可申请书", True, False, ""),
            ("生产设备布局图", False, False, ""),
            ("工艺流程图", True, False, ""),
        ],
        [("审查", ["approval"], 4), ("现场核查", ["approval"], 5)],
    ),
    (
        "GX0100000006",
        "建设工程规划许可",
        "approval",
        "licensing",
        "plan",
        "promised",
        20,
        10,
        "licence",
        "建设工程规划许可证",
        0,
        "enterprise",
        "s",
        [
            ("建设工程规划许可申请表", True, False, ""),
            ("建设用地使用权证明", True, False, ""),
            ("设计方案总平面图", True, False, ""),
        ],
        [("初审", ["approval"], 2), ("规划与用地联审", ["approval", "land", "housing"], 6)],
    ),
    (
        "GX0100000007",
        "建筑工程施工许可",
        "approval",
        "licensing",
        "build",
        "promised",
        15,
        7,
        "licence",
        "建筑工程施工许可证",
        0,
        "enterprise",
        "c",
        [
            ("施工许可申请表", True, False, ""),
            ("建设工程规划许可证", True, False, "GX0100000006"),
            ("施工合同", True, False, ""),
            ("施工图审查合格书", False, True, ""),
        ],
        [("审查", ["approval"], 2), ("住建联审", ["housing", "land"], 4)],
    ),
    (
        "GX0100000008",
        "建设用地规划许可",
        "approval",
        "licensing",
        "plan",
        "promised",
        20,
        10,
        "licence",
        "建设用地规划许可证",
        0,
        "enterprise",
        "",
        [("申请表", True, False, ""), ("土地出让合同", True, False, "")],
        [("初审", ["approval"], 3), ("联审", ["land", "housing"], 5)],
    ),
    (
        "GX0100000009",
        "建设项目竣工联合验收",
        "approval",
        "confirmation",
        "build",
        "promised",
        15,
        10,
        "approval",
        "竣工联合验收意见书",
        0,
        "enterprise",
        "",
        [("联合验收申请表", True, False, ""), ("竣工图", True, False, ""), ("质量检测报告", True, False, "")],
        [("资料审查", ["approval"], 2), ("联合验收", ["approval", "housing", "land"], 7)],
    ),
    (
        "GX0100000010",
        "建设项目环境影响报告表审批",
        "approval",
        "licensing",
        "eia",
        "promised",
        30,
        15,
        "approval",
        "环评批复",
        0,
        "enterprise",
        "sc",
        [("环境影响报告表", True, False, ""), ("公众参与说明", False, True, "")],
        [("技术评估", ["approval"], 8), ("审查", ["approval"], 5)],
    ),
    (
        "GX0100000011",
        "人力资源服务许可",
        "approval",
        "licensing",
        "hr",
        "promised",
        20,
        5,
        "licence",
        "人力资源服务许可证",
        5,
        "enterprise",
        "c",
        [
            ("人力资源服务许可申请书", True, False, ""),
            ("经营场所使用证明", True, True, ""),
            ("专职工作人员资格证明", True, True, ""),
            ("营业执照", True, False, "GX0100000001"),
        ],
        [("审查", ["approval"], 4)],
    ),
    (
        "GX0100000012",
        "劳务派遣经营许可",
        "approval",
        "licensing",
        "labour",
        "promised",
        20,
        10,
        "licence",
        "劳务派遣经营许可证",
        3,
        "enterprise",
        "c",
        [("申请书", True, False, ""), ("验资报告", True, True, ""), ("经营场所证明", True, True, "")],
        [("审查", ["approval"], 6)],
    ),
    (
        "GX0100000013",
        "公众聚集场所投入使用营业前消防安全检查",
        "approval",
        "licensing",
        "fire",
        "promised",
        10,
        5,
        "approval",
        "消防安全检查合格证",
        0,
        "enterprise",
        "c",
        [("消防安全检查申报表", True, False, ""), ("消防安全制度", True, True, "")],
        [("现场检查", ["approval", "housing"], 4)],
    ),
    (
        "GX0100000014",
        "药品零售企业许可",
        "approval",
        "licensing",
        "drug",
        "promised",
        30,
        15,
        "licence",
        "药品经营许可证",
        5,
        "enterprise",
        "d",
        [("申请书", True, False, ""), ("执业药师证明", True, False, ""), ("设施设备目录", False, False, "")],
        [("审查", ["approval"], 5), ("现场检查", ["approval"], 8)],
    ),
    (
        "GX0100000015",
        "第二类医疗器械经营备案",
        "approval",
        "public",
        "med",
        "instant",
        1,
        0,
        "approval",
        "备案凭证",
        0,
        "enterprise",
        "",
        [("备案表", True, False, ""), ("营业执照", True, False, "GX0100000001")],
        [],
    ),
    (
        "GX0100000016",
        "道路普通货物运输经营许可",
        "approval",
        "licensing",
        "road",
        "promised",
        20,
        10,
        "licence",
        "道路运输经营许可证",
        4,
        "enterprise",
        "d",
        [
            ("申请表", True, False, ""),
            ("车辆行驶证", True, False, ""),
            ("安全生产管理制度", False, False, ""),
        ],
        [("审查", ["approval"], 8)],
    ),
    (
        "GX0100000017",
        "户外广告设施设置审批",
        "approval",
        "licensing",
        "plan",
        "promised",
        20,
        5,
        "approval",
        "准予设置决定书",
        0,
        "both",
        "",
        [("申请表", True, False, ""), ("效果图", True, False, "")],
        [("审查", ["approval", "housing"], 4)],
    ),
    (
        "GX0100000018",
        "城市建筑垃圾处置核准",
        "approval",
        "licensing",
        "build",
        "promised",
        20,
        5,
        "licence",
        "建筑垃圾处置核准证",
        1,
        "enterprise",
        "d",
        [("申请表", True, False, ""), ("运输车辆清单", False, False, "")],
        [("审查", ["approval"], 4)],
    ),
    (
        "GX0100000019",
        "临时占用城市道路许可",
        "approval",
        "licensing",
        "plan",
        "promised",
        20,
        5,
        "approval",
        "占道许可决定书",
        0,
        "both",
        "",
        [("申请表", True, False, ""), ("占道平面图", True, False, "")],
        [("审查", ["approval"], 4)],
    ),
    (
        "GX0100000020",
        "高新技术企业认定申报推荐",
        "sci-tech",
        "other",
        "sci",
        "promised",
        30,
        20,
        "approval",
        "推荐意见",
        0,
        "enterprise",
        "",
        [
            ("认定申请书", True, False, ""),
            ("知识产权证明", True, False, ""),
            ("研发费用专项审计报告", True, False, ""),
        ],
        [("形式审查", ["sci-tech"], 10)],
    ),
    (
        "GX0100000021",
        "科技型中小企业入库登记",
        "sci-tech",
        "public",
        "sci",
        "instant",
        5,
        0,
        "approval",
        "入库登记编号",
        0,
        "enterprise",
        "",
        [("信息表", True, False, "")],
        [],
    ),
    (
        "GX0100000022",
        "技术合同认定登记",
        "sci-tech",
        "confirmation",
        "sci",
        "promised",
        10,
        5,
        "approval",
        "技术合同登记证明",
        0,
        "both",
        "",
        [("技术合同文本", True, False, ""), ("登记申请表", True, False, "")],
        [("审查", ["sci-tech"], 4)],
    ),
    (
        "GX0100000023",
        "企业投资项目备案",
        "economy",
        "public",
        "licensing",
        "instant",
        3,
        0,
        "approval",
        "项目备案证明",
        0,
        "enterprise",
        "",
        [("项目备案信息表", True, False, "")],
        [],
    ),
    (
        "GX0100000024",
        "企业投资项目核准",
        "economy",
        "licensing",
        "licensing",
        "promised",
        20,
        15,
        "approval",
        "核准批复",
        0,
        "enterprise",
        "s",
        [
            ("项目申请报告", True, False, ""),
            ("规划选址意见", True, False, ""),
            ("用地预审意见", True, False, ""),
        ],
        [("审查", ["economy"], 5), ("联审", ["economy", "land", "ecology"], 8)],
    ),
    (
        "GX0100000025",
        "就业登记",
        "social",
        "public",
        "social",
        "instant",
        1,
        0,
        "other",
        "就业登记记录",
        0,
        "citizen",
        "",
        [("身份证", True, False, "")],
        [],
    ),
    (
        "GX0100000026",
        "失业保险金申领",
        "social",
        "benefit",
        "social",
        "promised",
        10,
        5,
        "other",
        "失业保险金核定通知",
        0,
        "citizen",
        "",
        [("身份证", True, False, ""), ("解除劳动合同证明", True, False, "")],
        [("审核", ["social"], 4)],
    ),
    (
        "GX0100000027",
        "高校毕业生就业见习补贴申领",
        "social",
        "benefit",
        "social",
        "promised",
        20,
        10,
        "other",
        "补贴核定通知",
        0,
        "enterprise",
        "",
        [("申请表", True, False, ""), ("见习人员名册", True, False, "")],
        [("审核", ["social"], 8)],
    ),
    (
        "GX0100000028",
        "灵活就业人员社会保险登记",
        "social",
        "public",
        "social",
        "instant",
        1,
        0,
        "other",
        "参保登记记录",
        0,
        "citizen",
        "",
        [("身份证", True, False, "")],
        [],
    ),
    (
        "GX0100000029",
        "排污许可证核发",
        "ecology",
        "licensing",
        "eia",
        "promised",
        20,
        15,
        "licence",
        "排污许可证",
        5,
        "enterprise",
        "s",
        [("排污许可证申请表", True, False, ""), ("自行监测方案", True, False, "")],
        [("技术审核", ["ecology"], 10)],
    ),
    (
        "GX0100000030",
        "危险废物经营许可",
        "ecology",
        "licensing",
        "eia",
        "promised",
        20,
        15,
        "licence",
        "危险废物经营许可证",
        5,
        "enterprise",
        "s",
        [("申请书", True, False, ""), ("设施证明", True, False, "")],
        [("审查", ["ecology"], 10)],
    ),
    (
        "GX0100000031",
        "不动产首次登记",
        "land",
        "confirmation",
        "land",
        "promised",
        30,
        5,
        "licence",
        "不动产权证书",
        0,
        "both",
        "",
        [("登记申请书", True, False, ""), ("权属来源材料", True, False, "")],
        [("审核", ["land"], 4)],
    ),
    (
        "GX0100000032",
        "商品房预售许可",
        "housing",
        "licensing",
        "build",
        "promised",
        10,
        5,
        "licence",
        "商品房预售许可证",
        0,
        "enterprise",
        "",
        [
            ("预售申请表", True, False, ""),
            ("建筑工程施工许可证", True, False, "GX0100000007"),
            ("预售方案", True, False, ""),
        ],
        [("审查", ["housing"], 4)],
    ),
]


def _upload(name: str):
    f = io.BytesIO(PDF)
    f.name = name
    return f


def build(ctx: dict) -> None:
    """Add this pillar's demo rows; ctx holds rng, as_of, log, enterprises, departments."""
    depts = ctx["departments"]
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "admin",
                "clerk",
                "clerk2",
                "reviewer",
                "reviewer_housing",
                "reviewer_land",
                "approver",
                "agent",
                "ent",
                "ent2",
                "ent3",
                "ent4",
                "ent5",
                "citizen",
            ]
        )
    }
    admin = users["admin"]
    for (
        code,
        name,
        dept,
        kind,
        law,
        handling,
        legal,
        committed,
        rtype,
        rname,
        years,
        who,
        flags,
        mats,
        stages,
    ) in ITEMS:
        fields = {
            "code": code,
            "name": name,
            "implementing_code": f"11450200MB{code}",
            "item_type": kind,
            "legal_basis": LAW[law],
            "department": depts[dept],
            "applicant_kind": who,
            "legal_days": legal,
            "committed_days": committed,
            "handling": handling,
            "conditions": f"申请人符合{LAW[law]}规定的条件，材料齐全、符合法定形式。",
            "fee": False,
            "fee_basis": "",
            "visits": 0 if handling == "instant" or "c" in flags else 1,
            "online_depth": "4",
            "scope": "city" if who != "citizen" else "province",
            "allow_deferral": "d" in flags,
            "allow_commitment": "c" in flags,
            "issue_before_supply": False,
            "commitment_text": COMMIT if "c" in flags else "",
            "verification_days": 20,
            "special_procedures": "专家评审、现场勘验" if "s" in flags else "",
            "result_type": rtype,
            "result_name": rname,
            "licence_years": years,
            "consultation": f"0772-26881{int(code[-2:]):03d}；政务服务中心{depts[dept].name}综合窗口",
            "complaint": "12345 政务服务便民热线",
            "form_fields": FIELDS["person" if who == "citizen" else "ent"],
        }
        materials = [
            {
                "order": i,
                "name": n,
                "required": True,
                "key": key,
                "commitment_allowed": commit,
                "file_types": "pdf,jpg,png",
                "sample": "加盖公章的原件扫描件" if who != "citizen" else "原件照片",
                "licence_item": lic,
            }
            for i, (n, key, commit, lic) in enumerate(mats, start=1)
        ]
        stage_rows = [
            {"order": i, "name": n, "role": "reviewer", "days": days, "departments": [depts[d] for d in ds]}
            for i, (n, ds, days) in enumerate(stages, start=1)
        ]
        item_draft_save(actor=admin, fields=fields, materials=materials, stages=stage_rows)
        item_publish(actor=admin, code=code)
    _cases(users, ctx)
    _ratings_year(users, ctx)
    ctx["log"](f"政务服务事项 {len(ITEMS)} 项，办件 {Case.objects.count()} 件")


def _submit(actor, code, *, applicant=None, skip=(), commitment=False, data=None):
    from gaoxin.govservices.models import ServiceItem

    version = ServiceItem.objects.get(code=code).current
    files = {str(m.order): _upload(f"{m.name}.pdf") for m in version.materials.all() if m.order not in skip}
    case, _ = case_submit(
        actor=actor,
        item_code=code,
        applicant=applicant,
        files=files,
        commitment=commitment,
        data=data
        or {
            "project": "年产 5 万套新能源汽车零部件项目",
            "address": "高新区创新大道 88 号",
            "purpose": "办理登记",
        },
    )
    return case.number


def _cases(u, ctx):
    clerk, reviewer, approver = u["clerk"], u["reviewer"], u["approver"]
    # Submitted online, waiting at the window.
    _submit(u["ent2"], "GX0100000004")
    _submit(u["ent3"], "GX0100000016", skip=(3,))
    # 即办件 decided at the window.
    n = _submit(clerk, "GX0100000001", applicant="ent4")
    case_act(actor=clerk, number=n, action="accept_instant")
    # Correction requested (一次性告知).
    n = _submit(clerk, "GX0100000005", applicant="ent", skip=(3,))  # paper at the window
    case_act(
        actor=clerk,
        number=n,
        action="request_correction",
        payload={"problems": {"3": "未上传工艺流程图", "1": "申请书缺少法定代表人签字"}},
    )
    # 容缺: accepted with the layout plan to follow; in review.
    n = _submit(u["ent"], "GX0100000004", skip=(3,))
    case_act(actor=clerk, number=n, action="accept")
    # Joint review under way: approval agreed, housing and land pending.
    n = _submit(u["ent2"], "GX0100000006")
    case_act(actor=u["clerk2"], number=n, action="accept")
    case_act(actor=reviewer, number=n, action="review", payload={"verdict": "agree", "opinion": "材料齐全"})
    # A promised case that is overdue (accepted eight working days ago) and one due tomorrow.
    n = _submit(u["ent3"], "GX0100000019")
    case_act(actor=clerk, number=n, action="accept")
    _backdate(n, 8)
    n = _submit(u["ent4"], "GX0100000017")
    case_act(actor=clerk, number=n, action="accept")
    _backdate(n, 5)
    # 告知承诺: approved and issued, verification pending.
    n = _submit(u["ent5"], "GX0100000011", commitment=True, skip=(2, 3))
    case_act(actor=clerk, number=n, action="accept")
    case_act(
        actor=reviewer, number=n, action="review", payload={"verdict": "agree", "opinion": "承诺事项清楚"}
    )
    case_act(actor=approver, number=n, action="approve", payload={"opinion": "准予许可"})
    case_act(actor=approver, number=n, action="issue")
    # Agent-submitted case for an enterprise, with a recorded authorisation.
    agent_authorise(
        actor=u["ent"],
        agent=u["agent"],
        applicant=u["ent"],
        project="新建厂房项目全程代办",
        valid_until=ctx["as_of"] + dt.timedelta(days=365),
    )
    _submit(u["agent"], "GX0100000019", applicant="ent")
    # Waiting for the approver's decision.
    n = _submit(u["ent2"], "GX0100000018")
    case_act(actor=clerk, number=n, action="accept")
    case_act(actor=reviewer, number=n, action="review", payload={"verdict": "agree", "opinion": "同意"})
    # A citizen's case waiting at the window.
    _submit(u["citizen"], "GX0100000026", data={"purpose": "申领失业保险金"})
    lights_recompute()


# 非常满意 … 非常不满意 in roughly the shares a zone's service hall reports.
RATING_LEVELS = [5] * 62 + [4] * 24 + [3] * 9 + [2] * 3 + [1] * 2


def _ratings_year(u, ctx) -> None:
    """A year of 好差评, lived through the services: on many working days a 即办件 decided at the window
    and rated by its applicant, and a window visit rated on the device; every 差评 called back, then
    rectified or explained (now and then after its deadline, which raises a supervision card). The
    statistics the cockpit shows are counted from these rows."""
    rng, as_of = ctx["rng"], ctx["as_of"]
    clerk, approver = u["clerk"], u["approver"]
    window = ctx["departments"]["approval"].code
    raters = [u[n] for n in ("ent", "ent2", "ent3", "ent4", "ent5")]
    day = as_of - dt.timedelta(days=365)
    while day < as_of:
        if calendar.is_workday(day)[0] and rng.random() < 0.4:
            with clock.frozen(dt.datetime.combine(day, dt.time(10))):
                who = rng.choice(raters)
                n = _submit(clerk, "GX0100000001", applicant=who.username)
                case_act(actor=clerk, number=n, action="accept_instant")
                rated = [
                    rating_submit(actor=who, level=rng.choice(RATING_LEVELS), case_number=n),
                    rating_submit(
                        actor=clerk, level=rng.choice(RATING_LEVELS), window=window, channel="window"
                    ),
                ]
                for rating in rated:
                    if rating.is_bad:
                        _handle_bad_rating(rating, approver, rng)
        day += dt.timedelta(days=1)
    cards_compute()


def _handle_bad_rating(rating, officer, rng) -> None:
    rect = rating.rectification
    rectification_act(actor=officer, pk=rect.pk, action="callback", note="已电话回访评价人，了解具体情况")
    clock.travel(dt.timedelta(days=rng.choice([1, 2, 3, 12])))
    if rng.random() < 0.7:
        rectification_act(
            actor=officer, pk=rect.pk, action="rectify", note="已对窗口人员开展服务规范培训并改进"
        )
    else:
        rectification_act(actor=officer, pk=rect.pk, action="explain", note="已向评价人说明法定办理条件")


def _backdate(number: str, workdays: int) -> None:
    """Demo only: pretend the case was accepted `workdays` working days ago so the inbox shows its lights."""
    case = Case.objects.select_related("version").get(number=number)
    start = case.accepted_on
    for _ in range(workdays):
        start -= dt.timedelta(days=1)
        while not calendar.is_workday(start)[0]:
            start -= dt.timedelta(days=1)
    due = calendar.add_workdays(start, case.version.committed_days)
    Case.objects.filter(pk=case.pk).update(
        accepted_on=start,
        due_on=due.deadline,
        submitted_at=F("submitted_at") - dt.timedelta(days=workdays + 2),
    )
    stage = CaseStage.objects.filter(case=case, state="active").select_related("spec").first()
    if stage:
        stage_due = calendar.add_workdays(start, stage.spec.days)
        CaseStage.objects.filter(pk=stage.pk).update(started_on=start, due_on=stage_due.deadline)
