"""A learner's personal data: the export holds every kind, the erasure leaves nothing behind.

A learner is seeded with everything NaikKelas stores (roster profile, login, progress, answers,
a submission, nbgrader grades with a trainer's comment, a certificate, preferences, files), then
exported and erased. The proof of erasure reads every table of the database, NaikKelas's and
nbgrader's alike, found by inspecting it, and looks for the learner's username and name.
"""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, select, text

from naikkelas.grading import certificates as certs
from naikkelas.grading import progress
from naikkelas.grading import submissions as subs
from naikkelas.grading.gradebook import assignment_id, ensure_gradebook
from naikkelas.hub import audit, data_notice, learners
from naikkelas.hub.accounts import Role, upsert_account, verify_secret
from naikkelas.hub.cli import main
from naikkelas.hub.db import engine_for
from naikkelas.hub.preferences import get_preferences, set_preferences
from naikkelas.hub.roster import apply_import, plan_import
from naikkelas.hub.settings import Settings
from tests.unit.test_certificates import ISSUER, make_course

COURSE, LESSON = "jualan", "01-a"


@pytest.fixture
def platform(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    settings = Settings(data_dir=str(data_dir))
    engine = engine_for(settings.naikkelas_db_url)
    ensure_gradebook(settings.naikkelas_db_url)
    return settings, engine


def seed_learner(settings, engine, tmp_path, surname: str) -> tuple[str, str]:
    """A learner with everything stored about them; returns (username, display name)."""
    name = f"Siti {surname}"
    roster = tmp_path / f"{surname}.csv"
    roster.write_text(
        "Nama;Kelurahan;Jenis Kelamin;Tahun Lahir;No HP;Sektor Usaha\n"
        f"{name};Sidodadi;P;1980;0812-3456-7890;Kuliner\n",
        encoding="utf-8",
    )
    result = apply_import(engine, plan_import(engine, roster, cohort="smd-1"), actor="cli:op")
    ((username, pin),) = result.created.items()
    assert verify_secret(engine, username, pin)
    audit.login_attempt(engine, username, True)
    audit.login_attempt(engine, username, False)

    def answer(state):
        state.answers["q1"] = {"answer": f"Toko {name}", "correct": True, "attempts": 1}
        return True, 1.0

    progress.record(
        engine, username, COURSE, LESSON, uuid.uuid4().hex, answer,
        kind="answer", question="q1", payload={"answer": f"Toko {name}"},
    )  # fmt: skip
    subs.record_submission(
        engine, username, COURSE, LESSON, json.dumps({"cells": [], "by": name}), {"q1": name}
    )
    aid = assignment_id(COURSE, LESSON)
    from nbgrader.api import Gradebook

    with Gradebook(settings.naikkelas_db_url, COURSE) as gb:
        try:
            gb.find_assignment(aid)
        except Exception:  # noqa: BLE001 - nbgrader's MissingEntry
            gb.add_assignment(aid)
            gb.add_notebook(LESSON, aid)
            gb.add_grade_cell("jawaban", LESSON, aid, max_score=1, cell_type="code")
            gb.add_solution_cell("jawaban", LESSON, aid)
        gb.add_student(username, first_name=name)
        gb.add_submission(aid, username)
        comment = gb.find_comment("jawaban", LESSON, aid, username)
        comment.manual_comment = f"Bagus sekali, {name}!"
        grade = gb.find_grade("jawaban", LESSON, aid, username)
        grade.manual_score = 1
        gb.db.commit()
    course = make_course(tmp_path / f"released-{surname}")
    certs.issue(engine, username, course, name, ISSUER)
    set_preferences(engine, username, {"large_text": True})
    data_notice.acknowledge(engine, username)
    home = settings.homes_path / username
    home.mkdir(parents=True)
    (home / "catatan.txt").write_text(name)
    graded = settings.nbgrader_path / COURSE / "autograded" / username / aid
    graded.mkdir(parents=True)
    (graded / f"{LESSON}.ipynb").write_text(name)
    return username, name


def everything_mentioning(engine, *words) -> list[str]:
    """'table.column' of every value in the database holding one of `words` (any table)."""
    found = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            result = conn.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608 - our own names
            columns = list(result.keys())
            for row in result:
                for column, value in zip(columns, row, strict=True):
                    if value is not None and any(w in str(value) for w in words):
                        found.append(f"{table}.{column}")
    return sorted(set(found))


def test_export_holds_every_kind_of_data_and_no_secret(platform, tmp_path):
    settings, engine = platform
    username, name = seed_learner(settings, engine, tmp_path, "Rahmawati")
    out = tmp_path / "export.json"
    learners.write_export(engine, username, out, "cli:op")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert out.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    assert data["username"] == username
    assert data["account"]["display_name"] == name and "secret_hash" not in data["account"]
    assert data["profile"]["kelurahan"] == "Sidodadi" and data["profile"]["phone"]
    assert data["lesson_state"][0]["lesson"] == LESSON
    assert data["progress_events"][0]["question"] == "q1"
    assert json.loads(data["submissions"][0]["notebook"])["by"] == name
    assert data["certificates"][0]["display_name"] == name
    assert data["preferences"]["large_text"] is True
    assert data["data_notice"][0]["version"] == data_notice.VERSION
    (graded,) = data["gradebook"]["submissions"]
    assert graded["assignment"] == assignment_id(COURSE, LESSON)
    assert graded["notebooks"][0]["comments"][0]["manual"] == f"Bagus sekali, {name}!"
    assert graded["notebooks"][0]["grades"][0]["manual_score"] == 1
    assert {e["action"] for e in data["audit"]} == {"login", "login_failed"}
    every_table = {learners.CATEGORIES.get(t.name, t.name) for t in learners.learner_tables()}
    assert every_table <= set(data)
    raw = out.read_text(encoding="utf-8")
    assert "argon2" not in raw
    (entry,) = audit.entries(engine, action="export")
    assert (entry.subject, entry.details) == (username, {"file": "export.json"})


def test_erasure_leaves_nothing_about_the_learner_in_any_table(platform, tmp_path):
    settings, engine = platform
    username, name = seed_learner(settings, engine, tmp_path, "Kurniawati")
    other, other_name = seed_learner(settings, engine, tmp_path, "Handayani")
    assert len(everything_mentioning(engine, username, name)) > 10  # the search does find
    cert = certs.certificates(engine, username)[0]

    result = learners.erase(
        engine,
        username,
        "cli:op",
        nbgrader_root=settings.nbgrader_path,
        home_dirs=(settings.homes_path / username,),
    )

    assert everything_mentioning(engine, username, name) == []
    assert not (settings.homes_path / username).exists()
    assert not (settings.nbgrader_path / COURSE / "autograded" / username).exists()
    # The certificate stays as an anonymous count; its page says revoked and names nobody.
    status, kept = certs.verify(engine, cert.code)
    assert status == certs.REVOKED and kept.display_name == "" and kept.username == ""
    assert kept.revoked_reason == certs.ERASED_REASON and kept.course == COURSE
    assert result.certificates == 1
    # The audit log keeps counts under a pseudonym, and says who erased.
    erased = audit.entries(engine, about=result.pseudonym)
    assert [e.action for e in erased] == ["login", "login_failed", "erase"]
    assert erased[-1].actor == "cli:op" and erased[-1].details["deleted_submissions"] == 1
    # The other learner is untouched.
    assert learners.export(engine, other)["account"]["display_name"] == other_name
    assert len(everything_mentioning(engine, other, other_name)) > 10
    assert get_preferences(engine, other) == {"large_text": True, "high_contrast": False}


def test_only_learners_can_be_exported_or_erased(platform):
    _settings, engine = platform
    upsert_account(engine, "pelatih", Role.TRAINER, "rahasia-panjang", cohort="smd-1")
    for call in (learners.export, lambda e, u: learners.erase(e, u, "cli:op")):
        with pytest.raises(learners.LearnerError, match="not a learner"):
            call(engine, "pelatih")
        with pytest.raises(learners.LearnerError, match="no account"):
            call(engine, "tidakada")
    assert audit.entries(engine) == []


def test_a_failure_before_commit_erases_nothing(platform, tmp_path):
    settings, engine = platform
    username, name = seed_learner(settings, engine, tmp_path, "Lestari")
    before = everything_mentioning(engine, username, name)

    def hub_refuses():
        raise RuntimeError("hub said no")

    with pytest.raises(RuntimeError):
        learners.erase(
            engine, username, "cli:op",
            home_dirs=(settings.homes_path / username,), before_commit=hub_refuses,
        )  # fmt: skip
    assert everything_mentioning(engine, username, name) == before
    assert (settings.homes_path / username / "catatan.txt").is_file()


# -- the command line -------------------------------------------------------------------------
def run(capsys, monkeypatch, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def hub_database_with(settings, *names):
    """JupyterHub's own database (hub stopped) holding users `names`."""
    from jupyterhub import orm

    session = orm.new_session_factory(settings.jupyterhub_db_url)()
    for name in names:
        session.add(orm.User(name=name))
    session.commit()
    session.close()


def hub_users(settings) -> set[str]:
    from jupyterhub import orm

    session = orm.new_session_factory(settings.jupyterhub_db_url)()
    try:
        return {u.name for u in session.query(orm.User)}
    finally:
        session.close()


def test_cli_export_and_erase_with_the_hub_stopped(platform, tmp_path, capsys, monkeypatch):
    settings, engine = platform
    username, name = seed_learner(settings, engine, tmp_path, "Wulandari")
    hub_database_with(settings, username, "admin")
    capsys.readouterr()  # JupyterHub's own log of making its database
    data = ["--data-dir", settings.data_dir, "--hub-url", "http://127.0.0.1:9/"]
    out_file = tmp_path / "out.json"
    code, out, err = run(
        capsys, monkeypatch, "learner", "export", username, "-o", str(out_file), data[0], data[1]
    )
    assert code == 0 and err == "" and f"to {out_file}" in out
    assert json.loads(out_file.read_text())["username"] == username

    # Without --yes it asks; a wrong answer erases nothing.
    code, _out, err = run(capsys, monkeypatch, "learner", "erase", username, *data, stdin="ya\n")
    assert code == 1 and "not confirmed; nothing was erased" in err
    assert username in hub_users(settings) and learners.export(engine, username)

    code, out, err = run(
        capsys, monkeypatch, "learner", "erase", username, *data, stdin=f"{username}\n"
    )
    assert code == 0, err
    assert "removed from the hub's database" in out and "anonymous count" in out
    assert hub_users(settings) == {"admin"}
    assert everything_mentioning(engine, username, name) == []
    code, _out, err = run(capsys, monkeypatch, "learner", "erase", username, "--yes", *data)
    assert (code, err) == (1, f"naikkelas: no account {username!r}\n")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["export", "tidakada", "-o", "x.json"], "no account 'tidakada'"),
        (["export", "admin", "-o", "/nonexistent/x.json"], "folder /nonexistent is missing"),
        (["export", "admin", "-o", "x.json"], "admin is a admin account, not a learner"),
        (["erase", "admin", "--yes"], "admin is a admin account, not a learner"),
        (["erase", "tidakada", "--yes"], "no account 'tidakada'"),
    ],
)
def test_cli_bad_input_exits_1_with_one_line(
    platform, capsys, monkeypatch, tmp_path, argv, message
):
    settings, engine = platform
    upsert_account(engine, "admin", Role.ADMIN, "admin-demo-123")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, monkeypatch, "learner", *argv, "--data-dir", settings.data_dir)
    assert code == 1 and out == "" and message in err and err.count("\n") == 1
    assert not (tmp_path / "x.json").exists()


def test_erase_refuses_while_the_hub_runs_without_a_token(platform, tmp_path, capsys, monkeypatch):
    """A running hub (here: anything answering its API root) needs an admin token first."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class FakeHubRoot(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200 if self.path == "/hub/api/" else 403)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), FakeHubRoot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings, engine = platform
        username, name = seed_learner(settings, engine, tmp_path, "Susanti")
        url = f"http://127.0.0.1:{server.server_port}/"
        monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
        argv = ["learner", "erase", username, "--yes", "--data-dir", settings.data_dir]
        code, _out, err = run(capsys, monkeypatch, *argv, "--hub-url", url)
        assert code == 1 and "is running: give an admin account's API token" in err
        code, _out, err = run(capsys, monkeypatch, *argv, "--hub-url", url, "--hub-token", "x")
        assert code == 1 and "refused the token (HTTP 403)" in err
        assert len(everything_mentioning(engine, username, name)) > 10
    finally:
        server.shutdown()


def test_audit_pseudonym_also_scrubs_names_inside_details(platform):
    _settings, engine = platform
    upsert_account(engine, "budi", Role.LEARNER, "246810", display_name="Budi Santoso")
    audit.record(engine, "cli:op", "certificate_revoke", "budi", reason="nama Budi Santoso salah")
    learners.erase(engine, "budi", "cli:op")
    assert everything_mentioning(engine, "budi", "Budi Santoso") == []
    assert datetime.now(UTC)  # the entries are still there, pseudonymised:
    rows = audit.entries(engine, action="certificate_revoke")
    assert rows[0].subject.startswith("erased-") and "erased-" in rows[0].details["reason"]
    with engine.connect() as conn:
        assert conn.execute(select(audit.audit_table)).all()
