"""Memory per active learner: K learners each with a lesson open, every process of each counted.

Run as root from the project root (after `make install-test`):

    .naikkelas/venv/bin/python -m bench.learner_memory [--learners 5] [--stock]

A fresh NaikKelas platform (`naikkelas run --demo`) is started; K learners log in, start their
servers, open the demo course's first lesson and answer it through to the score screen, speaking
the widget protocol as a browser does (`bench.load_learner`, no browser, no think time). While
every learner's page is still connected, each learner's processes (its server and its kernels,
pooled ones included) are measured:

- RSS: resident memory, what issue 11's target (<= 150 MiB per active learner) is about;
- PSS: each shared page divided among the processes sharing it (the machine's real cost);
- USS: pages of that process alone (what ending it would free).

`--env NAME=VALUE` adds to the environment of NaikKelas learners' servers (and so their
kernels), to try a setting before making it the default. With `--stock`, the same for stock
JupyterHub + Voila with default settings (a bare ipywidgets Button and Label, tapped 8 times),
one after the other, so both see the same machine load.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.load import (
    Platform,
    stop_leftovers,
)
from bench.load_learner import Learner
from tests.support import processes_of

MIB = 2**20


@dataclass
class Usage:
    """MiB of one learner's processes, by kind (server, kernel)."""

    rss: dict[str, float] = field(default_factory=dict)
    pss: dict[str, float] = field(default_factory=dict)
    uss: dict[str, float] = field(default_factory=dict)
    kernels: int = 0

    def total(self, kind: str) -> float:
        return sum(getattr(self, kind).values())


def is_kernel(cmdline: list[str]) -> bool:
    """Stock kernels run `ipykernel_launcher`, NaikKelas's `naikkelas.hub.lesson_kernel`."""
    command = " ".join(cmdline)
    return "ipykernel" in command or "naikkelas.hub.lesson_kernel" in command


def usage_of(unix_user: str) -> Usage:
    usage = Usage()
    for proc in processes_of(unix_user):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            kernel = is_kernel(proc.cmdline())
            usage.kernels += kernel
            role = "kernel" if kernel else "server"
            info = proc.memory_full_info()
            for kind in ("rss", "pss", "uss"):
                values = getattr(usage, kind)
                values[role] = values.get(role, 0.0) + getattr(info, kind) / MIB
    return usage


async def hold_learners(hub_url, names, secret, lesson, answer, unix) -> list:
    """Every learner answers its lesson and keeps its page connected until all are measured
    (a learner that fails is measured as it is, without waiting for it)."""
    measured = asyncio.Event()
    ready = {name: asyncio.Event() for name in names}

    async def answer_and_wait(learner, widgets):
        await answer(learner, widgets)
        ready[learner.username].set()
        await measured.wait()

    learners = [Learner(hub_url, n, secret, lesson, (0.0, 0.0), i) for i, n in enumerate(names)]
    runs = []
    for learner in learners:
        task = asyncio.create_task(learner.run(answer_and_wait))
        task.add_done_callback(lambda _t, name=learner.username: ready[name].set())
        runs.append(task)
    await asyncio.gather(*(event.wait() for event in ready.values()))
    usages = [await asyncio.to_thread(usage_of, unix[n]) for n in names]
    measured.set()
    outcomes = await asyncio.gather(*runs)
    return list(zip(outcomes, usages, strict=True))


def run(platform: str, count: int, base: Path, env: dict[str, str] | None = None) -> list:
    data_dir = base / platform
    data_dir.mkdir()
    if env and platform != "stock":
        # Read by `naikkelas run` after its own configuration (the operator's overrides file).
        (data_dir / "jupyterhub_config.py").write_text(f"c.Spawner.environment.update({env!r})\n")
    chosen = Platform.prepare(platform, count, data_dir)
    stop_leftovers(chosen.unix.values())
    try:
        names = chosen.start()
        return asyncio.run(
            hold_learners(
                chosen.hub.url, names, chosen.secret, chosen.lesson, chosen.answer, chosen.unix
            )
        )
    finally:
        chosen.hub.stop()
        stop_leftovers(chosen.unix.values())


def report(platform: str, results: list) -> None:
    errors = [f"{o.name}: {o.error}" for o, _u in results if o.error]
    ok = [u for o, u in results if not o.error]
    for error in errors[:3]:
        print(f"  {platform} error: {error}")
    if not ok:
        print(f"{platform:<10} no learner got through")
        return

    def med(kind, role=None):
        values = [u.total(kind) if role is None else getattr(u, kind).get(role, 0) for u in ok]
        return statistics.median(values)

    kernels = statistics.median(u.kernels for u in ok)
    print(
        f"{platform:<10}{len(ok):>4}{kernels:>8.0f}"
        f"{med('rss'):>9.0f}{med('rss', 'server'):>8.0f}{med('rss', 'kernel'):>8.0f}"
        f"{med('pss'):>9.0f}{med('pss', 'server'):>8.0f}{med('pss', 'kernel'):>8.0f}"
        f"{med('uss'):>9.0f}{med('uss', 'server'):>8.0f}{med('uss', 'kernel'):>8.0f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="memory per active learner")
    parser.add_argument("--learners", type=int, default=5)
    parser.add_argument("--stock", action="store_true", help="also measure stock JupyterHub+Voila")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment of NaikKelas learners' servers and kernels (to try a setting)",
    )
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    if os.geteuid() != 0:
        sys.exit("run as root: learners run as system users")
    base = Path(tempfile.mkdtemp(prefix="nk-bench-mem-"))
    print(f"memory per active learner, {args.learners} learners at once, median MiB per learner")
    print(f"{'':<10}{'':>4}{'':>8}{'RSS':>9}{'':>16}{'PSS':>9}{'':>16}{'USS':>9}")
    print(
        f"{'platform':<10}{'ok':>4}{'kernels':>8}" + f"{'total':>9}{'server':>8}{'kernel':>8}" * 3
    )
    failed = False
    for platform in (["stock"] if args.stock else []) + ["naikkelas"]:
        results = run(platform, args.learners, base, env)
        report(platform, results)
        failed = failed or any(o.error for o, _u in results)
    if failed:
        print(f"hub logs kept in {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
