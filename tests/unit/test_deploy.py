"""deploy/compose.yaml and its Dockerfiles, checked without a Docker engine.

PyYAML reads the compose file; the checks hold it against the code: every module a command runs
exists, every port is bot.run's default, every ZICHT_* variable is read somewhere in bot/ or
actions/, every variable endpoints.production.yml needs is set, every file a Dockerfile copies
exists, and the secrets go only where they belong.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from bot.run import Ports

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PORTS = Ports()
# Variables read by something other than our code, and by what.
FOREIGN_VARIABLES = {
    "PGPASSFILE": "libpq (psycopg) reads the database password from this file",
    "SANIC_HOST": "rasa_sdk's action server binds to it",
    "RASA_TELEMETRY_ENABLED": "Rasa",
    "POSTGRES_DB": "the postgres image",
    "POSTGRES_USER": "the postgres image",
    "POSTGRES_PASSWORD_FILE": "the postgres image",
    "SITE_ADDRESS": "deploy/Caddyfile",
}
ENDPOINT_VARIABLE = re.compile(r"\$\{(\w+)\}")


@cache
def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


@cache
def source_text() -> str:
    files = [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("actions").rglob("*.py")]
    return "\n".join(path.read_text("utf-8") for path in files)


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def dockerfile_lines(name: str) -> list[str]:
    """The instructions of a Dockerfile, continuation lines joined, comments dropped."""
    text = (DEPLOY / name).read_text("utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def port_of(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None, url
    return port


# --- structure ----------------------------------------------------------------------------------


def test_every_part_of_the_system_is_a_service():
    assert set(services()) == {
        "proxy",
        "web",
        "staff",
        "actions",
        "migrate",
        "rasa",
        "postgres",
        "redis",
    }


def test_images_and_builds():
    app_builds = {name: s["build"]["dockerfile"] for name, s in services().items() if "build" in s}
    assert app_builds == {
        "web": "deploy/Dockerfile",
        "staff": "deploy/Dockerfile",
        "actions": "deploy/Dockerfile",
        "migrate": "deploy/Dockerfile",
        "rasa": "deploy/Dockerfile.rasa",
    }
    for service in services().values():
        if "build" in service:
            context = (DEPLOY / service["build"]["context"]).resolve()
            assert context == ROOT
            assert (context / service["build"]["dockerfile"]).is_file()
    assert dockerfile_lines("Dockerfile")[0] == "FROM python:3.12-slim"
    rasa_lock = (ROOT / "requirements" / "rasa.lock").read_text("utf-8")
    version = re.search(r"^rasa==(\S+)$", rasa_lock, re.MULTILINE)
    assert version is not None
    assert dockerfile_lines("Dockerfile.rasa")[0] == f"FROM rasa/rasa:{version.group(1)}"
    assert services()["postgres"]["image"] == "postgres:15"
    assert services()["redis"]["image"] == "redis:7"
    assert services()["proxy"]["image"].startswith("caddy:")


def test_rasa_runs_replicas_with_the_production_endpoints():
    rasa = services()["rasa"]
    assert rasa["deploy"]["replicas"] >= 2
    command = command_of(rasa)
    assert command[0] == "run" and "--enable-api" not in command
    assert option(command, "--endpoints") == "endpoints.production.yml"
    assert option(command, "--model") == "models/zicht.tar.gz"
    copied = " ".join(line for line in dockerfile_lines("Dockerfile.rasa") if line[:4] == "COPY")
    for name in ("endpoints.production.yml", "credentials.yml"):
        assert name in copied
    assert "--fixed-model-name zicht" in " ".join(dockerfile_lines("Dockerfile.rasa"))


def test_the_production_endpoints_use_redis_with_a_short_expiry():
    endpoints = yaml.safe_load((ROOT / "endpoints.production.yml").read_text("utf-8"))
    assert endpoints["tracker_store"]["type"] == "redis"
    assert endpoints["lock_store"]["type"] == "redis"
    assert 0 < endpoints["tracker_store"]["record_exp"] <= 1800
    domain = yaml.safe_load((ROOT / "domain.yml").read_text("utf-8"))
    session = domain["session_config"]
    assert session["carry_over_slots_to_new_session"] is False
    assert endpoints["tracker_store"]["record_exp"] == session["session_expiration_time"] * 60


def test_redis_keeps_nothing_on_disk_and_the_backend_has_no_way_out():
    command = command_of(services()["redis"])
    assert option(command, "--save") == ""
    assert option(command, "--appendonly") == "no"
    assert "volumes" not in services()["redis"]
    assert compose()["networks"]["backend"]["internal"] is True
    exposed = {name for name, s in services().items() if "ports" in s}
    assert exposed == {"proxy"}


def test_migrations_run_once_before_the_app():
    assert command_of(services()["migrate"])[-2:] == ["bot.cli", "migrate"]
    assert services()["migrate"]["restart"] == "no"
    for name in ("actions", "staff"):
        condition = services()[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"


# --- the code behind the names ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["web", "staff", "actions", "migrate"], ids=lambda name: f"service={name}"
)
def test_each_python_module_exists(name):
    command = command_of(services()[name])
    assert command[:2] == ["python", "-m"]
    module = command[2]
    spec = importlib.util.find_spec(module)
    assert spec is not None, module
    if spec.submodule_search_locations:  # a package: it needs a __main__
        assert importlib.util.find_spec(f"{module}.__main__") is not None


def test_ports_are_the_defaults_of_bot_run():
    env = {name: s.get("environment", {}) for name, s in services().items()}
    assert int(env["web"]["ZICHT_WEB_PORT"]) == PORTS.web
    assert int(env["staff"]["ZICHT_STAFF_PORT"]) == PORTS.staff
    assert port_of(env["web"]["ZICHT_STAFF_URL"]) == PORTS.staff
    assert port_of(env["web"]["ZICHT_RASA_URLS"]) == PORTS.rasa
    assert port_of(env["web"]["ZICHT_ACTIONS_URL"]) == PORTS.actions
    assert port_of(env["rasa"]["ZICHT_ACTION_ENDPOINT"]) == PORTS.actions
    assert int(option(command_of(services()["rasa"]), "--port")) == PORTS.rasa
    assert int(option(command_of(services()["actions"]), "-p")) == PORTS.actions
    caddyfile = (DEPLOY / "Caddyfile").read_text("utf-8")
    assert f"reverse_proxy web:{PORTS.web}" in caddyfile
    assert {"80:80", "443:443"} == set(services()["proxy"]["ports"])


def test_every_variable_is_read_by_something():
    for name, service in services().items():
        for variable in service.get("environment", {}):
            if variable.startswith("ZICHT_") or variable == "DATABASE_URL":
                assert f'"{variable}"' in source_text(), f"{name}: {variable} is read nowhere"
            elif variable.startswith("REDIS_"):
                assert name == "rasa", variable
            else:
                assert variable in FOREIGN_VARIABLES, f"{name}: {variable}"
    assert "{$SITE_ADDRESS}" in (DEPLOY / "Caddyfile").read_text("utf-8")


def test_rasa_gets_every_variable_of_the_production_endpoints():
    needed = set(ENDPOINT_VARIABLE.findall((ROOT / "endpoints.production.yml").read_text("utf-8")))
    given = set(services()["rasa"]["environment"])
    assert needed <= given
    assert {v for v in given if v.startswith("REDIS_")} <= needed


def test_every_file_the_dockerfiles_copy_exists():
    for name in ("Dockerfile", "Dockerfile.rasa"):
        for line in dockerfile_lines(name):
            words = line.split()
            if words[0] != "COPY":
                continue
            sources = [word for word in words[1:-1] if not word.startswith("--")]
            assert sources, line
            for source in sources:
                assert (ROOT / source).exists(), f"{name}: {source}"


def test_the_rasa_image_installs_only_pinned_packages():
    lock = (ROOT / "requirements" / "rasa.lock").read_text("utf-8").lower()
    [install] = [line for line in dockerfile_lines("Dockerfile.rasa") if "pip install" in line]
    assert "-c requirements/rasa.lock" in install
    packages = install.split("requirements/rasa.lock", 1)[1].split()
    for package in packages:
        assert re.search(rf"^{re.escape(package)}==", lock, re.MULTILINE), package


# --- secrets ------------------------------------------------------------------------------------


def test_secrets_are_files_outside_git():
    declared = compose()["secrets"]
    assert {"code_key", "public_key", "private_keyring"} <= set(declared)
    for secret in declared.values():
        assert set(secret) == {"file"}
        assert secret["file"].startswith("./secrets/")
    assert "/secrets/" in (DEPLOY / ".gitignore").read_text("utf-8").split()


def test_only_the_dashboard_holds_the_private_keyring():
    holders = {n for n, s in services().items() if "private_keyring" in s.get("secrets", [])}
    assert holders == {"staff"}
    for name, service in services().items():
        env = service.get("environment", {})
        assert ("ZICHT_PRIVATE_KEY_FILE" in env) == (name == "staff"), name
        assert "ZICHT_PRIVATE_KEY" not in env
    assert "secrets" not in services()["web"]  # the public face has no key and no database


def test_only_the_dashboard_holds_the_totp_key_and_keeps_it_outside_its_read_only_image():
    """The TOTP secrets are sealed with it (bot.staff.totp_secrets); in a read-only container
    the default file under the var folder could not be made, and would not survive a rebuild."""
    holders = {n for n, s in services().items() if "totp_key" in s.get("secrets", [])}
    assert holders == {"staff"}
    assert services()["staff"]["environment"]["ZICHT_TOTP_KEY_FILE"] == "/run/secrets/totp_key"
    assert compose()["secrets"]["totp_key"] == {"file": "./secrets/totp.key"}
    assert "secrets/totp.key" in (DEPLOY / "OPERATIONS.md").read_text("utf-8")


def test_secret_paths_point_at_the_service_own_secrets():
    for name, service in services().items():
        own = set(service.get("secrets", []))
        assert own <= set(compose()["secrets"]), name
        for variable, value in service.get("environment", {}).items():
            value = str(value)
            if value.startswith("/run/secrets/"):
                assert value.removeprefix("/run/secrets/") in own, f"{name}: {variable}"
            elif re.search("KEY|PASSWORD|SECRET", variable) and variable != "REDIS_KEY_PREFIX":
                assert value in ("",) or variable.endswith("_FILE"), f"{name}: {variable}"


def test_operations_guide_links_the_key_handling():
    guide = (DEPLOY / "OPERATIONS.md").read_text("utf-8")
    assert "../docs/operations-keys.md" in guide
    assert (ROOT / "docs" / "operations-keys.md").is_file()
    for topic in ("pg_dump", "zicht migrate", "restore", "replicas", "municipality"):
        assert topic in guide, topic


def test_ports_for_test_servers_lie_below_the_ephemeral_range():
    """A client connection cannot take a port chosen for a server before the server binds it."""
    from bot.run import _ephemeral_low, free_port, free_ports

    low = _ephemeral_low()
    ports = {free_port() for _ in range(20)}
    assert all(20000 <= port < low for port in ports)
    assert len(ports) > 1  # chosen at random, not one fixed port
    first = free_ports(2)
    assert first + 1 < low
