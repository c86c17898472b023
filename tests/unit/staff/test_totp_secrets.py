"""Sealing the staff TOTP secrets (bot.staff.totp_secrets)."""

from __future__ import annotations

import secrets
import stat

import pytest

from bot.staff import totp
from bot.staff.totp_secrets import PREFIX, SecretUnreadable, TotpSecrets, is_sealed, load_key


def test_a_sealed_secret_opens_again_and_shows_nothing_of_itself():
    box = TotpSecrets(secrets.token_bytes(32))
    secret = totp.new_secret()
    sealed = box.seal(secret)
    assert is_sealed(sealed) and sealed.startswith(PREFIX)
    assert secret not in sealed and len(sealed) <= 160  # the column (migration 0005)
    assert box.seal(secret) != sealed  # a fresh nonce every time
    assert box.open(sealed) == secret


def test_another_key_cannot_open_it_and_tampering_is_noticed():
    sealed = TotpSecrets(secrets.token_bytes(32)).seal(totp.new_secret())
    with pytest.raises(SecretUnreadable):
        TotpSecrets(secrets.token_bytes(32)).open(sealed)
    key = secrets.token_bytes(32)
    box = TotpSecrets(key)
    good = box.seal(totp.new_secret())
    flipped = good[:-4] + ("AAAA" if good[-4:] != "AAAA" else "BBBB")
    with pytest.raises(SecretUnreadable):
        box.open(flipped)
    with pytest.raises(SecretUnreadable):
        box.open(PREFIX + "not base64 at all!")


def test_a_secret_from_before_sealing_is_read_as_it_is():
    secret = totp.new_secret()
    assert not is_sealed(secret)
    assert TotpSecrets(secrets.token_bytes(32)).open(secret) == secret


def test_a_short_key_is_refused():
    with pytest.raises(ValueError):
        TotpSecrets(b"short")


def test_the_key_file_is_made_once_and_private(tmp_path):
    env = {"ZICHT_VAR_DIR": str(tmp_path / "var")}
    key = load_key(env)
    path = tmp_path / "var" / "staff" / "totp.key"
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(env) == key and len(key) == 32
    other = tmp_path / "elsewhere.key"
    assert load_key({**env, "ZICHT_TOTP_KEY_FILE": str(other)}) != key and other.is_file()
