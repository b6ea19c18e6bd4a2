"""The grading service: autogrades each submission with nbgrader as it arrives.

Runs beside the hub as a JupyterHub-managed service (`python -m naikkelas.grading.grader`; the hub
restarts it if it exits). It takes submissions from the queue in `submissions` one at a time, so a
whole class pressing Kirim at once simply waits its turn; a grader killed mid-grade loses nothing:
its lease runs out and the submission is graded again (nbgrader replaces its own record, and the
result is recorded once, by whoever holds the lease).

Each submission is autograded by nbgrader in the sandbox (`sandbox`): no network, a per-cell time
limit, bounded memory and CPU. A lesson that errors, loops or exhausts memory is marked *failed*
with the reason; nbgrader or the database failing is retried (up to `MAX_TRIES` attempts in all).

nbgrader keeps one submission per learner and lesson; NaikKelas keeps every attempt. The gradebook
always holds the learner's best graded attempt: when a new attempt scores lower, the best one is
autograded into the gradebook again.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from datetime import timedelta

import nbformat

from . import hand_grades
from . import submissions as subs
from .gradebook import Grading, GradingError

log = logging.getLogger("naikkelas.grader")

KERNEL_MANAGER = "naikkelas.grading.sandbox.SandboxKernelManager"
RETRY_AFTER = timedelta(seconds=5)

# What the learner (and trainer) is told when a lesson cannot be graded.
REASONS = {
    "CellTimeoutError": "Waktu penilaian habis: pelajaran berjalan terlalu lama.",
    "KeyboardInterrupt": "Waktu penilaian habis: pelajaran berjalan terlalu lama.",
    "MemoryError": "Memori penilaian habis: pelajaran memakai terlalu banyak memori.",
    "DeadKernelError": "Penilaian berhenti: pelajaran mematikan mesin penilai.",
}
NETWORK = "Pelajaran mencoba memakai internet saat dinilai; itu tidak diizinkan."
NETWORK_ERRORS = {"ConnectionRefusedError", "gaierror", "URLError", "ConnectionError"}
NETWORK_MESSAGES = ("network is unreachable", "name resolution", "name or service not known")


def failure_reason(graded: nbformat.NotebookNode) -> str | None:
    """Why a graded notebook does not count, from the first error a cell raised; None if none."""
    for cell in graded.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            ename, evalue = output.get("ename", ""), str(output.get("evalue", ""))
            if ename in REASONS:
                return REASONS[ename]
            if ename in NETWORK_ERRORS or any(m in evalue.lower() for m in NETWORK_MESSAGES):
                return NETWORK
            return f"Pelajaran error saat dinilai ({ename}: {evalue[:200]}). Hubungi pelatih."
    return None


class Grader:
    def __init__(
        self,
        engine,
        grading: Grading,
        worker: str | None = None,
        poll: float = 0.5,
        lease: timedelta = subs.LEASE,
    ):
        self.engine = engine
        self.grading = grading
        self.worker = worker or subs.worker_name()
        self.poll = poll
        self.lease = lease
        self.stopping = threading.Event()

    # -- one submission -----------------------------------------------------------------------
    def grade_next(self) -> subs.Submission | None:
        """Grade the next waiting submission, if any; returns it as recorded."""
        submission = subs.claim(self.engine, self.worker, self.lease)
        if submission is None:
            return None
        log.info(
            "grading #%s %s %s/%s attempt %s (try %s)",
            submission.id,
            submission.username,
            submission.course,
            submission.lesson,
            submission.attempt,
            submission.tries,
        )
        beat = threading.Event()
        heart = threading.Thread(target=self._heartbeat, args=(submission, beat), daemon=True)
        heart.start()
        try:
            outcome = self._grade(submission)
        except Exception as e:  # noqa: BLE001 - nbgrader or the database failed: retry later
            log.warning("grading #%s failed (try %s): %s", submission.id, submission.tries, e)
            outcome = None
            if submission.tries >= subs.MAX_TRIES:
                outcome = (subs.FAILED, None, None, f"Penilaian gagal {submission.tries} kali.")
        finally:
            beat.set()
            heart.join()
        if outcome is None:
            # Leave it leased for a moment; it becomes claimable again when the lease ends.
            subs.renew(self.engine, submission, self.worker, RETRY_AFTER)
            return subs.get(self.engine, submission.id)
        status, score, max_score, reason = outcome
        if not subs.complete(
            self.engine, submission, self.worker, status, score, max_score, reason
        ):
            log.warning("grading #%s: lease lost, result discarded", submission.id)
        return subs.get(self.engine, submission.id)

    def _grade(self, submission: subs.Submission):
        nb = nbformat.reads(submission.notebook, as_version=4)
        # Autograding replaces nbgrader's record: save what the trainer graded by hand first.
        args = (submission.course, submission.lesson, submission.username)
        held = hand_grades.read(self.grading.db_url, *args)
        if held is not None:
            hand_grades.keep(
                self.engine,
                subs.history(
                    self.engine, submission.username, submission.course, submission.lesson
                ),
                held,
            )
        try:
            score, max_score, graded = self.grading.autograde(*args, nb, submission.submitted_at)
        except GradingError as e:
            if "DeadKernelError" in str(e) or "Kernel died" in str(e):
                return subs.FAILED, None, None, REASONS["DeadKernelError"]
            raise
        if held is not None:
            score = hand_grades.clear(self.grading.db_url, *args)
        reason = failure_reason(graded)
        if reason:
            status, result = subs.FAILED, (subs.FAILED, 0.0, max_score, reason)
        else:
            status, result = subs.GRADED, (subs.GRADED, score, max_score, None)
        # A free-text answer waiting for the trainer may still earn its points: the new attempt
        # stays in the gradebook (for the trainer to grade) if it could beat the older ones.
        potential = 0.0
        if status == subs.GRADED:
            potential = score + hand_grades.pending_points(self.grading.db_url, *args)
        self._keep_best_in_gradebook(submission, potential)
        return result

    def _keep_best_in_gradebook(self, submission: subs.Submission, score: float) -> None:
        """nbgrader holds the best attempt: an older one goes back if it is better than `score`
        (what the new attempt can reach), counting the trainer's points, with its hand grading."""
        args = (submission.course, submission.lesson, submission.username)
        earlier = [
            s
            for s in subs.history(
                self.engine, submission.username, submission.course, submission.lesson
            )
            if s.status == subs.GRADED and s.id != submission.id
        ]
        hand = hand_grades.saved(self.engine, [s.id for s in earlier])

        def value(s: subs.Submission) -> float:
            return hand[s.id].score if s.id in hand else (s.score or 0)

        best = max(earlier, key=lambda s: (value(s), s.attempt), default=None)
        # Among equals the newest stays, unless the trainer already graded the older one.
        if best is None or value(best) < score or (value(best) == score and best.id not in hand):
            return
        log.info("gradebook: restoring attempt %s (better than %s)", best.attempt, score)
        self.grading.autograde(
            *args, nbformat.reads(best.notebook, as_version=4), best.submitted_at
        )
        hand_grades.clear(self.grading.db_url, *args)
        if best.id in hand:
            hand_grades.apply(self.grading.db_url, *args, hand[best.id])

    def _heartbeat(self, submission: subs.Submission, done: threading.Event) -> None:
        interval = self.lease.total_seconds() / 4
        while not done.wait(interval):
            try:
                subs.renew(self.engine, submission, self.worker, self.lease)
            except Exception as e:  # noqa: BLE001 - the database may be briefly away
                log.warning("lease renewal failed: %s", e)

    # -- the service loop ---------------------------------------------------------------------
    def run(self) -> None:
        log.info("grader %s waiting for submissions", self.worker)
        while not self.stopping.is_set():
            try:
                graded = self.grade_next()
            except Exception as e:  # noqa: BLE001 - database unavailable: wait and retry
                log.warning("grader: %s; retrying", e)
                graded = None
                self.stopping.wait(2)
            if graded is None:
                self.stopping.wait(self.poll)


def main() -> None:
    from naikkelas.hub.db import engine_for
    from naikkelas.hub.settings import Settings

    logging.basicConfig(level=logging.INFO, format="[grader %(asctime)s] %(message)s")
    settings = Settings(
        data_dir=os.environ["NAIKKELAS_DATA_DIR"], db_url=os.environ.get("NAIKKELAS_DB_URL", "")
    )
    timeout = int(os.environ.get("NAIKKELAS_GRADING_CELL_TIMEOUT", "20"))
    grader = Grader(
        engine_for(settings.naikkelas_db_url),
        settings.grading(cell_timeout=timeout, kernel_manager=KERNEL_MANAGER),
        lease=timedelta(seconds=settings.grading_lease_seconds),
    )
    signal.signal(signal.SIGTERM, lambda *_: grader.stopping.set())
    grader.run()


if __name__ == "__main__":
    main()
