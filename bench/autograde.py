"""Autograde throughput and Kirim-to-grade latency: the NaikKelas grader against nbgrader's stock
`nbgrader autograde` command run once per submission, side by side on the same lesson. Run from
the project root (as root, so the sandbox is the one learners get):

    /opt/naikkelas/venv/bin/python -m bench.autograde [--submissions 20]

Both grade the demo course's first lesson ("Cara menjawab soal") for N different learners, all
sent at once (a class pressing Kirim together). NaikKelas: submissions are queued in
`nk_submissions` and one in-process grader takes them in turn (sandboxed kernels, gradebook
writes, best-attempt bookkeeping). Stock: one `nbgrader autograde <assignment> --student <s>`
process per submission, as a cron job or a trainer would run it, with plain kernels. Latency is
from the moment the batch was queued to each submission's grade being recorded.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from naikkelas.grading import submissions as subs
from naikkelas.grading.courses import read_course
from naikkelas.grading.gradebook import Grading, assignment_id
from naikkelas.grading.grader import KERNEL_MANAGER, Grader
from naikkelas.hub.db import engine_for

ROOT = Path(__file__).resolve().parent.parent
COURSE, LESSON = "mengenal-naikkelas", "01-cara-menjawab"
ANSWERS = {"cara-menjawab": 1, "aman-salah": False, "harga-teh": "15rb"}


def naikkelas_run(workdir: Path, n: int) -> tuple[float, list[float]]:
    db_url = f"sqlite:///{workdir / 'nk.sqlite'}"
    grading = Grading(workdir / "nbgrader", db_url, kernel_manager=KERNEL_MANAGER)
    released = grading.generate(read_course(ROOT / "courses" / COURSE))[LESSON]
    released_nb = nbformat.read(released, as_version=4)
    engine = engine_for(db_url)
    notebook = subs.submission_notebook(released_nb, ANSWERS)
    start = time.perf_counter()
    for i in range(n):
        subs.record_submission(engine, f"peserta{i}", COURSE, LESSON, notebook, ANSWERS)
    grader = Grader(engine, grading, worker="bench")
    latencies = []
    while (done := grader.grade_next()) is not None:
        assert done.status == "graded", done.reason
        latencies.append(time.perf_counter() - start)
    return time.perf_counter() - start, latencies


def stock_run(workdir: Path, n: int) -> tuple[float, list[float]]:
    db_url = f"sqlite:///{workdir / 'gradebook.db'}"
    grading = Grading(workdir / "nbgrader", db_url)  # plain kernels, for generate only
    released = grading.generate(read_course(ROOT / "courses" / COURSE))[LESSON]
    released_nb = nbformat.read(released, as_version=4)
    course_root = grading.course_root(COURSE)
    aid = assignment_id(COURSE, LESSON)
    notebook = subs.submission_notebook(released_nb, ANSWERS)
    for i in range(n):
        folder = course_root / "submitted" / f"peserta{i}" / aid
        folder.mkdir(parents=True)
        (folder / f"{LESSON}.ipynb").write_text(notebook)
        (folder / "timestamp.txt").write_text(str(datetime.now(UTC)))
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    start = time.perf_counter()
    latencies = []
    for i in range(n):
        subprocess.run(
            [
                nbgrader,
                "autograde",
                aid,
                "--student",
                f"peserta{i}",
                "--force",
                f"--CourseDirectory.root={course_root}",
                f"--CourseDirectory.course_id={COURSE}",
                f"--CourseDirectory.db_url={db_url}",
                "--Autograde.create_student=True",
                f"--Exchange.root={workdir / 'exchange'}",
            ],
            check=True,
            capture_output=True,
            cwd=course_root,
        )
        latencies.append(time.perf_counter() - start)
    return time.perf_counter() - start, latencies


def report(name: str, total: float, latencies: list[float]) -> dict:
    n = len(latencies)
    figures = {
        "per_second": n / total,
        "median_latency": statistics.median(latencies),
        "max_latency": max(latencies),
        "first": latencies[0],
    }
    print(
        f"{name:<10} {n} submissions in {total:6.1f} s = {figures['per_second']:.2f}/s; "
        f"latency first {figures['first']:.1f} s, median {figures['median_latency']:.1f} s, "
        f"last {figures['max_latency']:.1f} s"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        ours = report("naikkelas", *naikkelas_run(Path(a), args.submissions))
        stock = report("stock", *stock_run(Path(b), args.submissions))
    print(
        f"throughput ratio naikkelas/stock: {ours['per_second'] / stock['per_second']:.2f}; "
        f"median latency ratio: {ours['median_latency'] / stock['median_latency']:.2f}"
    )


if __name__ == "__main__":
    main()
