"""`zicht staff …`: manage the accounts of the staff dashboard on the server.

    zicht staff add NAME --role viewer|handler|admin   new account; prints its enrolment link
    zicht staff list                                   every account, its role and state
    zicht staff disable NAME                           block it and end its sessions at once
    zicht staff enable NAME                            unblock it
    zicht staff reset NAME                             new password and app: prints a new link

A link works once, for 72 hours; it starts with ZICHT_STAFF_BASE_URL (default
http://127.0.0.1:8080). Give it to the person through a safe channel. Commands are written to
the audit log with the actor "cli".
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import inspect

from bot.cli import CommandError
from bot.reports.store import make_engine
from bot.staff.accounts import AccountError, Accounts
from bot.staff.audit import USER_ADDED, USER_DISABLED, USER_ENABLED, USER_RESET
from bot.staff.audit_log import AuditLog
from bot.staff.config import StaffConfig
from bot.staff.models import ROLES
from bot.staff.totp_secrets import TotpSecrets

ACTOR = "cli"


@contextmanager
def _services() -> Iterator[tuple[StaffConfig, Accounts, AuditLog]]:
    config = StaffConfig.from_env(with_keyring=False)
    engine = make_engine(config.database_url)
    try:
        if not inspect(engine).has_table("staff_users"):
            raise CommandError("the database has no staff tables yet: run `zicht migrate` first")
        accounts = Accounts(engine, secrets=TotpSecrets(config.totp_key))
        accounts.seal_clear_secrets()  # secrets stored before sealing
        yield config, accounts, AuditLog(engine)
    except AccountError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        engine.dispose()


def _print_link(config: StaffConfig, name: str, token: str) -> None:
    print(f"Enrolment link for {name} (valid 72 hours, works once):")
    print(config.enrol_link(token))


def _add(args: argparse.Namespace) -> int:
    with _services() as (config, accounts, audit):
        token = accounts.add(args.name, args.role)
        name = accounts.get(args.name).name
        audit.write(USER_ADDED, actor=ACTOR, detail=f"{name} ({args.role})")
        _print_link(config, name, token)
    return 0


def _list(_args: argparse.Namespace) -> int:
    with _services() as (_config, accounts, _audit):
        rows = accounts.list()
    if not rows:
        print("no accounts yet: `zicht staff add NAME --role admin`")
    for account in rows:
        if account.disabled:
            state = "disabled"
        elif account.enrolled:
            state = "active"
        else:
            expires = account.enrol_expires_at
            state = f"waiting for enrolment (link valid until {expires:%Y-%m-%d %H:%M} UTC)"
        print(f"{account.name:<24} {account.role:<8} {state}")
    return 0


def _change(action: str, event: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        with _services() as (config, accounts, audit):
            result = getattr(accounts, action)(args.name)
            name = accounts.get(args.name).name
            audit.write(event, actor=ACTOR, detail=name)
            if action == "reset":
                print(f"{name}: password and app cleared, sessions ended.")
                if accounts.get(name).disabled:
                    print(f"Note: the account is disabled; the link works after `enable {name}`.")
                _print_link(config, name, result)
            else:
                print(f"{name}: {action}d" + (", sessions ended" if action == "disable" else ""))
        return 0

    return run


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("staff", help="manage staff dashboard accounts")
    commands = parser.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    add = commands.add_parser("add", help="create an account and print its enrolment link")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.set_defaults(handler=_add)
    commands.add_parser("list", help="list the accounts").set_defaults(handler=_list)
    for action, event, text in (
        ("disable", USER_DISABLED, "block an account and end its sessions"),
        ("enable", USER_ENABLED, "unblock an account"),
        ("reset", USER_RESET, "clear password and app; print a new enrolment link"),
    ):
        command = commands.add_parser(action, help=text)
        command.add_argument("name")
        command.set_defaults(handler=_change(action, event))
