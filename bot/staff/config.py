"""Settings of the staff dashboard, read once from the environment.

DATABASE_URL (and the other store settings)  see bot.reports.config.StoreConfig
ZICHT_PRIVATE_KEY_FILE   the private keyring: the dashboard shows report contents
ZICHT_TOTP_KEY_FILE      the key the staff TOTP secrets are sealed with (bot.staff.totp_secrets);
                         default <var>/staff/totp.key, made on first use
ZICHT_STAFF_ORIGINS      comma list of allowed Origins (e.g. https://zicht.example.nl); unset:
                         the origin of the request's own Host header
ZICHT_STAFF_BASE_URL     the public base of enrolment links; default http://127.0.0.1:8080
ZICHT_STAFF_HOST, ZICHT_STAFF_PORT   where it listens; default 127.0.0.1:8081 (keep it on
                         loopback: the public web app forwards /staff to it)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.reports.config import StoreConfig
from bot.reports.crypto import Keyring
from bot.reports.keys import load_keyring
from bot.staff import totp_secrets

DEFAULT_BASE_URL = "http://127.0.0.1:8080"


def parse_origins(raw: str) -> tuple[str, ...]:
    """`scheme://host[:port]` entries of a comma list, lower case, without a trailing slash."""
    origins = []
    for part in raw.split(","):
        part = part.strip().rstrip("/").lower()
        if not part:
            continue
        parsed = urlsplit(part)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc or parsed.path:
            raise ValueError(f"ZICHT_STAFF_ORIGINS: not an origin: {part!r}")
        origins.append(part)
    return tuple(origins)


def parse_base_url(raw: str) -> str:
    url = raw.strip().rstrip("/")
    parsed = urlsplit(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ValueError(f"ZICHT_STAFF_BASE_URL: not an http(s) URL: {raw!r}")
    return url


@dataclass(frozen=True)
class StaffConfig:
    """The database, the keyring and the web settings of the staff app."""

    store: StoreConfig
    keyring: Keyring | None = field(default=None, repr=False)
    totp_key: bytes = field(default=b"", repr=False)  # see bot.staff.totp_secrets
    origins: tuple[str, ...] = ()
    base_url: str = DEFAULT_BASE_URL
    host: str = "127.0.0.1"
    port: int = 8081

    @property
    def database_url(self) -> str:
        return self.store.database_url

    def enrol_link(self, token: str) -> str:
        """The one-time link a new or reset account enrols with."""
        return f"{self.base_url}/staff/enrol/{token}"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, with_keyring: bool = True
    ) -> StaffConfig:
        """The configuration of the environment; `with_keyring=False` for the CLI, which
        manages accounts and never opens a report."""
        env = os.environ if environ is None else environ
        return cls(
            store=StoreConfig.from_env(env),
            keyring=load_keyring(env) if with_keyring else None,
            totp_key=totp_secrets.load_key(env),
            origins=parse_origins(env.get("ZICHT_STAFF_ORIGINS", "")),
            base_url=parse_base_url(env.get("ZICHT_STAFF_BASE_URL") or DEFAULT_BASE_URL),
            host=env.get("ZICHT_STAFF_HOST") or cls.host,
            port=int(env.get("ZICHT_STAFF_PORT") or cls.port),
        )
