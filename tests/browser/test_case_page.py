"""The clerk's case page in a real browser: 预览 draws a PDF material with PDF.js into a canvas and shows
an image material, under the platform's Content-Security-Policy; marking a material 不合格 with a note
prefills the 补正 form (issue 10)."""

import struct
import zlib

import pytest

from gaoxin.govservices.models import Case
from tests.browser.conftest import DESKTOP, PHONE, accessibility_violations, layout_problems, login, shot
from tests.factories import DEFAULT_PASSWORD, enterprise_user
from tests.govservices.builders import zone
from tests.govservices.helpers import client_for, pdf, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def one_page_pdf() -> bytes:
    """A real one-page PDF: a blue block and a black frame on a white A4 page."""
    stream = b"0 0.3 0.8 rg 72 500 300 200 re f 0 0 0 RG 4 w 60 60 475 722 re S"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def red_png(size: int = 16) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xdd\x22\x22" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def case_with_files(db):
    zone()
    ent = enterprise_user("ent", "91350100M000100Y43", "示例科技有限公司")
    r = submit(
        client_for(ent),
        "000000000002",
        files={
            1: pdf("申请书.pdf", one_page_pdf()),
            2: pdf("平面图.png", red_png()),
            3: pdf("执照.pdf", one_page_pdf()),
        },
    )
    assert r.status_code == 201, r.json()
    return Case.objects.get(number=r.json()["number"])


def canvas_has_ink(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => {
          const c = document.querySelector(sel);
          const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
          for (let i = 0; i < d.length; i += 4) {
            if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200)) return true;
          }
          return false;
        }""",
        selector,
    )


def test_the_clerk_previews_checks_and_sees_the_correction_prefilled(page, case_with_files):
    case = case_with_files
    first, plan = (case.materials.get(spec__order=n).pk for n in (1, 2))
    page.set_viewport_size(DESKTOP)
    login(page, "clerk", DEFAULT_PASSWORD)
    page.goto(f"{page.base}/services/cases/{case.number}/")

    pdf_box = page.locator(f"#preview-{first}")
    assert pdf_box.is_hidden()
    page.locator(f"#material-{first} button.preview-toggle").click()
    page.wait_for_selector(f"#preview-{first} canvas[data-rendered]", timeout=15000)
    assert canvas_has_ink(page, f"#preview-{first} canvas")
    page.locator(f"#material-{plan} button.preview-toggle").click()
    img = page.locator(f"#preview-{plan} img")
    img.wait_for()
    for _ in range(50):
        if img.evaluate("el => el.complete && el.naturalWidth") > 0:
            break
        page.wait_for_timeout(100)
    assert img.evaluate("el => el.naturalWidth") == 16
    shot(page, "case-preview-1366")
    # a second click folds the preview away again
    page.locator(f"#material-{first} button.preview-toggle").click()
    assert pdf_box.is_hidden()

    row = page.locator(f"#material-{plan}")
    row.locator("[name=verdict_note]").fill("平面图缺少比例尺")
    with page.expect_navigation():
        row.locator("button[value=failed]").click()
    assert "不合格" in page.locator(f"#material-{plan} .check-verdict").inner_text()
    correction = page.locator("form[data-action=request_correction]")
    assert correction.locator("[name=problem_2]").input_value() == "平面图缺少比例尺"
    assert correction.locator("[name=problem_1]").input_value() == ""

    assert layout_problems(page) == []
    assert accessibility_violations(page) == []
    shot(page, "case-check-1366")
    page.set_viewport_size(PHONE)
    page.locator(f"#material-{first} button.preview-toggle").click()
    page.wait_for_selector(f"#preview-{first} canvas[data-rendered]", timeout=15000)
    assert layout_problems(page) == []
    shot(page, "case-check-390")


def test_the_applicant_reads_the_verdicts_without_the_staff_controls(page, case_with_files):
    from gaoxin.accounts.models import User
    from gaoxin.govservices.services.materials import material_check

    case = case_with_files
    plan = case.materials.get(spec__order=2).pk
    clerk = User.objects.get(username="clerk")
    material_check(
        actor=clerk, number=case.number, material_id=plan, verdict="failed", note="平面图缺少比例尺"
    )
    page.set_viewport_size(PHONE)
    login(page, "ent", DEFAULT_PASSWORD)
    page.goto(f"{page.base}/services/cases/{case.number}/")
    row = page.locator(f"#material-{plan}")
    assert "不合格" in row.locator(".check-verdict").inner_text()
    assert "平面图缺少比例尺" in row.inner_text()
    assert page.locator("form.material-check").count() == 0
    assert "撤回申请" in page.locator("#actions").inner_text()
    row.locator("button.preview-toggle").click()
    page.locator(f"#preview-{plan} img").wait_for()
    assert layout_problems(page) == []
    assert accessibility_violations(page) == []
    shot(page, "case-applicant-390")
