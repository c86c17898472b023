"""TOTP: codes, the window of one step, the QR code and the single use of a step."""

import datetime

from bot.staff import totp

NOW = datetime.datetime(2026, 3, 2, 9, 0, 10, tzinfo=datetime.UTC)


def test_a_code_matches_its_step_and_the_neighbours_only():
    secret = totp.new_secret()
    step = totp.step_of(NOW)
    for offset in (-1, 0, 1):
        code = totp.code_at(secret, NOW + datetime.timedelta(seconds=30 * offset))
        assert totp.matching_step(secret, code, NOW) == step + offset
    for offset in (-2, 2):
        code = totp.code_at(secret, NOW + datetime.timedelta(seconds=30 * offset))
        assert totp.matching_step(secret, code, NOW) is None


def test_malformed_codes_never_match():
    secret = totp.new_secret()
    code = totp.code_at(secret, NOW)
    assert totp.matching_step(secret, code[:5], NOW) is None
    assert totp.matching_step(secret, code + "0", NOW) is None
    assert totp.matching_step(secret, "١٢٣٤٥٦", NOW) is None  # non-ASCII digits
    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}", NOW) == totp.step_of(NOW)


def test_the_qr_code_is_an_inline_svg_made_locally():
    svg = totp.qr_svg(totp.new_secret(), "anna")
    assert svg.startswith("<svg") and "<title>" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "style=" not in svg and "<script" not in svg


def test_the_provisioning_link_names_the_issuer_and_account():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "anna")
    assert uri.startswith("otpauth://totp/")
    assert "anna" in uri and "issuer=Zicht" in uri


async def test_a_step_is_accepted_once_and_never_an_older_one(staff):
    account = staff.add_account("viewer")
    user_id = staff.accounts.credentials(account.name).id
    step = totp.step_of(staff.clock())
    assert staff.accounts.accept_step(user_id, step)
    assert not staff.accounts.accept_step(user_id, step)
    assert not staff.accounts.accept_step(user_id, step - 1)
    assert staff.accounts.accept_step(user_id, step + 1)
