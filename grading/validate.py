"""`naikkelas courses validate`: check every lesson of a course before it is released.

Each lesson is read, its answer key checked, its learner copy checked for leaks, and it is run
headless as a learner would meet it: every widget must build, then every question is answered
right (score 100%) and wrong (feedback, score below 100%) through the same checker learners use.
Problems fail validation; plain-language advice is reported as warnings.
"""

from __future__ import annotations

import json
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from naikkelas.widgets.checking import AnswerKeyError, extract_key, validate_key

from .courses import CourseError, lesson_paths, read_course_meta
from .nbsource import LessonFormError, to_source_form
from .plain_words import HARD_WORDS
from .release import learner_copy, lesson_problems

MAX_MINUTES = 10
READING_WORDS_PER_MINUTE = 90  # slow readers with little schooling
SECONDS_PER_QUESTION = 30
SECONDS_PER_ACTIVITY = 5  # a Reveal or SelfCheck: its taps (its text is counted as reading)
LONG_SENTENCE_WORDS = 20
INDONESIAN = set(
    "yang dan di ke dari ini itu untuk dengan tidak anda ada atau juga bisa akan sudah kalau "
    "jika tekan pilih benar salah saja harus agar karena pada dalam oleh kami kita ia ibu "
    "bapak belum lalu apa mana siapa berapa".split()
)
ENGLISH = set("the and of to is are you your with this that for not from will be".split())


@dataclass
class Report:
    path: Path
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    questions: int = 0
    screens: int = 0
    minutes: float = 0.0  # estimated reading and doing time

    def problem(self, text: str, cell: int | None = None) -> None:
        self.problems.append(_where(self.path, cell) + text)

    def warn(self, text: str, cell: int | None = None) -> None:
        self.warnings.append(_where(self.path, cell) + text)


def _where(path: Path, cell: int | None) -> str:
    return f"{path}: " + (f"cell {cell}: " if cell is not None else "")


# Runs inside the lesson's kernel after the lesson's own cells: reports what was built and
# completes the lesson right, then wrong, through the local checker (the service's rules).
PROBE = r"""
import json as _json
from naikkelas.widgets.client import LocalClient as _Local
def _right(entry, question):
    a, kind = entry["answer"], entry["type"]
    if kind == "text": return a if isinstance(a, str) else a[0]
    if kind == "number": return str(a)
    if kind == "region": return [(a[0][0] + a[0][2]) / 2, (a[0][1] + a[0][3]) / 2]
    if kind == "scenario": return a if isinstance(a, str) else a[0]
    if kind == "manual": return "Jawaban contoh untuk pemeriksaan."
    return a
def _wrong(entry, question):
    a, kind = entry["answer"], entry["type"]
    if kind == "single": return (a + 1) % len(question.options)
    if kind == "truefalse": return not a
    if kind == "multi": return []
    if kind == "number": return str(a + 1)
    if kind == "order": return list(reversed(a))
    if kind == "match": return {}
    if kind == "region": return [2.0, 2.0]
    if kind == "manual": return "Jawaban contoh untuk pemeriksaan."
    return "jawaban-salah-validasi"
_key = globals().get("KEY", {})
_texts = []
_activities = []
def _collect(widget):
    if callable(getattr(widget, "texts", None)):  # Reveal, SelfCheck: their text, shown or not
        _activities.append(widget); _texts.extend(widget.texts()); return
    value = getattr(widget, "value", None)
    if isinstance(value, str) and "<" in value: _texts.append(value)
    for child in getattr(widget, "children", ()): _collect(child)
for _screen in lesson.screens: _collect(_screen.box)
_report = {"questions": {q: type(w).__name__ for q, w in lesson.questions.items()},
           "screens": len(lesson.screens), "texts": _texts, "activities": len(_activities),
           "idle": [n for n, s in enumerate(lesson.screens, 1) if not s.interactive]}
for _mode, _make in (("right", _right), ("wrong", _wrong)):
    _client = _Local(_key)
    _feedback = []
    for _q, _w in lesson.questions.items():
        if _q in _key:
            _feedback.append(_client.answer(_q, _make(_key[_q], _w)).get("feedback", ""))
    _report[_mode] = {**_client.finish(), "feedback": _feedback}
print("NAIKKELAS-PROBE" + _json.dumps(_report))
"""


def _static_checks(report: Report, nb) -> dict:
    meta = nb.metadata.get("naikkelas", {})
    if not meta.get("title"):
        report.problem("metadata naikkelas.title is missing")
    minutes = meta.get("minutes")
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        report.problem(f"metadata naikkelas.minutes must be 1-{MAX_MINUTES}, is {minutes!r}")
    for index, cell in enumerate(nb.cells):
        if cell.get("outputs") or cell.get("execution_count"):
            report.problem("has outputs; clear them before committing", index)
    try:
        key = extract_key(nb)
    except AnswerKeyError as e:
        report.problem(str(e))
        return {}
    for problem in validate_key(key):
        report.problem(f"answer key: {problem}")
    for problem in lesson_problems(nb):  # cell ids and code that compiles, as release demands
        if "KEY" not in problem and "answer key" not in problem:
            report.problem(f"release: {problem}")
    try:
        source_form = to_source_form(nb)
    except LessonFormError as e:
        report.problem(f"nbgrader form: {e}")
    else:
        graded = [c.metadata.nbgrader for c in source_form.cells if c.metadata.nbgrader["grade"]]
        if key and not any(m["grade_id"] == "key" for m in graded):
            report.problem("nbgrader form: no autograder-tests cell holds the answer key")
    released = json.dumps(learner_copy(nb))
    if "HIDDEN TESTS" in released.upper() or re.search(r"\bKEY\s*=", released):
        report.problem("the learner copy still holds answer-key code")
    for question, entry in key.items():
        for text in (entry.get("right"), entry.get("wrong")):
            if isinstance(text, str) and len(text) > 12 and json.dumps(text)[1:-1] in released:
                report.problem(f"feedback of {question!r} is visible in the learner copy")
    return key


def _run(report: Report, nb, key: dict, timeout: int) -> None:
    probe = nbformat.from_dict(json.loads(json.dumps(nb)))
    probe.cells.append(nbformat.v4.new_code_cell(PROBE))
    # The kernel talks over Unix sockets in a private folder, as learners' and the grader's
    # do: no TCP port is picked and then bound (two lessons start kernels at once), and the
    # kernel has no reason to warn the author about unencrypted TCP.
    sockets = tempfile.TemporaryDirectory(prefix="nk-validate-")
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets.name}/kernel")
    client = NotebookClient(
        probe,
        km=km,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(report.path.parent)}},
    )
    try:
        client.execute(cleanup_kc=True)  # the kernel ends with the run, as when nbclient owns it
    except CellExecutionError as e:
        cell = next(
            (
                i
                for i, c in enumerate(probe.cells)
                if any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ),
            None,
        )
        report.problem(f"fails when run: {str(e).strip().splitlines()[-1][:300]}", cell)
        return
    except Exception as e:  # noqa: BLE001 - a kernel that cannot start is a problem to report
        report.problem(f"could not be run: {e.__class__.__name__}: {e}")
        return
    finally:
        sockets.cleanup()
    out = "".join(o.get("text", "") for o in probe.cells[-1].outputs if o.get("name") == "stdout")
    result = json.loads(out.split("NAIKKELAS-PROBE", 1)[1])
    questions = result["questions"]
    report.questions, report.screens = len(questions), result["screens"]
    for missing in sorted(set(questions) - set(key)):
        report.problem(f"question {missing!r} has no answer key")
    for extra in sorted(set(key) - set(questions)):
        report.problem(f"answer key for {extra!r}, which the lesson does not ask")
    # Free-text ("manual") points are the trainer's to give; the rest must behave.
    auto_total = result["right"]["total"] - result["right"].get("manual", 0)
    if key and result["right"]["earned"] != auto_total:
        report.problem(f"right answers score {result['right']['earned']} of {auto_total}")
    if key and auto_total and result["wrong"]["earned"] >= auto_total:
        report.problem("wrong answers score full marks")
    if any(not f for f in result["right"]["feedback"] + result["wrong"]["feedback"]):
        report.problem("a question gives no feedback")
    for screen in result["idle"]:
        report.problem(
            f"screen {screen} has nothing to do: add a question, Reveal cards or a SelfCheck"
        )
    _text_checks(report, result["texts"], len(questions), result["activities"])


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _text_checks(report: Report, texts: list[str], questions: int, activities: int = 0) -> None:
    for html in texts:
        for img in re.findall(r"<img\b[^>]*>", html):
            alt = re.search(r'\balt="([^"]*)"', img)
            if not alt or not alt.group(1).strip():
                report.problem("a picture has no alt text")
    words = re.findall(r"[A-Za-zÀ-ÿ']+", " ".join(_plain(t) for t in texts).lower())
    indonesian = sum(w in INDONESIAN for w in words)
    english = sum(w in ENGLISH for w in words)
    if words and indonesian < 3 * english:
        report.problem(
            f"learner text does not read as Indonesian ({indonesian} Indonesian "
            f"and {english} English function words)"
        )
    minutes = (
        len(words) / READING_WORDS_PER_MINUTE
        + (questions * SECONDS_PER_QUESTION + activities * SECONDS_PER_ACTIVITY) / 60
    )
    report.minutes = minutes
    if minutes > MAX_MINUTES:
        report.problem(f"estimated {minutes:.1f} minutes of reading and doing; keep it ≤ 10")
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(_plain(t) for t in texts)):
        count = len(sentence.split())
        if count > LONG_SENTENCE_WORDS:
            report.warn(f"long sentence ({count} words): {sentence.strip()[:80]}…")
    for word in sorted(set(words) & HARD_WORDS.keys()):
        report.warn(f"hard word {word!r} ({words.count(word)}x): plainer is {HARD_WORDS[word]!r}")


def validate_lesson(path: Path, timeout: int = 120) -> Report:
    report = Report(Path(path))
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as e:  # noqa: BLE001 - any unreadable notebook is one problem to report
        broken = e if isinstance(e, json.JSONDecodeError) else e.__cause__
        if isinstance(broken, json.JSONDecodeError):  # nbformat's NotJSONError wraps it
            where = f"broken JSON at line {broken.lineno}, column {broken.colno}"
            report.problem(f"not a valid notebook ({where}: {broken.msg})")
        else:
            report.problem(f"not a valid notebook ({e.__class__.__name__})")
        return report
    key = _static_checks(report, nb)
    _run(report, nb, key, timeout)
    return report


def validate_courses(course_dirs: list[Path], workers: int = 2) -> list[Report]:
    """Validate every lesson of every course; lessons run in parallel kernels."""
    reports, lessons = [], []
    for course_dir in course_dirs:
        # The course file and every lesson are checked on their own, so one broken file does
        # not hide the problems of the others (a broken notebook is its own lesson's problem).
        problems = []
        try:
            read_course_meta(course_dir)
        except CourseError as e:
            problems.append(str(e))
        paths = lesson_paths(course_dir)
        if not paths:
            problems.append("the course has no lessons")
        if problems:
            report = Report(Path(course_dir))
            for problem in problems:
                report.problem(problem)
            reports.append(report)
        lessons += paths
    with ThreadPoolExecutor(max_workers=workers) as pool:
        reports += list(pool.map(validate_lesson, lessons))
    return reports
