"""Fixtures of the staff dashboard tests on SQLite and PostgreSQL (see tests/staff_helpers.py).

``database_url`` comes from tests/integration/conftest.py (one fresh database per test, both
engines).
"""

from __future__ import annotations

import pytest
from staff_helpers import StaffEnv, fast_password_hashing, make_staff_env


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch) -> None:
    fast_password_hashing(monkeypatch)


@pytest.fixture
def staff_casework() -> object | None:
    """The Casework the staff app gets; override it to test report pages."""
    return None


@pytest.fixture
async def staff(aiohttp_client, database_url, staff_casework) -> StaffEnv:
    return await make_staff_env(aiohttp_client, database_url, staff_casework)
