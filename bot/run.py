"""Start the whole system: Rasa (Python 3.10 env), the action server, the staff dashboard and
the web app.

`python -m bot.run` is what `make run` calls. All four bind to loopback; only the web app is
meant to be exposed (behind a TLS proxy in production); it forwards /staff to the dashboard.
Only the dashboard gets the private keyring. Ctrl-C stops everything cleanly. The same `System`
class starts the real processes for the end-to-end tests.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bot.reports import ReportStore, StoreConfig
from bot.reports.keys import (
    PRIVATE_KEY_FILE_ENV,
    default_key_files,
    ensure_key_pair,
    public_side_environment,
)

ROOT = Path(__file__).resolve().parents[1]
RASA_BIN = Path(os.environ.get("ZICHT_RASA_BIN", ROOT / ".venv-rasa" / "bin" / "rasa"))
MODEL = Path(os.environ.get("ZICHT_MODEL", ROOT / "models" / "zicht.tar.gz"))
ENDPOINTS = ROOT / "endpoints.yml"
# Redis tracker and lock stores shared by several Rasa instances (deploy/OPERATIONS.md).
PRODUCTION_ENDPOINTS = ROOT / "endpoints.production.yml"
# What endpoints.production.yml reads when the environment does not say: Redis on loopback.
REDIS_DEFAULTS = {
    "REDIS_HOST": "127.0.0.1",
    "REDIS_PORT": "6379",
    "REDIS_PASSWORD": "",
    "REDIS_DB": "0",
    "REDIS_KEY_PREFIX": "zicht",
}
QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONUNBUFFERED": "1",
}


# Ports chosen for servers lie below the kernel's ephemeral range (Linux: 32768-60999), which it
# never hands out on its own: a client connection opened between the choice and the server's bind
# (a test, a health check, a database connection) cannot take the port first. A port from the
# ephemeral range once made the action server's worker fail to start in a full test run.
_SERVER_PORTS = (20000, 32767)
_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _ephemeral_low() -> int:
    try:
        return int(_EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A free TCP port on loopback (for tests and benchmarks that run beside `make run`), below
    the ephemeral range where there is room, else any the kernel gives."""
    low, high = _SERVER_PORTS[0], min(_SERVER_PORTS[1], _ephemeral_low() - 1)
    chooser = random.SystemRandom()
    for _ in range(200 if high > low else 0):
        port = chooser.randint(low, high)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int, attempts: int = 50) -> int:
    """The first of `count` consecutive free loopback ports (for several Rasa instances)."""
    for _ in range(attempts):
        first = free_port()
        try:
            with contextlib.ExitStack() as stack:
                for port in range(first, first + count):
                    sock = stack.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {count} consecutive free ports found")


@dataclass
class Ports:
    web: int = 8080
    rasa: int = 5005
    actions: int = 5055
    staff: int = 8081


@dataclass
class System:
    """The processes of Zicht; `logs` collects their output when a folder is given.

    `rasa_instances` Rasa servers run on consecutive ports from `ports.rasa`, all with the
    `endpoints` file (endpoints.production.yml for several: they share Redis); the web app
    spreads the conversations over them.
    """

    ports: Ports = field(default_factory=Ports)
    env: dict[str, str] = field(default_factory=dict)
    log_dir: Path | None = None
    endpoints: Path = ENDPOINTS
    rasa_instances: int = 1
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _files: list[IO[bytes]] = field(default_factory=list)
    _commands: dict[str, tuple[list[str], dict[str, str] | None]] = field(default_factory=dict)

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.web}"

    @property
    def staff_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.staff}"

    @property
    def rasa_urls(self) -> list[str]:
        """One URL per Rasa instance, on consecutive ports."""
        return [f"http://127.0.0.1:{self.ports.rasa + i}" for i in range(self.rasa_instances)]

    @staticmethod
    def rasa_name(index: int) -> str:
        """The process name of Rasa instance `index`: rasa, rasa-2, rasa-3, …"""
        return "rasa" if index == 0 else f"rasa-{index + 1}"

    def _staff_environment(self) -> dict[str, str]:
        """The dashboard's environment: the public side's plus the private keyring."""
        env = self._environment()
        given = {**os.environ, **self.env}
        env[PRIVATE_KEY_FILE_ENV] = given.get(PRIVATE_KEY_FILE_ENV) or str(
            default_key_files(given).private
        )
        env["ZICHT_STAFF_PORT"] = str(self.ports.staff)
        env.setdefault("ZICHT_STAFF_BASE_URL", self.web_url)
        return env

    def _environment(self) -> dict[str, str]:
        # Rasa, the action server and the web app are the public side: no private key reaches
        # them; the action server seals with the public key file.
        env = public_side_environment({**REDIS_DEFAULTS, **os.environ, **QUIET_ENV, **self.env})
        if not env.get("ZICHT_PUBLIC_KEY"):
            env["ZICHT_PUBLIC_KEY_FILE"] = str(default_key_files(env).public)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        env["ZICHT_ACTION_ENDPOINT"] = f"http://127.0.0.1:{self.ports.actions}/webhook"
        env["ZICHT_RASA_URLS"] = ",".join(self.rasa_urls)
        env["ZICHT_ACTIONS_URL"] = f"http://127.0.0.1:{self.ports.actions}"
        env["ZICHT_WEB_PORT"] = str(self.ports.web)
        env["ZICHT_STAFF_URL"] = f"http://127.0.0.1:{self.ports.staff}"
        env["SANIC_HOST"] = "127.0.0.1"
        return env

    def _spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        output: IO[bytes] | int | None = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            handle = (self.log_dir / f"{name}.log").open("ab")
            self._files.append(handle)
            output = handle
        self._commands[name] = (command, env)
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self._environment() if env is None else env,
            stdout=output,
            stderr=subprocess.STDOUT if output is not None else None,
            start_new_session=True,
        )

    def start(self) -> None:
        if not MODEL.exists():
            raise SystemExit(f"No trained model at {MODEL}: run `make train` first.")
        created = ensure_key_pair({**os.environ, **self.env})
        if created is not None:
            print(
                "Created the key pair of the encryption at rest:\n"
                f"  public key (action server):        {created.public}\n"
                f"  private keyring (staff side only): {created.private}",
                flush=True,
            )
        with ReportStore(StoreConfig.from_env(self._environment())) as store:
            store.migrate()
        self._spawn(
            "actions",
            [
                sys.executable,
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "-p",
                str(self.ports.actions),
            ],
        )
        for index in range(self.rasa_instances):
            self._spawn(self.rasa_name(index), self._rasa_command(self.ports.rasa + index))
        self._spawn("staff", [sys.executable, "-m", "bot.staff"], self._staff_environment())
        self._spawn("web", [sys.executable, "-m", "bot.web"])

    def _rasa_command(self, port: int) -> list[str]:
        return [
            str(RASA_BIN),
            "run",
            "--model",
            str(MODEL),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--endpoints",
            str(self.endpoints),
            "--credentials",
            str(ROOT / "credentials.yml"),
        ]

    def healthy(self) -> bool:
        """The web app's health check passes and the dashboard serves its login page."""
        return _answers(f"{self.web_url}/healthz") and _answers(f"{self.staff_url}/staff/login")

    def wait_until_healthy(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {process.returncode}")
            if self.healthy():
                return
            time.sleep(0.5)
        raise TimeoutError(f"Zicht was not healthy within {timeout:.0f} s")

    def stop(self, grace: float = 15.0) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for handle in self._files:
            handle.close()
        self._files.clear()

    def stop_one(self, name: str) -> None:
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)

    def restart_one(self, name: str) -> None:
        """Stop one process if it still runs and start it again the same way (fault tests)."""
        if self.processes[name].poll() is None:
            self.stop_one(name)
        command, env = self._commands[name]
        self._spawn(name, command, env)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def running(system: System, timeout: float = 180.0) -> Iterator[System]:
    system.start()
    try:
        system.wait_until_healthy(timeout)
        yield system
    finally:
        system.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Run Zicht: Rasa, action server, staff dashboard and web app."
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("ZICHT_WEB_PORT", 8080)))
    parser.add_argument(
        "--staff-port", type=int, default=int(os.environ.get("ZICHT_STAFF_PORT", 8081))
    )
    parser.add_argument(
        "--production",
        action="store_true",
        help="Redis tracker and lock stores (endpoints.production.yml; REDIS_* variables)",
    )
    parser.add_argument(
        "--rasa-instances", type=int, default=int(os.environ.get("ZICHT_RASA_INSTANCES", 1))
    )
    args = parser.parse_args()
    endpoints = Path(os.environ.get("ZICHT_ENDPOINTS") or ENDPOINTS)
    if args.production:
        endpoints = PRODUCTION_ENDPOINTS
    if args.rasa_instances > 1 and endpoints == ENDPOINTS:
        parser.error("several Rasa instances need shared stores: add --production")
    system = System(
        ports=Ports(web=args.port, staff=args.staff_port),
        endpoints=endpoints,
        rasa_instances=args.rasa_instances,
    )
    stop = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    system.start()
    try:
        print("Starting Rasa, the action server, the staff dashboard and the web app …", flush=True)
        deadline = time.monotonic() + 300
        while not stop and not system.healthy():
            if any(p.poll() is not None for p in system.processes.values()):
                raise SystemExit("A process stopped during start-up; see its output above.")
            if time.monotonic() > deadline:
                raise SystemExit("Zicht did not become healthy within 300 s.")
            time.sleep(0.5)
        if not stop:
            print(
                f"\nZicht is running: {system.web_url}  (staff: {system.web_url}/staff; "
                "accounts: `zicht staff add`)  Ctrl-C stops everything\n",
                flush=True,
            )
        while not stop:
            if any(p.poll() is not None for p in system.processes.values()):
                print("A process stopped unexpectedly; stopping the others.", flush=True)
                break
            time.sleep(0.5)
    finally:
        print("Stopping …", flush=True)
        system.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
