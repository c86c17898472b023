"""Password policy (ASVS 2.1) and argon2id hashing of the staff accounts."""

import pytest

from bot.staff import passwords
from bot.staff.passwords import (
    HAS_NAME,
    TOO_COMMON,
    TOO_LONG,
    TOO_SHORT,
    hash_password,
    policy_errors,
    verify_password,
)


@pytest.mark.parametrize("password", ["", "kort", "elf tekens!", "🌷" * 11])
def test_fewer_than_12_characters_is_refused(password):
    assert policy_errors(password) == [TOO_SHORT]


def test_length_counts_code_points_after_nfkc():
    # "ﬁ" (one code point) becomes "fi" (two) under NFKC
    assert len("ﬁabcdefghij") == 11
    assert policy_errors("ﬁabcdefghij") == []  # 12 after NFKC
    decomposed = "".join(c + "\u0301" for c in "aeiouyaeiou")  # 22 code points, 11 after NFKC
    assert policy_errors(decomposed) == [TOO_SHORT]


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "iloveyou12345",
        "Qwertyuiop123",
        "123456789012",
        "Wachtwoord2024!",
        "sittard-geleen 2026",
        "Zicht!Zicht!Zicht!",
        "aaaaaaaaaaaaaaaa",
        "abababababababab",
        "  1234567890  ",
    ],
)
def test_common_and_obvious_passwords_are_refused(password):
    assert TOO_COMMON in policy_errors(password, "someone")


def test_a_password_with_the_account_name_is_refused():
    assert HAS_NAME in policy_errors("ik ben Marieke en dit is lang", "marieke")
    assert HAS_NAME not in policy_errors("ik ben Marieke en dit is lang", "jan.de.vries")


@pytest.mark.parametrize(
    "password",
    [
        "correct paard batterij nietje",
        "de zon schijnt 🌞 op de Markt in Sittard",
        "Ωμέγα και άλφα στη Λιμβουργία",
        "x" * 3 + "yz#" + "q1w2" * 30,  # 130 characters: long ones are welcome
        "een  zin  met  dubbele  spaties",
    ],
)
def test_long_passphrases_with_spaces_emoji_and_any_script_are_accepted(password):
    assert policy_errors(password, "anna") == []


def test_at_least_128_characters_are_allowed_and_there_is_a_sane_maximum():
    assert policy_errors("ab cd ef gh " * 32) == []  # 384 characters
    assert policy_errors("q" + "ab cd ef gh " * 100) == [TOO_LONG]


def test_no_composition_rules():
    assert policy_errors("alleen kleine letters hier") == []


def test_the_common_list_is_the_zxcvbn_one():
    common = passwords.common_passwords()
    assert len(common) > 25_000
    assert {"password", "123456", "qwerty"} <= common


def test_hash_is_argon2id_and_verifies_the_nfkc_form():
    stored = hash_password("ﬁets en nog wat")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "fiets en nog wat")
    assert not verify_password(stored, "fiets en nog wat!")
    assert not verify_password(None, "fiets en nog wat")
    assert not verify_password("geen hash", "fiets en nog wat")


async def test_async_hashing_runs_in_a_thread(monkeypatch):
    import threading

    seen = []
    real = passwords.hash_password

    def spy(password):
        seen.append(threading.current_thread() is threading.main_thread())
        return real(password)

    monkeypatch.setattr(passwords, "hash_password", spy)
    await passwords.hash_password_async("een wachtwoord van lengte")
    assert seen == [False]
