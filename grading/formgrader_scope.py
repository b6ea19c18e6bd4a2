"""Cohort scoping for nbgrader's formgrader (a Jupyter server extension for the formgrader backend).

nbgrader's gradebook holds every learner of a course, whatever their cohort, and the formgrader
shows all of them. NaikKelas's formgrader backends run behind `naikkelas.grading.formgrader` (the
hub service that authenticates trainers), which states in a header which learners the trainer may
see. This extension puts that list on the request, and an SQLAlchemy ``do_orm_execute`` hook adds
``WHERE student IN (...)`` to every query nbgrader makes for students, submissions, submitted
notebooks, grades and comments — lists, counts, and look-ups by id alike — so a learner outside
the trainer's cohorts does not exist as far as the formgrader can tell.

A request without the header (nobody but the supervisor can reach the backend; it holds the
backend's token) sees no learner at all.
"""

from __future__ import annotations

import contextvars
import json

from sqlalchemy import event, select
from sqlalchemy.orm import Session, with_loader_criteria

VISIBLE_HEADER = "X-NaikKelas-Learners"

_visible: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "naikkelas_visible_learners", default=frozenset()
)


def _scope(execute_state) -> None:
    if not execute_state.is_select:
        return
    from nbgrader.api import (
        Comment,
        Grade,
        Student,
        SubmittedAssignment,
        SubmittedNotebook,
    )

    allowed = sorted(_visible.get())
    visible_assignments = select(SubmittedAssignment.id).where(
        SubmittedAssignment.student_id.in_(allowed)
    )
    visible_notebooks = select(SubmittedNotebook.id).where(
        SubmittedNotebook.assignment_id.in_(visible_assignments)
    )
    execute_state.statement = execute_state.statement.options(
        with_loader_criteria(Student, Student.id.in_(allowed), include_aliases=True),
        with_loader_criteria(
            SubmittedAssignment, SubmittedAssignment.student_id.in_(allowed), include_aliases=True
        ),
        with_loader_criteria(
            SubmittedNotebook,
            SubmittedNotebook.assignment_id.in_(visible_assignments),
            include_aliases=True,
        ),
        with_loader_criteria(Grade, Grade.notebook_id.in_(visible_notebooks), include_aliases=True),
        with_loader_criteria(
            Comment, Comment.notebook_id.in_(visible_notebooks), include_aliases=True
        ),
    )


def install() -> None:
    """Scope every ORM query of this process (a formgrader backend serves nothing else), and the
    learners nbgrader finds from its folders rather than its database."""
    if not event.contains(Session, "do_orm_execute", _scope):
        event.listen(Session, "do_orm_execute", _scope)
    from nbgrader.apps.api import NbGraderAPI

    if getattr(NbGraderAPI, "_naikkelas_scoped", False):
        return
    for name in ("get_submitted_students", "get_autograded_students"):
        found = getattr(NbGraderAPI, name)

        def scoped(self, assignment_id, _found=found):
            return {s for s in _found(self, assignment_id) if s in _visible.get()}

        setattr(NbGraderAPI, name, scoped)
    NbGraderAPI._naikkelas_scoped = True


def _load_jupyter_server_extension(server_app) -> None:
    from jupyter_server.base.handlers import JupyterHandler

    install()
    original = JupyterHandler.prepare

    def prepare(handler):
        raw = handler.request.headers.get(VISIBLE_HEADER, "[]")
        try:
            names = json.loads(raw)
        except ValueError:
            names = []
        _visible.set(frozenset(n for n in names if isinstance(n, str)))
        return original(handler)

    JupyterHandler.prepare = prepare
    server_app.log.info("NaikKelas: formgrader limited to the learners the hub service names")


def _jupyter_server_extension_points():
    return [{"module": "naikkelas.grading.formgrader_scope"}]
