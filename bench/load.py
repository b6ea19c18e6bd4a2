"""Concurrent learners on loopback, NaikKelas against stock JupyterHub + Voila, side by side.

Run as root from the project root (after `make install-test`):

    /opt/naikkelas/venv/bin/python -m bench.load --steps 10,25,50

In the style of JupyterHub's hubtraf: asyncio + aiohttp, no browser. For each step N and each
platform, a fresh hub is started and N learners start at once (`--ramp` spreads them): each logs
in with the hub's login form, starts its server, renders the lesson with Voila, connects the
kernel websocket, asks for the widgets' state and answers every question at human pace (think
time `--think`, seeded) by speaking the widget protocol as a browser does (see
`bench.load_learner`). NaikKelas: the demo course's first lesson (7 graded questions and a
self-check; Lanjut through 9 screens, Selesai at the end). Stock: a bare ipywidgets Button that
sets a Label, tapped as many times as NaikKelas has questions, in stock Voila under stock
JupyterHub (default settings, DummyAuthenticator, LocalProcessSpawner). Stepping stops for a
platform once its p95 answer round trip exceeds `--limit-ms` or a learner fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import pwd
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil

from bench.load_learner import Learner, Outcome, answer_naikkelas, stock_answerer
from bench.login_to_widget import StockHub
from bench.widget_roundtrip import STOCK_LESSON
from tests.support import HubProcess, free_port_block, processes_of

LESSON = "mengenal-naikkelas/01-cara-menjawab.ipynb"
PIN = "246810"
STOCK_PASSWORD = "bench-pass"
STOCK_PREFIX = "nkload-"
QUESTIONS = 8  # the NaikKelas lesson's 7 graded questions and 1 self-check


@dataclass
class Step:
    platform: str
    learners: int
    outcomes: list[Outcome]
    logins_per_s: float

    @property
    def errors(self) -> list[str]:
        return [f"{o.name}: {o.error}" for o in self.outcomes if o.error]

    def quantile(self, values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        values = sorted(values)
        return values[min(len(values) - 1, round(q * (len(values) - 1)))]

    @property
    def interactive(self) -> list[float]:
        return [o.interactive for o in self.outcomes if o.interactive is not None]

    @property
    def answers_ms(self) -> list[float]:
        return [a * 1000 for o in self.outcomes for a in o.answers]

    @property
    def mib_per_learner(self) -> float:
        sizes = [o.rss / 2**20 for o in self.outcomes if o.rss]
        return statistics.median(sizes) if sizes else float("nan")


def memory_of(unix_user: str) -> int:
    total = 0
    for proc in processes_of(unix_user):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += proc.memory_info().rss
    return total


async def simulate(hub_url, usernames, secret, lesson, answer, think, seed, ramp=0.0, rss=None):
    """Run one learner per username at once; returns their outcomes and the logins per second
    (learners / seconds from the first login request to the last login answered)."""
    learners = [
        Learner(hub_url, name, secret, lesson, think, seed * 1000 + i, rss)
        for i, name in enumerate(usernames)
    ]
    start = time.perf_counter()

    async def one(i, learner):
        await asyncio.sleep(ramp * i)
        began = time.perf_counter() - start
        outcome = await learner.run(answer)
        return outcome, (began + outcome.login) if outcome.login is not None else None

    results = await asyncio.gather(*(one(i, x) for i, x in enumerate(learners)))
    ends = [end for _o, end in results if end is not None]
    rate = len(ends) / max(ends) if ends else 0.0
    return [o for o, _e in results], rate


# -- the two platforms ---------------------------------------------------------------------
class ManyStockHub(StockHub):
    """`StockHub` that lets the load test's users in (still default settings otherwise)."""

    users: list[str] = []

    def command(self) -> list[str]:
        command = super().command()
        config = self.data_dir / "jupyterhub_config.py"
        with config.open("a") as f:
            f.write(f"c.Authenticator.allowed_users = {set(self.users)!r}\n")
        return command


def ensure_stock_users(count: int) -> list[str]:
    names = [f"{STOCK_PREFIX}{i}" for i in range(1, count + 1)]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(STOCK_LESSON)])
    for name in names:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True)
            entry = pwd.getpwnam(name)
        target = Path(entry.pw_dir) / "lesson.ipynb"
        nbformat.write(nb, target)
        os.chown(target, entry.pw_uid, entry.pw_gid)
    return names


def learner_name(i: int) -> str:
    return f"muat{i:03d}"


def make_learners(hub: HubProcess, count: int) -> list[str]:
    """Accounts in the demo cohort, as `naikkelas roster import` makes them."""
    from naikkelas.hub.accounts import Role, upsert_account
    from naikkelas.hub.db import engine_for

    engine = engine_for(hub.settings.naikkelas_db_url)
    names = [learner_name(i) for i in range(1, count + 1)]
    for name in names:
        upsert_account(engine, name, Role.LEARNER, PIN, cohort="demo", display_name="Peserta Muat")
    engine.dispose()
    return names


@dataclass
class Platform:
    """One platform's hub (not started yet) and how its `count` learners log in and answer."""

    hub: object
    secret: str
    lesson: str
    answer: object
    unix: dict[str, str]  # learner name -> the system user their processes run as

    @classmethod
    def prepare(cls, platform: str, count: int, data_dir: Path) -> Platform:
        if platform == "stock":
            ManyStockHub.users = ensure_stock_users(count)
            hub = ManyStockHub(data_dir=data_dir, port=free_port_block(5))
            unix = {name: name for name in ManyStockHub.users}
            return cls(hub, STOCK_PASSWORD, "lesson.ipynb", stock_answerer(QUESTIONS), unix)
        hub = HubProcess(data_dir=data_dir, port=free_port_block(5))
        unix = {learner_name(i): f"nk-{learner_name(i)}" for i in range(1, count + 1)}
        return cls(hub, PIN, LESSON, answer_naikkelas, unix)

    def start(self) -> list[str]:
        """Start the hub; NaikKelas's learners are then made in the demo cohort. Their names."""
        self.hub.start()
        if isinstance(self.hub, HubProcess):
            make_learners(self.hub, len(self.unix))
        return list(self.unix)


def run_step(platform: str, count: int, base: Path, args) -> Step:
    data_dir = base / f"{platform}-{count}"
    data_dir.mkdir()
    think = tuple(args.think)
    chosen = Platform.prepare(platform, count, data_dir)
    hub, secret, lesson, answer, unix = (
        chosen.hub, chosen.secret, chosen.lesson, chosen.answer, chosen.unix
    )  # fmt: skip
    if os.geteuid() == 0:
        stop_leftovers(unix.values())
    try:
        names = chosen.start()
        rss = (lambda name: memory_of(unix[name])) if os.geteuid() == 0 else None
        outcomes, rate = asyncio.run(
            simulate(hub.url, names, secret, lesson, answer, think, args.seed, args.ramp, rss)
        )
    finally:
        hub.stop()
        if os.geteuid() == 0:
            stop_leftovers(unix.values())
    return Step(platform, count, outcomes, rate)


def stop_leftovers(unix_users) -> None:
    """End the learners' servers and kernels that outlive their hub (NaikKelas keeps servers
    across hub restarts), so the next step starts from none and measures only its own."""
    procs = [p for user in unix_users for p in processes_of(user)]
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.terminate()
    _gone, alive = psutil.wait_procs(procs, timeout=15)
    for proc in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()


# -- the report ----------------------------------------------------------------------------
COLUMNS = (
    f"{'N':>4} {'platform':<10}{'logins/s':>9}{'TTI p50 s':>10}{'TTI p95 s':>10}"
    f"{'ans p50 ms':>11}{'ans p95 ms':>11}{'MiB/learner':>12}{'feedback':>10}{'errors':>7}"
)


def row(step: Step) -> str:
    s = step
    tti, ans = s.interactive, s.answers_ms
    got = sum(o.feedback for o in s.outcomes)
    want = sum(o.questions or QUESTIONS for o in s.outcomes)
    return (
        f"{s.learners:>4} {s.platform:<10}{s.logins_per_s:>9.2f}{s.quantile(tti, 0.5):>10.2f}"
        f"{s.quantile(tti, 0.95):>10.2f}{s.quantile(ans, 0.5):>11.1f}{s.quantile(ans, 0.95):>11.1f}"
        f"{s.mib_per_learner:>12.0f}{f'{got}/{want}':>10}{len(s.errors):>7}"
    )


def ratio_row(stock: Step, ours: Step) -> str:
    def r(a, b):
        return f"{a / b:.2f}" if b and a == a and b == b else "-"

    st, nk = stock, ours
    return (
        f"{nk.learners:>4} {'ratio':<10}{r(nk.logins_per_s, st.logins_per_s):>9}"
        f"{r(nk.quantile(nk.interactive, 0.5), st.quantile(st.interactive, 0.5)):>10}"
        f"{r(nk.quantile(nk.interactive, 0.95), st.quantile(st.interactive, 0.95)):>10}"
        f"{r(nk.quantile(nk.answers_ms, 0.5), st.quantile(st.answers_ms, 0.5)):>11}"
        f"{r(nk.quantile(nk.answers_ms, 0.95), st.quantile(st.answers_ms, 0.95)):>11}"
        f"{r(nk.mib_per_learner, st.mib_per_learner):>12}"
    )


def passes(step: Step, limit_ms: float) -> bool:
    return not step.errors and step.quantile(step.answers_ms, 0.95) <= limit_ms


def main() -> None:
    parser = argparse.ArgumentParser(description="concurrent learners, NaikKelas vs stock")
    parser.add_argument("--steps", default="10,25,50,75,100")
    parser.add_argument("--think", type=float, nargs=2, default=[3.0, 8.0], metavar=("MIN", "MAX"))
    parser.add_argument("--ramp", type=float, default=0.0, help="seconds between learner starts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit-ms", type=float, default=300.0)
    parser.add_argument("--platforms", default="stock,naikkelas")
    parser.add_argument(
        "--keep-going", action="store_true", help="run every step even after one fails"
    )
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the hubs' logs even when nothing failed"
    )
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root: both platforms spawn learners as system users")
    steps = [int(n) for n in args.steps.split(",")]
    platforms = args.platforms.split(",")
    base = Path(tempfile.mkdtemp(prefix="nk-bench-load-"))
    results: dict[str, list[Step]] = {p: [] for p in platforms}
    print(f"load: steps {steps}, think {args.think} s, ramp {args.ramp} s, seed {args.seed}")
    print(COLUMNS, flush=True)
    for count in steps:
        for platform in platforms:
            done = results[platform]
            if done and not passes(done[-1], args.limit_ms) and not args.keep_going:
                continue
            step = run_step(platform, count, base, args)
            done.append(step)
            print(row(step), flush=True)
            for error in step.errors[:3]:
                print(f"     {platform} error: {error}", flush=True)
        if "stock" in results and "naikkelas" in results:
            pair = [s for s in results["stock"] if s.learners == count]
            ours = [s for s in results["naikkelas"] if s.learners == count]
            if pair and ours:
                print(ratio_row(pair[0], ours[0]), flush=True)
        failed = [d and not passes(d[-1], args.limit_ms) for d in results.values()]
        if all(failed) and not args.keep_going:
            break
    print(f"largest N with p95 answer <= {args.limit_ms:.0f} ms and no errors:")
    for platform, done in results.items():
        ok = [s.learners for s in done if passes(s, args.limit_ms)]
        print(f"  {platform}: {max(ok) if ok else 'none'} (tried {[s.learners for s in done]})")
    if args.keep_logs or any(s.errors for done in results.values() for s in done):
        print(f"hub logs kept in {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
