"""The roles each workflow names (on /workflows/ and in its refusals) read in the reader's language."""

import re

import pytest
from django.utils import translation

from gaoxin.enterprises.services import reporting
from gaoxin.govservices.services import cases
from gaoxin.investment.services import pipeline
from gaoxin.policies.services import money

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("module", [cases, money, pipeline, reporting], ids=lambda m: m.__name__)
def test_every_role_name_has_an_english_name(module):
    with translation.override("en"):
        left = [str(v) for v in module.ROLE_NAMES.values() if CJK.search(str(v))]
    assert not left, left
    with translation.override("zh-hans"):
        assert all(CJK.search(str(v)) for v in module.ROLE_NAMES.values())
