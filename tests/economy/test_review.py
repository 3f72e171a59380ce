"""The yearly and ten-year reviews: along the four lines, every figure equal to its indicator's value and
following a changed record, 同比 written out, footnoted, the office's narrative kept per year (and a
stale edit refused), the PDF carrying Chinese text, and generation as a task with progress."""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.test import Client
from docx import Document

from gaoxin.core import clock
from gaoxin.core.models import TaskRun
from gaoxin.economy.models import ReviewEdition, ReviewNarrative
from gaoxin.economy.services.catalogue import indicator_save, indicator_value
from gaoxin.economy.services.review import narrative_save, review_document
from tests.enterprises.factories import enterprise, other_uscc, report
from tests.factories import DEFAULT_PASSWORD, department, staff_user

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    assert c.login(username=user.username, password=DEFAULT_PASSWORD)
    return c


@pytest.fixture
def zone(db):
    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    report(
        a,
        2019,
        0,
        output_value=Decimal("300000000"),
        rd_expense=Decimal("2000000"),
        revenue=Decimal("100000000"),
    )
    ra = report(
        a,
        2020,
        0,
        output_value=Decimal("365000000"),
        rd_expense=Decimal("3000000"),
        revenue=Decimal("100000000"),
    )
    gy = indicator_save(
        actor=stat,
        code="GY01",
        fields={"name": "规上工业总产值", "unit": "亿元", "source": "reporting.output_value", "scale": 10**8},
    )
    cx = indicator_save(
        actor=stat,
        code="CX02",
        fields={
            "name": "研发投入强度",
            "unit": "%",
            "source": "reporting.rd_expense",
            "denominator": "reporting.revenue",
        },
    )
    return {"stat": stat, "report": ra, "indicators": [gy, cx]}


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} (poppler-utils, installed by scripts/setup.sh test) reads the PDF"
    return path


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text by poppler's pdftotext, whitespace removed (reportlab wraps CJK lines anywhere)."""
    path = tmp_path / "review.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return "".join(done.stdout.decode().split())


def _docx(content: bytes) -> tuple[dict[str, list[str]], str]:
    doc = Document(io.BytesIO(content))
    rows = {}
    for table in doc.tables:
        for row in table.rows[1:]:
            cells = [c.text for c in row.cells]
            rows[cells[3]] = cells
    return rows, "\n".join(p.text for p in doc.paragraphs)


def test_yearly_review_prints_each_indicators_value_along_the_four_lines(zone):
    stat = zone["stat"]
    with clock.frozen(dt.date(2021, 3, 1)):
        rows, text = _docx(review_document(user=stat, kind="yearly", year=2020, fmt="docx"))
    for ind in zone["indicators"]:
        value = indicator_value(ind, user=stat, period=(2020, None))["value"]
        assert rows[ind.code][1] == f"{value:f}{ind.unit}"
    assert rows["GY01"] == ["规上工业总产值", "3.65亿元", "同比增长 21.7%", "GY01", "2021-03-01"]
    assert rows["CX02"][2] == "同比提高 1.00 个百分点"  # 2.00% → 3.00%
    headings = [
        line
        for line in text.split("\n")
        if line in {"综述", "发展有质量", "创新有力量", "融合有温度", "改革有力度"}
    ]
    assert headings == ["综述", "发展有质量", "创新有力量", "融合有温度", "改革有力度"]
    # output under 发展有质量, R&D intensity under 创新有力量, each footnoted with its code and as-of date
    quality, innovation = text.split("发展有质量")[1].split("创新有力量")
    assert "规上工业总产值3.65亿元，同比增长 21.7%。[1]" in quality
    assert "[1] 指标 GY01（规上工业总产值），数据截至 2021-03-01。" in quality
    assert "研发投入强度3.00%，同比提高 1.00 个百分点。[2]" in innovation
    assert "CX02 研发投入强度（%）：研发费用 ÷ 营业收入 × 100" in text.split("附录：指标定义")[1]

    zone["report"].output_value = Decimal("250000000")
    zone["report"].save()
    rows, _text = _docx(review_document(user=stat, kind="yearly", year=2020, fmt="docx"))
    assert rows["GY01"][1:3] == ["2.50亿元", "同比下降 16.7%"]


def test_the_pdf_carries_the_same_figures_in_chinese(zone, tmp_path):
    narrative_save(actor=zone["stat"], year=2020, section="quality", text="全年工业稳中有进。")
    pdf = review_document(user=zone["stat"], kind="yearly", year=2020, fmt="pdf")
    assert pdf.startswith(b"%PDF")
    flat = pdf_text(pdf, tmp_path)
    for words in (
        "高新区2020年经济运行年度报告",
        "发展有质量",
        "改革有力度",
        "全年工业稳中有进。",
        "附录：指标定义",
    ):
        assert words in flat
    assert "规上工业总产值3.65亿元，同比增长21.7%。" in flat
    fonts = subprocess.run([_tool("pdffonts"), str(tmp_path / "review.pdf")], capture_output=True, check=True)
    assert (
        "WenQuanYiMicroHei" in fonts.stdout.decode()
    )  # the Chinese font is embedded, not left to the reader


def test_narrative_is_kept_per_year_and_a_stale_edit_is_refused(zone):
    c = _client(zone["stat"])
    url = "/api/v1/economy/reviews/2020/narrative"
    r = c.put(f"{url}/quality", {"text": "工业稳中有进。", "revision": 0}, content_type="application/json")
    assert r.status_code == 200 and r.json()["revision"] == 1
    stale = c.put(f"{url}/quality", {"text": "别人的稿子", "revision": 0}, content_type="application/json")
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["message"]
    r = c.put(
        f"{url}/quality", {"text": "工业稳中有进，增速回升。", "revision": 1}, content_type="application/json"
    )
    assert r.json()["revision"] == 2
    assert c.get("/api/v1/economy/reviews/2021/narrative").json()[1] == {
        "section": "quality",
        "title": "发展有质量",
        "text": "",
        "revision": 0,
        "updated_at": None,
        "updated_by": "",
    }
    assert [n["text"] for n in c.get(url).json()][1] == "工业稳中有进，增速回升。"
    _rows, text = _docx(review_document(user=zone["stat"], kind="yearly", year=2020, fmt="docx"))
    assert "发展有质量\n工业稳中有进，增速回升。" in text
    long = c.put(f"{url}/reform", {"text": "字" * 5001, "revision": 0}, content_type="application/json")
    assert long.status_code == 422 and ReviewNarrative.objects.filter(section="reform").count() == 0
    assert c.put(f"{url}/nothing", {"text": "x"}, content_type="application/json").status_code == 422
    leader = staff_user("leader", department("gwh", "管委会"), ["leader"])
    r = _client(leader).put(f"{url}/intro", {"text": "x", "revision": 0}, content_type="application/json")
    assert r.status_code == 403


def test_generation_runs_as_a_task_with_progress_and_keeps_both_documents(
    zone, django_capture_on_commit_callbacks
):
    c = _client(zone["stat"])
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            "/api/v1/economy/reviews/2020/generate", {"kind": "yearly"}, content_type="application/json"
        )
    assert r.status_code == 202
    run = c.get(f"/api/v1/tasks/{r.json()['task_run']}").json()
    assert (run["status"], run["percent"], run["done"], run["total"]) == ("succeeded", 100, 5, 5)
    assert run["message"] == "已生成 PDF" and run["result"]["指标数"] == 2
    pdf = c.get("/api/v1/economy/reviews/2020/editions/yearly.pdf")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    rows, _ = _docx(c.get("/api/v1/economy/reviews/2020/editions/yearly.docx").content)
    assert rows["GY01"][1] == "3.65亿元"
    edition = ReviewEdition.objects.get()
    assert edition.figures[0]["indicator"] == "CX02" and edition.run_id == run["id"]
    # regenerating after a corrected record keeps the new figures as the latest edition
    zone["report"].output_value = Decimal("366000000")
    zone["report"].save()
    with django_capture_on_commit_callbacks(execute=True):
        c.post("/api/v1/economy/reviews/2020/generate", {}, content_type="application/json")
    rows, _ = _docx(c.get("/api/v1/economy/reviews/2020/editions/yearly.docx").content)
    assert rows["GY01"][1] == "3.66亿元" and ReviewEdition.objects.count() == 2
    # while one generation of a review is queued, a second start is refused
    TaskRun.objects.create(name="生成经济运行报告", subject="review:yearly:2020", created_by=zone["stat"])
    again = c.post("/api/v1/economy/reviews/2020/generate", {}, content_type="application/json")
    assert again.status_code == 409 and "正在生成" in again.json()["message"]
    assert c.get("/api/v1/economy/reviews/2019/editions/decade.pdf").status_code == 404
    clerk = staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    assert (
        _client(clerk)
        .post("/api/v1/economy/reviews/2020/generate", {}, content_type="application/json")
        .status_code
        == 403
    )


def test_ten_year_review_tables_each_years_value_and_the_year_a_round_figure_was_crossed(zone, tmp_path):
    stat = zone["stat"]
    a = enterprise(other_uscc(2), "乙", above_scale=True)
    for i, year in enumerate(range(2011, 2021)):
        report(a, year, 0, output_value=Decimal(60_000_000_000 + i * 7_000_000_000))
    content = review_document(user=stat, kind="decade", year=2020, fmt="docx")
    doc = Document(io.BytesIO(content))
    table = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert table[0] == ["指标", *[str(y) for y in range(2011, 2021)], "年均增长"]
    gy = next(r for r in table if r[0] == "规上工业总产值（亿元）")
    for year, cell in zip(range(2011, 2021), gy[1:11], strict=True):
        value = indicator_value(zone["indicators"][0], user=stat, period=(year, None))["value"]
        assert cell == f"{value:f}"
    assert gy[1] == "600.00" and gy[10] == "1233.65"  # 2020 adds 甲's 3.65 亿元
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2017 年规上工业总产值首次突破 1000亿元。" in text  # 600 + 6 × 70 = 1020
    assert len(doc.inline_shapes) >= 1  # the trend charts
    pdf = review_document(user=stat, kind="decade", year=2020, fmt="pdf")
    flat = pdf_text(pdf, tmp_path)
    assert "高新区2011—2020年经济运行十年回顾" in flat and "首次突破1000亿元" in flat


def test_review_page_keeps_the_narrative_generates_and_shows_the_progress(
    zone, django_capture_on_commit_callbacks
):
    c = _client(zone["stat"])
    html = c.get("/economy/reviews/2020/").content.decode()
    assert "发展有质量" in html and "3.65亿元" in html and "同比增长 21.7%" in html
    assert "style=" not in html and "<script>" not in html
    post = {"section": "quality", "quality-section": "quality", "quality-revision": "0"}
    r = c.post("/economy/reviews/2020/narrative/", {**post, "quality-text": "工业稳中有进。"})
    assert r.status_code == 302
    assert ReviewNarrative.objects.get(year=2020, section="quality").text == "工业稳中有进。"
    stale = c.post("/economy/reviews/2020/narrative/", {**post, "quality-text": "另一稿"})
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    assert "另一稿" in stale.content.decode()  # the editor's words are kept on the page, not lost
    bad = c.post("/economy/reviews/2020/narrative/", {"section": "nothing", "nothing-text": "x"})
    assert bad.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/economy/reviews/2020/generate/", {"kind": "decade"})
    assert r.status_code == 302 and "?run=" in r["Location"]
    page = c.get(r["Location"]).content.decode()
    assert "已完成" in page and "/api/v1/economy/reviews/2020/editions/decade.pdf" in page
    run_id = r["Location"].split("?run=")[1].split("#")[0]
    partial = c.get(f"/economy/reviews/2020/?run={run_id}", headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="review-run"') and "hx-get" not in partial  # finished: polling stops
    assert c.get(f"/economy/reviews/2019/?run={run_id}").status_code == 404  # not this year's run
    leader = _client(staff_user("leader", department("gwh", "管委会"), ["leader"]))
    html = leader.get("/economy/reviews/2020/").content.decode()
    assert "工业稳中有进。" in html and "<textarea" not in html
    clerk = staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    assert _client(clerk).get("/economy/reviews/2020/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_offices_saving_one_paragraph_at_once_one_wins_409():
    """Both opened the unwritten 改革有力度 paragraph (revision 0) and save at once: one is kept, the other
    is told to refresh; nothing is half-written."""
    import json
    import threading

    from django.db import close_old_connections, connection

    stats = department("stats", "统计局")
    users = [staff_user(f"stat{i}", stats, ["statistician"]) for i in (1, 2)]
    clients = []
    for u in users:
        c = Client()
        c.force_login(u)
        clients.append(c)
    results = []

    def call(c, text):
        try:
            r = c.put(
                "/api/v1/economy/reviews/2020/narrative/reform",
                json.dumps({"text": text, "revision": 0}),
                content_type="application/json",
            )
            results.append(r.status_code)
        finally:
            close_old_connections()
            connection.close()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)

        def worker(c, text):
            barrier.wait()
            call(c, text)

        threads = [
            threading.Thread(target=worker, args=(c, t))
            for c, t in zip(clients, ("甲稿", "乙稿"), strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        call(clients[0], "甲稿")
        call(clients[1], "乙稿")
    assert sorted(results) == [200, 409]
    kept = ReviewNarrative.objects.get(year=2020, section="reform")
    assert kept.revision == 1 and kept.text in {"甲稿", "乙稿"}


def test_cockpit_and_review_print_a_years_published_snapshot_alike(zone):
    """A finished year's figure is its published snapshot in both the cockpit and the review (a later
    correction waits for the next revision); the current year is computed from the records."""
    from gaoxin.economy.selectors import cockpit, review_figures
    from gaoxin.economy.services.snapshots import snapshot_take

    stat, gy = zone["stat"], zone["indicators"][0]
    with clock.frozen(dt.date(2021, 1, 20)):
        snapshot_take(actor=stat, indicator=gy, year=2020)
    zone["report"].output_value = Decimal("400000000")
    zone["report"].save()
    trend = next(r for r in cockpit(user=stat, year=2021)["rows"] if r["code"] == "GY01")["trend"]
    figure = next(f for f in review_figures(user=stat, year=2020)["figures"] if f["indicator"] == "GY01")
    assert trend[-2] == 3.65 and (figure["value"], figure["as_of"]) == (Decimal("3.65"), dt.date(2021, 1, 20))
    assert next(r for r in cockpit(user=stat, year=2020)["rows"] if r["code"] == "GY01")["value"] == Decimal(
        "3.65"
    )
    with clock.frozen(dt.date(2021, 2, 1)):
        snapshot_take(actor=stat, indicator=gy, year=2020)  # the office publishes the correction
    assert (
        next(r for r in cockpit(user=stat, year=2020)["rows"] if r["code"] == "GY01")["display"] == "4.00亿元"
    )
