"""The target list of a chain from Excel: files as LibreOffice and WPS write them, the template with its
填表说明 and link dropdown, all or nothing with an error sheet, and who may import."""

import io
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from gaoxin.core.audit import AuditEvent
from gaoxin.investment.models import ChainTarget
from gaoxin.investment.services import chains
from tests.factories import department, staff_user

from .builders import bureau

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent.parent / "imports" / "fixtures"


def upload(content: bytes, name: str = "targets.xlsx") -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


@pytest.fixture
def chain(db):
    a, _ = bureau()
    chain = chains.chain_create(actor=a, code="nev", name="新能源汽车")
    battery = chains.link_add(actor=a, chain=chain, name="动力电池", gbt_codes="C384")
    chains.link_add(actor=a, chain=chain, name="电芯", gbt_codes="C3841", parent=battery)
    c = Client()
    c.force_login(a)
    return {"chain": chain, "a": a, "c": c, "url": f"/api/v1/investment/chains/{chain.pk}/targets/import"}


@pytest.mark.parametrize("name", ["targets.xlsx", "targets.xls", "targets.csv", "targets-gbk.csv"])
def test_the_file_as_libreoffice_or_wps_wrote_it_imports(chain, name):
    r = chain["c"].post(chain["url"], {"file": upload((FIXTURES / name).read_bytes(), name)})
    assert r.status_code == 200, r.content
    assert r.json() == {"imported": 3}
    got = sorted(ChainTarget.objects.values_list("link__name", "company", "city"))
    assert got == [
        ("动力电池", "国轩高科股份有限公司", "合肥"),
        (
            "动力电池",
            "宁德时代新能源科技股份有限公司",
            "宁德",
        ),  # the link's trailing space and the name's spaces
        ("电芯", "１２３ 能源有限公司", "常州"),
    ]
    assert AuditEvent.objects.filter(action="investment_chain.targets_import").count() == 1
    # The same file again adds nothing: every row is already on the list.
    r = chain["c"].post(chain["url"], {"file": upload((FIXTURES / name).read_bytes(), name)})
    assert r.status_code == 422
    assert "已在该环节的清单中" in r.json()["message"] and ChainTarget.objects.count() == 3
    # The proposals of the chain map list them.
    data = chains.chain_map(chain["chain"], year=2025)
    assert "国轩高科股份有限公司" in next(n for n in data["nodes"] if n["name"] == "动力电池")["targets"]


def test_the_template_has_its_instructions_dropdown_and_the_targets_entered(chain):
    link = chain["chain"].links.get(name="电芯")
    chains.target_add(actor=chain["a"], link=link, company="赛克瑞浦", city="上海")
    r = chain["c"].get(f"/api/v1/investment/chains/{chain['chain'].pk}/targets.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:2] == ["目标企业", "填表说明"]
    ws = wb["目标企业"]
    assert [c.value for c in ws[1]] == ["环节", "目标企业", "所在地", "说明"]
    assert [c.value for c in ws[2]][:3] == ["电芯", "赛克瑞浦", "上海"]
    assert ws.data_validations.dataValidation  # the links as a dropdown
    options = [c.value for c in wb["选项"]["A"]][1:]
    assert options == ["动力电池", "电芯"]
    # Filled in and uploaded back: the row entered before is refused as already listed, nothing written.
    ws.append(["动力电池", "玲珑轮胎", "招远"])
    buf = io.BytesIO()
    wb.save(buf)
    r = chain["c"].post(chain["url"], {"file": upload(buf.getvalue())})
    assert r.status_code == 422 and ChainTarget.objects.count() == 1
    body = r.json()
    assert set(body["fields"]) == {"第2行"}
    sheet = chain["c"].get(body["error_sheet"])
    rows = list(load_workbook(io.BytesIO(sheet.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][-1] == "错误说明" and "已在该环节的清单中" in rows[1][-1] and not rows[2][-1]


def test_every_bad_row_is_listed_and_nothing_is_written(chain):
    csv = (
        "环节,目标企业,所在地\n正极,甲公司,\n动力电池,,合肥\n动力电池,乙公司,\n动力电池,乙公司,\n电芯,"
        + "长" * 121
        + ",\n"
    )
    r = chain["c"].post(chain["url"], {"file": upload(csv.encode(), "t.csv")})
    assert r.status_code == 422
    fields = r.json()["fields"]
    assert "不在新能源汽车的图谱中" in fields["第2行"]
    assert fields["第3行"] == "请填写目标企业"
    assert "第4行" not in fields and fields["第5行"] == "与前面的行重复"
    assert "不能超过 120 个字" in fields["第6行"]
    assert ChainTarget.objects.count() == 0


def test_the_page_offers_the_template_and_the_error_sheet(chain):
    url = f"/investment/chains/{chain['chain'].pk}/targets/"
    page = chain["c"].get(url).content.decode()
    assert "?template=1" in page and "填表说明" in page and "目标企业" in page
    assert "style=" not in page.split("<main", 1)[-1] and "<script>" not in page
    assert chain["c"].get(url + "?template=1").status_code == 200
    html = (
        chain["c"]
        .post(url, {"file": upload("环节,目标企业\n正极,甲公司\n".encode(), "t.csv")})
        .content.decode()
    )
    assert "不在新能源汽车的图谱中" in html
    token = html.split("?errors=", 1)[1].split('"', 1)[0]
    assert chain["c"].get(url + f"?errors={token}").status_code == 200
    ok = chain["c"].post(url, {"file": upload("环节,目标企业\n电芯,甲公司\n".encode(), "t.csv")})
    assert ok.status_code == 302 and ChainTarget.objects.get().company == "甲公司"
    other = Client()
    other.force_login(staff_user("invest9", department("investment", "投资促进局"), ["investment_officer"]))
    assert other.get(url + f"?errors={token}").status_code == 404


def test_only_the_bureau_imports(chain):
    clerk = staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    c = Client()
    c.force_login(clerk)
    r = c.post(chain["url"], {"file": upload("环节,目标企业\n电芯,甲公司\n".encode(), "t.csv")})
    assert r.status_code == 403
    page = c.get(f"/investment/chains/{chain['chain'].pk}/targets/").content.decode()
    assert 'id="targets-import"' not in page and ChainTarget.objects.count() == 0
