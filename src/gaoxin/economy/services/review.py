"""The yearly review as DOCX: the same figures as `GET /api/v1/economy/reviews/{year}`, each footnoted
with its indicator and as-of date, and an appendix with each figure's definition."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from ..models import Indicator
from ..selectors import review_figures
from ..sources import SOURCES

FONT = "Noto Sans CJK SC"


def _chinese(document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(11)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)


def review_docx(*, user, year: int) -> bytes:
    data = review_figures(user=user, year=year)
    document = Document()
    _chinese(document)
    document.add_heading(f"高新区{year}年经济运行年度报告", level=0)
    document.add_paragraph("本报告中的每个数字均由平台记录计算，注明指标编码与数据截至日期。")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("指标", "数值", "指标编码", "数据截至"), strict=True):
        cell.text = text
    for f in data["figures"]:
        cells = table.add_row().cells
        cells[0].text = f["name"]
        cells[1].text = f["display"]
        cells[2].text = f["indicator"]
        cells[3].text = f["as_of"].isoformat()
    document.add_heading("附录：指标定义", level=1)
    defs = {
        i.code: i
        for i in Indicator.objects.filter(current=True, code__in=[f["indicator"] for f in data["figures"]])
    }
    for f in data["figures"]:
        ind = defs[f["indicator"]]
        formula = str(SOURCES[ind.source][0])
        if ind.denominator:
            formula += f" ÷ {SOURCES[ind.denominator][0]} × 100"
        document.add_paragraph(
            f"{ind.code} {ind.name}（{ind.unit}）：{formula}；换算除数 {ind.scale.normalize():f}；"
            f"责任部门 {ind.department or '—'}；第 {ind.version} 版",
            style="List Bullet",
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
