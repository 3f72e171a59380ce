"""统一社会信用代码 (GB 32100-2015) and 居民身份证号 (GB 11643-1999): normalize, validate, mask.

Every form field and API schema that takes one of these goes through this module."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import clock

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# First character: registration authority; second: organisation type within it (GB 32100-2015 table 1).
USCC_AUTHORITY_TYPES = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "12345",
    "Y": "1",
}

KINDS = ("uscc", "id_card")
# GB/T 2260 codes, current and former (see the file's header for its sources).
DIVISIONS_FILE = Path(__file__).parent / "data" / "gbt2260.tsv"


@cache
def divisions() -> dict[str, tuple[str, bool]]:
    """{code: (name, current)} of GB/T 2260."""
    table = {}
    for line in DIVISIONS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name, status = line.split("\t")
            table[code] = (name, status == "current")
    return table


def division_name(code: str) -> str | None:
    found = divisions().get(code)
    return found[0] if found else None


@dataclass(frozen=True)
class CheckResult:
    valid: bool
    normalized: str
    message: str


def normalize(value: str) -> str:
    """Full-width to half-width (NFKC), drop blanks and separators, upper-case (x → X)."""
    text = re.sub(r"[\s\-_]", "", unicodedata.normalize("NFKC", value or "")).upper()
    return unicodedata.normalize("NFKC", text)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    total = sum(ORG_CODE_ALPHABET.index(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def check_uscc(value: str) -> CheckResult:
    code = normalize(value)
    if not code:
        return CheckResult(False, code, "请填写统一社会信用代码")
    if len(code) != 18:
        return CheckResult(False, code, f"统一社会信用代码应为18位，现为{len(code)}位")
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        return CheckResult(
            False, code, f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）"
        )
    if code[0] not in USCC_AUTHORITY_TYPES or code[1] not in USCC_AUTHORITY_TYPES[code[0]]:
        return CheckResult(False, code, "统一社会信用代码的登记管理部门或机构类别代码不正确")
    if not code[2:8].isdigit():
        return CheckResult(False, code, "统一社会信用代码第3至8位应为行政区划代码（数字）")
    if code[2:8] not in divisions():
        return CheckResult(
            False, code, f"统一社会信用代码第3至8位“{code[2:8]}”不是有效的行政区划代码（GB/T 2260）"
        )
    if org_code_check_char(code[8:16]) != code[16]:
        return CheckResult(
            False, code, "统一社会信用代码第9至17位（组织机构代码）的校验位不正确，请核对是否填错"
        )
    if uscc_check_char(code[:17]) != code[17]:
        return CheckResult(False, code, "统一社会信用代码校验位不正确，请核对是否填错")
    return CheckResult(True, code, "统一社会信用代码有效")


def id_card_birth_date(code: str) -> dt.date | None:
    try:
        return dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return None


def id_card_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def check_id_card(value: str, *, today: dt.date | None = None) -> CheckResult:
    code = normalize(value)
    if not code:
        return CheckResult(False, code, "请填写居民身份证号码")
    if len(code) == 15 and code.isdigit():
        return CheckResult(False, code, "这是旧版15位身份证号，请换用18位居民身份证号码")
    if len(code) != 18:
        return CheckResult(False, code, f"居民身份证号码应为18位，现为{len(code)}位")
    if not (code[:17].isdigit() and (code[17].isdigit() or code[17] == "X")):
        return CheckResult(False, code, "居民身份证号码前17位应为数字，最后一位为数字或X")
    if code[0] == "0":
        return CheckResult(False, code, "居民身份证号码的地址码不正确")
    birth = id_card_birth_date(code)
    today = today or clock.today()
    if birth is None or birth.year < 1900 or birth > today:
        return CheckResult(False, code, "居民身份证号码中的出生日期不正确")
    if id_card_check_char(code[:17]) != code[17]:
        return CheckResult(False, code, "居民身份证号码校验位不正确，请核对是否填错")
    return CheckResult(True, code, "居民身份证号码有效")


def check(kind: str, value: str) -> CheckResult:
    if kind == "uscc":
        return check_uscc(value)
    if kind == "id_card":
        return check_id_card(value)
    raise ValueError(kind)


def mask_id_card(code: str) -> str:
    """Keep the area code's first 6 and the last 4 characters: 110105********002X."""
    code = normalize(code)
    if len(code) != 18:
        return "*" * len(code)
    return code[:6] + "*" * 8 + code[-4:]


def mask_uscc(code: str) -> str:
    """Individual businesses' codes can point at a person; keep the authority, area and check parts."""
    code = normalize(code)
    if len(code) != 18:
        return "*" * len(code)
    return code[:8] + "*" * 6 + code[-4:]


def make_uscc(prefix8: str, serial8: str) -> str:
    """Build a valid code from an authority/type/area prefix and an 8-character organisation serial."""
    org = serial8 + org_code_check_char(serial8)
    first17 = prefix8 + org
    return first17 + uscc_check_char(first17)


def make_id_card(area6: str, birth: dt.date, seq3: str) -> str:
    first17 = f"{area6}{birth:%Y%m%d}{seq3}"
    return first17 + id_card_check_char(first17)
