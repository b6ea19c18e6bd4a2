"""Login to first interactive widget, NaikKelas against stock JupyterHub + Voila, side by side.

Run as root from the project root (after `make install-test`):

    /opt/naikkelas/venv/bin/python -m bench.login_to_widget [--runs 3]

For each platform and run, a real headless Chromium at 360x740:
- cold: the learner's server is not running; time from pressing the login button until the
  lesson's first widget button can be tapped (NaikKelas: login -> course home -> tap lesson);
- warm: the server is already running; the same, measured again in a new browser session.
Then the resident memory of that learner's server and lesson kernel (all their processes).

Stock baseline: JupyterHub's DummyAuthenticator and LocalProcessSpawner with the same system
user kind, default settings, Voila's default template, the same lesson notebook, default URL
straight to the lesson (one step fewer than NaikKelas's course home).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

from tests.support import (
    HubProcess,
    LearnerClient,
    fill_login,
    free_port_block,
    launch_chromium,
    processes_of,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "courses" / "mengenal-naikkelas" / "01-cara-menjawab.ipynb"
STOCK_USER = "nkbench-stock"


class StockHub(HubProcess):
    """Stock JupyterHub + Voila: default settings but for a dummy password and the lesson URL."""

    def command(self) -> list[str]:
        config = self.data_dir / "jupyterhub_config.py"
        config.write_text(
            textwrap.dedent(f"""
            c.JupyterHub.port = {self.port}
            c.JupyterHub.hub_port = {self.port + 2}
            c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{self.port + 1}"
            c.ConfigurableHTTPProxy.command = [{str(proxy_path())!r}]
            c.JupyterHub.authenticator_class = "dummy"
            c.DummyAuthenticator.password = "bench-pass"
            c.Authenticator.allowed_users = {{"{STOCK_USER}"}}
            c.Spawner.cmd = [{str(Path(sys.executable).with_name("jupyterhub-singleuser"))!r}]
            c.Spawner.default_url = "/voila/render/lesson.ipynb"
            c.JupyterHub.db_url = "sqlite:///{self.data_dir}/jupyterhub.sqlite"
            c.JupyterHub.cookie_secret_file = "{self.data_dir}/cookie_secret"
            """)
        )
        return [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(config)]


def proxy_path() -> str:
    from naikkelas.hub.settings import Settings

    return Settings().proxy_path


def bench_prologue(description: str, **arguments) -> argparse.Namespace:
    """Parse the benchmark's arguments, insist on root, and prepare the stock learner."""
    parser = argparse.ArgumentParser(description=description)
    for name, default in arguments.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root: both platforms spawn learners as system users")
    ensure_stock_user()
    return args


def ensure_stock_user() -> None:
    try:
        entry = pwd.getpwnam(STOCK_USER)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", STOCK_USER], check=True)
        entry = pwd.getpwnam(STOCK_USER)
    target = Path(entry.pw_dir) / "lesson.ipynb"
    shutil.copy(LESSON, target)
    os.chown(target, entry.pw_uid, entry.pw_gid)


def stop_server(hub: HubProcess, username: str, secret: str, unix_user: str) -> None:
    """Stop the learner's server the way the hub does it (its REST API, as that user)."""
    client = LearnerClient(hub.url, username)
    client.login(secret)
    client.delete(
        f"{hub.url}/hub/api/users/{username}/server", headers={"X-XSRFToken": client.xsrf()}
    )

    def stopped():
        user = client.get(f"{hub.url}/hub/api/user").json()
        return not user["servers"] and not processes_of(unix_user)

    wait_for(stopped, 60, f"{username}'s server to stop")


def time_login(browser, hub_url: str, username: str, secret: str, via_course_home: bool) -> float:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    submit = fill_login(page, hub_url, username, secret)
    start = time.perf_counter()
    submit.tap()
    if via_course_home:
        page.click("a.nk-lesson", timeout=120_000)
    # The first widget a learner can tap (a lesson's Kembali starts disabled).
    tappable = page.locator(".widget-button:not([disabled])").first
    tappable.wait_for(timeout=120_000)
    tappable.click(trial=True)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def memory_mib(unix_user: str) -> float:
    total = 0
    for proc in processes_of(unix_user):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += proc.memory_info().rss
    return total / 2**20


def measure(browser, hub, username, secret, unix_user, via_course_home, runs):
    cold, warm, mem = [], [], []
    for _ in range(runs):
        if processes_of(unix_user):
            stop_server(hub, username, secret, unix_user)
        cold.append(time_login(browser, hub.url, username, secret, via_course_home))
        warm.append(time_login(browser, hub.url, username, secret, via_course_home))
        mem.append(memory_mib(unix_user))
    return statistics.median(cold), statistics.median(warm), statistics.median(mem)


def main() -> None:
    args = bench_prologue("login to first interactive widget", runs=3)
    base = Path(tempfile.mkdtemp(prefix="nk-bench-"))
    ours = HubProcess(data_dir=base / "naikkelas", port=free_port_block(5))
    ours.data_dir.mkdir()
    stock_dir = base / "stock"
    stock_dir.mkdir()
    stock = StockHub(data_dir=stock_dir, port=free_port_block(5))
    results = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            stock.start()
            results["stock JupyterHub + Voila"] = measure(
                browser, stock, STOCK_USER, "bench-pass", STOCK_USER, False, args.runs
            )
            stock.stop()
            ours.start()
            results["NaikKelas"] = measure(
                browser, ours, "peserta1", "123456", "nk-peserta1", True, args.runs
            )
        finally:
            ours.stop()
            stock.stop()
            browser.close()
    print(f"login -> first interactive widget, 360x740 headless Chromium, median of {args.runs}")
    print(f"{'platform':<28}{'cold (s)':>10}{'warm (s)':>10}{'memory (MiB)':>14}")
    for name, (cold, warm, mem) in results.items():
        print(f"{name:<28}{cold:>10.2f}{warm:>10.2f}{mem:>14.0f}")
    s, n = results["stock JupyterHub + Voila"], results["NaikKelas"]
    print(
        f"{'ratio NaikKelas/stock':<28}{n[0] / s[0]:>10.2f}{n[1] / s[1]:>10.2f}{n[2] / s[2]:>14.2f}"
    )
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
