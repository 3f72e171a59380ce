import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from gaoxin.core import identifiers as ids

USCC_BODY = st.text(alphabet=ids.USCC_ALPHABET, min_size=8, max_size=8)
authority = st.sampled_from([(a, t) for a, types in ids.USCC_AUTHORITY_TYPES.items() for t in types])
# Area codes come from the shipped GB/T 2260 table, as real codes do.
area = st.sampled_from(sorted(ids.divisions()))
id_area = st.from_regex(r"[1-6][0-9]{5}", fullmatch=True)


def test_published_examples_pass():
    assert ids.check_uscc("91350100M000100Y43").valid
    assert ids.check_id_card("11010519491231002X").valid


@given(authority, area, USCC_BODY)
def test_generated_uscc_is_valid_and_any_single_change_is_caught(auth, area6, serial):
    code = ids.make_uscc(auth[0] + auth[1] + area6, serial)
    assert ids.check_uscc(code).valid
    # changing the check character to any other allowed character is always detected
    for c in ids.USCC_ALPHABET:
        if c != code[17]:
            assert not ids.check_uscc(code[:17] + c).valid


@given(authority, area, USCC_BODY, st.integers(0, 16), st.sampled_from(ids.USCC_ALPHABET))
def test_uscc_single_substitution_detected(auth, area6, serial, pos, char):
    code = ids.make_uscc(auth[0] + auth[1] + area6, serial)
    changed = code[:pos] + char + code[pos + 1 :]
    assert ids.check_uscc(changed).valid == (changed == code)


@given(
    id_area,
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(0, 999),
    st.integers(0, 16),
    st.integers(1, 9),
)
def test_id_card_check_digit_catches_single_digit_errors(area6, birth, seq, pos, delta):
    code = ids.make_id_card(area6, birth, f"{seq:03d}")
    assert ids.check_id_card(code).valid
    digit = (int(code[pos]) + delta) % 10
    changed = code[:pos] + str(digit) + code[pos + 1 :]
    assert not ids.check_id_card(changed).valid


@given(st.text(max_size=30))
def test_checkers_never_crash_and_normalize_idempotently(text):
    for kind in ids.KINDS:
        result = ids.check(kind, text)
        assert isinstance(result.message, str) and result.message
        assert ids.normalize(result.normalized) == result.normalized


def test_normalization_full_width_lower_x_and_spaces():
    result = ids.check_id_card(" １１０１０５ １９４９１２３１００２ｘ ")
    assert result.valid and result.normalized == "11010519491231002X"
    assert ids.check_uscc("91350100m000100y43").normalized == "91350100M000100Y43"


def test_clear_chinese_messages():
    assert "18位" in ids.check_uscc("913501").message
    assert "I、O、S、V、Z" in ids.check_uscc("91350100M000100YO3").message
    assert "校验位" in ids.check_uscc("91350100M000100Y44").message
    assert "出生日期" in ids.check_id_card("110105194913310027").message
    assert "校验位" in ids.check_id_card("110105194912310021").message


def test_future_birth_date_rejected():
    code = ids.make_id_card("110105", dt.date(2030, 1, 1), "001")
    assert not ids.check_id_card(code, today=dt.date(2026, 11, 22)).valid


def test_masking():
    assert ids.mask_id_card("11010519491231002x") == "110105********002X"
    assert ids.mask_uscc("91350100M000100Y43") == "91350100******0Y43"


def test_area_code_must_be_a_gbt2260_division():
    # 柳州市 and its districts, current and former (柳江县 450221 became 柳江区 450206 in 2016)
    for area6 in ("450200", "450203", "450206", "450221", "100000"):
        assert ids.check_uscc(ids.make_uscc("91" + area6, "MA000001")).valid, area6
    assert ids.division_name("450206") == "柳江区"
    result = ids.check_uscc(ids.make_uscc("91" + "459999", "MA000001"))
    assert not result.valid
    assert "459999" in result.message and "行政区划代码" in result.message


@given(authority, area, USCC_BODY, st.sampled_from("0123456789X"))
def test_inner_organisation_code_check_digit_is_checked(auth, area6, serial, wrong):
    """A code whose outer check character is right but whose GB 11714 check digit (position 17) is wrong."""
    good = ids.make_uscc(auth[0] + auth[1] + area6, serial)
    if wrong == good[16]:
        return
    first17 = good[:16] + wrong
    code = first17 + ids.uscc_check_char(first17)
    result = ids.check_uscc(code)
    assert not result.valid
    assert "组织机构代码" in result.message


def test_published_organisation_code_example():
    # the inner code of the published example 91350100M000100Y43 is M000100Y-4
    assert ids.org_code_check_char("M000100Y") == "4"


def test_fifteen_digit_id_number_is_explained():
    result = ids.check_id_card("110105491231002")
    assert not result.valid
    assert result.message == "这是旧版15位身份证号，请换用18位居民身份证号码"
    assert "应为18位" in ids.check_id_card("1101051949123100").message
