"""Shared fixtures of the NaikKelas test suite.

Fixtures
--------
hub
    Session-wide: one real NaikKelas platform (`naikkelas run --demo`: JupyterHub, the npm proxy,
    services) on a free loopback port with its own data directory. Tests that do not disturb
    each other share it.
start_hub
    Factory for a hub of a test's own (for tests that stop it or start it differently).
postgres
    Session-wide throw-away PostgreSQL cluster (started on first use).

Databases: the integration and security suites (tests/integration/conftest.py,
tests/security/conftest.py) get `hub` and `start_hub` hubs that keep NaikKelas's data (accounts,
progress, gradebook) in a database of their own on the session's PostgreSQL cluster; the browser
tests' hubs use SQLite, the single-server default. NAIKKELAS_TEST_DB=sqlite or =postgres puts
every hub on one kind (`make test-sqlite`, `make test-postgres`). JupyterHub's own state stays
SQLite.
new_learner
    Factory: ``new_learner()`` makes a fresh learner in cohort ``demo``; returns (username, PIN).
learner
    Factory: ``learner("peserta1")`` logs a demo learner in and returns a `LearnerClient` whose
    server is running.
browser
    Session-wide Playwright Chromium (Debian's /usr/bin/chromium, headless).
phone
    A fresh browser page with a 360x740 phone viewport; every request it makes is recorded in
    ``phone.requests`` so tests can assert that nothing leaves the deployment.
artifacts
    A folder under ``test-output/`` named after the test, for screenshots.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest

from tests.support import (
    CHROMIUM,
    HubProcess,
    LearnerClient,
    Postgres,
    free_port_block,
    launch_chromium,
)

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items):
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts or "security" in parts:
            item.add_marker(pytest.mark.hub)
        if "browser" in parts:
            item.add_marker(pytest.mark.hub)
            item.add_marker(pytest.mark.browser)


def database_kind(default: str) -> str:
    """Where hubs keep NaikKelas's data: NAIKKELAS_TEST_DB ("sqlite" or "postgres") for every
    hub, or else `default` (the suite's folders choose: see the module docstring)."""
    kind = os.environ.get("NAIKKELAS_TEST_DB") or default
    if kind not in ("sqlite", "postgres"):
        pytest.fail(f"NAIKKELAS_TEST_DB={kind!r}: use sqlite or postgres")
    return kind


@pytest.fixture(scope="session")
def postgres():
    """One throw-away PostgreSQL cluster for the session, started when first asked for; tests
    make a database or schema of their own in it."""
    pg = Postgres()
    pg.start()
    yield pg
    pg.remove()


def _hub_starter(tmp_path_factory, request, kind: str):
    started: list[HubProcess] = []

    def start(name="hub", demo=True, **kwargs) -> HubProcess:
        data_dir = tmp_path_factory.mktemp(name)
        if kind == "postgres" and "db_url" not in kwargs:
            cluster = request.getfixturevalue("postgres")
            kwargs["db_url"] = cluster.new_database(data_dir.name.replace("-", "_"))
        hub = HubProcess(data_dir=data_dir, port=free_port_block(5), demo=demo, **kwargs)
        started.append(hub)
        hub.start()
        return hub

    return start, started


@pytest.fixture(scope="session")
def start_hub(tmp_path_factory, request):
    start, started = _hub_starter(tmp_path_factory, request, database_kind("sqlite"))
    yield start
    for hub in started:
        hub.stop()


@pytest.fixture(scope="session")
def start_server_hub(tmp_path_factory, request):
    """`start_hub` for the integration and security suites: NaikKelas's data on PostgreSQL, the
    database of a deployment that outgrows one server (tests/integration/conftest.py)."""
    start, started = _hub_starter(tmp_path_factory, request, database_kind("postgres"))
    yield start
    for hub in started:
        hub.stop()


# A short grader lease, so the test that kills the grader mid-grade sees it taken over soon;
# the officials' dashboard reloads its figures as soon as they are out of date.
SHARED_HUB = {
    "extra_env": {
        "NAIKKELAS_GRADING_LEASE_SECONDS": "8",
        "NAIKKELAS_DASHBOARD_RELOAD_SECONDS": "0",
    }
}


@pytest.fixture(scope="session")
def hub(start_hub) -> HubProcess:
    return start_hub("shared-hub", **SHARED_HUB)


@pytest.fixture(scope="session")
def server_hub(request, start_server_hub) -> HubProcess:
    """The shared hub of the integration and security suites (PostgreSQL unless
    NAIKKELAS_TEST_DB says otherwise; then it is the same hub as `hub`)."""
    if database_kind("postgres") == database_kind("sqlite"):
        return request.getfixturevalue("hub")
    return start_server_hub("shared-hub-pg", **SHARED_HUB)


@pytest.fixture
def new_learner(hub):
    """Factory: a fresh learner of cohort `demo`, as (username, PIN), for a clean slate."""
    from naikkelas.hub.accounts import Role, upsert_account
    from naikkelas.hub.db import engine_for

    engine = engine_for(hub.settings.naikkelas_db_url)

    def make(display_name="Peserta Uji") -> tuple[str, str]:
        username = f"uji{uuid.uuid4().hex[:8]}"
        upsert_account(
            engine, username, Role.LEARNER, "246810", cohort="demo", display_name=display_name
        )
        return username, "246810"

    return make


@pytest.fixture
def learner(hub):
    def login(username="peserta1", pin="123456") -> LearnerClient:
        client = LearnerClient(hub.url, username)
        client.login(pin)
        client.wait_for_server()
        return client

    return login


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} missing: `make test` installs Debian's chromium")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def phone(browser, request):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="id-ID"
    )
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = artifact_dir(request.node)
        page.screenshot(path=folder / "failure.png", full_page=True)
    context.close()


def artifact_dir(node) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.nodeid)
    folder = ROOT / "test-output" / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def artifacts(request) -> Path:
    return artifact_dir(request.node)
