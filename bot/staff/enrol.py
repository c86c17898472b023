"""Enrolment: /staff/enrol/{token}, the one-time link of a new or reset account.

The page shows a QR code (made here, inline SVG) and the secret in text for the authenticator
app, and asks for a password twice and a current code. The link works once and for 72 hours;
after enrolment the user is signed in with a fresh session.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.staff import keys, totp
from bot.staff.access import public
from bot.staff.accounts import Enrolment
from bot.staff.audit import ENROLLED, audit
from bot.staff.csrf import check_pre_session_post
from bot.staff.login import MAX_FIELD, new_session, pre_session_page
from bot.staff.middleware import PageError
from bot.staff.passwords import NOT_EQUAL, hash_password_async, policy_errors

LINK_GONE = (
    "Deze link werkt niet",
    "De link is al gebruikt of verlopen (hij werkt 72 uur). Vraag de beheerder om een nieuwe link.",
)
CODE_WRONG = "Deze code klopt niet. Typ de 6 cijfers die je app nu laat zien."


async def _open_enrolment(request: web.Request) -> Enrolment:
    token = request.match_info["token"]
    found = None
    if 20 <= len(token) <= 64:
        found = await asyncio.to_thread(request.app[keys.ACCOUNTS].enrolment, token)
    if found is None:
        raise PageError(404, *LINK_GONE)
    return found


def _enrol_page(
    request: web.Request, enrolment: Enrolment, errors: dict[str, str], status: int = 200
) -> web.Response:
    context = {
        "name": enrolment.name,
        "qr_svg": totp.qr_svg(enrolment.totp_secret, enrolment.name),
        "secret": totp.grouped(enrolment.totp_secret),
        "errors": errors,
    }
    return pre_session_page(request, "enrol.html", context, status)


@public
async def enrol_form(request: web.Request) -> web.StreamResponse:
    enrolment = await _open_enrolment(request)
    return _enrol_page(request, enrolment, {})


def _text(form: object, name: str) -> str:
    value = form.get(name, "")  # type: ignore[attr-defined]
    return value[:MAX_FIELD] if isinstance(value, str) else ""


@public
async def enrol(request: web.Request) -> web.StreamResponse:
    await check_pre_session_post(request)
    enrolment = await _open_enrolment(request)
    form = await request.post()
    password, repeated, code = (_text(form, n) for n in ("password", "password2", "code"))
    errors: dict[str, str] = {}
    if problems := policy_errors(password, enrolment.name):
        errors["password"] = " ".join(problems)
    elif password != repeated:
        errors["password2"] = NOT_EQUAL
    step = totp.matching_step(enrolment.totp_secret, code, request.app[keys.CLOCK]())
    if step is None:
        errors["code"] = CODE_WRONG
    if errors or step is None:
        return _enrol_page(request, enrolment, errors, status=400)
    password_hash = await hash_password_async(password)
    accounts = request.app[keys.ACCOUNTS]
    token = request.match_info["token"]
    if not await asyncio.to_thread(accounts.complete_enrolment, token, password_hash, step):
        raise PageError(404, *LINK_GONE)
    await audit(request, ENROLLED, actor=enrolment.name)
    raise await new_session(request, enrolment.user_id)


def setup(app: web.Application) -> None:
    app.router.add_get("/staff/enrol/{token}", enrol_form, name="staff_enrol")
    app.router.add_post("/staff/enrol/{token}", enrol)
