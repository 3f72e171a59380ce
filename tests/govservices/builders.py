"""A small catalogue and the staff of a zone, built through the real services."""

from gaoxin.govservices.services.catalogue import item_draft_save, item_publish
from tests.factories import department, staff_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

BASE = {
    "item_type": "licensing",
    "legal_basis": "《中华人民共和国行政许可法》",
    "applicant_kind": "both",
    "conditions": "符合法定条件",
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
    "result_type": "licence",
    "licence_years": 5,
    "consultation": "0772-12345",
    "complaint": "12345",
    "form_fields": [{"name": "project", "label": "项目名称", "required": True}],
}


def material(order, name, *, key=True, required=True, commit=False, licence_item=""):
    return {
        "order": order,
        "name": name,
        "required": required,
        "key": key,
        "commitment_allowed": commit,
        "file_types": "pdf,jpg,png",
        "sample": "",
        "licence_item": licence_item,
    }


def zone():
    d = {
        code: department(code, name)
        for code, name in [
            ("approval", "行政审批局"),
            ("housing", "住房和城乡建设局"),
            ("land", "自然资源局"),
            ("ecology", "生态环境局"),
        ]
    }
    people = {
        "admin": staff_user("admin", d["approval"], ["system_admin"]),
        "clerk": staff_user("clerk", d["approval"], ["window_clerk"]),
        "clerk_housing": staff_user("clerk_housing", d["housing"], ["window_clerk"]),
        "reviewer": staff_user("reviewer", d["approval"], ["reviewer"]),
        "reviewer_housing": staff_user("reviewer_housing", d["housing"], ["reviewer"]),
        "reviewer_land": staff_user("reviewer_land", d["land"], ["reviewer"]),
        "reviewer_ecology": staff_user("reviewer_ecology", d["ecology"], ["reviewer"]),
        "approver": staff_user("approver", d["approval"], ["approver"]),
        "approver2": staff_user("approver2", d["approval"], ["approver"]),
        "agent": staff_user("agent", d["approval"], ["agent"]),
    }
    admin = people["admin"]
    items = {}

    def add(code, name, fields, materials, stages):
        item_draft_save(
            actor=admin,
            fields={**BASE, **fields, "code": code, "name": name, "implementing_code": code + "001"},
            materials=materials,
            stages=stages,
        )
        items[code] = item_publish(actor=admin, code=code)

    add(
        "000000000001",
        "企业名称自主申报",
        {
            "department": d["approval"],
            "handling": "instant",
            "legal_days": 1,
            "committed_days": 0,
            "result_type": "approval",
            "result_name": "名称告知书",
            "licence_years": 0,
        },
        [material(1, "申请书")],
        [],
    )
    add(
        "000000000002",
        "食品经营许可",
        {
            "department": d["approval"],
            "handling": "promised",
            "legal_days": 20,
            "committed_days": 5,
            "allow_deferral": True,
            "special_procedures": "检测、专家评审",
            "result_name": "食品经营许可证",
        },
        [
            material(1, "申请书"),
            material(2, "场所平面图", key=False),
            material(3, "营业执照", licence_item="000000000001"),
        ],
        [{"order": 1, "name": "审查", "role": "reviewer", "days": 3, "departments": [d["approval"]]}],
    )
    add(
        "000000000003",
        "建筑工程施工许可",
        {
            "department": d["approval"],
            "handling": "promised",
            "legal_days": 20,
            "committed_days": 10,
            "special_procedures": "专家评审",
            "result_name": "建筑工程施工许可证",
        },
        [material(1, "申请书")],
        [
            {"order": 1, "name": "初审", "role": "reviewer", "days": 2, "departments": [d["approval"]]},
            {
                "order": 2,
                "name": "联合审查",
                "role": "reviewer",
                "days": 5,
                "departments": [d["housing"], d["land"], d["ecology"]],
            },
        ],
    )
    add(
        "000000000004",
        "人力资源服务许可",
        {
            "department": d["approval"],
            "handling": "promised",
            "legal_days": 20,
            "committed_days": 5,
            "allow_commitment": True,
            "commitment_text": "本单位承诺所填信息真实，具备相应条件。",
            "result_name": "人力资源服务许可证",
        },
        [
            material(1, "申请书"),
            material(2, "场所使用证明", commit=True),
            material(3, "专职人员资格证明", commit=True),
        ],
        [{"order": 1, "name": "审查", "role": "reviewer", "days": 3, "departments": [d["approval"]]}],
    )
    return d, people, items


def publish_item(
    admin, code, name, dept, *, handling="promised", days=5, materials=None, stages=None, **fields
):
    """One published item of the catalogue (its form asks for the company's name)."""
    item_draft_save(
        actor=admin,
        fields={
            **BASE,
            "form_fields": [{"name": "company", "label": "企业名称", "required": True}],
            "code": code,
            "name": name,
            "implementing_code": code + "001",
            "department": dept,
            "handling": handling,
            "legal_days": max(days, 1),
            "committed_days": 0 if handling == "instant" else days,
            "result_name": name + "结果",
            **fields,
        },
        materials=materials if materials is not None else [material(1, "营业执照")],
        stages=stages
        if stages is not None
        else (
            []
            if handling == "instant"
            else [{"order": 1, "name": "审查", "role": "reviewer", "days": 2, "departments": [dept]}]
        ),
    )
    return item_publish(actor=admin, code=code)


KAIBAN = [
    ("000000000101", "企业设立登记", "scj", "市场监督管理局"),
    ("000000000102", "公章刻制备案", "gaj", "公安局"),
    ("000000000103", "发票申领", "swj", "税务局"),
    ("000000000104", "社会保险登记", "rsj", "人力资源和社会保障局"),
    ("000000000105", "住房公积金单位开户", "gjj", "住房公积金中心"),
]


def kaiban_bundle(gz, *, mode="parallel", code="KBQY", members=KAIBAN):
    """开办企业: five items of five departments, one form, one material set; in each department an
    official who reviews and approves."""
    from gaoxin.govservices.services.bundles import bundle_save

    admin = gz["p"]["admin"]
    for item_code, name, dept_code, dept_name in members:
        dept = department(dept_code, dept_name)
        gz["d"][dept_code] = dept
        publish_item(admin, item_code, name, dept)
        gz["p"].setdefault(
            f"approver_{dept_code}", staff_user(f"approver_{dept_code}", dept, ["reviewer", "approver"])
        )
    return bundle_save(
        actor=admin,
        fields={
            "code": code,
            "name": "开办企业",
            "mode": mode,
            "committed_days": 3,
            "guide": "一次告知：设立登记、公章刻制、发票申领、社保登记、公积金开户一表申请、一窗受理。",
            "form_fields": [{"name": "ent_name", "label": "企业名称", "required": True}],
        },
        members=[
            {"order": n, "item": m[0], "field_map": {"company": "ent_name"}} for n, m in enumerate(members, 1)
        ],
        materials=[
            {
                "order": 1,
                "name": "营业执照或名称告知书",
                "required": True,
                "targets": [{"item": m[0], "material": 1} for m in members],
            }
        ],
    )
