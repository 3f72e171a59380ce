"""The reviews written out: charts drawn by matplotlib (Agg, Noto Sans CJK by path), the DOCX by
python-docx and the PDF by reportlab, both from the same content (`review.yearly_review` /
`review.decade_review`), so the two documents print the same figures, footnotes and definitions."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from gaoxin.core import fonts

DOCX_FONT = fonts.FAMILY
YEARLY_TABLE = ("指标", "数值", "同比", "指标编码", "数据截至")
SOURCE_NOTE = "本报告中的每个数字均由平台记录按指标定义计算，注明指标编码与数据截至日期；文字由统计部门撰写。"


# ---- charts --------------------------------------------------------------------------------------


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    family = fonts.chart_family()
    fig = Figure(figsize=(width, height), dpi=150)
    return fig, {"family": family}


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight")
    return out.getvalue()


def charts(content: dict) -> dict[str, bytes]:
    """PNG charts by key: for the yearly review, each section's 同比 growth of its figures; for the ten
    years, each indicator's line over the years."""
    out: dict[str, bytes] = {}
    if content["kind"] == "decade":
        years = content["years"]
        for s in content["series"]:
            if all(v is None for v in s["values"]):
                continue
            fig, font = _figure(6.4, 2.6)
            ax = fig.subplots()
            ax.plot(
                years, [None if v is None else float(v) for v in s["values"]], marker="o", color="#1456a0"
            )
            ax.set_title(f"{s['name']}（{s['unit']}）", fontdict=font)
            ax.set_xticks(years)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
            out[s["indicator"]] = _png(fig)
        return out
    for section in content["sections"]:
        rows = [f for f in section["figures"] if f["growth"] is not None]
        if not rows:
            continue
        fig, font = _figure(6.4, 0.5 + 0.42 * len(rows))
        ax = fig.subplots()
        values = [float(f["growth"]) for f in rows]
        ax.barh([f["name"] for f in rows], values, color=["#1e7b34" if v >= 0 else "#c62828" for v in values])
        for label in ax.get_yticklabels():
            label.set_fontfamily(font["family"])
        for i, v in enumerate(values):
            ax.annotate(
                f"{v:+.1f}%",
                (v, i),
                fontsize=8,
                va="center",
                xytext=(3 if v >= 0 else -3, 0),
                textcoords="offset points",
                ha="left" if v >= 0 else "right",
            )
        ax.axvline(0, color="#555", linewidth=0.8)
        ax.invert_yaxis()
        ax.set_title(f"{section['title']}：主要指标同比增速（%）", fontdict=font)
        out[section["key"]] = _png(fig)
    return out


# ---- DOCX ----------------------------------------------------------------------------------------


def _docx_fonts(document) -> None:
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.name = DOCX_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_FONT)
    document.styles["Normal"].font.size = Pt(11)


def _table(document, header, rows, size: int = 10):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(size)
    return table


def _sentence(f: dict) -> str:
    return f"{f['name']}{f['display']}，{f['change']}。"


def _note(f: dict) -> str:
    return f"[{f['note']}] 指标 {f['indicator']}（{f['name']}），数据截至 {f['as_of'].isoformat()}。"


def write_docx(content: dict, images: dict[str, bytes]) -> bytes:
    document = Document()
    _docx_fonts(document)
    document.add_heading(content["title"], level=0)
    document.add_paragraph(SOURCE_NOTE)
    if content["kind"] == "decade":
        _decade_docx(document, content, images)
    else:
        _yearly_docx(document, content, images)
    document.add_heading("附录：指标定义", level=1)
    for line in content["definitions"]:
        document.add_paragraph(line, style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _yearly_docx(document, content: dict, images: dict[str, bytes]) -> None:
    for section in content["sections"]:
        document.add_heading(section["title"], level=1)
        for para in filter(None, section["narrative"].split("\n")):
            document.add_paragraph(para)
        if not section["figures"]:
            continue
        for f in section["figures"]:
            p = document.add_paragraph(_sentence(f))
            p.add_run(f"[{f['note']}]").font.superscript = True
        _table(
            document,
            YEARLY_TABLE,
            [
                [f["name"], f["display"], f["change"], f["indicator"], f["as_of"].isoformat()]
                for f in section["figures"]
            ],
        )
        if section["key"] in images:
            document.add_picture(io.BytesIO(images[section["key"]]), width=Cm(15))
        for f in section["figures"]:
            document.add_paragraph(_note(f)).runs[0].font.size = Pt(8)


def decade_rows(content: dict) -> tuple[list[str], list[list[str]]]:
    header = ["指标", *[str(y) for y in content["years"]], "年均增长"]
    rows = [
        [f"{s['name']}（{s['unit']}）", *s["displays"], "—" if s["cagr"] is None else f"{s['cagr']:f}%"]
        for s in content["series"]
    ]
    return header, rows


def _decade_docx(document, content: dict, images: dict[str, bytes]) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading("十年走势", level=1)
    header, rows = decade_rows(content)
    _table(document, header, rows, size=7)
    marks = [s["milestone"] for s in content["series"] if s["milestone"]]
    if marks:
        document.add_heading("关键突破", level=1)
        for m in marks:
            document.add_paragraph(f"{m}。", style="List Bullet")
    document.add_heading("走势图", level=1)
    for s in content["series"]:
        if s["indicator"] in images:
            document.add_picture(io.BytesIO(images[s["indicator"]]), width=Cm(16))
    document.add_paragraph(
        "各年数值按当年年度快照（未生成快照的年度按记录即时计算），数据截至 "
        + "、".join(sorted({s["as_of"].isoformat() for s in content["series"]}))
        + "。"
    ).runs[0].font.size = Pt(8)


# ---- PDF -----------------------------------------------------------------------------------------


def write_pdf(content: dict, images: dict[str, bytes]) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = fonts.pdf_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=17, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=18, leading=26, spaceAfter=10)
    h1 = ParagraphStyle(
        "h1", parent=body, fontName=bold, fontSize=14, leading=22, spaceBefore=10, spaceAfter=4
    )
    decade = content["kind"] == "decade"
    page = landscape(A4) if decade else A4
    width = page[0] - 4 * cm

    def para(text: str, style=body):
        return Paragraph(escape(text), style)

    def table(header, rows, widths=None):
        data = [[Paragraph(escape(h), cell) for h in header]] + [
            [Paragraph(escape(v), cell) for v in row] for row in rows
        ]
        t = Table(data, colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return t

    def image(png: bytes, w: float):
        from reportlab.lib.utils import ImageReader

        iw, ih = ImageReader(io.BytesIO(png)).getSize()
        return Image(io.BytesIO(png), width=w, height=w * ih / iw)

    story = [para(content["title"], title), para(SOURCE_NOTE, small), Spacer(1, 6)]
    if decade:
        header, rows = decade_rows(content)
        story += [
            para("十年走势", h1),
            table(header, rows, [4.2 * cm] + [(width - 6.2 * cm) / 10] * 10 + [2 * cm]),
        ]
        marks = [s["milestone"] for s in content["series"] if s["milestone"]]
        if marks:
            story += [para("关键突破", h1), *[para(f"• {m}。") for m in marks]]
        story.append(para("走势图", h1))
        story += [
            image(images[s["indicator"]], 16 * cm) for s in content["series"] if s["indicator"] in images
        ]
        story.append(
            para(
                "各年数值按当年年度快照（未生成快照的年度按记录即时计算），数据截至 "
                + "、".join(sorted({s["as_of"].isoformat() for s in content["series"]}))
                + "。",
                small,
            )
        )
    else:
        for section in content["sections"]:
            story.append(para(section["title"], h1))
            story += [para(p) for p in section["narrative"].split("\n") if p]
            if not section["figures"]:
                continue
            for f in section["figures"]:
                story.append(Paragraph(escape(_sentence(f)) + f"<super>[{f['note']}]</super>", body))
            rows = [
                [f["name"], f["display"], f["change"], f["indicator"], f["as_of"].isoformat()]
                for f in section["figures"]
            ]
            story += [
                Spacer(1, 4),
                table(YEARLY_TABLE, rows, [4.5 * cm, 3 * cm, 4.5 * cm, 2.2 * cm, 2.8 * cm]),
            ]
            if section["key"] in images:
                story += [Spacer(1, 4), image(images[section["key"]], 15 * cm)]
            story += [para(_note(f), small) for f in section["figures"]]
    story.append(para("附录：指标定义", h1))
    story += [para(f"• {line}", small) for line in content["definitions"]]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=content["title"],
        author="高新区管委会",
    )
    doc.build(story)
    return out.getvalue()
