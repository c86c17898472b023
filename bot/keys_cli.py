"""`zicht keys …`: create, rotate, list and retire the key pairs of the encryption at rest.

See docs/operations-keys.md for when to run which. Paths: --public-key and --private-key, else
ZICHT_PUBLIC_KEY_FILE and ZICHT_PRIVATE_KEY_FILE, else <var>/keys/public.key and
<var>/staff/private.keys.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from bot.reports.config import StoreConfig
from bot.reports.keys import (
    KeyFiles,
    add_key,
    create_key_pair,
    default_key_files,
    key_id_of_public,
    read_keyring,
    read_public_key,
    retire_key,
)
from bot.reports.store import ReportReader


def _files(args: argparse.Namespace) -> KeyFiles:
    default = default_key_files(os.environ)
    return KeyFiles(
        public=Path(args.public_key) if args.public_key else default.public,
        private=Path(args.private_key) if args.private_key else default.private,
    )


def _reader(files: KeyFiles) -> ReportReader:
    config = StoreConfig.from_env(os.environ)
    config = StoreConfig(config.database_url, config.code_key, read_public_key(files.public))
    return ReportReader(config, read_keyring(files.private))


def _init(args: argparse.Namespace) -> int:
    files = _files(args)
    kid = create_key_pair(files)
    print(f"created key pair {kid}")
    print(f"  public key (public side):         {files.public}")
    print(f"  private keyring (staff side only): {files.private}  (mode 0600)")
    print("Back up the private keyring apart from the database: without it no report opens.")
    return 0


def _add(args: argparse.Namespace) -> int:
    files = _files(args)
    kid = add_key(files)
    print(f"added key pair {kid}; it seals new reports from now on")
    print(f"  public key:      {files.public} (restart the action server to use it)")
    print(f"  private keyring: {files.private} (older keys kept: old reports stay readable)")
    return 0


def _rotate(args: argparse.Namespace) -> int:
    _add(args)
    return _reseal(args)


def _reseal(args: argparse.Namespace) -> int:
    with _reader(_files(args)) as reader:
        done = reader.reseal()
        print(f"resealed {done} reports to key {reader.key_id}")
    return 0


def _list(args: argparse.Namespace) -> int:
    files = _files(args)
    current = key_id_of_public(read_public_key(files.public))
    counts: dict[str, int] | None = None
    if not args.no_database:
        with _reader(files) as reader:
            counts = reader.count_by_key()
    held = read_keyring(files.private).key_ids if files.private.exists() else ()
    print(f"{'key id':<18}{'private key':<13}{'reports':>8}")
    for kid in dict.fromkeys([*held, current, *(counts or {})]):
        mark = " (current)" if kid == current else ""
        private = "yes" if kid in held else "MISSING"
        reports = "-" if counts is None else str(counts.get(kid, 0))
        print(f"{kid:<18}{private:<13}{reports:>8}{mark}")
    return 0


def _retire(args: argparse.Namespace) -> int:
    files = _files(args)
    with _reader(files) as reader:
        left = reader.count_by_key().get(args.key_id, 0)
    if left:
        raise ValueError(
            f"{left} reports are sealed to {args.key_id}; run `zicht keys reseal` first"
        )
    retire_key(files, args.key_id)
    print(f"removed key {args.key_id} from {files.private}; no report was sealed to it")
    return 0


def register(subparsers: Any) -> None:
    keys = subparsers.add_parser("keys", help="key pairs of the encryption at rest")
    commands = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)

    def command(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("--public-key", help="public key file")
        parser.add_argument("--private-key", help="private keyring file")
        parser.set_defaults(handler=handler)
        return parser

    command("init", _init, "create the first key pair (refuses to overwrite)")
    command("add", _add, "add a new current key pair; keep the old private keys")
    command("rotate", _rotate, "add a new key pair and reseal every report to it")
    command("reseal", _reseal, "reseal every report to the current public key")
    listing = command("list", _list, "key ids, whether their private key is held, reports each")
    listing.add_argument("--no-database", action="store_true", help="do not count reports")
    retire = command("retire", _retire, "remove an old private key no report needs any more")
    retire.add_argument("key_id")
