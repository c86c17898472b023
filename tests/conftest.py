"""The real system (Rasa, action server, web app), started once per test session.

Shared by tests/e2e and tests/browser so that one run starts it only once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.reports import ReportReader, StoreConfig
from bot.reports.keys import default_key_files, read_keyring
from bot.run import MODEL, Ports, System, free_port, running

# The test suite is one client that sends the next message as soon as the answer is there, up
# to ~100 messages a second, and starts hundreds of conversations in a few minutes: more than
# the overall and new-conversation ceilings allow one municipality's visitors (40 messages and
# 2 new conversations a second after a burst). Those two limits are tested on their own
# (tests/integration/test_abuse_limits.py, benchmarks/flood.py); here they are raised so that
# they do not decide which conversation test gets a 429. The per-conversation limit stays as it
# ships.
SUITE_RATES = {
    "ZICHT_RATE_OVERALL": "1000/60000",
    "ZICHT_RATE_NEW_SESSIONS": "1000/60000",
}


@pytest.fixture(scope="session")
def zicht(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: `make test` trains it first")
    var = tmp_path_factory.mktemp("var")
    system = System(
        ports=Ports(web=free_port(), rasa=free_port(), actions=free_port(), staff=free_port()),
        env={
            "ZICHT_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{var / 'zicht.db'}",
            **SUITE_RATES,
        },
        log_dir=Path(var) / "logs",
    )
    with running(system, timeout=240):
        yield system


def staff_reader(system: System) -> ReportReader:
    """The staff side's view of a running system's database: it holds the private keyring,
    which the system's own processes never get."""
    keyring = read_keyring(default_key_files({**os.environ, **system.env}).private)
    return ReportReader(StoreConfig.from_env(system._environment()), keyring)


@pytest.fixture(scope="session")
def store(zicht: System) -> Iterator[ReportReader]:
    with staff_reader(zicht) as report_store:
        yield report_store
