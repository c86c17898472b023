"""Typed keys of the staff app's state."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import Engine

from bot.staff.accounts import Accounts
from bot.staff.audit_log import AuditLog
from bot.staff.clock import Clock
from bot.staff.config import StaffConfig
from bot.staff.sessions import Sessions

CONFIG = web.AppKey("config", StaffConfig)
ENGINE = web.AppKey("engine", Engine)
CLOCK = web.AppKey("clock", Clock)
ACCOUNTS = web.AppKey("accounts", Accounts)
SESSIONS = web.AppKey("sessions", Sessions)
AUDIT = web.AppKey("audit", AuditLog)
# The reports layer's Casework (bot.reports.casework), or None when the app runs without it.
CASEWORK = web.AppKey("casework", object)
