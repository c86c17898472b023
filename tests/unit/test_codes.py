import math
import re

import pytest

from bot.reports.codes import (
    CODE_DIGITS,
    format_code,
    hash_code,
    new_code,
    normalise_code,
)

KEY = bytes(range(32))
CODE = "04811-93020-55716-20391-88410"
DIGITS = "0481193020557162039188410"


def test_new_code_is_five_groups_of_five_digits():
    for _ in range(200):
        assert re.fullmatch(r"\d{5}(-\d{5}){4}", new_code())


def test_code_space_has_at_least_83_bits():
    assert CODE_DIGITS == 25
    assert math.log2(10**CODE_DIGITS) >= 83


def test_new_codes_are_unique_and_use_every_digit_everywhere():
    many = [new_code() for _ in range(20_000)]
    assert len(set(many)) == len(many)
    # leading zeros are kept and no position is stuck: each of the 25 positions shows all digits
    digit_strings = [c.replace("-", "") for c in many]
    for position in range(CODE_DIGITS):
        assert {d[position] for d in digit_strings} == set("0123456789")


@pytest.mark.parametrize(
    "typed",
    [
        CODE,
        DIGITS,
        "04811 93020 55716 20391 88410",
        "04811.93020.55716.20391.88410",
        "  04811–93020—55716 - 20391 . 88410  ",
        f"my code is {CODE}, thanks",
        f"Mijn code: {DIGITS}.",
        "048 1193 0205 5716 2039 1884 10",
        "٠٤٨١١-٩٣٠٢٠-٥٥٧١٦-٢٠٣٩١-٨٨٤١٠",  # Arabic-Indic digits
        f"code {CODE} from 12-03",  # an unrelated short number elsewhere
    ],
)
def test_normalise_accepts_what_people_type(typed):
    assert normalise_code(typed) == DIGITS


def test_normalise_round_trips_new_codes():
    for _ in range(100):
        code = new_code()
        assert format_code(normalise_code(code)) == code
        assert normalise_code(code.replace("-", " ")) == code.replace("-", "")


@pytest.mark.parametrize(
    "typed",
    [
        DIGITS[:-1],  # 24 digits
        DIGITS + "7",  # 26 digits
        "04811-93020-55716-20391-8841",
        "04811-93020-55716-20391-88410-1",
        "O4811-93020-55716-20391-88410",  # letter O for a zero
        "04811-93020-5571x-20391-88410",
        "abcde-fghij-klmno-pqrst-uvwxy",
        "",
        "no code here",
        f"{CODE} or {new_code()}",  # two different codes: no guess
    ],
)
def test_normalise_rejects(typed):
    assert normalise_code(typed) is None


def test_normalise_accepts_the_same_code_twice():
    assert normalise_code(f"{CODE} ({DIGITS})") == DIGITS


def test_format_code_rejects_wrong_lengths():
    with pytest.raises(ValueError):
        format_code(DIGITS[:-1])
    with pytest.raises(ValueError):
        format_code("٠" * 25)


def test_hash_is_hmac_sha256_hex_and_deterministic():
    first = hash_code(CODE, KEY)
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert hash_code(CODE, KEY) == first
    # every spelling of the same code hashes the same
    assert hash_code("04811 93020 55716 20391 88410", KEY) == first
    assert hash_code(f"code: {DIGITS}", KEY) == first


def test_hash_matches_a_known_value():
    import hashlib
    import hmac

    assert hash_code(CODE, KEY) == hmac.new(KEY, DIGITS.encode(), hashlib.sha256).hexdigest()


def test_hash_is_keyed():
    other_key = bytes(range(1, 33))
    assert hash_code(CODE, KEY) != hash_code(CODE, other_key)


def test_hash_differs_between_codes():
    assert hash_code(CODE, KEY) != hash_code("04811-93020-55716-20391-88411", KEY)


def test_hash_refuses_short_keys_and_non_codes():
    with pytest.raises(ValueError):
        hash_code(CODE, b"short")
    with pytest.raises(ValueError):
        hash_code("12345", KEY)
    with pytest.raises(ValueError):
        hash_code(CODE, "not bytes" * 4)  # type: ignore[arg-type]
