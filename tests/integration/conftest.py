"""Hubs of this suite keep NaikKelas's data on PostgreSQL (tests/server_hubs.py)."""

from tests.server_hubs import hub, start_hub  # noqa: F401
