"""The lesson shell: one idea per screen, a step indicator, a progress bar, Kembali/Lanjut, and a
closing screen with the score. Progress is saved as it happens and restored when the lesson opens
again (reload, another device, a restarted server).

A lesson notebook declares its screens and shows the lesson:

    lesson = Lesson("Apa itu QRIS?")
    lesson.screen("## Tujuan\\nSetelah pelajaran ini Anda bisa ...")
    lesson.screen("Pilih jawaban yang benar.", SingleChoice("q1", "QRIS dipakai untuk ...", [...]))
    lesson.show()
"""

from __future__ import annotations

import os
import re
import time

import ipywidgets as widgets
from IPython.display import display

from .activities import has_activity
from .client import ClientError, ProgressClient, connect
from .lesson_tools import DisplayToggles, audio_part, listen_button
from .questions import TARGET, Question
from .text import escape, markdown, status


class Screen:
    """One screen of a lesson: text and widgets, shown together."""

    def __init__(self, parts: tuple, audio: str | None = None):
        self.questions: list[Question] = []
        children = [audio_part(audio)] if audio else []
        for part in parts:
            if isinstance(part, str):
                children.append(widgets.HTML(f'<div class="nk-text">{markdown(part)}</div>'))
            elif isinstance(part, widgets.Widget):
                children.append(part)
                if isinstance(part, Question) and part.question_id is not None:
                    self.questions.append(part)  # ungraded practice (a simulator) is not
            else:
                raise TypeError(f"a screen holds text or widgets, not {type(part).__name__}")
        self.box = widgets.VBox(children)
        self.box.add_class("nk-screen")

    @property
    def interactive(self) -> bool:
        """Whether the learner has something to do here (a question, cards, a simulator ...)."""
        return has_activity(self.box)


def course_home_url(environ=os.environ) -> str:
    """The learner's course home, from the path Voila is rendering."""
    match = re.match(r"^(.*)/voila/render/", environ.get("SCRIPT_NAME", ""))
    return f"{match.group(1)}/naikkelas" if match else "../"


def lesson_file_url(name: str, environ=os.environ) -> str:
    """URL of a file beside the lesson (a picture), served by Voila's file handler."""
    match = re.match(r"^(.*)/voila/render/(.*/)?[^/]+\.ipynb$", environ.get("SCRIPT_NAME", ""))
    if not match:
        return name
    return f"{match.group(1)}/voila/files/{match.group(2) or ''}{name}"


class Lesson:
    """The shell around a lesson's screens."""

    def __init__(self, title: str, client: ProgressClient | None = None):
        self.title = title
        self.screens: list[Screen] = []
        self.client = client
        self.index = 0
        self.questions: dict[str, Question] = {}
        self.heading = widgets.HTML(f'<h1 class="nk-title">{escape(title)}</h1>')
        self.counter = widgets.HTML()
        self.bar = widgets.IntProgress(min=0, value=1, layout=widgets.Layout(width="100%"))
        self.bar.add_class("nk-bar")
        self.body = widgets.VBox()
        self.message = widgets.HTML()
        self.nav = widgets.HBox()
        self.listen = listen_button()
        self.root = widgets.VBox()
        self.display = DisplayToggles(self.root)
        self.root.children = [
            self.heading, self.counter, self.bar, self.listen, self.body, self.message, self.nav,
            self.display,
        ]  # fmt: skip
        self.root.add_class("nk-lesson")

    # -- authoring ---------------------------------------------------------------------------
    def screen(self, *parts, audio: str | None = None) -> None:
        """Add a screen made of Markdown text and widgets (questions, simulators). `audio`: a
        recording beside the lesson (e.g. "suara/langkah1.mp3") that "Dengarkan" plays instead
        of the phone's own voice reading the screen."""
        screen = Screen(parts, audio)
        for question in screen.questions:
            if question.question_id in self.questions:
                raise ValueError(f"question id {question.question_id!r} is used twice")
            question.lesson = self
            self.questions[question.question_id] = question
        self.screens.append(screen)

    def show(self) -> None:
        """Display the lesson, resuming where this learner left it."""
        if not self.screens:
            raise ValueError("a lesson needs at least one screen")
        if self.client is None:
            self.client = connect()
        self.closing = widgets.VBox()
        self.bar.max = len(self.screens)
        step = 0
        try:
            saved = self.client.state()
        except ClientError as e:
            saved = {}
            self.message.value = status(str(e))
        for question_id, record in (saved.get("answers") or {}).items():
            if question_id in self.questions:
                self.questions[question_id].restore(record)
        if isinstance(saved.get("step"), int):
            step = saved["step"]
        self.display.load(self.client)
        self._show(min(max(step, 0), len(self.screens) - 1))
        display(self.root)

    # -- navigation --------------------------------------------------------------------------
    def _nav_buttons(self, index: int) -> None:
        """New Kembali/Lanjut buttons for screen `index`.

        A double tap on a slow phone reaches the kernel as two clicks on the same button. The
        buttons belong to the screen they were drawn for, so the second click, from a screen that
        is no longer shown, is ignored: one tap, one screen, with no timing involved.
        """
        old = self.nav.children
        self.back = widgets.Button(description="Kembali", layout=_nav_layout())
        self.next = widgets.Button(
            description="Lanjut", button_style="primary", layout=_nav_layout()
        )
        self.back.add_class("nk-nav")
        self.next.add_class("nk-nav")
        self.back.on_click(lambda _b: index == self.index and self.go(index - 1))
        self.next.on_click(lambda _b: index == self.index and self.forward())
        self.nav.children = [self.back, self.next]
        for button in old:
            button.close()

    def go(self, index: int) -> None:
        """Move to screen `index` (taps past either end are ignored).

        The step is saved before the new screen is drawn, so whatever screen the learner sees
        is the one they come back to.
        """
        if not 0 <= index < len(self.screens) or index == self.index:
            return
        problem = None
        try:
            self.client.step(index)
        except ClientError as e:
            problem = str(e)
        self._show(index)
        if problem:
            self.message.value = status(problem)

    def forward(self) -> None:
        if self.index == len(self.screens) - 1:
            self.finish()
        else:
            self.go(self.index + 1)

    def _show(self, index: int) -> None:
        self.index = index
        self._nav_buttons(index)
        self.body.children = [self.screens[index].box]
        self.counter.value = f'<p class="nk-step">Langkah {index + 1} dari {len(self.screens)}</p>'
        self.bar.value = index + 1
        self.bar.description = ""
        self.back.disabled = index == 0
        self.next.disabled = False
        last = index == len(self.screens) - 1
        self.next.description = "Selesai" if last else "Lanjut"
        self.message.value = ""

    def finish(self) -> None:
        """The closing screen: score and what to do next."""
        unanswered = [q for q in self.questions.values() if not q.answered]
        if unanswered:
            self.message.value = status(
                f"Masih ada {len(unanswered)} soal yang belum dijawab. "
                "Jawab dulu, lalu tekan Selesai."
            )
            first = next(
                i for i, s in enumerate(self.screens) if any(q in s.questions for q in unanswered)
            )
            if first != self.index:
                self.go(first)
                self.message.value = status(f"Masih ada {len(unanswered)} soal yang belum dijawab.")
            return
        try:
            score = self.client.finish()
        except ClientError as e:
            self.message.value = status(str(e))
            return
        earned, total = score.get("earned", 0), score.get("total", 0)
        self.send_button = widgets.Button(
            description="Kirim ke pelatih", button_style="primary", layout=_nav_layout()
        )
        self.send_button.add_class("nk-send")
        self.send_button.on_click(lambda _b: self.send())
        self.send_status = widgets.HTML()
        self.body.children = [
            widgets.HTML(
                '<div class="nk-done">'
                "<h2>Pelajaran selesai. Hebat!</h2>"
                f'<p class="nk-score">Skor Anda: {earned:g} dari {total:g}</p>'
                + (
                    f"<p>Jawaban uraian Anda ({score['manual']:g} poin) akan dinilai pelatih.</p>"
                    if score.get("manual")
                    else ""
                )
                + "<p>Tekan <b>Kirim ke pelatih</b> supaya nilai Anda tercatat.</p></div>"
            ),
            self.send_button,
            self.send_status,
            widgets.HTML(
                "<p>Langkah berikutnya: buka pelajaran selanjutnya di daftar pelajaran.</p>"
                f'<p><a class="nk-link-button" href="{escape(course_home_url())}">'
                "Kembali ke daftar pelajaran</a></p>"
            ),
        ]
        self.counter.value = '<p class="nk-step">Selesai</p>'
        self.bar.value = self.bar.max
        self._nav_buttons(self.index)
        self.next.layout.display = "none"

    # -- Kirim: the lesson as an nbgrader submission ------------------------------------------
    def send(self, wait: float = 20.0, interval: float = 0.5) -> None:
        """Submit the lesson for grading and show the official grade when it comes (the learner
        waits at most `wait` seconds; after that the grade appears on the course home)."""
        self.send_button.disabled = True
        self.send_status.value = status("Mengirim ...")
        try:
            sent = self.client.submit()
        except ClientError as e:
            self.send_status.value = status(str(e), correct=False)
            self.send_button.disabled = False
            return
        if sent.get("status") == "preview":
            self.send_status.value = status("Mode pratinjau: pelajaran tidak dikirim.")
            return
        attempt = sent.get("attempt")
        self.send_status.value = status(f"Terkirim (kiriman ke-{attempt}). Sedang dinilai ...")
        deadline = time.monotonic() + wait
        latest: dict = {}
        while time.monotonic() < deadline:
            try:
                history = self.client.submissions()
            except ClientError:
                history = {}
            latest = next(
                (a for a in history.get("attempts", []) if a.get("attempt") == attempt), {}
            )
            if latest.get("status") in ("graded", "failed"):
                break
            time.sleep(interval)
        self.send_status.value = _grade_message(attempt, latest, history)
        self.send_button.description = "Kirim lagi"
        self.send_button.disabled = False


def _grade_message(attempt, latest: dict, history: dict) -> str:
    if latest.get("status") == "graded":
        return status(
            f"Nilai resmi kiriman ke-{attempt}: {latest.get('score', 0):g} dari "
            f"{latest.get('max_score', 0):g}. Sudah tercatat.",
            correct=True,
        )
    if latest.get("status") == "failed":
        return status(
            f"Kiriman ke-{attempt} tidak bisa dinilai: {latest.get('reason')}", correct=False
        )
    ahead = history.get("ahead") or 0
    queue = f" Masih ada {ahead} kiriman sebelum Anda." if ahead else ""
    return status(
        f"Kiriman ke-{attempt} sudah diterima dan sedang menunggu dinilai.{queue} "
        "Nilai akan muncul di daftar pelajaran."
    )


def _nav_layout() -> widgets.Layout:
    return widgets.Layout(flex="1 1 0", min_height=TARGET, height="auto", margin="4px")
