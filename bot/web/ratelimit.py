"""Rate limits of POST /api/chat: in-memory token buckets, per session, for new sessions, overall.

- **Per session**: a conversation may send `session.burst` messages at once, then
  `session.per_minute` a minute. One client flooding with one session id is throttled here.
- **New sessions**: session ids are made by the client, so a flooder can take a new one for
  every message. A session id not seen before needs a token from the new-sessions bucket: rotating
  ids buys at most `new_sessions.per_minute` fresh bursts a minute, and conversations that are
  already going are not starved by it.
- **Overall**: a ceiling on all messages that reach Rasa, below what one Rasa process can answer.

A refused message takes no token from any bucket (only allowed messages count). Everything is in
memory, per web-app process; nothing here is logged or written anywhere. The session ids are kept
only as a keyed hash, at most `max_sessions` of them, and forgotten after `forget_after` seconds
without a message. Per-address limits belong in the TLS proxy in front (the app never sees or
keeps visitors' addresses; see docs/threat-model.md).

Configuration: ZICHT_RATE_SESSION, ZICHT_RATE_NEW_SESSIONS, ZICHT_RATE_OVERALL, each
"BURST/PER_MINUTE", e.g. ZICHT_RATE_SESSION=20/30.
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from aiohttp import web


@dataclass(frozen=True)
class Rate:
    """A bucket of `burst` tokens that refills at `per_minute` tokens a minute."""

    burst: float
    per_minute: float

    def __post_init__(self) -> None:
        if self.burst < 1 or self.per_minute <= 0:
            raise ValueError("a rate needs burst >= 1 and per_minute > 0")

    @classmethod
    def parse(cls, text: str, name: str) -> Rate:
        try:
            burst, per_minute = (float(part) for part in text.split("/"))
            return cls(burst, per_minute)
        except ValueError as exc:
            raise ValueError(f"{name} must be BURST/PER_MINUTE, e.g. 20/30") from exc


@dataclass(frozen=True)
class RateLimits:
    # 20 messages at once (a report is about 15 turns, often clicked quickly), then one every 2 s.
    session: Rate = field(default_factory=lambda: Rate(20, 30))
    # 60 new conversations at once, then 2 a second: far above a municipality's daily load.
    new_sessions: Rate = field(default_factory=lambda: Rate(60, 120))
    # 100 at once, 40 a second overall: well below what one Rasa process serves (~110-120 turns/s
    # saturated, docs/performance.md): however much comes in, Rasa is never overloaded.
    overall: Rate = field(default_factory=lambda: Rate(100, 2400))
    max_sessions: int = 100_000
    forget_after: float = 3600.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RateLimits:
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            session=_rate(env, "ZICHT_RATE_SESSION", defaults.session),
            new_sessions=_rate(env, "ZICHT_RATE_NEW_SESSIONS", defaults.new_sessions),
            overall=_rate(env, "ZICHT_RATE_OVERALL", defaults.overall),
        )


def _rate(env: Mapping[str, str], name: str, default: Rate) -> Rate:
    return Rate.parse(env[name], name) if env.get(name) else default


class TokenBucket:
    __slots__ = ("per_second", "rate", "seen", "tokens", "updated")

    def __init__(self, rate: Rate, now: float) -> None:
        self.rate = rate
        self.per_second = rate.per_minute / 60.0
        self.tokens = float(rate.burst)
        self.updated = now
        self.seen = now

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(float(self.rate.burst), self.tokens + elapsed * self.per_second)
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until one token is there (0.0: one is there now). Takes nothing."""
        self._refill(now)
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.per_second

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1.0
        self.seen = now


class ChatLimiter:
    """Decides, per message, whether it may go to Rasa now."""

    def __init__(
        self, limits: RateLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or RateLimits()
        self._clock = clock
        self._salt = secrets.token_bytes(16)
        now = clock()
        self._overall = TokenBucket(self.limits.overall, now)
        self._new_sessions = TokenBucket(self.limits.new_sessions, now)
        self._sessions: OrderedDict[bytes, TokenBucket] = OrderedDict()
        self.refused = 0

    def _key(self, session_id: str) -> bytes:
        return hashlib.blake2b(session_id.encode(), key=self._salt, digest_size=16).digest()

    def _forget_idle(self, now: float) -> None:
        while self._sessions:
            _, oldest = next(iter(self._sessions.items()))
            too_many = len(self._sessions) > self.limits.max_sessions
            if not too_many and now - oldest.seen < self.limits.forget_after:
                break
            self._sessions.popitem(last=False)

    def check(self, session_id: str) -> float:
        """0.0 when the message may go now (its tokens are taken), else seconds to wait."""
        now = self._clock()
        self._forget_idle(now)
        key = self._key(session_id)
        session = self._sessions.get(key)
        first = session is None
        own = self._new_sessions if first else session
        wait = max(own.wait(now), self._overall.wait(now))
        if wait > 0.0:
            self.refused += 1
            return wait
        if first:
            self._new_sessions.take(now)
            session = TokenBucket(self.limits.session, now)
            self._sessions[key] = session
        else:
            self._sessions.move_to_end(key)
        session.take(now)
        self._overall.take(now)
        return 0.0

    def __len__(self) -> int:
        return len(self._sessions)


LIMITER = web.AppKey("chat_limiter", ChatLimiter)


def retry_after(seconds: float) -> str:
    """The Retry-After header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
