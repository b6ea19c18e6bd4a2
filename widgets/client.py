"""How a lesson kernel checks answers and saves progress.

`ServiceClient` talks to the NaikKelas hub service with the learner server's token: the only way
on a learner's server, where no answer key exists. `LocalClient` checks against a key held in
memory, for trainers previewing a source lesson and for headless validation.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Protocol

from .answering import apply_answer, lesson_score, public_record

LESSON_PATH = re.compile(r"/voila/render/(?P<course>[^/]+)/(?P<lesson>[^/]+)\.ipynb$")


class ClientError(RuntimeError):
    """The service could not be reached or refused; the message is for the learner."""


class ProgressClient(Protocol):
    def state(self) -> dict: ...
    def answer(self, question: str, answer: Any) -> dict: ...
    def step(self, step: int) -> None: ...
    def finish(self) -> dict: ...
    def submit(self) -> dict: ...
    def submissions(self) -> dict: ...
    def preferences(self) -> dict: ...
    def set_preferences(self, changes: dict) -> dict: ...


class ServiceClient:
    """Calls the NaikKelas service; every write carries an event id, so retries count once."""

    def __init__(self, base_url: str, token: str, course: str, lesson: str, timeout=10, tries=3):
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"the NaikKelas service URL must be http(s): {base_url!r}")
        self.root = f"{base_url.rstrip('/')}/api/"
        self.url = f"{self.root}lessons/{course}/{lesson}/"
        self.token = token
        self.timeout = timeout
        self.tries = tries

    def _call(
        self, action: str, body: dict | None = None, raw: bytes | None = None, url: str = ""
    ) -> dict:
        data, headers = raw, {"Authorization": f"token {self.token}"}
        if body is not None:
            data = json.dumps({**body, "event_id": uuid.uuid4().hex}).encode()
        headers["Content-Type"] = "application/json"
        if raw is not None:
            headers["X-NaikKelas-Event"] = uuid.uuid4().hex  # a retried submission counts once
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            url or self.url + action,
            data=data,
            method="POST" if data is not None else "GET",
            headers=headers,
        )
        delay = 0.3
        for attempt in range(self.tries):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    return json.loads(response.read())
            except urllib.error.HTTPError as e:
                if e.code < 500:
                    try:
                        message = json.loads(e.read()).get("error")
                    except ValueError:
                        message = None
                    raise ClientError(message or "Permintaan ditolak.") from None
                error = e
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                error = e
            if attempt + 1 < self.tries:
                time.sleep(delay)  # back off before retrying the same event
                delay *= 2
        raise ClientError(
            "Jawaban belum tersimpan karena koneksi terputus. Coba tekan lagi."
        ) from error

    def state(self) -> dict:
        return self._call("state")

    def answer(self, question: str, answer: Any) -> dict:
        return self._call("answer", {"question": question, "answer": answer})

    def step(self, step: int) -> None:
        self._call("step", {"step": step})

    def finish(self) -> dict:
        return self._call("finish", {})

    def submit(self) -> dict:
        """nbgrader's fetch and submit: the released lesson with the recorded answers."""
        from naikkelas.grading.nbsource import answers_cell_index, answers_source

        released = self._call("release")
        answers = {q: r.get("answer") for q, r in (self.state().get("answers") or {}).items()}
        released["cells"][answers_cell_index(released)]["source"] = answers_source(answers)
        return self._call("submit", raw=json.dumps(released).encode())

    def submissions(self) -> dict:
        return self._call("submissions")

    def preferences(self) -> dict:
        """The learner's display preferences (large text, high contrast), from every device."""
        return self._call("", url=self.root + "preferences")

    def set_preferences(self, changes: dict) -> dict:
        return self._call("", changes, url=self.root + "preferences")


class LocalClient:
    """Checks in memory against `key` (trainer preview, headless validation); keeps no files."""

    def __init__(self, key: dict | None = None):
        self.key = key or {}
        self.answers: dict[str, dict] = {}
        self.current_step = 0
        self.finished = False
        self.display = {"large_text": False, "high_contrast": False}

    def state(self) -> dict:
        answers = {q: public_record(self.key.get(q), r) for q, r in self.answers.items()}
        return {"step": self.current_step, "answers": answers, **self._score()}

    def answer(self, question: str, answer: Any) -> dict:
        entry = self.key.get(question)
        if entry is None:
            return {
                "correct": None,
                "feedback": "Mode pratinjau: kunci jawaban belum dimuat.",
                "attempts": 0,
                "attempts_left": None,
                "locked": False,
            }
        record, locked = apply_answer(entry, self.answers.get(question, {}), answer)
        self.answers[question] = record
        return public_record(entry, record, locked)

    def step(self, step: int) -> None:
        self.current_step = step

    def finish(self) -> dict:
        self.finished = True
        return self._score()

    def submit(self) -> dict:
        return {"status": "preview"}

    def submissions(self) -> dict:
        return {"attempts": [], "best": None, "ahead": 0}

    def preferences(self) -> dict:
        return dict(self.display)

    def set_preferences(self, changes: dict) -> dict:
        self.display.update(changes)
        return dict(self.display)

    def _score(self) -> dict:
        return lesson_score(self.key, self.answers, self.finished)


_preview_key: dict | None = None


def preview(key: dict) -> float | None:
    """Use `key` for lessons shown in this kernel (a trainer previewing a source lesson).

    Under nbgrader autograde (NBGRADER_EXECUTION=autograde) it also returns the points that the
    submission's ``ANSWERS`` (the answers cell, run just before) earn: nbgrader records a number
    output by an autograder-tests cell as that cell's partial credit.
    """
    global _preview_key
    _preview_key = key
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        from .checking import score

        answers = sys._getframe(1).f_globals.get("ANSWERS")
        return score(key, answers if isinstance(answers, dict) else {})[0]
    return None


def lesson_ref(environ=os.environ) -> tuple[str, str] | None:
    """(course, lesson) of the lesson Voila is rendering in this kernel, from its request."""
    match = LESSON_PATH.search(environ.get("SCRIPT_NAME", ""))
    return (match["course"], match["lesson"]) if match else None


def connect(environ=os.environ) -> ProgressClient:
    """The service on a learner's server; a local checker anywhere else."""
    ref = lesson_ref(environ)
    url = environ.get("NAIKKELAS_SERVICE_URL")
    token = environ.get("JUPYTERHUB_API_TOKEN")
    if ref and url and token and _preview_key is None:
        return ServiceClient(url, token, *ref)
    return LocalClient(_preview_key)
