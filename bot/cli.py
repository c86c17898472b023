"""The `zicht` command: operations on an installation, one sub-command group per module.

    zicht keys init|add|rotate|list|retire   the key pair of the encryption at rest (bot.keys_cli)
    zicht migrate                            bring the database schema up to date
    zicht staff add|list|disable|enable|reset staff accounts (bot.staff.cli)
    zicht purge [--dry-run]                  delete reports past the retention period

Each module in COMMAND_MODULES has ``register(subparsers)``, which adds its parser and sets
``handler`` (a function of the parsed arguments returning the exit code). A new group such as
`zicht staff` or `zicht purge` is one more module in that list.

This is a staff-side tool: where a command needs the private keyring it uses
ZICHT_PRIVATE_KEY_FILE, or <var>/staff/private.keys when that is unset.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

COMMAND_MODULES: tuple[str, ...] = (
    "bot.keys_cli",
    "bot.reports.migrate",
    "bot.staff.cli",
    "bot.staff.retention_cli",
)


class CommandError(Exception):
    """A failure to report in one line (exit code 1), without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zicht", description="Operate a Zicht installation (keys, database)."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (CommandError, FileExistsError, FileNotFoundError, KeyError, ValueError) as error:
        message = error.args[0] if error.args else type(error).__name__
        print(f"zicht {args.command}: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
