"""Reading office files as officials really make them — the one reading layer of every import.

Registry, reports and the service catalogue all read their uploads here, so the rules below hold for
every import alike:

- Formats: `.xlsx` (openpyxl in read-only mode; its XML goes through `defusedxml`, a dependency),
  `.xls` (old Excel, read with xlrd) and `.csv` in UTF-8 (with or without BOM) or GBK /
  GB18030 (what WPS saves on Chinese Windows). The format is told from the bytes, not the name.
- Safety: a file that cannot be read — malformed sheet XML, `&#0;`, a zip bomb, a truncated file —
  is refused with a `ValidationFailed` (422) carrying the reason, never an exception. At most
  `MAX_READ_ROWS` rows are read, blank rows included (a 300 KB file of ten million empty rows is
  refused after reading that many), at most `MAX_COLUMNS` columns, and reading stops with a refusal
  after `MAX_SECONDS`.
- Layout: the header row is looked for in the first rows, so a title row or merged cells above it
  do no harm; header text is compared after NFKC normalisation (full-width brackets, spaces).
- Cells: `cell_text`, `cell_date`, `cell_decimal`, `cell_int` and `cell_code` accept what the
  software produces (Excel serial dates, `2015/7/1`, `2015.7.1`, `2015年7月1日`, thousands separators,
  full-width digits, a code that became a number) and raise `ValueError` with a Chinese message
  that a clerk can act on.
- Errors: `error_workbook` gives back the uploaded rows with a 错误说明 column, so the clerk fixes the
  file and uploads it again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from gaoxin.core.errors import ValidationFailed
from gaoxin.core.spreadsheets import read_cell, write_row

MAX_READ_ROWS = 25_000  # rows read from one sheet, blank rows included
MAX_COLUMNS = 200
MAX_SECONDS = 30.0  # hostile files are refused long before, by the byte-level checks
MAX_UNZIPPED = 50 * 1024 * 1024  # the parts of an .xlsx together, once decompressed
MAX_CELLS = 500_000  # cells of one sheet (20,000 rows of 25 columns)
HEADER_SEARCH_ROWS = 20
ERROR_COLUMN = "错误说明"

NUMBER_LOST = "该列被表格软件存成了数字，末几位已丢失：请把该列设为文本后重新填写"
NUMBER_AMBIGUOUS = "该列被表格软件存成了数字，开头的 0 已丢失且无法确定原值：请把该列设为文本后重新填写"
DATE_HINT = "应为日期，如 2015-07-01、2015/7/1 或 2015年7月1日"


def refuse(reason: str) -> ValidationFailed:
    return ValidationFailed(reason, fields={"file": reason})


# ---- reading a workbook --------------------------------------------------------------------------


@dataclass
class Sheet:
    title: str
    rows: list[tuple[int, list[Any]]]  # (row number in the file, from 1; the cell values)


@dataclass
class Table:
    """One sheet read against the headers an import needs."""

    title: str
    header_row: int
    header: list[str]  # the header cells as found (normalised)
    rows: list[tuple[int, dict[str, Any]]]  # data rows: (row number, {header: value})
    raw: list[tuple[int, list[Any]]] = field(default_factory=list)  # the same rows as read


class _Budget:
    def __init__(self, max_rows: int, seconds: float):
        self.max_rows = max_rows
        self.deadline = time.monotonic() + seconds

    def rows(self, source: Iterable[Sequence[Any]]) -> Iterator[tuple[int, list[Any]]]:
        for n, values in enumerate(source, start=1):
            if n > self.max_rows:
                raise refuse(
                    f"表格超过 {self.max_rows} 行（空行也计算在内）：请删除多余的空行，或分成几个文件导入"
                )
            if time.monotonic() > self.deadline:
                raise refuse("文件读取超时：请删除多余的空行和格式后重新上传")
            yield n, _trim(list(values)[:MAX_COLUMNS])


def _trim(values: list[Any]) -> list[Any]:
    while values and (values[-1] is None or values[-1] == ""):
        values.pop()
    return values


def sniff(content: bytes) -> str:
    """'xlsx', 'xls' or 'csv' from the first bytes."""
    if content[:4] == b"PK\x03\x04":
        return "xlsx"
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    return "csv"


def read_workbook(
    content: bytes, *, max_rows: int = MAX_READ_ROWS, seconds: float = MAX_SECONDS
) -> list[Sheet]:
    """Every sheet of an uploaded .xlsx, .xls or .csv, within the row and time limits."""
    if not content:
        raise refuse("文件为空")
    budget = _Budget(max_rows, seconds)
    kind = sniff(content)
    try:
        if kind == "xlsx":
            return _read_xlsx(content, budget)
        if kind == "xls":
            return _read_xls(content, budget)
        return _read_csv(content, budget)
    except ValidationFailed:
        raise
    except MemoryError as exc:
        raise refuse("文件过大，无法读取") from exc
    except Exception as exc:  # every reader raises its own kinds for a damaged file
        names = {"xlsx": ".xlsx", "xls": ".xls", "csv": ".csv"}
        raise refuse(f"无法读取文件（{names[kind]} 文件已损坏或格式不正确：{_reason(exc)}）") from exc


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def _read_xlsx(content: bytes, budget: _Budget) -> list[Sheet]:
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED:
            raise refuse("文件解压后过大（可能含有大量空行或格式）：请删除多余的行后重新上传")
        if "xl/workbook.xml" not in zf.namelist():
            raise refuse("无法读取文件：这不是 Excel 工作簿（.xlsx），请另存为 .xlsx、.xls 或 .csv")
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _count_rows(zf, name, budget)
    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheets = []
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):  # a chart sheet
                continue
            ws.reset_dimensions()  # a declared dimension of a million rows is not believed
            rows = list(budget.rows(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)))
            sheets.append(Sheet(ws.title, rows))
        return sheets
    finally:
        wb.close()


def _count_rows(zf: zipfile.ZipFile, name: str, budget: _Budget) -> None:
    """Refuse a sheet of too many row elements before any XML is parsed (a byte count, at C speed):
    openpyxl would otherwise walk every one of them to learn the sheet's size."""
    count, cells, tail = 0, 0, b""
    with zf.open(name) as part:
        while chunk := part.read(1 << 20):
            data = tail + chunk
            count += data.count(b"<row") - tail.count(b"<row")
            cells += data.count(b"<c ") - tail.count(b"<c ")
            tail = data[-4:]
            if count > budget.max_rows:
                raise refuse(
                    f"表格超过 {budget.max_rows} 行（空行也计算在内）：请删除多余的空行，或分成几个文件导入"
                )
            if cells > MAX_CELLS:
                raise refuse(f"表格超过 {MAX_CELLS} 个单元格：请删除多余的行和列，或分成几个文件导入")


def _read_xls(content: bytes, budget: _Budget) -> list[Sheet]:
    import xlrd

    book = xlrd.open_workbook(file_contents=content, ragged_rows=True, on_demand=True)
    try:
        sheets = []
        for index in range(book.nsheets):
            sh = book.sheet_by_index(index)
            rows = (
                [_xls_value(book, sh.cell(r, c)) for c in range(min(sh.row_len(r), MAX_COLUMNS))]
                for r in range(sh.nrows)
            )
            sheets.append(Sheet(sh.name, list(budget.rows(rows))))
        return sheets
    finally:
        book.release_resources()


def _xls_value(book, cell) -> Any:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        return value.date() if value.time() == dt.time() else value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return None
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        return int(cell.value)
    return cell.value


def _decode(content: bytes) -> str:
    if b"\x00" in content[:65536]:
        raise refuse("无法识别的文件格式：请上传 .xlsx、.xls 或 .csv 文件")
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise refuse("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK 编码的 CSV，或直接上传 .xlsx") from None


def _read_csv(content: bytes, budget: _Budget) -> list[Sheet]:
    text = _decode(content)
    if "\x00" in text:
        raise refuse("文件中含有空字符（NUL），无法读取")
    sample = text[:8192]
    dialect: Any = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = [(n, [c if c != "" else None for c in v]) for n, v in budget.rows(reader)]
    return [Sheet("", rows)]


# ---- finding the table ---------------------------------------------------------------------------


def norm_header(value: Any) -> str:
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return re.sub(r"\s+", "", text).lstrip("*")


def find_table(sheet: Sheet, headers: Sequence[str], optional: Sequence[str] = ()) -> Table | None:
    """The table in `sheet` whose header row holds every one of `headers`, or None. Columns of
    `optional` are read when the header row has them; a row has no key for one that is absent."""
    wanted = {norm_header(h): h for h in headers}
    extra = {norm_header(h): h for h in optional}
    for n, values in sheet.rows[:HEADER_SEARCH_ROWS]:
        found = [norm_header(v) for v in values]
        if all(w in found for w in wanted):
            index = {wanted[w]: found.index(w) for w in wanted}
            index |= {extra[w]: found.index(w) for w in extra if w in found}
            rows, raw = [], []
            for m, vals in sheet.rows:
                if m <= n or all(v is None or str(v).strip() == "" for v in vals):
                    continue
                rows.append((m, {h: (vals[i] if i < len(vals) else None) for h, i in index.items()}))
                raw.append((m, vals))
            return Table(sheet.title, n, found, rows, raw)
    return None


def read_table(
    content: bytes, headers: Sequence[str], *, max_data_rows: int, optional: Sequence[str] = ()
) -> Table:
    """The first sheet of the upload that holds `headers` (and whichever of `optional` it has);
    refused when none does or it is empty."""
    sheets = read_workbook(content)
    best: tuple[int, Sheet] | None = None
    for sheet in sheets:
        table = find_table(sheet, headers, optional)
        if table is not None:
            if not table.rows:
                raise refuse("文件中没有数据行")
            if len(table.rows) > max_data_rows:
                raise refuse(f"一次最多导入 {max_data_rows} 行")
            return table
        score = max(
            (
                sum(norm_header(h) in {norm_header(v) for v in vals} for h in headers)
                for _, vals in sheet.rows[:HEADER_SEARCH_ROWS]
            ),
            default=0,
        )
        if best is None or score > best[0]:
            best = (score, sheet)
    present: set[str] = set()
    if best is not None:
        for _, vals in best[1].rows[:HEADER_SEARCH_ROWS]:
            present |= {norm_header(v) for v in vals}
    missing = [h for h in headers if norm_header(h) not in present]
    if best is None or best[0] == 0:
        reason = (
            "文件中找不到表头（"
            + "、".join(headers[:3])
            + " …）：请下载模板填写，上传 .xlsx、.xls 或 .csv 文件"
        )
        raise refuse(reason)
    raise ValidationFailed(
        "模板缺少列：" + "、".join(missing), fields={"file": "缺少列：" + "、".join(missing)}
    )


def sheet_table(sheets: list[Sheet], title: str, headers: Sequence[str]) -> Table | None | str:
    """For a workbook of named sheets: the table of sheet `title`, None when the sheet is missing,
    or the message naming the columns it lacks."""
    for sheet in sheets:
        if sheet.title == title:
            table = find_table(sheet, headers)
            if table is None:
                present = {norm_header(v) for _, vals in sheet.rows[:HEADER_SEARCH_ROWS] for v in vals}
                return "缺少列：" + "、".join(h for h in headers if norm_header(h) not in present)
            return table
    return None


# ---- cells ---------------------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing `.0`, dates as YYYY-MM-DD, the export's `'` undone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(read_cell(value)).strip()


EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def cell_date(value: Any) -> dt.date | None:
    """A date from a date cell, an Excel serial number or text in the forms Chinese users type."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466 and float(value).is_integer():
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(DATE_HINT)
    text = _nfkc(str(value))
    m = DATE_RE.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise ValueError(f"“{text}”不是有效日期") from None
    if re.match(r"^\d{5}$", text):  # a serial number that arrived as text
        return EXCEL_EPOCH + dt.timedelta(days=int(text))
    raise ValueError(DATE_HINT)


NUMBER_RE = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")


def cell_decimal(value: Any) -> Decimal | None:
    """An exact number: thousands separators, full-width digits and spaces accepted; None when blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("应填写数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that gives this float: 0.1 → 0.1
    if isinstance(value, Decimal):
        return value
    text = re.sub(r"\s", "", _nfkc(str(value))).replace("，", ",")
    if not text:
        return None
    if not NUMBER_RE.match(text):
        raise ValueError("应填写数字")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError("应填写数字") from None


def cell_int(value: Any) -> int | None:
    number = cell_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError("应为整数")
    return int(number)


def cell_code(
    value: Any,
    *,
    lengths: Sequence[int] = (),
    valid: Callable[[str], bool] | None = None,
) -> str:
    """A code column (统一社会信用代码, 行业代码, 事项编码, 身份证号) read as text.

    A code that the spreadsheet stored as a number is restored when that is unambiguous: its lost
    leading zeros put back to exactly one of `lengths` (or the one candidate that `valid` accepts).
    Digits beyond a double's precision are gone for good: refused with `NUMBER_LOST`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError("应为代码文本")
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 1e15:
            raise ValueError(NUMBER_LOST)
        value = int(value)
    if isinstance(value, int):
        digits = str(abs(value))
        if len(digits) > 15:
            raise ValueError(NUMBER_LOST)
        return _restore(digits, lengths, valid)
    text = _nfkc(cell_text(value)).upper()
    if re.match(r"^\d(\.\d+)?E\+\d+$", text):  # a number shown in scientific notation, saved as text
        raise ValueError(NUMBER_LOST)
    if text.isdigit() and text.isascii():  # a CSV saved from a sheet where the code was a number
        return _restore(text, lengths, valid)
    return text


def _restore(digits: str, lengths: Sequence[int], valid: Callable[[str], bool] | None) -> str:
    def ok(c: str) -> bool:
        return valid(c) if valid is not None else (not lengths or len(c) in lengths)

    if ok(digits):
        return digits
    candidates = [digits.zfill(k) for k in sorted(set(lengths)) if k > len(digits)]
    candidates = [c for c in candidates if ok(c)]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return digits  # the caller's own check explains what is wrong with it
    raise ValueError(NUMBER_AMBIGUOUS)


# ---- the error sheet -----------------------------------------------------------------------------


def error_workbook(tables: Iterable[Table], problems: dict[tuple[str, int], list[str]]) -> bytes:
    """The uploaded rows of every table, each with a 错误说明 column (blank where the row is fine)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    red = Font(color="9C0006")
    fill = PatternFill("solid", fgColor="FFC7CE")
    for table in tables:
        ws = wb.create_sheet((table.title or "导入数据")[:31])
        write_row(ws, [*table.header, ERROR_COLUMN])
        ws.freeze_panes = "A2"
        col = len(table.header) + 1
        for n, values in table.raw:
            padded = list(values[: len(table.header)]) + [None] * (len(table.header) - len(values))
            message = "；".join(problems.get((table.title, n), []))
            write_row(ws, [*(_text_or_value(v) for v in padded), message])
            if message:
                cell = ws.cell(row=ws.max_row, column=col)
                cell.font, cell.fill = red, fill
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = 60
        for c in range(1, col):
            ws.cell(row=1, column=c).number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def refuse_rows(table: Table, problems: dict[int, list[str]], shown: int = 10) -> NoReturn:
    """Refuse an import whose rows `problems` (row number → its problems) are wrong: nothing is
    written; the message names the first rows, `fields` holds every row's, and the exception carries
    the error sheet (the uploaded rows with a 错误说明 column) for the page's and the API's download."""
    errors = {f"第{n}行": "；".join(msgs) for n, msgs in problems.items()}
    first = list(errors.items())[:shown]
    more = f" 等 {len(errors)} 处" if len(errors) > shown else ""
    exc = ValidationFailed(
        "导入失败，未写入任何数据：" + "；".join(f"{k}：{v}" for k, v in first) + more, fields=errors
    )
    exc.error_sheet = error_workbook(  # type: ignore[attr-defined]
        [table], {(table.title, n): msgs for n, msgs in problems.items()}
    )
    raise exc


def _text_or_value(value: Any) -> Any:
    if isinstance(value, str):
        return read_cell(value)
    return value


# ---- templates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateColumn:
    """One column of an import template: how it is formatted, checked and explained."""

    header: str
    meaning: str
    example: Any = ""
    kind: str = "text"  # text | code (kept as text) | date | number | int
    choices: Sequence[str] = ()  # a closed list: a dropdown in the sheet
    required: bool = False
    width: int = 16


FORMATS = {"code": "@", "text": "@", "date": "yyyy-mm-dd", "number": "#,##0.00", "int": "0"}


def style_sheet(ws, columns: Sequence[TemplateColumn], *, options=None, rows: int = 2000) -> None:
    """Format a sheet of a (normal, not write-only) workbook whose first row holds `columns`' headers:
    code and text columns as text, dates as dates, dropdowns for closed lists (kept on the hidden
    sheet `options`), frozen and bold header, column widths."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    last = max(ws.max_row, rows)
    for i, col in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = col.width
        ws.column_dimensions[letter].number_format = FORMATS[col.kind]
        head = ws.cell(row=1, column=i)
        head.font, head.fill = head_font, head_fill
        head.alignment = Alignment(wrap_text=True, vertical="center")
        for r in range(2, ws.max_row + 1):
            cell = ws.cell(row=r, column=i)
            if col.kind in ("code", "text") and cell.value is not None and not isinstance(cell.value, str):
                cell.value = str(cell.value)
            cell.number_format = FORMATS[col.kind]
        if col.choices and options is not None:
            o = options.max_column + 1 if options.max_row > 1 or options["A1"].value else 1
            options.cell(row=1, column=o, value=col.header)
            for k, choice in enumerate(col.choices, start=2):
                options.cell(row=k, column=o, value=choice)
            ol = get_column_letter(o)
            dv = DataValidation(
                type="list",
                formula1=f"'{options.title}'!${ol}$2:${ol}${len(col.choices) + 1}",
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle=col.header,
                error="请从下拉列表中选择",
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")
        elif col.kind == "date":
            dv = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="1",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=col.header,
                error="请填写日期，如 2015-07-01",
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30


def instructions_sheet(wb, sections: Sequence[tuple[str, Sequence[TemplateColumn]]]) -> None:
    """The 填表说明 sheet: every column's meaning, whether it is required, its format and an example."""
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet("填表说明")
    write_row(
        ws, ["填表说明：每行一条记录；整份文件全部校验通过才会写入。代码类列请保持文本格式，不要改成数字。"]
    )
    ws["A1"].font = Font(bold=True)
    kinds = {
        "code": "文本（代码，勿改为数字）",
        "text": "文本",
        "date": "日期",
        "number": "数字",
        "int": "整数",
    }
    for title, columns in sections:
        write_row(ws, [])
        write_row(ws, [f"工作表：{title}" if title else "导入数据"])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        write_row(ws, ["列名", "是否必填", "格式", "说明", "示例"])
        for c in ws[ws.max_row]:
            c.font = Font(bold=True)
        for col in columns:
            meaning = col.meaning + (f"（可选：{'、'.join(col.choices)}）" if col.choices else "")
            write_row(
                ws, [col.header, "必填" if col.required else "选填", kinds[col.kind], meaning, col.example]
            )
            ws.cell(row=ws.max_row, column=5).number_format = (
                "@" if col.kind in ("code", "text") else FORMATS[col.kind]
            )
    for letter, width in zip("ABCDE", (22, 10, 22, 70, 28), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def template_workbook(
    title: str, columns: Sequence[TemplateColumn], rows: Iterable[Sequence[Any]] = ()
) -> bytes:
    """An import template (or an export in the import's layout): the data sheet first, then 填表说明,
    then the hidden sheet of dropdown options."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    write_row(ws, [c.header for c in columns])
    for row in rows:
        write_row(ws, list(row))
    options = wb.create_sheet("选项")
    style_sheet(ws, columns, options=options)
    instructions_sheet(wb, [(title, columns)])
    wb.move_sheet("选项", offset=1)
    options.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---- keeping an error sheet for its download -----------------------------------------------------

ERROR_SHEET_HOURS = 24
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _error_dir():
    from django.conf import settings

    path = settings.DATA_DIR / "import-errors"
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_error_sheet(user, content: bytes) -> str:
    """Store an error sheet for `user` to download (for a day); returns its unguessable token."""
    import secrets

    folder = _error_dir()
    cutoff = time.time() - ERROR_SHEET_HOURS * 3600
    for old in folder.glob("*.xlsx"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(24)
    (folder / f"{user.pk}-{token}.xlsx").write_bytes(content)
    return token


def error_sheet(user, token: str) -> bytes | None:
    """The error sheet `token` of `user`, or None (another user's token finds nothing)."""
    if not TOKEN_RE.match(token or ""):
        return None
    path = _error_dir() / f"{user.pk}-{token}.xlsx"
    try:
        return path.read_bytes()
    except OSError:
        return None
