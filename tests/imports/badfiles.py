"""Damaged and hostile spreadsheets, built byte by byte: every import must refuse each with a 422."""

from __future__ import annotations

import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>统一社会信用代码</t></is></c></row>'


def xlsx(sheet_parts) -> bytes:
    """An .xlsx whose one sheet's XML is the concatenation of `sheet_parts` (an iterable of str)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            for part in sheet_parts:
                out.write(part.encode())
    return buf.getvalue()


def malformed_xml() -> bytes:
    return xlsx([SHEET_HEAD, HEADER_ROW, '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is>', SHEET_TAIL])


def nul_reference() -> bytes:
    return xlsx(
        [
            SHEET_HEAD,
            HEADER_ROW,
            '<row r="2"><c r="A2" t="inlineStr"><is><t>a&#0;b</t></is></c></row>',
            SHEET_TAIL,
        ]
    )


def empty_rows(count: int = 10_000_000) -> bytes:
    """A few hundred KB that declare `count` empty rows."""

    def parts():
        yield SHEET_HEAD
        yield HEADER_ROW
        chunk = 100_000
        for start in range(2, count + 2, chunk):
            yield "<row/>" * (min(start + chunk, count + 2) - start)
        yield SHEET_TAIL

    return xlsx(parts())


def not_a_workbook_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a spreadsheet")
    return buf.getvalue()


def truncated_xlsx() -> bytes:
    return malformed_xml()[:300]


def binary_garbage() -> bytes:
    return bytes(range(256)) * 40


def broken_xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000


BAD_FILES = {
    "malformed-xml": malformed_xml,
    "nul-reference": nul_reference,
    "ten-million-empty-rows": empty_rows,
    "zip-without-workbook": not_a_workbook_zip,
    "truncated-xlsx": truncated_xlsx,
    "binary-garbage": binary_garbage,
    "broken-xls": broken_xls,
    "empty-file": lambda: b"",
}


def too_many_cells() -> bytes:
    """Few rows, each with thousands of cells: small on disk, slow to parse."""
    cell = '<c t="n"/>'

    def parts():
        yield SHEET_HEAD
        yield HEADER_ROW
        for _ in range(300):
            yield "<row>" + cell * 10_000 + "</row>"
        yield SHEET_TAIL

    return xlsx(parts())


BAD_FILES["too-many-cells"] = too_many_cells
