"""Fixtures of the integration and security suites: their hubs keep NaikKelas's data on
PostgreSQL (see tests/conftest.py). Imported by those suites' conftest.py."""

import pytest


@pytest.fixture(scope="session")
def start_hub(start_server_hub):
    return start_server_hub


@pytest.fixture(scope="session")
def hub(server_hub):
    return server_hub
