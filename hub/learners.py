"""One learner's personal data: export everything stored about them, or erase them (UU PDP).

What is stored about a learner is found, not listed by hand: every NaikKelas table (in
`db.metadata`) with a `username` column, nbgrader's gradebook (the `student` row and its graded
submissions), the audit entries by or about them, and files on disk (their server's home folder,
nbgrader's copies of their submissions). A table added later with a `username` column is exported
and erased without changing this module.

Erasure, in one database transaction (all or nothing):
- rows of every `username` table are deleted, except certificates: a certificate stays as an
  anonymous count (course, date, hours, issuer), revoked, with no name and no username, so the
  public verification page says it was revoked and names nobody;
- nbgrader's student and their graded submissions, grades and comments are deleted;
- audit entries by or about the learner keep only a pseudonym (`erased-<hex>`, random: nothing
  links it back), and one `erase` entry is added.
Files (home folder, nbgrader's submitted/autograded/feedback folders) are removed after the
transaction commits. The JupyterHub user is the caller's part (see `hub_users`).
"""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import inspect, select, update
from sqlalchemy.engine import Connection, Engine

from naikkelas.grading.certificates import ERASED_REASON

from . import audit
from .accounts import Role, accounts_table, normalize_username
from .db import metadata

FORMAT = "naikkelas-learner-export/1"
# Friendly names of the known tables in an export; other tables appear by their own name.
CATEGORIES = {
    "nk_accounts": "account",
    "nk_learner_profiles": "profile",
    "nk_lesson_state": "lesson_state",
    "nk_progress_events": "progress_events",
    "nk_submissions": "submissions",
    "nk_certificates": "certificates",
    "nk_preferences": "preferences",
    "nk_data_notice": "data_notice",
}
NEVER_EXPORTED = {"secret_hash"}
KEPT_ANONYMOUS = "nk_certificates"
NBGRADER_FOLDERS = ("submitted", "autograded", "feedback")


class LearnerError(ValueError):
    """No such learner, or not a learner; English, for operators."""


def learner_tables() -> list:
    """NaikKelas's tables that hold rows about one user (a `username` column), parents last."""
    return [
        t
        for t in reversed(metadata.sorted_tables)
        if "username" in t.c and t.name != audit.audit_table.name
    ]


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(conn: Connection, table, username: str) -> list[dict]:
    query = select(table).where(table.c.username == username)
    if "id" in table.c:
        query = query.order_by(table.c.id)
    return [
        {k: _plain(v) for k, v in row._mapping.items() if k not in NEVER_EXPORTED}
        for row in conn.execute(query)
    ]


def _has_gradebook(conn: Connection) -> bool:
    return "student" in inspect(conn).get_table_names()


def _gradebook_export(conn: Connection, username: str) -> dict | None:
    """nbgrader's student row and every graded submission with its grades and comments."""
    if not _has_gradebook(conn):
        return None
    from nbgrader.api import Student
    from sqlalchemy.orm import Session

    with Session(bind=conn) as session:
        student = session.get(Student, username)
        if student is None:
            return None
        submissions = []
        for sub in student.submissions:
            notebooks = []
            for nb in sub.notebooks:
                notebooks.append(
                    {
                        "name": nb.name,
                        "score": nb.score,
                        "max_score": nb.max_score,
                        "grades": [_grade(g) for g in nb.grades],
                        "comments": [
                            {"cell": c.name, "auto": c.auto_comment, "manual": c.manual_comment}
                            for c in nb.comments
                        ],
                    }
                )
            submissions.append(
                {
                    "assignment": sub.assignment.name,
                    "timestamp": _plain(sub.timestamp),
                    "score": sub.score,
                    "max_score": sub.max_score,
                    "notebooks": notebooks,
                }
            )
        return {
            "student": {
                "id": student.id,
                "first_name": student.first_name,
                "last_name": student.last_name,
                "email": student.email,
                "lms_user_id": student.lms_user_id,
            },
            "submissions": submissions,
        }


def _grade(g) -> dict:
    return {
        "cell": g.name,
        "auto_score": g.auto_score,
        "manual_score": g.manual_score,
        "extra_credit": g.extra_credit,
        "max_score": g.max_score,
    }


def _account_row(conn: Connection, username: str):
    return conn.execute(select(accounts_table).where(accounts_table.c.username == username)).first()


def _check_learner(conn: Connection, username: str):
    username = normalize_username(username)
    row = _account_row(conn, username)
    if row is None:
        raise LearnerError(f"no account {username!r}")
    if row.role != Role.LEARNER.value:
        raise LearnerError(f"{username} is a {row.role} account, not a learner (peserta)")
    return row


def _hand_grades_export(conn: Connection, submissions: list[dict]) -> list[dict]:
    """The trainer's saved hand grading of older attempts (keyed by attempt, not username;
    erased with the attempts by the foreign key's ON DELETE CASCADE)."""
    from naikkelas.grading.hand_grades import hand_grades_table as table

    ids = [row["id"] for row in submissions]
    if not ids:
        return []
    rows = conn.execute(select(table).where(table.c.submission_id.in_(ids))).mappings()
    return [{k: _plain(v) for k, v in row.items()} for row in rows]


def export(engine: Engine, username: str) -> dict:
    """Everything stored about one learner, as JSON-ready data (no secret hash)."""
    username = normalize_username(username)
    with engine.connect() as conn:
        _check_learner(conn, username)
        data = {CATEGORIES.get(t.name, t.name): _rows(conn, t, username) for t in learner_tables()}
        data["account"] = data["account"][0]
        data["profile"] = data["profile"][0] if data["profile"] else None
        data["preferences"] = data["preferences"][0] if data["preferences"] else None
        data["gradebook"] = _gradebook_export(conn, username)
        data["hand_grades"] = _hand_grades_export(conn, data["submissions"])
        data["audit"] = [e.to_json() for e in audit.entries(conn, about=username)]
    return {
        "format": FORMAT,
        "username": username,
        "exported_at": datetime.now(UTC).isoformat(),
        **data,
    }


def write_export(engine: Engine, username: str, path: Path, actor: str) -> dict:
    """Export one learner to `path` (mode 0600) and write the `export` audit entry."""
    data = export(engine, username)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part")
    tmp.touch(mode=0o600)
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    audit.record(engine, actor, "export", data["username"], file=path.name)
    return data


@dataclass
class Erasure:
    username: str
    pseudonym: str
    deleted: dict[str, int] = field(default_factory=dict)
    certificates: int = 0
    files: list[str] = field(default_factory=list)


def _erase_gradebook(conn: Connection, username: str) -> int:
    """nbgrader's `Gradebook.remove_student`, inside our transaction (nbgrader's own commits
    after each submission)."""
    if not _has_gradebook(conn):
        return 0
    from nbgrader.api import Student
    from sqlalchemy.orm import Session

    with Session(bind=conn) as session:
        student = session.get(Student, username)
        if student is None:
            return 0
        submissions = list(student.submissions)
        for sub in submissions:
            for nb in list(sub.notebooks):
                for item in [*nb.grades, *nb.comments]:
                    session.delete(item)
                session.delete(nb)
            session.delete(sub)
        session.delete(student)
        session.flush()
    return len(submissions)


def erase(
    engine: Engine,
    username: str,
    actor: str,
    *,
    nbgrader_root: Path | None = None,
    home_dirs: tuple[Path, ...] = (),
    before_commit: Callable[[], None] | None = None,
) -> Erasure:
    """Erase one learner (see the module's docstring). `before_commit` runs inside the
    transaction (the caller removes the JupyterHub user there: if that fails, nothing is
    erased). Files are removed after the commit: `nbgrader_root/<course>/<folder>/<username>`
    and every folder in `home_dirs`."""
    username = normalize_username(username)
    result = Erasure(username, f"erased-{secrets.token_hex(6)}")
    with engine.begin() as conn:
        account = _check_learner(conn, username)
        certificates = metadata.tables[KEPT_ANONYMOUS]
        result.certificates = conn.execute(
            update(certificates)
            .where(certificates.c.username == username)
            .values(
                username="",
                display_name="",
                current_for=None,
                revoked_reason=ERASED_REASON,
                revoked_at=datetime.now(UTC),
            )
        ).rowcount
        for table in learner_tables():
            if table.name == KEPT_ANONYMOUS:
                continue
            deleted = conn.execute(table.delete().where(table.c.username == username)).rowcount
            result.deleted[CATEGORIES.get(table.name, table.name)] = deleted
        result.deleted["gradebook_submissions"] = _erase_gradebook(conn, username)
        audit.pseudonymise(conn, username, result.pseudonym, also=(account.display_name,))
        audit.record(
            conn,
            actor,
            "erase",
            result.pseudonym,
            cohort=account.cohort,
            certificates_kept_anonymous=result.certificates,
            **{f"deleted_{k}": v for k, v in result.deleted.items()},
        )
        if before_commit is not None:
            before_commit()
    for folder in _learner_folders(username, nbgrader_root, home_dirs):
        shutil.rmtree(folder, ignore_errors=True)
        result.files.append(str(folder))
    return result


def _learner_folders(username: str, nbgrader_root: Path | None, home_dirs) -> list[Path]:
    folders = [Path(h) for h in home_dirs if Path(h).is_dir()]
    if nbgrader_root is not None and Path(nbgrader_root).is_dir():
        for course in sorted(Path(nbgrader_root).iterdir()):
            for kind in NBGRADER_FOLDERS:
                folder = course / kind / username
                if folder.is_dir():
                    folders.append(folder)
    return folders
