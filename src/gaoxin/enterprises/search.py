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


def doubled(text: str) -> str:
    """'华瑞汽车' → '华华瑞瑞汽汽车车'. A two-character query 'ab' occurs in a name exactly when 'abb'
    occurs in its doubled form, and three characters are what a trigram index can look up."""
    return "".join(c + c for c in text)


def pair_pattern(q: str) -> str:
    """The substring to look for in `name_pairs` for a two-character query."""
    return q[0] + q[1] + q[1]


def search_fields(name: str, former_names: str = "") -> dict[str, str]:
    """The denormalised search columns of an enterprise; set them whenever the name changes."""
    names = [name, *split_names(former_names)]
    return {"name_pinyin": search_key(name, former_names), "name_pairs": " ".join(doubled(n) for n in names)}
