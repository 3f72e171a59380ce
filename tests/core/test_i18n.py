"""Chinese by default, English complete: every message of the catalogue has its English text."""

import re
from pathlib import Path

import gaoxin

PO = Path(gaoxin.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries():
    text = PO.read_text("utf-8")
    for block in text.split("\n\n")[1:]:
        if block.startswith("#~"):
            continue
        msgid = "".join(re.findall(r'"(.*)"', block.split("msgstr")[0]))
        msgstr = "".join(re.findall(r'"(.*)"', block.split("msgstr", 1)[1])) if "msgstr" in block else ""
        yield block, msgid, msgstr


def test_every_message_is_translated_and_not_fuzzy():
    missing = [msgid for block, msgid, msgstr in entries() if msgid and (not msgstr or "#, fuzzy" in block)]
    assert not missing, f"{len(missing)} 条界面文字缺少英文翻译：{missing[:5]}"


def test_compiled_catalogue_is_newer_than_its_source():
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 1


def test_pages_default_to_chinese(client):
    r = client.get("/accounts/login/")
    assert '<html lang="zh-CN">' in r.content.decode() and "登录" in r.content.decode()


def test_amounts_are_grouped_in_chinese_pages():
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("zh-hans"):
        assert intcomma(36500000) == "36,500,000"
        assert Template('{{ v|floatformat:"2g" }}').render(Context({"v": 26678000.5})) == "26,678,000.50"
        assert Template("{{ y }}").render(Context({"y": 2026})) == "2026"
