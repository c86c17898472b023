"""Fixtures of the staff dashboard tests on SQLite (see tests/staff_helpers.py)."""

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
async def staff(aiohttp_client, tmp_path, staff_casework) -> StaffEnv:
    return await make_staff_env(
        aiohttp_client, f"sqlite:///{tmp_path / 'staff.db'}", staff_casework
    )
