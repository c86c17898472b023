"""Privacy by construction, proven with the real processes (bot.run.System).

1. **Canaries**: a whole report is filed through the web app with canary request headers
   (User-Agent, X-Forwarded-For, X-Real-IP, Forwarded, Referer, Accept-Language, Cookie) and
   canary texts in every free-text answer. Then every place data can land is searched: the
   database files while the system runs (SQLite file, -wal, -shm) and after it stopped, a
   `pg_dump` and the server log's new lines for PostgreSQL, every log file of the three
   processes (their captured stdout and stderr), files written under the repository, the temp
   folder and Rasa's home config during the run. Redis is not used (endpoints.yml: in-memory
   tracker and lock stores), which the test checks too. Header canaries: 0 hits anywhere. Text
   canaries: 0 plaintext hits, and the staff side's private keyring opens them from the database.
2. **The public side cannot decrypt**: no public-side process (Rasa, action server, web app) gets
   a private-key variable (even when the caller's environment has one), none of their memories
   holds the private key, and with the action server's exact environment an attempt to read the
   report fails. Only the staff dashboard's process gets the keyring.
3. **Loopback only**: Rasa, the action server and the staff dashboard listen on 127.0.0.1 only
   (/proc/net/tcp*),
   a connection to a non-loopback address of this machine is refused, and Rasa's HTTP API is off.

The set of log files is fixed (LOG_FILES) and documented in docs/threat-model.md.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.reports import ReportReader, StoreConfig
from bot.reports.keys import KeyFiles, create_key_pair, read_keyring
from bot.run import MODEL, ROOT, Ports, System, free_port
from tests.e2e.conftest import Chat, Reply, choice
from tests.integration.conftest import throwaway_database

pytestmark = pytest.mark.e2e

LOG_FILES = frozenset({"actions.log", "rasa.log", "staff.log", "web.log"})
PUBLIC_SIDE = frozenset({"actions", "rasa", "web"})
SKIP_DIRS = frozenset({".git", ".venv", ".venv-rasa", "node_modules", "__pycache__", ".rasa"})
CHUNK = 64 * 1024 * 1024
YES, NO = '/inform{"choice": "yes"}', '/inform{"choice": "no"}'


# --- collecting what the system left behind ----------------------------------------------------


@dataclass
class Evidence:
    """Everything one run left anywhere, as (where, bytes), plus what was seen while it ran."""

    backend: str
    blobs: list[tuple[str, bytes]] = field(default_factory=list)
    log_files: set[str] = field(default_factory=set)
    header_canaries: dict[str, str] = field(default_factory=dict)
    text_canaries: dict[str, str] = field(default_factory=dict)
    code: str = ""
    report: object = None
    code_hash: str = ""
    environments: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    memory_hits: dict[str, int] = field(default_factory=dict)
    memory_control_hits: int = 0
    public_side_attempt: dict = field(default_factory=dict)
    private_key_forms: list[bytes] = field(default_factory=list)

    def add_file(self, where: str, path: Path) -> None:
        if path.is_file() and path.stat().st_size < 256 * 1024 * 1024:
            self.blobs.append((where, path.read_bytes()))

    def add_tree(self, where: str, root: Path, since: float | None = None) -> None:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
            for name in filenames:
                path = Path(dirpath) / name
                try:
                    if since is None or path.stat().st_mtime >= since:
                        self.add_file(f"{where}:{path}", path)
                except OSError:
                    continue  # vanished meanwhile

    def hits(self, needle: str) -> list[str]:
        wanted = needle.lower().encode()
        return [where for where, data in self.blobs if wanted in data.lower()]


def session_pids(leader: int) -> list[int]:
    """Every process in the session of `leader`: a process System started and its children."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == leader:  # the session id
            found.append(int(entry.name))
    return found


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, v in pairs}


def memory_hits(pid: int | str, needles: list[bytes]) -> int:
    """How often any needle occurs in the anonymous (heap, stack, mmap) memory of a process."""
    hits = 0
    maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as memory:
        for line in maps:
            parts = line.split()
            start, end = (int(x, 16) for x in parts[0].split("-"))
            path = parts[5] if len(parts) > 5 else ""
            if "r" not in parts[1] or (path and path not in ("[heap]", "[stack]")):
                continue
            overlap = max(len(needle) for needle in needles)
            position = start
            while position < end:
                size = min(CHUNK, end - position)
                try:
                    memory.seek(position)
                    chunk = memory.read(size + overlap if position + size < end else size)
                except (OSError, ValueError, OverflowError):
                    break
                hits += sum(chunk.count(needle) for needle in needles)
                position += size
    return hits


# A reader with exactly the action server's environment: it has the report in the database,
# the public key and whatever files its environment names or its var folder holds. It tries
# every key-shaped line it can find to open the report.
PUBLIC_SIDE_ATTEMPT = r"""
import json, os, pathlib
from bot.reports import ReportReader, ReportStore, StoreConfig, Keyring, CryptoFailure
from bot.reports.crypto import decode_key
result = {"reader": None, "candidates": 0, "opened": 0, "reports": 0}
try:
    ReportReader.from_env()
    result["reader"] = "opened"
except Exception as error:
    result["reader"] = type(error).__name__
with ReportStore(StoreConfig.from_env()) as store:
    sealed = store.list_sealed()
result["reports"] = len(sealed)
paths = [pathlib.Path(v) for k, v in os.environ.items() if k.startswith("ZICHT_") and v[:1] == "/"]
files = []
for path in paths:
    if path.is_dir():
        files += [p for p in path.rglob("*") if p.is_file()]
    elif path.is_file():
        files.append(path)
for path in files:
    try:
        lines = path.read_bytes().decode("ascii").split()
    except (OSError, UnicodeDecodeError):
        continue
    for line in lines:
        try:
            raw = decode_key(line, "candidate")
        except ValueError:
            continue
        result["candidates"] += 1
        for report in sealed:
            try:
                Keyring([raw]).open(report.key_id, report.sealed)
                result["opened"] += 1
            except CryptoFailure:
                pass
print(json.dumps(result))
"""


# Free-text answers, each with a few phrasings: the NLU may take one phrasing for a question
# (e.g. about anonymity), answer that, and ask again; the next phrasing is then sent.
ANSWERS: dict[str, tuple[str, ...]] = {
    "signs_other": ("Er hangt altijd een rare lucht {}", "{} en een rare lucht"),
    "address": ("Rijksweg Zuid 12 {}", "Rijksweg Zuid 12, bij {}", "{} Rijksweg Zuid 12"),
    "time_of_day": ("rond etenstijd {}", "{} rond etenstijd", "meestal rond etenstijd, {}"),
    "frequency": ("op zaterdag {}", "{} op zaterdag", "telkens op zaterdag, {}"),
    "since_when": ("sinds de kermis {}", "{} sinds de kermis", "het begon na de kermis, {}"),
    "vehicles": ("Een zwarte BMW {}", "{} een zwarte BMW", "steeds een zwarte BMW, {}"),
    "persons": ("Twee mannen, steeds kort binnen {}", "{} twee mannen", "twee mannen, {}"),
    "description": ("Ramen afgeplakt met folie {}", "{} ramen afgeplakt", "folie op de ramen {}"),
}
# Syllables for the random part of the text canaries: a made-up Dutch-looking word moves the
# NLU less than hex digits would.
SYLLABLES = ("ka", "lo", "mi", "ne", "ro", "su", "ta", "ve", "pi", "do", "le", "mu", "bo", "ri")


def converse(chat: Chat, headers: dict[str, str], canaries: dict[str, str]) -> str:
    """A whole Dutch report with canary texts; returns the reference code."""

    def step(message: str, expected: str | None = None) -> None:
        reply = chat.send(message, headers)
        assert reply.status == 200, (message, reply)
        if expected:
            assert expected in reply.payloads, (message, reply.text)

    def answer(field: str, expected: str) -> Reply:
        for phrasing in ANSWERS[field]:
            reply = chat.send(phrasing.format(canaries[field]), headers)
            assert reply.status == 200, (field, reply)
            if expected in reply.payloads:
                return reply
        raise AssertionError(f"no phrasing of {field} was taken as the answer: {reply.text}")

    step("/greet", "/report_signs")
    step("/report_signs", YES)
    step(NO, '/inform{"sign": "other"}')
    step('/inform{"sign": "other"}', choice("done"))
    step(ANSWERS["signs_other"][0].format(canaries["signs_other"]), choice("done"))
    step(choice("done"))
    answer("address", choice("Geleen"))
    step("6131 AB", choice("evening"))
    answer("time_of_day", choice("daily"))
    answer("frequency", choice("months_1_6"))
    answer("since_when", choice("skip"))
    answer("vehicles", choice("skip"))
    answer("persons", choice("skip"))
    summary = answer("description", choice("send"))
    missing = [f for f, c in canaries.items() if c.lower() not in summary.text.lower()]
    assert not missing, f"the summary lacks the answers {missing}: {summary.text}"
    reply = chat.send(choice("send"), headers)
    match = re.search(r"\b\d{5}-\d{5}-\d{5}-\d{5}-\d{5}\b", reply.text)
    assert match, reply.text
    return match.group(0)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def evidence(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Evidence]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: `make test` trains it first")
    backend = request.param
    base = tmp_path_factory.mktemp(f"privacy-{backend}")
    var, logs, staff = base / "var", base / "logs", base / "staff-only"
    # The key pair: the public key in the var folder the system uses, the private keyring in a
    # folder no process of the system is told about.
    files = KeyFiles(public=var / "keys" / "public.key", private=staff / "private.keys")
    create_key_pair(files)
    keyring = read_keyring(files.private)
    env = {
        "ZICHT_VAR_DIR": str(var),
        "ZICHT_PUBLIC_KEY_FILE": str(files.public),
        # A caller that has the keyring in its own environment: System must not pass it on.
        "ZICHT_PRIVATE_KEY_FILE": str(files.private),
        "DATABASE_URL": f"sqlite:///{var / 'zicht.db'}",
    }
    pg_name = None
    database = contextlib.ExitStack()  # the PostgreSQL database, dropped at the end
    if backend == "postgresql":
        env["DATABASE_URL"] = database.enter_context(throwaway_database("zicht_privacy"))
        pg_name = make_url(env["DATABASE_URL"]).database
    pg_logs = {p: p.stat().st_size for p in Path("/var/log/postgresql").glob("*.log")}

    token = secrets.token_hex(5)
    found = Evidence(backend=backend)
    found.header_canaries = {
        "user_agent": f"CanaryAgent-{token}/1.0",
        "xff_1": f"203.0.113.{secrets.randbelow(200) + 20}",
        "xff_2": f"198.51.100.{secrets.randbelow(200) + 20}",
        "real_ip": f"203.0.113.{secrets.randbelow(20)}",
        "forwarded": f"fwd-canary-{token}",
        "referer": f"referer-canary-{token}",
        "accept_language": f"x-canary{token}",
        "cookie": f"cookie-canary-{token}",
    }
    c = found.header_canaries
    headers = {
        "User-Agent": c["user_agent"],
        "X-Forwarded-For": f"{c['xff_1']}, {c['xff_2']}",
        "X-Real-IP": c["real_ip"],
        "Forwarded": f'for="{c["xff_1"]}";host={c["forwarded"]}.example;proto=https',
        "Referer": f"https://{c['referer']}.example/melden?from=canary",
        "Accept-Language": f"nl-NL,{c['accept_language']};q=0.8",
        "Cookie": f"session={c['cookie']}",
    }
    word = "".join(secrets.choice(SYLLABLES) for _ in range(7))
    found.text_canaries = {
        name: f"kanarie{tag}{word}" for tag, name in zip("abcdefgh", ANSWERS, strict=True)
    }
    private_raw = [bytes(k) for k in keyring.private_keys()]
    found.private_key_forms = [
        *private_raw,
        *(base64.b64encode(raw) for raw in private_raw),
        *(raw.hex().encode() for raw in private_raw),
    ]

    started = time.time() - 1
    system = System(
        ports=Ports(web=free_port(), rasa=free_port(), actions=free_port(), staff=free_port()),
        env=env,
        log_dir=logs,
    )
    try:
        system.start()
        system.wait_until_healthy(240)
        found.code = converse(Chat(system.web_url, lang="nl"), headers, found.text_canaries)
        # While it runs: the database files as they are now (the SQLite WAL and shm included),
        # the environment and memory of every process.
        found.add_tree("live-var", var)
        for name, process in system.processes.items():
            pids = session_pids(process.pid)
            found.environments[name] = [environment_of(pid) for pid in pids]
            found.memory_hits[name] = sum(memory_hits(pid, found.private_key_forms) for pid in pids)
        found.memory_control_hits = memory_hits("self", found.private_key_forms)
    finally:
        system.stop()
    # After it stopped: whatever is left on disk.
    found.add_tree("var", var)
    found.add_tree("logs", logs)
    found.log_files = {p.name for p in logs.iterdir()}
    found.add_tree("repository", ROOT, since=started)
    found.add_tree("tmp", Path(tempfile.gettempdir()), since=started)
    found.add_tree("rasa-home", Path.home() / ".config" / "rasa")
    for path, size in pg_logs.items():
        with path.open("rb") as handle:
            handle.seek(size)
            found.blobs.append((f"postgres-log:{path}", handle.read()))
    if pg_name is not None:
        dump = subprocess.run(
            ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--no-owner", pg_name],
            capture_output=True,
            check=True,
            timeout=120,
        )
        found.blobs.append(("pg_dump", dump.stdout))

    reader = ReportReader(StoreConfig.from_env(system._environment()), keyring)
    try:
        found.report = reader.find_by_code(found.code)
        found.code_hash = reader.find_sealed(found.code).code_hash
        attempt = subprocess.run(
            [sys.executable, "-c", PUBLIC_SIDE_ATTEMPT],
            cwd=ROOT,
            env=system._environment(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert attempt.returncode == 0, attempt.stderr
        found.public_side_attempt = json.loads(attempt.stdout.strip().splitlines()[-1])
        yield found
    finally:
        reader.dispose()
        database.close()
        shutil.rmtree(base, ignore_errors=True)


# --- 1. canaries --------------------------------------------------------------------------------


def test_the_search_reads_the_places_where_data_lands(evidence: Evidence):
    # Positive controls: the scan sees the database (clear place and code hash), and a dump.
    assert evidence.hits("Sittard-Geleen"), "the database content is not among the searched bytes"
    assert evidence.hits(evidence.code_hash)
    if evidence.backend == "sqlite":
        live = [where for where, _ in evidence.blobs if where.startswith("live-var:")]
        assert any(where.endswith("zicht.db-wal") for where in live), "the WAL was not searched"
    else:
        assert evidence.hits("CREATE TABLE public.reports") == ["pg_dump"]


def test_header_canaries_are_nowhere(evidence: Evidence):
    hits = {name: evidence.hits(value) for name, value in evidence.header_canaries.items()}
    assert hits == {name: [] for name in evidence.header_canaries}


def test_text_canaries_are_only_sealed(evidence: Evidence):
    hits = {name: evidence.hits(value) for name, value in evidence.text_canaries.items()}
    assert hits == {name: [] for name in evidence.text_canaries}


def test_the_private_key_opens_every_text_canary(evidence: Evidence):
    report = evidence.report
    fields = {
        "signs_other": report.signs_other,
        "address": report.location_address,
        "time_of_day": report.time_of_day,
        "frequency": report.frequency,
        "since_when": report.since_when,
        "vehicles": report.vehicles,
        "persons": report.persons,
        "description": report.description,
    }
    for name, canary in evidence.text_canaries.items():
        assert canary in (fields[name] or ""), name
    assert report.location_place == "Sittard-Geleen"
    assert report.location_postcode == "6131AB"
    assert report.created_week.weekday() == 0


def test_the_log_files_are_the_documented_set(evidence: Evidence):
    assert evidence.log_files == LOG_FILES
    documented = (ROOT / "docs" / "threat-model.md").read_text("utf-8")
    for name in LOG_FILES:
        assert f"`{name}`" in documented, name


def test_no_access_log_and_no_redis(evidence: Evidence):
    logs = b"\n".join(data for where, data in evidence.blobs if where.startswith("logs:"))
    for request_line in (b"POST /api/chat", b"/webhooks/rest/webhook", b"POST /webhook"):
        assert request_line not in logs
    endpoints = (ROOT / "endpoints.yml").read_text("utf-8")
    assert "redis" not in endpoints.lower()
    assert "tracker_store" not in endpoints and "lock_store" not in endpoints


# --- 2. the public side cannot decrypt ----------------------------------------------------------


def test_no_public_side_process_gets_a_private_key_variable(evidence: Evidence):
    assert set(evidence.environments) == {*PUBLIC_SIDE, "staff"}
    for env in evidence.environments["staff"]:  # the one process that reads reports
        assert env["ZICHT_PRIVATE_KEY_FILE"].endswith("private.keys")
    for name in PUBLIC_SIDE:
        environments = evidence.environments[name]
        assert environments, name
        for env in environments:
            assert not [k for k in env if k.startswith("ZICHT_PRIVATE_KEY")], name
    for env in evidence.environments["actions"]:
        assert env["ZICHT_PUBLIC_KEY_FILE"].endswith("public.key")


def test_no_public_side_process_holds_the_private_key_in_memory(evidence: Evidence):
    assert evidence.memory_control_hits > 0, "the memory scan does not find a key it should"
    public = {name: hits for name, hits in evidence.memory_hits.items() if name in PUBLIC_SIDE}
    assert public == {"actions": 0, "rasa": 0, "web": 0}


def test_the_action_servers_environment_cannot_open_a_report(evidence: Evidence):
    attempt = evidence.public_side_attempt
    assert attempt["reports"] == 1
    assert attempt["reader"] == "PrivateKeyMissing"
    assert attempt["candidates"] >= 1  # it did find key-shaped material (the public key) ...
    assert attempt["opened"] == 0  # ... and none of it opens the report


# --- 3. loopback only, Rasa's HTTP API off ------------------------------------------------------


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:
                continue
            if len(address) == 8:
                found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
            else:
                words = [bytes.fromhex(address[i : i + 8])[::-1] for i in range(0, 32, 8)]
                found.add(socket.inet_ntop(socket.AF_INET6, b"".join(words)))
    return found


def own_non_loopback_ipv4() -> list[str]:
    """This machine's own IPv4 addresses other than 127.0.0.0/8 (nothing else is contacted)."""
    if shutil.which("ip") is None:
        return []
    out = subprocess.run(["ip", "-o", "-4", "addr", "show"], capture_output=True, text=True)
    addresses = re.findall(r"\binet (\d+\.\d+\.\d+\.\d+)/", out.stdout)
    return [a for a in addresses if not a.startswith("127.")]


def test_rasa_and_the_action_server_listen_on_loopback_only(zicht: System):
    for name, port in (
        ("rasa", zicht.ports.rasa),
        ("actions", zicht.ports.actions),
        ("staff", zicht.ports.staff),
    ):
        addresses = listening_addresses(port)
        assert addresses == {"127.0.0.1"}, (name, addresses)
        for address in own_non_loopback_ipv4():
            with pytest.raises(OSError), socket.create_connection((address, port), timeout=2):
                pass


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/conversations/x/tracker"),
        ("POST", "/conversations/x/messages"),
        ("GET", "/status"),
        ("POST", "/model/parse"),
        ("PUT", "/model"),
    ],
)
def test_rasas_http_api_is_off(zicht: System, method: str, path: str):
    request = urllib.request.Request(
        f"http://127.0.0.1:{zicht.ports.rasa}{path}", method=method, data=b"{}"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code in (403, 404, 405)
