"""Settings of the public web app, read once from the environment."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# One source expression of a CSP `frame-ancestors` list: no separators, quotes only around keywords.
_SOURCE_TOKEN = re.compile(r"'none'|'self'|[A-Za-z0-9*:/.\-\[\]]+")


def _urls(raw: str, name: str) -> tuple[str, ...]:
    urls = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    if not urls:
        raise ValueError(f"{name} needs at least one URL")
    for url in urls:
        if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).netloc:
            raise ValueError(f"{name}: not an http(s) URL: {url!r}")
    return urls


def _frame_ancestors(raw: str) -> str:
    tokens = raw.split()
    if not tokens:
        return "'none'"
    for token in tokens:
        if not _SOURCE_TOKEN.fullmatch(token):
            raise ValueError(f"ZICHT_FRAME_ANCESTORS: not a CSP source: {token!r}")
    if "'none'" in tokens and len(tokens) > 1:
        raise ValueError("ZICHT_FRAME_ANCESTORS: 'none' cannot be combined with other sources")
    return " ".join(tokens)


@dataclass(frozen=True)
class WebConfig:
    """Where the web app listens, where Rasa runs, and the limits it enforces."""

    host: str = "127.0.0.1"
    port: int = 8080
    rasa_urls: tuple[str, ...] = ("http://127.0.0.1:5005",)
    action_server_url: str = "http://127.0.0.1:5055"
    max_chars: int = 2000
    max_body_bytes: int = 64 * 1024
    rasa_timeout: float = 15.0
    health_timeout: float = 3.0
    quick_exit_url: str = "https://www.weeronline.nl/"
    frame_ancestors: str = "'none'"
    # The staff dashboard's own process (bot.staff), forwarded under /staff; None: no /staff.
    staff_url: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rasa_urls", _urls(",".join(self.rasa_urls), "rasa_urls"))
        object.__setattr__(
            self, "action_server_url", _urls(self.action_server_url, "action_server_url")[0]
        )
        object.__setattr__(self, "frame_ancestors", _frame_ancestors(self.frame_ancestors))
        if self.staff_url is not None:
            object.__setattr__(self, "staff_url", _urls(self.staff_url, "staff_url")[0])
        if urlsplit(self.quick_exit_url).scheme != "https":
            raise ValueError("quick_exit_url must be an https URL")

    @classmethod
    def from_env(cls) -> WebConfig:
        """The configuration from ZICHT_* environment variables, defaults for the rest."""
        env = os.environ
        return cls(
            host=env.get("ZICHT_WEB_HOST", cls.host),
            port=int(env.get("ZICHT_WEB_PORT", cls.port)),
            rasa_urls=_urls(env.get("ZICHT_RASA_URLS", ",".join(cls.rasa_urls)), "ZICHT_RASA_URLS"),
            action_server_url=env.get("ZICHT_ACTIONS_URL", cls.action_server_url),
            quick_exit_url=env.get("ZICHT_QUICK_EXIT_URL", cls.quick_exit_url),
            frame_ancestors=env.get("ZICHT_FRAME_ANCESTORS", cls.frame_ancestors),
            staff_url=env.get("ZICHT_STAFF_URL") or None,
        )
