"""nbgrader's formgrader behind the hub: trainers only, one course at a time, own cohort only."""

import uuid
from datetime import UTC, datetime

import nbformat
import pytest

from naikkelas.grading.gradebook import Grading, assignment_id
from naikkelas.grading.submissions import submission_notebook
from naikkelas.hub.accounts import Role, upsert_account
from naikkelas.hub.db import engine_for
from tests.support import LearnerClient

FG = "/services/formgrader"
COURSE, LESSON = "mengenal-naikkelas", "01-cara-menjawab"


def browser_of(hub, username, secret) -> LearnerClient:
    client = LearnerClient(hub.url, username)
    client.login(secret)
    return client


@pytest.fixture(scope="module")
def graded(hub):
    """Two graded learners in the gradebook: one of cohort demo, one of another cohort."""
    engine = engine_for(hub.settings.naikkelas_db_url)
    tag = uuid.uuid4().hex[:6]
    mine, other = f"demo{tag}", f"lain{tag}"
    upsert_account(engine, mine, Role.LEARNER, "135790", cohort="demo", display_name="Bu Demo")
    upsert_account(engine, other, Role.LEARNER, "135790", cohort="lain", display_name="Bu Lain")
    grading = Grading(hub.settings.nbgrader_path, hub.settings.naikkelas_db_url)
    released = hub.settings.released_path / "demo" / COURSE / f"{LESSON}.ipynb"
    nb = nbformat.reads(
        submission_notebook(nbformat.read(released, as_version=4), {"cara-menjawab": 1}),
        as_version=4,
    )
    ids = {}
    for student in (mine, other):
        grading.autograde(COURSE, LESSON, student, nb, datetime.now(UTC))
        from nbgrader.api import Gradebook

        with Gradebook(hub.settings.naikkelas_db_url, COURSE) as gb:
            submission = gb.find_submission(assignment_id(COURSE, LESSON), student)
            notebook = submission.notebooks[0]
            ids[student] = notebook.id
            ids[f"{student}-grade"] = notebook.grades[0].id
    return mine, other, ids


@pytest.fixture(scope="module")
def pelatih(hub):
    return browser_of(hub, "pelatih", "pelatih-demo")


def test_the_switcher_lists_the_cohorts_courses_and_opens_the_formgrader(hub, pelatih):
    r = pelatih.get(f"{hub.url}{FG}/")
    assert r.status_code == 200 and "Mengenal NaikKelas" in r.text
    r = pelatih.get(f"{hub.url}{FG}/{COURSE}/formgrader")
    assert r.status_code == 200 and "nbgrader formgrade" in r.text
    # Served top-level and allowed to frame only itself (not 'none', which blanks nbgrader).
    assert r.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'")


def test_a_trainer_sees_only_their_cohorts_learners(hub, pelatih, graded):
    mine, other, ids = graded
    students = pelatih.get(f"{hub.url}{FG}/{COURSE}/formgrader/api/students").json()
    names = {s["id"] for s in students}
    assert mine in names and other not in names
    aid = assignment_id(COURSE, LESSON)
    submissions = pelatih.get(f"{hub.url}{FG}/{COURSE}/formgrader/api/submissions/{aid}").json()
    assert {s["student"] for s in submissions} >= {mine} and other not in {
        s["student"] for s in submissions
    }
    page = pelatih.get(f"{hub.url}{FG}/{COURSE}/formgrader/submissions/{ids[mine]}")
    assert page.status_code == 200
    # Knowing the id of another cohort's submission does not open it.
    page = pelatih.get(f"{hub.url}{FG}/{COURSE}/formgrader/submissions/{ids[other]}")
    assert page.status_code != 200 or "Bu Lain" not in page.text and other not in page.text


def test_an_operator_sees_every_cohort(hub, graded):
    mine, other, _ids = graded
    admin = browser_of(hub, "admin", "admin-demo")
    students = admin.get(f"{hub.url}{FG}/{COURSE}/formgrader/api/students").json()
    assert {mine, other} <= {s["id"] for s in students}


@pytest.mark.parametrize(
    "who, secret",
    [("peserta1", "123456"), ("pejabat", "pejabat-demo")],
    ids=["learner", "official"],
)
def test_learners_and_officials_cannot_reach_the_formgrader(hub, who, secret):
    client = browser_of(hub, who, secret)
    for path in ("/", f"/{COURSE}/formgrader", f"/{COURSE}/formgrader/api/students"):
        r = client.get(f"{hub.url}{FG}{path}")
        assert r.status_code == 403 and "hanya untuk pelatih" in r.text


def test_a_course_not_released_to_the_trainers_cohort_is_refused(hub):
    name = f"pelatih{uuid.uuid4().hex[:6]}"
    engine = engine_for(hub.settings.naikkelas_db_url)
    upsert_account(engine, name, Role.TRAINER, "rahasia-panjang", cohort="kelas-kosong")
    client = browser_of(hub, name, "rahasia-panjang")
    r = client.get(f"{hub.url}{FG}/{COURSE}/formgrader/api/students")
    assert r.status_code == 403 and "bukan kursus kelas Anda" in r.text


def test_only_formgrader_pages_are_reachable_through_the_service(hub, pelatih):
    for path in ("api/contents", "lab", "terminals/websocket/1", "api/kernels"):
        assert pelatih.get(f"{hub.url}{FG}/{COURSE}/{path}").status_code == 404


def _grade(hub, grade_id):
    from nbgrader.api import Gradebook

    with Gradebook(hub.settings.naikkelas_db_url, COURSE) as gb:
        grade = gb.find_grade_by_id(grade_id)
        return grade.manual_score


def test_a_trainer_changes_a_grade_but_a_cross_site_request_cannot(hub, pelatih, graded):
    mine, other, ids = graded
    url = f"{hub.url}{FG}/{COURSE}/formgrader/api/grade/{ids[f'{mine}-grade']}"
    r = pelatih.put(url, json={"manual_score": 0.5}, headers={"Origin": "https://jahat.example"})
    assert r.status_code == 403 and _grade(hub, ids[f"{mine}-grade"]) is None
    r = pelatih.put(url, json={"manual_score": 0.5}, headers={"Origin": hub.url})
    assert r.status_code == 200, r.text
    assert _grade(hub, ids[f"{mine}-grade"]) == 0.5
    # Another cohort's grade cannot be changed even from the right page.
    url = f"{hub.url}{FG}/{COURSE}/formgrader/api/grade/{ids[f'{other}-grade']}"
    r = pelatih.put(url, json={"manual_score": 0.0}, headers={"Origin": hub.url})
    assert r.status_code != 200 and _grade(hub, ids[f"{other}-grade"]) is None
