"""`naikkelas backup` / `naikkelas restore`: learners' progress, submissions, gradebook, released
lessons and JupyterHub's users come back on an empty machine, on SQLite and PostgreSQL; a damaged
archive or an occupied target is refused and changes nothing."""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import threading
import uuid
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from naikkelas.grading import progress, submissions
from naikkelas.grading.release import release_course
from naikkelas.hub.accounts import Role, upsert_account, verify_secret
from naikkelas.hub.backup import BackupError, backup, restore
from naikkelas.hub.db import as_utc, engine_for
from naikkelas.hub.preferences import get_preferences, set_preferences
from naikkelas.hub.settings import Settings
from tests.support import ROOT

NAIKKELAS = str(Path(sys.executable).with_name("naikkelas"))
COURSE = "mengenal-naikkelas"
LEARNERS = ["sitiaminah", "niluhputuayu", "madewirawan"]
LESSON = "01-cara-menjawab"


def site(root: Path, name: str, **kwargs) -> Settings:
    return Settings(data_dir=str(root / name), public_dir=str(root / f"{name}-public"), **kwargs)


def answer_step(state):
    state.step += 1
    state.answers[f"q{state.step}"] = state.step
    return True, 1.0


def finish(state):
    state.finished = True
    return None, None


def seed(settings: Settings) -> None:
    """Three learners part-way through a released course, one submission graded."""
    settings.data_path.mkdir(parents=True)
    (settings.data_path / "jupyterhub_cookie_secret").write_text("ab" * 32)
    os.chmod(settings.data_path / "jupyterhub_cookie_secret", 0o600)
    grading = settings.grading()
    release_course(
        ROOT / "courses" / COURSE, settings.released_path, "demo", settings.source_path, grading
    )
    engine = engine_for(settings.naikkelas_db_url)
    for n, name in enumerate(LEARNERS):
        upsert_account(engine, name, Role.LEARNER, "246810", cohort="demo", display_name=name)
        for step in range(n + 1):
            progress.record(
                engine, name, COURSE, "01-cara-menjawab", f"{name}-{step}", answer_step,
                kind="answer", question=f"q{step + 1}",
            )  # fmt: skip
    progress.record(engine, "madewirawan", COURSE, "01-cara-menjawab", "fin", finish, kind="finish")
    set_preferences(engine, "niluhputuayu", {"large_text": True})
    sent = submissions.record_submission(
        engine, "madewirawan", COURSE, "01-cara-menjawab", "{}", {"q1": 1}, event_id="s1"
    )
    claimed = submissions.claim(engine, "test-grader")
    assert claimed.id == sent.id
    submissions.complete(engine, claimed, "test-grader", submissions.GRADED, 3.0, 4.0)
    from nbgrader.api import Gradebook

    with Gradebook(settings.naikkelas_db_url) as gradebook:
        gradebook.add_student("madewirawan", first_name="Made")
    from jupyterhub import orm

    session = orm.new_session_factory(settings.jupyterhub_db_url)()
    session.add(orm.User(name="madewirawan"))
    session.commit()
    session.close()


def records(settings: Settings) -> dict:
    """Everything a learner would notice, read through the platform's own functions."""
    engine = engine_for(settings.naikkelas_db_url)
    found = {}
    for name in LEARNERS:
        state = progress.get_state(engine, name, COURSE, "01-cara-menjawab")
        found[name] = {
            "login": verify_secret(engine, name, "246810") is not None,
            "step": state.step,
            "answers": state.answers,
            "finished": state.finished,
            "events": [
                (e["event_id"], e["kind"], e["question"], as_utc(e["created_at"]).astimezone(UTC))
                for e in progress.events(engine, name)
            ],
            "overview": submissions.learner_overview(engine, name),
            "preferences": get_preferences(engine, name),
        }
    return found


def released_files(settings: Settings) -> dict[str, bytes]:
    root = settings.released_path
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("backup")
    settings = site(root, "site-a")
    seed(settings)
    archive = root / "site-a.tar.gz"
    backup(settings, archive)
    return settings, archive, records(settings)


def pg_database(postgres, name: str) -> str:
    with create_engine(postgres.url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    return postgres.url.replace("/postgres?", f"/{name}?")


def test_restore_onto_an_empty_machine_finds_every_learners_progress(seeded, tmp_path):
    source, archive, before = seeded
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # PIN hashes, cookie secret
    target = site(tmp_path, "site-b")
    restore(target, archive)
    after = records(target)
    assert after == before
    assert after["madewirawan"]["finished"] and after["sitiaminah"]["step"] == 1
    assert after["madewirawan"]["overview"][(COURSE, "01-cara-menjawab")]["score"] == 3.0
    assert released_files(target) == released_files(source)
    assert (target.source_path / COURSE).is_dir()  # answer keys for the service
    assert (target.nbgrader_path / COURSE / "source").is_dir()
    data = target.data_path
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "jupyterhub_cookie_secret").stat().st_mode) == 0o600
    with create_engine(target.jupyterhub_db_url).connect() as conn:
        assert conn.execute(text("SELECT name FROM users")).scalars().all() == ["madewirawan"]
    with create_engine(target.naikkelas_db_url).connect() as conn:
        assert conn.execute(text("SELECT id FROM student")).scalars().all() == ["madewirawan"]
    # The restored platform goes on: new answers and attempts take the next numbers.
    engine = engine_for(target.naikkelas_db_url)
    progress.record(engine, "sitiaminah", COURSE, LESSON, "new", answer_step, kind="answer")
    nxt = submissions.record_submission(engine, "madewirawan", COURSE, LESSON, "{}", {})
    assert nxt.attempt == 2


def test_sqlite_backup_restores_onto_postgresql_and_back(seeded, tmp_path, postgres):
    _, archive, before = seeded
    on_pg = site(tmp_path, "site-pg", db_url=pg_database(postgres, "restored"))
    restore(on_pg, archive)
    assert records(on_pg) == before
    engine = engine_for(on_pg.naikkelas_db_url)
    # Sequences moved past the restored ids: new rows get new ids.
    progress.record(engine, "sitiaminah", COURSE, LESSON, "pg-1", answer_step, kind="answer")
    assert submissions.record_submission(engine, "sitiaminah", COURSE, LESSON, "{}", {}).id == 2

    from_pg = tmp_path / "from-pg.tar.gz"
    backup(on_pg, from_pg)
    back = site(tmp_path, "site-c")
    restore(back, from_pg)
    again = records(back)
    assert again["sitiaminah"]["step"] == 2
    assert {k: v for k, v in again.items() if k != "sitiaminah"} == {
        k: v for k, v in before.items() if k != "sitiaminah"
    }


def test_backup_while_learners_answer_is_consistent(tmp_path):
    """Every event in the backup is in its learner's lesson state and the other way round:
    the database is read from one snapshot while answers keep arriving."""
    settings = site(tmp_path, "busy")
    settings.data_path.mkdir()
    engine = engine_for(settings.naikkelas_db_url)
    stop = threading.Event()

    def learner():
        while not stop.is_set():
            event = uuid.uuid4().hex
            progress.record(engine, "sibuk", COURSE, "01", event, answer_step, kind="answer")

    writer = threading.Thread(target=learner)
    writer.start()
    try:
        for n in range(3):
            backup(settings, tmp_path / f"busy-{n}.tar.gz")
    finally:
        stop.set()
        writer.join()
    for n in range(3):
        restored = site(tmp_path, f"busy-restored-{n}")
        restore(restored, tmp_path / f"busy-{n}.tar.gz")
        engine = engine_for(restored.naikkelas_db_url)
        state = progress.get_state(engine, "sibuk", COURSE, "01")
        assert state.step == len(progress.events(engine, "sibuk")) == len(state.answers)


def rewrite(archive: Path, target: Path, change) -> None:
    """Copy `archive` to `target`, passing each member's bytes through `change(name, data)`."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read() if member.isfile() else None
            if data is not None:
                data = change(member.name, data)
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data) if data is not None else None)


def assert_nothing_changed(target: Settings, parent: Path):
    assert not target.data_path.exists() or not any(target.data_path.iterdir())
    assert not target.released_path.exists()
    assert [p.name for p in parent.iterdir() if ".restore-" in p.name] == []


@pytest.mark.parametrize("damage", ["truncated", "checksum", "manifest", "not gzip", "path"])
def test_a_damaged_archive_is_refused_and_changes_nothing(seeded, tmp_path, damage):
    _, archive, _ = seeded
    bad = tmp_path / "bad.tar.gz"
    if damage == "truncated":
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
        expected = "damaged or truncated"
    elif damage == "checksum":
        rewrite(
            archive,
            bad,
            lambda n, d: (
                d.replace(b"madewirawan", b"madewirawam") if n.endswith("nk_accounts.jsonl") else d
            ),
        )  # noqa: E501
        expected = "nk_accounts.jsonl is damaged"
    elif damage == "manifest":
        rewrite(archive, bad, lambda n, d: d[:-20] if n == "manifest.json" else d)
        expected = "manifest.json is damaged"
    elif damage == "not gzip":
        bad.write_bytes(gzip.decompress(archive.read_bytes())[:5000])
        expected = "damaged or truncated"
    else:
        with tarfile.open(bad, "w:gz") as tar:
            info = tarfile.TarInfo("../../etc/evil")
            info.size = 4
            tar.addfile(info, io.BytesIO(b"evil"))
        expected = "unsafe path"
    target = site(tmp_path, "site-b")
    with pytest.raises(BackupError, match=expected):
        restore(target, bad)
    assert_nothing_changed(target, tmp_path)
    assert not (tmp_path.parent / "etc" / "evil").exists()


def test_an_occupied_target_needs_force_and_is_kept_aside(seeded, tmp_path):
    source, archive, before = seeded
    target = site(tmp_path, "site-b")
    target.data_path.mkdir()
    (target.data_path / "naikkelas.sqlite").write_text("someone's data")
    with pytest.raises(BackupError, match="not empty.*--force"):
        restore(target, archive)
    assert (target.data_path / "naikkelas.sqlite").read_text() == "someone's data"
    restore(target, archive, force=True)
    assert records(target) == before
    [aside] = [p for p in tmp_path.iterdir() if p.name.startswith("site-b.before-restore-")]
    assert (aside / "naikkelas.sqlite").read_text() == "someone's data"


def test_the_command_line(seeded, tmp_path):
    source, archive, _ = seeded
    out = tmp_path / "cli.tar.gz"
    env = {**os.environ, "NAIKKELAS_PUBLIC_URL": "https://kelas.example.go.id"}
    common = ["--data-dir", str(source.data_path), "--public-dir", str(source.public_path)]
    done = subprocess.run(
        [NAIKKELAS, "backup", "-o", str(out), *common], capture_output=True, text=True, env=env
    )  # noqa: E501
    assert done.returncode == 0, done.stderr
    assert "backup written" in done.stdout
    with tarfile.open(out) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["settings"]["public_url"] == "https://kelas.example.go.id"
    target = ["--data-dir", str(tmp_path / "b"), "--public-dir", str(tmp_path / "b-public")]
    done = subprocess.run([NAIKKELAS, "restore", str(out), *target], capture_output=True, text=True)  # noqa: E501
    assert done.returncode == 0, done.stderr
    assert "NAIKKELAS_PUBLIC_URL='https://kelas.example.go.id'" in done.stdout
    again = subprocess.run(
        [NAIKKELAS, "restore", str(out), *target], capture_output=True, text=True
    )  # noqa: E501
    assert again.returncode == 1
    assert again.stderr.startswith("naikkelas: ") and "--force" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    missing = subprocess.run([NAIKKELAS, "backup", *common], capture_output=True, text=True)
    assert missing.returncode == 2


def test_a_backup_of_jupyterhubs_database_forgets_running_servers(tmp_path):
    """Processes are not in a backup: a restored hub must start servers afresh, never adopt
    whatever listens on the old ports."""
    from jupyterhub import orm

    from naikkelas.hub.backup_db import forget_running_servers

    url = f"sqlite:///{tmp_path / 'jupyterhub.sqlite'}"
    db = orm.new_session_factory(url)()
    user = orm.User(name="peserta1")
    db.add(user)
    db.commit()
    spawner = orm.Spawner(user_id=user.id, name="", state={"pid": 4242})
    spawner.server = orm.Server(port=45123, base_url="/user/peserta1/")
    db.add(spawner)
    db.commit()
    db.close()
    forget_running_servers(tmp_path / "jupyterhub.sqlite")
    db = orm.new_session_factory(url)()
    (spawner,) = db.query(orm.Spawner).all()
    assert spawner.server is None and spawner.state == {} and db.query(orm.Server).count() == 0
    assert db.query(orm.User).one().name == "peserta1"  # the accounts stay
