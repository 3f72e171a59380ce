"""Pinyin keys for searching enterprise names by full pinyin or initials."""

from pypinyin import Style, lazy_pinyin


def pinyin_key(name: str) -> str:
    """'柳州华瑞汽车' → 'liuzhouhuaruiqiche lzhrqc': full pinyin and initials, both searchable."""
    full = "".join(lazy_pinyin(name))
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
    return f"{full} {initials}".lower()
