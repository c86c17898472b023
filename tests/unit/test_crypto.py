"""bot.reports.crypto, bot.reports.contents and bot.reports.keys: sealing, opening, key files."""

import base64
import dataclasses
import os
import stat

import pytest
from nacl.public import PrivateKey

from bot.reports import contents
from bot.reports.crypto import (
    PAD_BLOCK,
    DecryptionFailed,
    Keyring,
    PrivateKeyMissing,
    Sealer,
    UnknownKey,
    decode_key,
    encode_key,
    key_id,
)
from bot.reports.keys import (
    KeyFiles,
    add_key,
    create_key_pair,
    default_key_files,
    ensure_key_pair,
    load_keyring,
    load_public_key,
    public_side_environment,
    read_keyring,
    read_public_key,
    retire_key,
)
from bot.reports.records import SEALED_FIELDS, ReportDraft

DRAFT = ReportDraft(
    language="nl",
    signs=("other",),
    signs_other="Rare lucht",
    location_address="Rijksweg Zuid 12",
    location_place="Geleen",
    location_postcode="6131AB",
    time_of_day="evening",
    frequency="op zaterdag",
    since_when="months_1_6",
    vehicles=None,
    persons="Ünïcödé 🚗",
    description=None,
    danger_reported=False,
)
CODE_HASH = "ab" * 32


@pytest.fixture
def pair():
    return PrivateKey.generate()


# --- sealing ------------------------------------------------------------------------------------


def test_seal_and_open_round_trip(pair):
    sealer = Sealer(bytes(pair.public_key))
    sealed = sealer.seal("geheim, élk woord".encode())
    assert Keyring([pair]).open(sealer.key_id, sealed) == "geheim, élk woord".encode()
    assert b"geheim" not in sealed


def test_sealing_twice_gives_different_ciphertexts(pair):
    sealer = Sealer(pair.public_key)
    assert sealer.seal(b"same") != sealer.seal(b"same")  # an ephemeral key per box


def test_lengths_are_padded_to_blocks(pair):
    sealer = Sealer(pair.public_key)
    overhead = len(sealer.seal(b"")) - PAD_BLOCK
    assert overhead == 48  # ephemeral public key + MAC
    assert len(sealer.seal(b"a")) == len(sealer.seal(b"a" * (PAD_BLOCK - 1)))
    assert len(sealer.seal(b"a" * PAD_BLOCK)) == 2 * PAD_BLOCK + overhead


def test_only_the_matching_private_key_opens(pair):
    sealed = Sealer(pair.public_key).seal(b"x")
    other = PrivateKey.generate()
    with pytest.raises(UnknownKey):
        Keyring([other]).open(key_id(pair.public_key), sealed)
    # even when it is filed under the right id, another key cannot open it
    impostor = Keyring([other])
    impostor._boxes[key_id(pair.public_key)] = impostor._boxes[key_id(other.public_key)]
    with pytest.raises(DecryptionFailed):
        impostor.open(key_id(pair.public_key), sealed)


def test_tampering_is_detected(pair):
    sealed = bytearray(Sealer(pair.public_key).seal(b"x"))
    sealed[-1] ^= 1
    with pytest.raises(DecryptionFailed):
        Keyring([pair]).open(key_id(pair.public_key), bytes(sealed))


def test_key_ids_are_stable_and_distinct(pair):
    assert key_id(pair.public_key) == key_id(PrivateKey(bytes(pair)).public_key)
    assert len(key_id(pair.public_key)) == 16
    assert key_id(pair.public_key) != key_id(PrivateKey.generate().public_key)


def test_a_keyring_needs_a_key_and_hides_its_keys(pair):
    with pytest.raises(PrivateKeyMissing):
        Keyring([])
    ring = Keyring([pair])
    assert encode_key(pair) not in repr(ring)
    assert bytes(pair).hex() not in repr(ring)
    assert key_id(pair.public_key) in repr(ring)


def test_decode_key_accepts_base64_and_hex_and_nothing_else(pair):
    raw = bytes(pair)
    assert decode_key(encode_key(pair), "x") == raw
    assert decode_key(raw.hex(), "x") == raw
    for bad in ("", "not base64!", base64.b64encode(b"short").decode()):
        with pytest.raises(ValueError):
            decode_key(bad, "x")


# --- the sealed contents of a report ------------------------------------------------------------


def test_contents_round_trip_and_are_bound_to_their_report(pair):
    sealer, ring = Sealer(pair.public_key), Keyring([pair])
    sealed = contents.seal_draft(sealer, DRAFT, CODE_HASH)
    fields = contents.open_fields(ring, sealer.key_id, sealed, CODE_HASH)
    assert fields == {name: getattr(DRAFT, name) for name in SEALED_FIELDS}
    with pytest.raises(DecryptionFailed):
        contents.open_fields(ring, sealer.key_id, sealed, "cd" * 32)


def test_contents_hide_their_length_within_a_block(pair):
    sealer = Sealer(pair.public_key)
    short = contents.seal_draft(sealer, DRAFT, CODE_HASH)
    longer = contents.seal_draft(
        sealer, dataclasses.replace(DRAFT, signs_other="x" * 40), CODE_HASH
    )
    assert len(short) == len(longer)


def test_reseal_moves_contents_to_a_new_key(pair):
    new = PrivateKey.generate()
    ring = Keyring([pair, new])
    sealed = contents.seal_draft(Sealer(pair.public_key), DRAFT, CODE_HASH)
    moved = contents.reseal(
        ring, Sealer(new.public_key), key_id(pair.public_key), sealed, CODE_HASH
    )
    assert contents.open_fields(Keyring([new]), key_id(new.public_key), moved, CODE_HASH)


# --- key files ----------------------------------------------------------------------------------


def files_in(tmp_path):
    return KeyFiles(public=tmp_path / "keys" / "public.key", private=tmp_path / "staff" / "k")


def test_create_key_pair_writes_private_files_and_refuses_to_overwrite(tmp_path):
    files = files_in(tmp_path)
    kid = create_key_pair(files)
    assert stat.S_IMODE(files.private.stat().st_mode) == 0o600
    assert stat.S_IMODE(files.private.parent.stat().st_mode) == 0o700
    ring = read_keyring(files.private)
    assert ring.key_ids == (kid,)
    assert key_id(PrivateKey(bytes(ring.private_keys()[0])).public_key) == kid
    assert Sealer(read_public_key(files.public)).key_id == kid
    before = (files.public.read_bytes(), files.private.read_bytes())
    with pytest.raises(FileExistsError):
        create_key_pair(files)
    assert (files.public.read_bytes(), files.private.read_bytes()) == before
    # the public file holds no private material
    assert encode_key(ring.private_keys()[0]) not in files.public.read_text()


def test_add_key_keeps_the_old_private_keys(tmp_path):
    files = files_in(tmp_path)
    first = create_key_pair(files)
    sealed_before = Sealer(read_public_key(files.public)).seal(b"old report")
    second = add_key(files)
    assert second != first
    ring = read_keyring(files.private)
    assert ring.key_ids == (first, second)
    assert Sealer(read_public_key(files.public)).key_id == second
    assert ring.open(first, sealed_before) == b"old report"
    assert stat.S_IMODE(files.private.stat().st_mode) == 0o600
    assert not [p for p in files.private.parent.iterdir() if p.name.endswith(".tmp")]


def test_add_key_needs_an_existing_keyring(tmp_path):
    with pytest.raises(FileNotFoundError):
        add_key(files_in(tmp_path))


def test_retire_key_removes_only_an_old_key(tmp_path):
    files = files_in(tmp_path)
    first = create_key_pair(files)
    second = add_key(files)
    with pytest.raises(ValueError):
        retire_key(files, second)  # the current one
    retire_key(files, first)
    assert read_keyring(files.private).key_ids == (second,)
    with pytest.raises(KeyError):
        retire_key(files, first)


def test_key_files_allow_comments_and_refuse_garbage(tmp_path, pair):
    path = tmp_path / "public.key"
    path.write_text(f"# comment\n\n{encode_key(pair.public_key)}\n")
    assert read_public_key(path) == bytes(pair.public_key)
    path.write_text(f"{encode_key(pair.public_key)}\n{encode_key(pair.public_key)}\n")
    with pytest.raises(ValueError):
        read_public_key(path)
    empty = tmp_path / "empty.keys"
    empty.write_text("# nothing\n")
    os.chmod(empty, 0o600)
    with pytest.raises(ValueError):
        read_keyring(empty)


def test_a_keyring_readable_by_others_is_warned_about(tmp_path, pair, caplog):
    path = tmp_path / "open.keys"
    path.write_text(encode_key(pair) + "\n")
    os.chmod(path, 0o644)
    read_keyring(path)
    assert "readable by others" in caplog.text
    assert encode_key(pair) not in caplog.text


# --- from the environment -----------------------------------------------------------------------


def test_public_key_from_env_inline_file_or_default(tmp_path, pair):
    env = {"ZICHT_VAR_DIR": str(tmp_path)}
    assert load_public_key(env) is None  # nothing set up
    files = default_key_files(env)
    create_key_pair(files)
    assert load_public_key(env) == read_public_key(files.public)
    inline = {**env, "ZICHT_PUBLIC_KEY": encode_key(pair.public_key)}
    assert load_public_key(inline) == bytes(pair.public_key)
    with pytest.raises(FileNotFoundError):
        load_public_key({**env, "ZICHT_PUBLIC_KEY_FILE": str(tmp_path / "missing")})


def test_the_keyring_is_read_only_from_an_explicit_variable(tmp_path):
    env = {"ZICHT_VAR_DIR": str(tmp_path)}
    files = default_key_files(env)
    create_key_pair(files)
    # the keyring exists at the default place, yet without the variable nothing reads it
    with pytest.raises(PrivateKeyMissing):
        load_keyring(env)
    with pytest.raises(PrivateKeyMissing):
        load_keyring({**env, "ZICHT_PRIVATE_KEY_FILE": str(tmp_path / "nope")})
    ring = load_keyring({**env, "ZICHT_PRIVATE_KEY_FILE": str(files.private)})
    assert ring.key_ids == (Sealer(read_public_key(files.public)).key_id,)


def test_public_side_environment_drops_every_private_key_variable():
    env = {
        "ZICHT_PRIVATE_KEY_FILE": "/x",
        "ZICHT_PRIVATE_KEY": "abc",
        "ZICHT_PUBLIC_KEY_FILE": "/p",
        "PATH": "/bin",
    }
    assert public_side_environment(env) == {"ZICHT_PUBLIC_KEY_FILE": "/p", "PATH": "/bin"}


def test_ensure_key_pair_creates_once_at_the_default_places(tmp_path):
    env = {"ZICHT_VAR_DIR": str(tmp_path)}
    created = ensure_key_pair(env)
    assert created == default_key_files(env)
    assert created.public.exists() and created.private.exists()
    assert ensure_key_pair(env) is None  # already there
    assert ensure_key_pair({"ZICHT_VAR_DIR": str(tmp_path / "b"), "ZICHT_PUBLIC_KEY": "x"}) is None
    with pytest.raises(FileNotFoundError):  # a named file that is missing is an error
        ensure_key_pair({"ZICHT_VAR_DIR": str(tmp_path), "ZICHT_PUBLIC_KEY_FILE": "/nonexistent"})
