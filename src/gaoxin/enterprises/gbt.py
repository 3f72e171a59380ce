"""GB/T 4754-2017 industry codes (sections and divisions), loaded from the shipped data file.

Codes are written as the section letter followed by digits: "C" (section), "C36" (division),
"C3670" (class; only its division is known here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "gbt4754_2017.txt"
CODE_RE = re.compile(r"^([A-T])(\d{2}(\d{1,2})?)?$")


@dataclass(frozen=True)
class Division:
    code: str  # "C36"
    name: str
    section: str  # "C"


@cache
def _load() -> tuple[dict[str, str], dict[str, Division]]:
    sections: dict[str, str] = {}
    divisions: dict[str, Division] = {}
    current = ""
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name = line.split(" ", 1)
        if code.isalpha():
            current = code
            sections[code] = name
        else:
            divisions[code] = Division(f"{current}{code}", name, current)
    return sections, divisions


def sections() -> dict[str, str]:
    return dict(_load()[0])


def divisions() -> list[Division]:
    return list(_load()[1].values())


def normalize(code: str) -> str | None:
    """'c36' → 'C36'; '36' → 'C36' (section inferred); returns None when the code is not in the standard."""
    code = (code or "").strip().upper()
    if code.isdigit() and len(code) in (2, 4):
        division = _load()[1].get(code[:2])
        return f"{division.section}{code}" if division else None
    m = CODE_RE.match(code)
    if not m:
        return None
    if m.group(2):
        division = _load()[1].get(m.group(2)[:2])
        if division is None or division.section != m.group(1):
            return None
    elif m.group(1) not in _load()[0]:
        return None
    return code


def division_number(code: str) -> int | None:
    """'C3670' → 36; a bare section gives None."""
    m = CODE_RE.match((code or "").upper())
    return int(m.group(2)[:2]) if m and m.group(2) else None


def section_of(code: str) -> str:
    return (code or "")[:1].upper()


def describe(code: str) -> str:
    """'C36' → 'C36 汽车制造业'; unknown codes are shown as given."""
    secs, divs = _load()
    number = division_number(code)
    if number is not None and f"{number:02d}" in divs:
        return f"{code} {divs[f'{number:02d}'].name}"
    if code in secs:
        return f"{code} {secs[code]}"
    return code
