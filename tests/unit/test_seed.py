"""`naikkelas demo seed`: synthetic learners written as real learners' records are, repeatably,
never touching real accounts (naikkelas.grading.seed, hub/cli_demo.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from naikkelas.grading import seed as seeding
from naikkelas.grading.certificates import certificates_table
from naikkelas.grading.progress import events_table, state_table
from naikkelas.grading.submissions import submissions_table
from naikkelas.hub.accounts import Role, accounts_table, upsert_account, verify_secret
from naikkelas.hub.db import engine_for
from naikkelas.hub.profiles import profiles_table
from naikkelas.hub.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TABLES = (
    accounts_table, profiles_table, events_table, state_table, submissions_table,
    certificates_table,
)  # fmt: skip


@pytest.fixture(scope="module")
def courses(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("courses")
    shutil.copytree(ROOT / "courses" / "mengenal-naikkelas", folder / "mengenal-naikkelas")
    return folder


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in TABLES}


def test_seeded_learners_are_in_every_table_and_nbgraders_gradebook(tmp_path, courses):
    settings = Settings(data_dir=str(tmp_path / "var"))
    result = seeding.seed(settings, 60, 7, courses_dir=courses)
    assert (result.added, result.existing, result.cohorts) == (60, 0, 2)
    engine = engine_for(settings.naikkelas_db_url)
    seen = counts(engine)
    assert seen["nk_accounts"] == seen["nk_learner_profiles"] == 60
    assert seen["nk_progress_events"] > 60 and seen["nk_submissions"] > 10
    with engine.connect() as conn:
        profiles = conn.execute(select(profiles_table)).all()
        graded = {
            (row.username, row.lesson): row.score for row in conn.execute(select(submissions_table))
        }
    assert all(re.fullmatch(r"\d{2}\.\d{2}\.\d{2}\.\d{4}", p.region_code) for p in profiles)
    assert {p.gender for p in profiles} == {"L", "P"}
    # Nobody can log in as a synthetic learner.
    assert verify_secret(engine, profiles[0].username, "123456") is None
    # nbgrader's own API sees the same grades as NaikKelas's submissions.
    from nbgrader.api import Gradebook

    with Gradebook(settings.naikkelas_db_url, "mengenal-naikkelas") as gb:
        from_nbgrader = {
            (s.student.id, s.assignment.name.split("--", 1)[1]): s.score
            for a in gb.assignments
            for s in a.submissions
        }
    assert from_nbgrader.keys() == graded.keys()
    assert all(abs(from_nbgrader[k] - graded[k]) < 1e-6 for k in graded)
    # Each cohort's folder holds the released course (linked to one shared copy).
    cohort_folder = settings.released_path / "sintetis-7-00000"
    assert (cohort_folder / "mengenal-naikkelas" / "course.yml").is_file()


def test_seeding_again_changes_nothing_and_more_learners_adds_only_the_missing(tmp_path, courses):
    settings = Settings(data_dir=str(tmp_path / "var"))
    seeding.seed(settings, 40, 3, courses_dir=courses)
    engine = engine_for(settings.naikkelas_db_url)
    before = counts(engine)
    again = seeding.seed(settings, 40, 3, courses_dir=courses)
    assert (again.added, again.existing) == (0, 40)
    assert counts(engine) == before
    more = seeding.seed(settings, 45, 3, courses_dir=courses)
    assert (more.added, more.existing) == (5, 40)
    assert counts(engine)["nk_accounts"] == 45


def test_seeding_refuses_when_a_real_account_would_be_touched(tmp_path, courses):
    settings = Settings(data_dir=str(tmp_path / "var"))
    settings.data_path.mkdir()
    engine = engine_for(settings.naikkelas_db_url)
    upsert_account(engine, "sintetis-5-000003", Role.LEARNER, "123456", cohort="kelas-a")
    before = counts(engine)
    with pytest.raises(seeding.SeedError, match="real account"):
        seeding.seed(settings, 10, 5, courses_dir=courses)
    assert counts(engine) == before
    # A real learner in a cohort the run would use is refused the same way.
    upsert_account(engine, "ibu-ani", Role.LEARNER, "123456", cohort="sintetis-6-00000")
    with pytest.raises(seeding.SeedError, match="ibu-ani"):
        seeding.seed(settings, 10, 6, courses_dir=courses)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "naikkelas.hub.cli", *args],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_the_command_reports_progress_and_refuses_bad_input(tmp_path, courses):
    data = str(tmp_path / "var")
    ok = run_cli("demo", "seed", "--data-dir", data, "--learners", "12", "--courses-dir",
                 str(courses))  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "12 synthetic learners added" in ok.stdout
    assert "seeded 12/12 learners (100%)" in ok.stderr
    bad = run_cli("demo", "seed", "--data-dir", data, "--learners", "0")
    assert bad.returncode == 1
    reason = "naikkelas: --learners must be between 1 and 1,000,000"
    assert bad.stderr.strip().splitlines() == [reason]
    usage = run_cli("demo", "seed", "--data-dir", data)
    assert usage.returncode == 2
