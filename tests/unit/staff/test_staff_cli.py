"""`zicht staff add|list|disable|enable|reset`: the link it prints works, once."""

import re

import pytest
from staff_helpers import make_staff_env

from bot.cli import main
from bot.staff import totp, totp_secrets
from bot.staff.sessions import COOKIE_NAME

LINK = re.compile(r"^(https?://\S+)/staff/enrol/([A-Za-z0-9_-]{43})$", re.M)


@pytest.fixture
def database_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'zicht.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ZICHT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("ZICHT_STAFF_BASE_URL", raising=False)
    monkeypatch.delenv("ZICHT_PRIVATE_KEY_FILE", raising=False)
    return url


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def test_staff_add_prints_a_link_that_enrols_once(database_url, capsys, aiohttp_client):
    code, _, err = run(capsys, "staff", "list")
    assert code == 1 and "zicht migrate" in err
    assert run(capsys, "migrate")[0] == 0
    code, out, _ = run(capsys, "staff", "add", "Eva.Smit", "--role", "handler")
    assert code == 0
    found = LINK.search(out)
    assert found, out
    assert found.group(1) == "http://127.0.0.1:8080"
    token = found.group(2)

    # The dashboard of the same installation: the same TOTP key file (<var>/staff/totp.key).
    staff = await make_staff_env(aiohttp_client, database_url, totp_key=totp_secrets.load_key())
    enrolment = staff.accounts.enrolment(token)
    assert enrolment.name == "eva.smit"
    browser = staff.anonymous()
    await staff.pre_session(browser, f"/staff/enrol/{token}")
    password = "mijn fiets staat bij het station van Geleen"
    response = await browser.post(
        f"/staff/enrol/{token}",
        {
            "password": password,
            "password2": password,
            "code": totp.code_at(enrolment.totp_secret, staff.clock()),
        },
    )
    assert response.status == 303
    browser.token = response.cookies[COOKIE_NAME].value
    assert (await browser.get("/staff/")).headers["Location"] == "/staff/reports"
    assert (await staff.anonymous().get(f"/staff/enrol/{token}")).status == 404

    code, out, _ = run(capsys, "staff", "list")
    assert re.search(r"^eva\.smit\s+handler\s+active$", out, re.M)
    assert run(capsys, "staff", "disable", "eva.smit")[0] == 0
    assert (await browser.get("/staff/")).headers["Location"] == "/staff/login"
    assert "disabled" in run(capsys, "staff", "list")[1]
    assert run(capsys, "staff", "enable", "eva.smit")[0] == 0
    code, out, _ = run(capsys, "staff", "reset", "eva.smit")
    assert code == 0 and LINK.search(out).group(2) != token
    assert "waiting for enrolment" in run(capsys, "staff", "list")[1]


def test_staff_cli_errors_are_one_line(database_url, capsys, monkeypatch):
    monkeypatch.setenv("ZICHT_STAFF_BASE_URL", "https://zicht.example.nl/")
    assert run(capsys, "migrate")[0] == 0
    code, out, _ = run(capsys, "staff", "add", "anna", "--role", "admin")
    assert LINK.search(out).group(1) == "https://zicht.example.nl"
    code, _, err = run(capsys, "staff", "add", "anna", "--role", "viewer")
    assert code == 1 and "exists already" in err
    code, _, err = run(capsys, "staff", "disable", "niemand")
    assert code == 1 and "no account" in err
    code, _, err = run(capsys, "staff", "add", "x", "--role", "viewer")
    assert code == 1 and "3 to 64" in err
    with pytest.raises(SystemExit):
        main(["staff", "add", "bob", "--role", "root"])
