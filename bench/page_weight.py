"""Page weight, time to interactive and memory of a lesson on a slow phone: NaikKelas beside a
plain stock Voila, measured in one run so both see the same machine load.

Run as root from the project root (after `make install-test`):

    .naikkelas/venv/bin/python -m bench.page_weight [--runs 1]

In Debian's Chromium (headless, 360x740, touch) driven by Playwright, with the Chrome DevTools
Protocol recording every request of a page:
- bytes = the sum of `Network.loadingFinished.encodedDataLength` (what crossed the network:
  compressed bodies plus headers; a cache hit counts 0) and of redirect responses; requests are
  those that went over the network (answered from the browser's cache counted apart); websocket
  frames (the widget state and messages) are counted apart, as payload bytes, and as an estimate
  of their size on the wire (each frame deflated on its own) when the server accepted
  permessage-deflate (Chromium reports payloads only after decompressing them);
- first visit = a fresh browser cache, repeat visit = a new tab in the same browser profile;
- interactive = the first tap on an answer shows its feedback. NaikKelas: the demo lesson
  "Cara menjawab soal" (Lanjut, then an answer of its first question; "Belum tepat" / "Benar!");
  stock: a two-cell ipywidgets notebook whose Button sets a Label, served by `voila` with default
  settings from the same virtual environment. Timed from the start of navigation, under CDP
  network throttling (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip; Chromium does not
  throttle websockets) and 4x CPU slowdown; the learner's server is already running;
- login -> interactive lesson (unthrottled): from tapping "Masuk" through the course home and
  the lesson link to the first answer's feedback, with the server running (warm) and stopped
  (cold: JupyterHub starts it);
- memory = resident memory of all the learner's processes (server and kernels) right after the
  two throttled visits, the second page still open (a closed page's kernel lives until the
  culler stops it; the kernel count is printed); stock: the `voila` process and its kernels;
- unthrottled: a new learner opens the lesson on a phone that never saw it (server running).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import psutil
from playwright.sync_api import sync_playwright

from bench.learner_memory import is_kernel
from bench.login_to_widget import STOCK_USER, ensure_stock_user, memory_mib, stop_server
from tests.support import (
    THROTTLE,
    HubProcess,
    LearnerClient,
    fill_login,
    free_port_block,
    launch_chromium,
    processes_of,
    tap_first_answer,
    wait_for,
)

LESSON_PATH = "voila/render/mengenal-naikkelas/01-cara-menjawab.ipynb"
CPU_SLOWDOWN = 4
TIMEOUT_MS = 240_000
STOCK_CELLS = [
    "import ipywidgets as w\n"
    'label = w.Label("belum")\n'
    'button = w.Button(description="Tekan")\n'
    'button.on_click(lambda _: setattr(label, "value", "Benar!"))',
    "w.VBox([button, label])",
]


class Recorder:
    """Every request of one page, from the DevTools protocol."""

    def __init__(self, context, page, throttled: bool):
        self.bytes = 0
        self.ws_bytes = 0
        self.ws_deflated = 0  # the same frames, each compressed as permessage-deflate would
        self.ws_compressed = False  # did the server accept permessage-deflate?
        self.urls: list[str] = []
        self.sizes: dict[str, tuple[str, int]] = {}  # request id -> (url, bytes)
        self.cached: set[str] = set()  # request ids answered from the browser's cache
        self.cdp = context.new_cdp_session(page)
        self.cdp.on("Network.requestWillBeSent", self._request)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.webSocketFrameReceived", self._frame)
        self.cdp.on("Network.webSocketFrameSent", self._frame)
        self.cdp.on("Network.webSocketHandshakeResponseReceived", self._handshake)
        self.cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.send("Network.enable")
        if throttled:
            self.cdp.send("Network.emulateNetworkConditions", THROTTLE)
            self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})

    def _request(self, event):
        if event["request"]["url"].startswith("http"):
            self.urls.append(event["request"]["url"])
            self.sizes[event["requestId"]] = (event["request"]["url"], 0)
        redirect = event.get("redirectResponse")
        if redirect:
            self.bytes += redirect.get("encodedDataLength", 0)

    def _response(self, event):
        if event["response"].get("fromDiskCache") or event["response"].get("fromMemoryCache"):
            self.cached.add(event["requestId"])

    @property
    def network_requests(self) -> int:
        return len(set(self.sizes) - self.cached)

    def _finished(self, event):
        self.bytes += event["encodedDataLength"]
        url, _ = self.sizes.get(event["requestId"], ("?", 0))
        self.sizes[event["requestId"]] = (url, event["encodedDataLength"])

    def _frame(self, event):
        payload = event["response"]["payloadData"].encode()
        self.ws_bytes += len(payload)
        deflate = zlib.compressobj(wbits=-15)
        self.ws_deflated += len(deflate.compress(payload) + deflate.flush(zlib.Z_SYNC_FLUSH)) - 4

    def _handshake(self, event):
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        if "permessage-deflate" in headers.get("sec-websocket-extensions", ""):
            self.ws_compressed = True

    @property
    def ws_wire_kib(self) -> float:
        """Websocket payload as sent: deflated frame by frame (an upper bound: the browser and
        tornado keep the compression context between frames) when negotiated."""
        return (self.ws_deflated if self.ws_compressed else self.ws_bytes) / 1024


def visit(context, url, interact=None, throttled=False, keep_open=False) -> dict:
    """Open `url` in a new tab, run `interact(page)`; bytes, requests, seconds."""
    page = context.new_page()
    recorder = Recorder(context, page, throttled)
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    if interact:
        interact(page)
    else:
        page.wait_for_load_state("load", timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - start
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    stages = page.evaluate(STAGES_JS)
    result = {
        "kib": recorder.bytes / 1024,
        "requests": recorder.network_requests,
        "all_requests": len(recorder.urls),
        "ws_kib": recorder.ws_bytes / 1024,
        "ws_wire_kib": recorder.ws_wire_kib,
        "seconds": seconds,
        "outside": sorted({urlparse(u).netloc for u in recorder.urls} - {urlparse(url).netloc}),
        "page": page,
        "largest": sorted(recorder.sizes.values(), key=lambda x: -x[1])[:12],
        "stages": stages,
    }
    if not keep_open:
        page.close()
    return result


# Seconds from the start of navigation to: the page's HTML complete (Voila has run the lesson's
# cells), the document parsed, and the light page's own marks (frontend/src/lesson.js).
STAGES_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  if (!nav) { return {}; }
  const out = {"html received": nav.responseEnd / 1000,
               "document parsed": nav.domContentLoadedEventStart / 1000};
  for (const m of performance.getEntriesByType("mark")) { out[m.name] = m.startTime / 1000; }
  return out;
}"""


def answer_lesson(answer: str, feedback: str):
    """Tap Lanjut when the lesson opens on its first screen, then the answer; wait for feedback."""

    def interact(page):
        tap_first_answer(page, answer, feedback, TIMEOUT_MS)

    return interact


def tap_stock(page):
    page.get_by_role("button", name="Tekan").tap(timeout=TIMEOUT_MS)
    page.get_by_text("Benar!").wait_for(timeout=TIMEOUT_MS)


def phone_context(browser, **kwargs):
    return browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, **kwargs
    )


class StockVoila:
    """`voila notebook.ipynb` with default settings, as the stock learner, on a free port."""

    def __init__(self, base: Path):
        entry = pwd.getpwnam(STOCK_USER)
        self.home = Path(entry.pw_dir)
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in STOCK_CELLS]
        self.notebook = self.home / "stock-voila.ipynb"
        nbformat.write(notebook, self.notebook)
        os.chown(self.notebook, entry.pw_uid, entry.pw_gid)
        self.port = free_port_block(1)
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = base / "stock-voila.log"

    def start(self):
        voila = str(Path(sys.executable).with_name("voila"))
        cmd = ["runuser", "-u", STOCK_USER, "--", voila, str(self.notebook), "--no-browser",
               f"--port={self.port}", "--Voila.ip=127.0.0.1"]  # fmt: skip
        env = {**os.environ, "HOME": str(self.home)}
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=self.home,
            start_new_session=True,
        )  # fmt: skip

        def listening():
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True

        wait_for(listening, 60, f"stock voila (log: {self.log_path})")

    def stop(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, 15)
        self.proc.wait(30)
        self._log.close()


def kernels_of(unix_user: str) -> int:
    count = 0
    for proc in processes_of(unix_user):
        with contextlib.suppress(psutil.Error):
            count += is_kernel(proc.cmdline())
    return count


def new_bench_learner(hub: HubProcess) -> tuple[str, str]:
    import uuid

    from naikkelas.hub.accounts import Role, upsert_account
    from naikkelas.hub.db import engine_for

    username = f"bench{uuid.uuid4().hex[:8]}"
    upsert_account(
        engine_for(hub.settings.naikkelas_db_url), username, Role.LEARNER, "246810",
        cohort="demo", display_name="Peserta Bench",
    )  # fmt: skip
    return username, "246810"


def login_to_lesson(browser, hub, username, secret) -> float:
    """Seconds from tapping Masuk to the first answer's feedback (course home, lesson link)."""
    context = phone_context(browser)
    page = context.new_page()
    submit = fill_login(page, hub.url, username, secret)
    start = time.perf_counter()
    submit.tap()
    page.click("a.nk-lesson", timeout=TIMEOUT_MS)
    answer_lesson("Mengetik kode program", "Belum tepat")(page)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def started_learner(hub) -> tuple[str, str]:
    """A fresh learner (no saved answers) whose server is running."""
    username, secret = new_bench_learner(hub)
    client = LearnerClient(hub.url, username)
    client.login(secret)
    client.wait_for_server()
    return username, secret


def measure_ours(browser, hub) -> dict:
    username, secret = new_bench_learner(hub)
    out = {}
    context = phone_context(browser)
    out["login"] = visit(context, f"{hub.url}/hub/login")
    page = context.new_page()
    fill_login(page, hub.url, username, secret).tap()
    page.locator("a.nk-lesson").first.wait_for(timeout=TIMEOUT_MS)
    state = context.storage_state()
    context.close()
    server = f"{hub.url}/user/{username}"
    context = phone_context(browser, storage_state=state)
    out["home"] = visit(context, f"{server}/naikkelas")
    out["home_repeat"] = visit(context, f"{server}/naikkelas")
    context.close()
    context = phone_context(browser, storage_state=state)
    lesson = f"{server}/{LESSON_PATH}"
    out["first"] = visit(context, lesson, answer_lesson("Mengetik kode program", "Belum tepat"),
                         throttled=True)  # fmt: skip
    out["repeat"] = visit(context, lesson, answer_lesson("Menekan tombol jawaban", "Benar!"),
                          throttled=True, keep_open=True)  # fmt: skip
    out["memory"] = memory_mib(f"nk-{username}")
    out["kernels"] = kernels_of(f"nk-{username}")
    context.close()
    # Each one below is a new learner (a fresh lesson) on a phone that never saw the lesson.
    username, secret = started_learner(hub)
    context = phone_context(browser)
    page = context.new_page()
    fill_login(page, hub.url, username, secret).tap()
    page.locator("a.nk-lesson").first.wait_for(timeout=TIMEOUT_MS)
    lesson = f"{hub.url}/user/{username}/{LESSON_PATH}"
    out["open"] = visit(context, lesson, answer_lesson("Mengetik kode program", "Belum tepat"))
    context.close()
    out["warm"] = login_to_lesson(browser, hub, *started_learner(hub))
    username, secret = started_learner(hub)
    stop_server(hub, username, secret, f"nk-{username}")
    out["cold"] = login_to_lesson(browser, hub, username, secret)
    return out


def measure_stock(browser, stock: StockVoila) -> dict:
    out = {}
    context = phone_context(browser)
    out["first"] = visit(context, stock.url, tap_stock, throttled=True)
    out["repeat"] = visit(context, stock.url, tap_stock, throttled=True, keep_open=True)
    out["memory"] = memory_mib(STOCK_USER)
    out["kernels"] = kernels_of(STOCK_USER)
    context.close()
    context = phone_context(browser)
    out["open"] = visit(context, stock.url, tap_stock)
    context.close()
    return out


ROWS = [
    # label, key, field, unit format, target
    ("lesson, first visit: transferred KiB", "first", "kib", "{:.0f}", "<= 650"),
    ("lesson, first visit: requests over the network", "first", "requests", "{:.0f}", ""),
    ("lesson, first visit: websocket payload KiB", "first", "ws_kib", "{:.0f}", ""),
    ("  ... on the wire (deflate, estimated)", "first", "ws_wire_kib", "{:.0f}", ""),
    ("lesson, repeat visit: transferred KiB", "repeat", "kib", "{:.0f}", "<= 100"),
    ("lesson, repeat visit: requests over the network", "repeat", "requests", "{:.0f}", ""),
    ("lesson, repeat visit: requests incl. cache hits", "repeat", "all_requests", "{:.0f}", ""),
    ("interactive, first visit, throttled (s)", "first", "seconds", "{:.2f}", "<= 5"),
    ("interactive, repeat visit, throttled (s)", "repeat", "seconds", "{:.2f}", "<= 2"),
    ("memory per active learner (MiB)", "memory", None, "{:.0f}", "<= 150"),
    ("kernels running then", "kernels", None, "{:.0f}", ""),
    ("lesson, unthrottled: interactive (s)", "open", "seconds", "{:.2f}", ""),
    ("lesson, unthrottled: transferred KiB", "open", "kib", "{:.0f}", ""),
]
OURS_ONLY = [
    ("login -> interactive lesson, warm (s)", "warm", None, "{:.2f}", "<= 2"),
    ("login -> interactive lesson, cold (s)", "cold", None, "{:.2f}", "<= 6"),
    ("login page: transferred KiB", "login", "kib", "{:.1f}", "< 50"),
    ("login page: requests", "login", "requests", "{:.0f}", ""),
    ("course home: transferred KiB", "home", "kib", "{:.1f}", "< 50"),
    ("course home: requests", "home", "requests", "{:.0f}", ""),
    ("course home, repeat: transferred KiB", "home_repeat", "kib", "{:.1f}", ""),
]


def brief(run: dict) -> dict:
    """One run's figures, rounded, for the log (a run that fails later keeps these)."""
    return {
        key: {k: round(v, 2) for k, v in value.items() if isinstance(v, float | int)}
        if isinstance(value, dict) else round(value, 2)
        for key, value in run.items()
    }  # fmt: skip


def figure(runs: list[dict], key: str, field: str | None) -> float:
    return statistics.median(r[key][field] if field else r[key] for r in runs)


def report(stock_runs: list[dict], our_runs: list[dict]) -> None:
    title = f"what (median of {len(our_runs)})"
    print(f"\n{title:<44}{'stock':>9}{'NaikKelas':>11}{'ratio':>7}  target")
    for label, key, field, fmt, target in ROWS:
        s, n = figure(stock_runs, key, field), figure(our_runs, key, field)
        ratio = f"{n / s:.2f}" if s else "-"
        print(f"{label:<44}{fmt.format(s):>9}{fmt.format(n):>11}{ratio:>7}  {target}")
    for label, key, field, fmt, target in OURS_ONLY:
        n = figure(our_runs, key, field)
        print(f"{label:<44}{'-':>9}{fmt.format(n):>11}{'-':>7}  {target}")
    pages = ("login", "home", "first", "repeat")
    outside = {h for r in our_runs for k in pages for h in r[k]["outside"]}
    print(f"requests leaving the deployment (NaikKelas): {sorted(outside) or 'none'}")
    stock_outside = {h for r in stock_runs for k in ("first", "repeat") for h in r[k]["outside"]}
    print(f"requests leaving the deployment (stock): {sorted(stock_outside) or 'none'}")
    for key in ("first", "repeat"):
        stages = our_runs[0][key]["stages"]
        print(f"where the time goes, NaikKelas, {key} visit, throttled (run 1), seconds from"
              f" navigation: " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
              + f", feedback shown {our_runs[0][key]['seconds']:.2f}")  # fmt: skip
    for name, runs in (("stock", stock_runs), ("NaikKelas", our_runs)):
        print(f"largest transfers, {name}, lesson first visit (run 1):")
        for url, size in runs[0]["first"]["largest"]:
            print(f"  {size / 1024:8.1f} KiB  {urlparse(url).path[-90:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root: both platforms run learners as system users")
    ensure_stock_user()
    base = Path(tempfile.mkdtemp(prefix="nk-bench-weight-"))
    (base / "naikkelas").mkdir()
    hub = HubProcess(data_dir=base / "naikkelas", port=free_port_block(5))
    stock = StockVoila(base)
    stock_runs, our_runs = [], []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            stock.start()
            hub.start()
            for run in range(args.runs):
                stock_runs.append(measure_stock(browser, stock))
                print(f"run {run + 1}, stock: {brief(stock_runs[-1])}", flush=True)
                our_runs.append(measure_ours(browser, hub))
                print(f"run {run + 1}, NaikKelas: {brief(our_runs[-1])}", flush=True)
        finally:
            hub.stop()
            stock.stop()
            browser.close()
    report(stock_runs, our_runs)


if __name__ == "__main__":
    main()
