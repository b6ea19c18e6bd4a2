"""Helpers for tests that run a real NaikKelas platform: start/stop it, log learners in."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium as root, on a machine whose only network is loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NAIKKELAS = str(Path(sys.executable).with_name("naikkelas"))
# `run --demo` seeds 300 synthetic learners before the hub starts; a busy machine needs time.
START_TIMEOUT = 180


class Fatal(Exception):
    """Raised by a condition when waiting longer cannot help."""


# Issue 11's slow link for Chromium's CDP `Network.emulateNetworkConditions`: 1.6 Mbit/s down,
# 750 kbit/s up, 150 ms round trip (bytes per second). bench.page_weight adds 4x CPU slowdown.
THROTTLE = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}


def tap_first_answer(page, answer: str, feedback: str, timeout: float) -> None:
    """On a lesson page that may open on its intro screen: tap Lanjut if the answer is not there
    yet, tap the answer, and wait for its feedback (ms timeouts, as Playwright's)."""
    choice = page.get_by_role("button", name=answer)
    lanjut = page.get_by_role("button", name="Lanjut")
    choice.or_(lanjut).first.wait_for(timeout=timeout)
    if not choice.is_visible():
        lanjut.tap(timeout=timeout)
    choice.tap(timeout=timeout)
    page.get_by_text(feedback).first.wait_for(timeout=timeout)


def run_async(coroutine):
    """`asyncio.run(coroutine)` in a thread of its own: the browser tests' Playwright keeps an
    event loop in the main thread for the whole session, where asyncio.run refuses to start."""
    import asyncio
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def wait_for(condition, timeout: float, what: str, interval: float = 0.2):
    """Poll `condition` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = condition()
        except Fatal:
            raise
        except Exception as e:  # noqa: BLE001 - keep polling through transient errors
            last_error = e
            result = None
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what} (last error: {last_error})")


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port_block(size: int) -> int:
    """A port P such that P..P+size-1 are free on loopback (proxy, proxy API, hub, services).

    Chosen below the kernel's ephemeral range: a port the OS hands out for outgoing connections
    (a browser's, a test client's) could be taken again by one of them before the hub binds it,
    and a busy machine makes that likely."""
    low, _high = _ephemeral_range()
    rng = random.Random()
    for _ in range(500):
        base = rng.randrange(10000, max(10001, low - size))
        ok = True
        for port in range(base, base + size):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no free block of ports")


class HubProcess:
    """`naikkelas run` as a child process, with its log in the data directory."""

    def __init__(
        self,
        data_dir: Path,
        port: int,
        demo: bool = True,
        user: str | None = None,
        courses_dir: Path | None = None,
        extra_env: dict | None = None,
        synthetic_learners: int = 0,
        extra_args: list[str] | None = None,
        scheme: str = "http",
        verify: bool | str = True,
        db_url: str = "",
    ):
        self.data_dir = Path(data_dir)
        # `make run`'s demo seeds 300 synthetic learners for the reports; tests that need them
        # ask for them, the others start faster without.
        self.synthetic_learners = synthetic_learners
        self.port = port
        self.demo = demo
        self.user = user
        self.courses_dir = courses_dir or ROOT / "courses"
        self.extra_env = extra_env or {}
        self.extra_args = extra_args or []
        self.db_url = db_url  # NaikKelas's database; empty: SQLite in the data directory
        self.verify = verify  # a CA bundle (the test's own certificate) when serving https
        self.url = f"{scheme}://127.0.0.1:{port}"
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def settings(self):
        """NaikKelas settings of this platform (paths of its data, database URL)."""
        from naikkelas.hub.settings import Settings

        return Settings(data_dir=str(self.data_dir), db_url=self.db_url)

    def command(self) -> list[str]:
        cmd = [
            NAIKKELAS,
            "run",
            "--data-dir",
            str(self.data_dir),
            "--port",
            str(self.port),
            "--courses-dir",
            str(self.courses_dir),
        ]
        if self.demo:
            cmd += ["--demo", "--synthetic-learners", str(self.synthetic_learners)]
        if self.db_url:
            cmd += ["--db-url", self.db_url]
        cmd += self.extra_args
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return cmd

    def start(self) -> None:
        env = {**os.environ, **self.extra_env}
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            self.command(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=self.data_dir.parent,
            start_new_session=True,
        )
        try:
            wait_for(self.healthy, START_TIMEOUT, f"hub on {self.url} (log: {self.log_path})")
        except TimeoutError as e:
            # Say why in the failure itself: CI keeps only what the test run prints.
            raise TimeoutError(f"{e}\n--- end of the hub log ---\n{self.log()[-4000:]}") from None

    def healthy(self) -> bool:
        if self.proc.poll() is not None:
            raise Fatal(f"hub exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
        health = requests.get(f"{self.url}/hub/health", timeout=2, verify=self.verify)
        return health.status_code == 200

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C as a terminal sends it (to the foreground process group); returns the status."""
        os.killpg(self.proc.pid, signal.SIGINT)
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                self.interrupt()
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def fill_login(page, base_url: str, username: str, secret: str):
    """Fill JupyterHub's login form by its stable field names (ours and stock JupyterHub's alike);
    returns the submit button, which the caller taps or clicks (and may time)."""
    page.goto(f"{base_url}/hub/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', secret)
    return page.locator("#login_submit")


class LearnerClient(requests.Session):
    """A browser-like HTTP client of one logged-in user."""

    def __init__(self, base_url: str, username: str):
        super().__init__()
        self.base_url = base_url
        self.username = username
        self.server_url = f"{base_url}/user/{username}"

    def xsrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "_xsrf" and c.path == "/hub/")

    def login(self, secret: str) -> requests.Response:
        self.get(f"{self.base_url}/hub/login")
        return self.post(
            f"{self.base_url}/hub/login",
            data={"username": self.username, "password": secret, "_xsrf": self.xsrf()},
        )

    def wait_for_server(self) -> requests.Response:
        def home():
            r = self.get(f"{self.server_url}/naikkelas", timeout=10)
            return r if r.status_code == 200 and "nk-main" in r.text else None

        self.get(f"{self.base_url}/hub/spawn")
        return wait_for(home, START_TIMEOUT, f"{self.username}'s course home")

    def lesson_links(self) -> list[str]:
        html = self.get(f"{self.server_url}/naikkelas").text
        return re.findall(r'href="(/user/[^"]+/voila/render/[^"]+\.ipynb)"', html)

    def open_lesson(self, link: str) -> str:
        """Render a lesson with Voila (this starts its kernel); returns the kernel id."""
        r = self.get(f"{self.base_url}{link}", timeout=60)
        r.raise_for_status()
        match = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', r.text)
        assert match, "rendered lesson carries no kernel id"
        return match.group(1)

    def server_xsrf(self) -> str:
        for c in self.cookies:
            if c.name == "_xsrf" and c.path.startswith(f"/user/{self.username}"):
                return c.value
        return self.xsrf()


def kernel_message(msg_type: str, content: dict, channel: str = "shell") -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "session": uuid.uuid4().hex,
            "username": "attacker",
            "version": "5.3",
            "date": datetime.now(UTC).isoformat(),
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": channel,
        "buffers": [],
    }


def kernel_websocket(client: LearnerClient, kernel_id: str):
    """Open the kernel's websocket exactly as a Voila page does."""
    import websocket

    ws_url = client.server_url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies)
    return websocket.create_connection(
        ws_url, cookie=cookie, origin=client.base_url, timeout=10, subprotocols=None
    )


def replies(ws, until_msg_id: str, timeout: float = 15) -> list[dict]:
    """Read messages until the reply to `until_msg_id` arrives; returns all messages read."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        raw = ws.recv()
        if isinstance(raw, bytes):
            continue
        msg = json.loads(raw)
        seen.append(msg)
        if msg.get("parent_header", {}).get("msg_id") == until_msg_id and msg["msg_type"].endswith(
            "_reply"
        ):
            return seen
    raise TimeoutError(f"no reply to {until_msg_id}")


def processes_of(username: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["username"]):
        if proc.info["username"] == username:
            found.append(proc)
    return found


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class Postgres:
    """A throw-away PostgreSQL cluster on a Unix socket, run by an unprivileged user.

    PostgreSQL refuses to run as root; under root the cluster belongs to `nobody`.
    """

    def __init__(self):
        import tempfile

        self.dir = Path(tempfile.mkdtemp(prefix="nk-pg-", dir="/tmp"))
        self.port = free_port_block(1)
        self.as_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            os.chmod(self.dir, 0o755)  # noqa: S103 - the cluster's user must reach it
            os.chown(self.dir, 65534, 65534)
        self.data = self.dir / "data"
        self._run(PG_BIN / "initdb", "-D", self.data, "-U", "nk", "-A", "trust", "--no-sync")
        self.url = f"postgresql+psycopg://nk@/postgres?host={self.dir}&port={self.port}"

    def _run(self, *args):
        subprocess.run([*self.as_user, *map(str, args)], check=True, capture_output=True)

    def start(self) -> None:
        options = f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off"
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.dir / "log", "-o", options, "-w",
                  "start")  # fmt: skip

    def stop(self) -> None:
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def new_database(self, name: str) -> str:
        """URL of a new, empty database `name` in this cluster."""
        from sqlalchemy import create_engine

        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        return self.url.replace("/postgres?", f"/{name}?")

    def remove(self) -> None:
        import contextlib
        import shutil

        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
