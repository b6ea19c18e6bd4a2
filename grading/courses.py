"""Courses on disk: one folder per course, a `course.yml` of metadata, one notebook per lesson.

The same reader serves course sources (`courses/`) and released copies (a cohort's folder).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

COURSE_FILE = "course.yml"


class CourseError(ValueError):
    """A course folder that cannot be read; the message names the file."""


@dataclass(frozen=True)
class Lesson:
    slug: str  # file stem, stable id of the lesson within its course
    title: str
    minutes: int
    path: Path


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    description: str
    audience: str
    order: int
    path: Path
    certificate_name: str = ""
    prerequisites: tuple[str, ...] = ()
    lessons: tuple[Lesson, ...] = field(default=())

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


def _lesson_meta(path: Path) -> tuple[str, int]:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CourseError(f"{path}: not a readable notebook ({e.__class__.__name__})") from e
    meta = nb.get("metadata", {}).get("naikkelas", {})
    title = meta.get("title")
    if not title:
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown":
                src = "".join(cell.get("source", ""))
                for line in src.splitlines():
                    if line.startswith("#"):
                        title = line.lstrip("#").strip()
                        break
            if title:
                break
    return title or path.stem, int(meta.get("minutes", 10))


def read_course_meta(path: Path) -> dict:
    """A course folder's `course.yml`, checked."""
    meta_file = Path(path) / COURSE_FILE
    try:
        meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as e:
        raise CourseError(f"{meta_file}: missing") from e
    except yaml.YAMLError as e:
        raise CourseError(f"{meta_file}: not valid YAML ({e})") from e
    if not isinstance(meta, dict) or not meta.get("title"):
        raise CourseError(f"{meta_file}: needs at least a 'title'")
    return meta


def lesson_paths(path: Path) -> list[Path]:
    """A course folder's lesson notebooks, in their order."""
    return sorted(Path(path).glob("*.ipynb"))


def read_course(path: Path) -> Course:
    """Read one course folder."""
    path = Path(path)
    meta = read_course_meta(path)
    lessons = []
    for nb_path in lesson_paths(path):
        title, minutes = _lesson_meta(nb_path)
        lessons.append(Lesson(nb_path.stem, title, minutes, nb_path))
    return Course(
        slug=path.name,
        title=str(meta["title"]),
        description=str(meta.get("description", "")),
        audience=str(meta.get("audience", "")),
        order=int(meta.get("order", 100)),
        path=path,
        certificate_name=str(meta.get("certificate_name", meta["title"])),
        prerequisites=tuple(meta.get("prerequisites", ()) or ()),
        lessons=tuple(lessons),
    )


def list_courses(root: Path) -> list[Course]:
    """Every course folder directly below `root`, in their configured order."""
    root = Path(root)
    if not root.is_dir():
        return []
    courses = [read_course(p) for p in root.iterdir() if (p / COURSE_FILE).is_file()]
    return sorted(courses, key=lambda c: (c.order, c.slug))
