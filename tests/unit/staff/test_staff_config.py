"""StaffConfig from the environment, the peer address and the allowed origins."""

import pytest
from staff_helpers import StaffBrowser, make_staff_env

from bot.reports.crypto import PrivateKeyMissing
from bot.staff.config import StaffConfig, parse_origins


def test_from_env_defaults(tmp_path):
    env = {"ZICHT_VAR_DIR": str(tmp_path)}
    config = StaffConfig.from_env(env, with_keyring=False)
    assert (config.host, config.port) == ("127.0.0.1", 8081)
    assert config.origins == ()
    assert config.enrol_link("abc") == "http://127.0.0.1:8080/staff/enrol/abc"
    assert config.keyring is None
    with pytest.raises(PrivateKeyMissing):
        StaffConfig.from_env(env)


def test_from_env_settings(tmp_path):
    env = {
        "ZICHT_VAR_DIR": str(tmp_path),
        "ZICHT_STAFF_ORIGINS": "https://zicht.example.nl, HTTPS://Staff.example.nl/",
        "ZICHT_STAFF_BASE_URL": "https://zicht.example.nl/",
        "ZICHT_STAFF_PORT": "9001",
    }
    config = StaffConfig.from_env(env, with_keyring=False)
    assert config.origins == ("https://zicht.example.nl", "https://staff.example.nl")
    assert config.port == 9001
    assert config.enrol_link("t") == "https://zicht.example.nl/staff/enrol/t"


@pytest.mark.parametrize("bad", ["zicht.example.nl", "ftp://x", "https://x/pad"])
def test_bad_origins_are_refused(bad):
    with pytest.raises(ValueError):
        parse_origins(bad)


async def test_forwarded_proto_counts_only_from_loopback(staff):
    admin = await staff.login("admin")
    host = admin.origin.split("://", 1)[1]
    form = {"name": "via.proxy", "role": "viewer"}
    # behind the loopback forwarder, https is believed and then required
    https = {"X-Forwarded-Proto": "https"}
    response = await admin.post("/staff/users", form, headers=https)
    assert response.status == 403  # Origin http:// no longer matches
    response = await admin.post("/staff/users", form, origin=f"https://{host}", headers=https)
    assert response.status == 200


async def test_configured_origins_replace_the_host(aiohttp_client, tmp_path):
    url = f"sqlite:///{tmp_path / 'z.db'}"
    staff = await make_staff_env(aiohttp_client, url, origins=("https://zicht.example.nl",))
    admin: StaffBrowser = await staff.login("admin")  # signs in with Origin zicht.example.nl
    form = {"name": "nog.een", "role": "viewer"}
    server = str(staff.client.make_url("/")).rstrip("/")
    assert (await admin.post("/staff/users", form, origin=server)).status == 403
    assert (await admin.post("/staff/users", form)).status == 200


def mocked(remote: str, headers: dict[str, str]):
    from unittest import mock

    from aiohttp.test_utils import make_mocked_request

    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        (remote, 40000) if name == "peername" else default
    )
    return make_mocked_request("GET", "/staff/login", headers=headers, transport=transport)


def test_forwarded_headers_count_only_from_loopback():
    from bot.staff.peer import peer_address, scheme

    forwarded = {"X-Zicht-Peer": "203.0.113.9", "X-Forwarded-Proto": "https"}
    assert peer_address(mocked("127.0.0.1", forwarded)) == "203.0.113.9"
    assert scheme(mocked("::1", forwarded)) == "https"
    assert peer_address(mocked("198.51.100.4", forwarded)) == "198.51.100.4"
    assert scheme(mocked("198.51.100.4", forwarded)) == "http"
    assert peer_address(mocked("127.0.0.1", {"X-Zicht-Peer": "geen ip"})) is None
    assert peer_address(mocked("127.0.0.1", {})) == "127.0.0.1"
