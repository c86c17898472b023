"""Two Rasa instances behind one web app share conversations through Redis.

Starts the system with ZICHT_RASA_INSTANCES=2 semantics (bot.run.System, endpoints.production.yml)
on this machine's Redis, in a dedicated database (ZICHT_TEST_REDIS_DB, default 13) under a
unique key prefix that is deleted afterwards. A report begun on instance A goes on on instance B
with the same sender: the form asks the right next question and the summary holds the answers
given on A. The tracker expires 1800 s after the last turn, and no file the system wrote
holds a word of the conversation.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.common import redis_command, redis_delete, redis_keys
from bot.run import MODEL, PRODUCTION_ENDPOINTS, ROOT, Ports, System, free_port, free_ports, running
from bot.web.rasa import WEBHOOK_PATH
from tests.e2e.conftest import Reply, choice

pytestmark = pytest.mark.e2e

REDIS_HOST = os.environ.get("ZICHT_TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("ZICHT_TEST_REDIS_PORT", "6379"))
REDIS_DB = int(os.environ.get("ZICHT_TEST_REDIS_DB", "13"))
RECORD_EXP = 1800
# Folders a run could write to besides the test's own var folder (the scan looks at new files).
SKIPPED = {".git", ".venv", ".venv-rasa", "node_modules", "models"}


def rest(rasa_url: str, sender: str, text: str) -> Reply:
    """One turn on one Rasa instance's REST webhook, as the web app sends it."""
    body = {"sender": sender, "message": text, "metadata": {"lang": "nl"}}
    request = urllib.request.Request(
        f"{rasa_url}{WEBHOOK_PATH}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return Reply(response.status, json.loads(response.read()))


def ttl(key: str) -> int:
    """Seconds until `key` expires in the test's Redis database (-1: never, -2: no such key)."""
    return int(str(redis_command("TTL", key, host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)))


def files_written_since(started: float, folders: list[Path]) -> Iterator[Path]:
    """Files under `folders` modified since `started` (virtual envs, .git, models skipped)."""
    for folder in folders:
        for parent, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if d not in SKIPPED]
            for name in names:
                path = Path(parent, name)
                try:
                    if path.is_file() and path.stat().st_mtime >= started:
                        yield path
                except OSError:
                    continue


@pytest.fixture(scope="module")
def two_instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[System, str]]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: `make test` trains it first")
    try:
        redis_command("PING", host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    except OSError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required under CI: {error}")
        pytest.skip(f"Redis not reachable: {error}")
    prefix = f"zichttest{secrets.token_hex(4)}"
    var = tmp_path_factory.mktemp("var")
    system = System(
        ports=Ports(web=free_port(), rasa=free_ports(2), actions=free_port(), staff=free_port()),
        env={
            "ZICHT_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{var / 'zicht.db'}",
            "REDIS_HOST": REDIS_HOST,
            "REDIS_PORT": str(REDIS_PORT),
            "REDIS_DB": str(REDIS_DB),
            "REDIS_KEY_PREFIX": prefix,
        },
        log_dir=var / "logs",
        endpoints=PRODUCTION_ENDPOINTS,
        rasa_instances=2,
    )
    try:
        with running(system, timeout=240):
            yield system, prefix
    finally:
        keys = redis_keys(f"{prefix}:*", REDIS_DB, REDIS_HOST, REDIS_PORT)
        redis_delete(keys, REDIS_DB, REDIS_HOST, REDIS_PORT)


def test_the_web_app_is_given_both_instances(two_instances):
    system, _ = two_instances
    assert len(system.rasa_urls) == 2
    assert system._environment()["ZICHT_RASA_URLS"] == ",".join(system.rasa_urls)
    assert {"rasa", "rasa-2"} <= set(system.processes)


def test_a_report_begun_on_one_instance_goes_on_on_the_other(two_instances):
    system, prefix = two_instances
    a, b = system.rasa_urls
    sender = secrets.token_urlsafe(24)
    marker = f"Markeerstraat {secrets.randbelow(900) + 100}"
    started = time.time()

    assert "Zicht" in rest(a, sender, "/greet").text
    assert choice("yes") in rest(a, sender, "Ik wil iets melden").payloads
    assert "Kies een signaal" in rest(a, sender, choice("no")).text
    assert choice("done") in rest(a, sender, '/inform{"sign": "odd_hours"}').payloads
    assert "straat en huisnummer" in rest(a, sender, choice("done")).text
    assert "In welke plaats" in rest(a, sender, marker).text

    key = f"{prefix}:tracker:{sender}"
    assert 0 < ttl(key) <= RECORD_EXP

    # Instance B has never seen this sender: it reads the form state from Redis.
    reply = rest(b, sender, "Geleen").text
    assert "Wanneer zie je het meestal" in reply, reply
    rest(b, sender, choice("night"))
    rest(b, sender, choice("daily"))
    assert "kenteken" in rest(b, sender, choice("months_1_6")).text
    rest(b, sender, choice("skip"))
    rest(b, sender, choice("skip"))
    summary = rest(b, sender, choice("skip")).text
    assert "Dit is je melding" in summary, summary
    assert marker in summary and "Geleen" in summary
    assert "Bezoek op vreemde tijden" in summary
    assert 0 < ttl(key) <= RECORD_EXP

    # Nothing of the conversation reached a file: not the logs, not the database, not the repo.
    folders = [Path(system.env["ZICHT_VAR_DIR"]), ROOT, Path.home() / ".rasa"]
    for path in files_written_since(started, [f for f in folders if f.exists()]):
        assert marker.encode() not in path.read_bytes(), path
    assert not redis_keys(f"{prefix}:lock:*", REDIS_DB, REDIS_HOST, REDIS_PORT)
