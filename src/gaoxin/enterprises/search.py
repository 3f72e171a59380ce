"""Pinyin keys for searching enterprise names by full pinyin or initials."""

from pypinyin import Style, lazy_pinyin


def pinyin_key(name: str) -> str:
    """'柳州华瑞汽车' → 'liuzhouhuaruiqiche lzhrqc': full pinyin and initials, both searchable."""
    full = "".join(lazy_pinyin(name))
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
    return f"{full} {initials}".lower()


def split_names(former_names: str) -> list[str]:
    return [n.strip() for n in (former_names or "").replace(";", "；").split("；") if n.strip()]


def search_key(name: str, former_names: str = "") -> str:
    """The pinyin key of the name and of every former name."""
    return " ".join(pinyin_key(n) for n in [name, *split_names(former_names)])[:400]
