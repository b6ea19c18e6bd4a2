"""Complete any lesson built from the standard question types in a real browser, as a learner.

The plan (screens, questions, option labels) comes from running the lesson's learner copy in
this process with the local checker; the right answers come from the source notebook's key.
The browser is then driven only through what a learner sees: buttons, fields and dropdowns.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import nbformat

from naikkelas.grading.lessons import extract_key
from naikkelas.grading.release import learner_copy

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"single", "truefalse", "multi", "number", "text", "order", "match"}


@dataclass
class Plan:
    title: str
    screens: list[list]  # per screen, its graded question widgets in display order
    key: dict

    @property
    def total(self) -> float:
        return sum(entry.get("points", 1) for entry in self.key.values())


def lesson_plan(course: str, lesson: str) -> Plan:
    path = ROOT / "courses" / course / f"{lesson}.ipynb"
    source = nbformat.read(path, as_version=4)
    key = extract_key(source)
    unsupported = {entry["type"] for entry in key.values()} - KINDS
    if unsupported:
        raise ValueError(f"{path.name}: the driver cannot answer {sorted(unsupported)}")
    namespace: dict = {"__name__": "__lesson__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in learner_copy(source).cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, str(path), "exec"), namespace)  # noqa: S102 - our lesson
    built = namespace["lesson"]
    return Plan(
        title=source.metadata["naikkelas"]["title"],
        screens=[list(screen.questions) for screen in built.screens],
        key=key,
    )


def _number(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else str(value).replace(".", ",")


def _order(question, widget, wanted: list[str]) -> None:
    current = list(widget.items)
    rows = question.locator(".nk-order-item")
    for place, item in enumerate(wanted):
        while (index := current.index(item)) > place:
            question.get_by_role("button", name="Naik").nth(index).tap()
            current[index - 1], current[index] = current[index], current[index - 1]
            label = widget.items[current[index - 1]]
            rows.nth(index - 1).filter(has_text=label).wait_for()
    question.get_by_role("button", name="Periksa urutan").tap()


def answer(question, widget, entry: dict) -> None:
    """Give the key's right answer to one question on the page, then wait for "right"."""
    kind, right = entry["type"], entry["answer"]
    choices = question.locator(".nk-choice")
    if kind == "single":
        choices.nth(right).tap()
    elif kind == "truefalse":
        question.get_by_role("button", name="Benar" if right else "Salah", exact=True).tap()
    elif kind == "multi":
        for index in right:
            choices.nth(index).tap()
            choices.nth(index).filter(has_text="☑").wait_for()
        question.get_by_role("button", name="Periksa jawaban").tap()
    elif kind in ("number", "text"):
        text = _number(right) if kind == "number" else right if isinstance(right, str) else right[0]
        question.locator("input").fill(text)
        question.get_by_role("button", name="Periksa jawaban").tap()
    elif kind == "order":
        _order(question, widget, [str(item) for item in right])
    elif kind == "match":
        selects = question.locator("select")
        for index, left in enumerate(widget.left):
            selects.nth(index).select_option(label=widget.right[right[left]])
        question.get_by_role("button", name="Periksa pasangan").tap()
    question.locator(".nk-right").wait_for()


def complete(page, plan: Plan) -> None:
    """Walk every screen answering right, then Selesai; the page shows the full score."""
    count = len(plan.screens)
    for number, widgets in enumerate(plan.screens, 1):
        page.get_by_text(f"Langkah {number} dari {count}").wait_for(timeout=60_000)
        questions = page.locator(".nk-screen .nk-question")
        for index, widget in enumerate(widgets):
            answer(questions.nth(index), widget, plan.key[widget.question_id])
        page.get_by_role("button", name="Selesai" if number == count else "Lanjut").tap()
    page.get_by_text("Pelajaran selesai").wait_for()
    page.get_by_text(f"Skor Anda: {plan.total:g} dari {plan.total:g}").wait_for()
