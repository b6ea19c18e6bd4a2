"""Tap -> feedback visible, and bytes per answer: a NaikKelas question against a bare ipywidgets
button in stock Voila, side by side. Run as root from the project root:

    /opt/naikkelas/venv/bin/python -m bench.widget_roundtrip [--taps 40]

NaikKelas: a wrong answer to the demo lesson's first question (unlimited attempts), so every tap
goes kernel -> NaikKelas service (check + durable progress write) -> kernel -> browser. Stock: a
Button whose click sets a Label. Timing is measured in the page (performance.now from dispatching
the click to the DOM change), so browser-automation overhead is not counted. Bytes are websocket
payloads in both directions per tap.
"""

from __future__ import annotations

import os
import pwd
import shutil
import statistics
import tempfile
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

from bench.login_to_widget import STOCK_USER, StockHub, bench_prologue
from tests.support import HubProcess, fill_login, free_port_block, launch_chromium

STOCK_LESSON = """import ipywidgets as w
count = 0
label = w.Label("belum")
button = w.Button(description="Tekan")
def tap(_):
    global count
    count += 1
    label.value = f"tekan {count}"
button.on_click(tap)
w.VBox([button, label])"""

# Resolves with the milliseconds from the click to the first DOM change matching `selector`.
MEASURE = """([buttonName, selector]) => new Promise((resolve) => {
  const button = [...document.querySelectorAll('button')]
    .find((b) => b.textContent.trim() === buttonName && !b.disabled);
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      const nodes = [m.target, ...m.addedNodes];
      if (nodes.some((n) => n.nodeType === 1 ? (n.matches(selector) || n.querySelector(selector))
                                               : n.parentElement?.closest(selector))) {
        observer.disconnect();
        resolve(performance.now() - start);
        return;
      }
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  const start = performance.now();
  button.click();
})"""


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def measure(browser, url, login, taps, buttons, selector, ready):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    payload = []
    page.on(
        "websocket",
        lambda ws: (
            ws.on("framesent", lambda f: payload.append(len(f))),
            ws.on("framereceived", lambda f: payload.append(len(f))),
        ),
    )
    login(page)
    page.goto(url)
    ready(page)
    page.evaluate(MEASURE, [buttons[0], selector])  # warm-up tap
    before = sum(payload)
    times = [page.evaluate(MEASURE, [buttons[i % len(buttons)], selector]) for i in range(taps)]
    per_tap = (sum(payload) - before) / taps
    context.close()
    return statistics.median(times), percentile(times, 0.95), per_tap


def main() -> None:
    args = bench_prologue("tap to feedback round trip", taps=40)
    entry = pwd.getpwnam(STOCK_USER)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(STOCK_LESSON)])
    target = Path(entry.pw_dir) / "lesson.ipynb"
    nbformat.write(nb, target)
    os.chown(target, entry.pw_uid, entry.pw_gid)

    base = Path(tempfile.mkdtemp(prefix="nk-bench-rt-"))
    (base / "naikkelas").mkdir()
    (base / "stock").mkdir()
    ours = HubProcess(data_dir=base / "naikkelas", port=free_port_block(5))
    stock = StockHub(data_dir=base / "stock", port=free_port_block(5))

    def login_as(hub, username, secret, landed):
        def login(page):
            fill_login(page, hub.url, username, secret).click()
            page.wait_for_selector(landed, timeout=120_000)  # the server is up

        return login

    results = {}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            stock.start()
            results["stock Voila: Button -> Label"] = measure(
                browser,
                f"{stock.url}/user/{STOCK_USER}/voila/render/lesson.ipynb",
                login_as(stock, STOCK_USER, "bench-pass", ".widget-button"),
                args.taps,
                ["Tekan"],
                ".widget-label",
                lambda page: page.get_by_role("button", name="Tekan").wait_for(timeout=120_000),
            )
            stock.stop()
            ours.start()

            def ready(page):
                page.get_by_role("button", name="Lanjut").click(timeout=120_000)
                page.get_by_role("button", name="Menelepon pelatih").wait_for()

            results["NaikKelas: answer -> feedback"] = measure(
                browser,
                f"{ours.url}/user/peserta1/voila/render/mengenal-naikkelas/01-cara-menjawab.ipynb",
                login_as(ours, "peserta1", "123456", "a.nk-lesson"),
                args.taps,
                ["Mengetik kode program", "Menelepon pelatih"],
                ".nk-feedback",
                ready,
            )
        finally:
            ours.stop()
            stock.stop()
            browser.close()
    print(f"tap -> visible change, headless Chromium, {args.taps} taps each")
    print(f"{'what':<34}{'median ms':>11}{'p95 ms':>9}{'bytes/tap':>11}")
    for name, (median, p95, size) in results.items():
        print(f"{name:<34}{median:>11.1f}{p95:>9.1f}{size:>11.0f}")
    s, n = results["stock Voila: Button -> Label"], results["NaikKelas: answer -> feedback"]
    ratios = f"{n[0] / s[0]:>11.2f}{n[1] / s[1]:>9.2f}{n[2] / s[2]:>11.2f}"
    print(f"{'ratio NaikKelas/stock':<34}{ratios}")
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
