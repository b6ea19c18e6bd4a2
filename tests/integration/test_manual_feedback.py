"""A free-text answer: saved for the trainer, graded by hand in the formgrader, and the trainer's
points and comment reach the learner."""

import uuid

import nbformat
import pytest
import requests
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.api import Gradebook

from naikkelas.grading.gradebook import assignment_id
from naikkelas.grading.release import release_course
from naikkelas.widgets.client import ServiceClient
from tests.integration.test_cohort_view import browser_of
from tests.support import wait_for

COURSE = "refleksi-uji"
LESSON = "01-cerita-usaha"
LESSON_CODE = (
    "from naikkelas.widgets import FreeText, Lesson, SingleChoice, preview\n"
    'lesson = Lesson("Cerita usaha Anda")\n'
    'lesson.screen(SingleChoice("pilih", "QRIS dipakai untuk?", ["Membayar", "Menelepon"]))\n'
    'lesson.screen(FreeText("cerita", "Ceritakan bagaimana Anda menerima pembayaran."))\n'
)
KEY = (
    "### BEGIN HIDDEN TESTS\n"
    'KEY = {"pilih": {"type": "single", "answer": 0},\n'
    '       "cerita": {"type": "manual", "points": 2,\n'
    '                  "answer": "Menyebut cara menerima dan memeriksa pembayaran."}}\n'
    "preview(KEY)\n"
    "### END HIDDEN TESTS"
)


@pytest.fixture(scope="module")
def course(hub, tmp_path_factory):
    folder = tmp_path_factory.mktemp("kursus") / COURSE
    folder.mkdir()
    (folder / "course.yml").write_text("title: Refleksi Uji\norder: 9\n")
    nb = new_notebook(metadata={"naikkelas": {"title": "Cerita usaha Anda", "minutes": 3}})
    nb.cells = [new_code_cell(LESSON_CODE), new_code_cell(KEY), new_code_cell("lesson.show()")]
    nbformat.write(nb, folder / f"{LESSON}.ipynb")
    settings = hub.settings
    release_course(folder, settings.released_path, "demo", settings.source_path, settings.grading())
    return folder


def kernel_of(hub, username, pin):
    client = browser_of(hub, username, pin)
    r = client.post(
        f"{hub.url}/hub/api/users/{username}/tokens",
        json={"scopes": ["access:services!service=naikkelas"]},
        headers={"X-XSRFToken": client.xsrf()},
    )
    token = r.json()["token"]
    return ServiceClient(f"{hub.url}/services/naikkelas/", token, COURSE, LESSON), token


def test_a_free_text_answer_is_graded_by_the_trainer_and_the_comment_reaches_the_learner(
    hub, course, new_learner
):
    username, pin = new_learner()
    kernel, token = kernel_of(hub, username, pin)
    saved = kernel.answer("cerita", "  Saya pakai QRIS dan cek notifikasi di aplikasi saya.  ")
    assert saved["correct"] is None and "Pelatih akan membacanya" in saved["feedback"]
    kernel.answer("pilih", 0)
    assert kernel.finish()["manual"] == 2.0
    attempt = kernel.submit()["attempt"]

    def graded():
        found = [a for a in kernel.submissions()["attempts"] if a["attempt"] == attempt]
        return found and found[0]["status"] == "graded" and found[0]

    result = wait_for(graded, 90, "autograde")
    assert (result["score"], result["max_score"]) == (1.0, 3.0)  # the free text waits

    aid = assignment_id(COURSE, LESSON)
    with Gradebook(hub.settings.naikkelas_db_url, COURSE) as gb:
        submission = gb.find_submission(aid, username)
        assert submission.needs_manual_grade
        notebook = submission.notebooks[0]
        grade = next(g for g in notebook.grades if g.cell.name == "answers")
        comment = next(c for c in notebook.comments if c.cell.name == "answers")
        grade_id, comment_id = grade.id, comment.id

    # The trainer grades it in the formgrader, as its page does.
    pelatih = browser_of(hub, "pelatih", "pelatih-demo")
    base = f"{hub.url}/services/formgrader/{COURSE}/formgrader/api"
    page = pelatih.get(
        f"{hub.url}/services/formgrader/{COURSE}/formgrader/submissions/{notebook.id}"
    )
    assert page.status_code == 200 and "cek notifikasi" in page.text
    origin = {"Origin": hub.url}
    note = f"Bagus, Bu. Jangan lupa cek nama toko juga. ({uuid.uuid4().hex[:4]})"
    r = pelatih.put(f"{base}/grade/{grade_id}", json={"manual_score": 2}, headers=origin)
    assert r.status_code == 200, r.text
    r = pelatih.put(f"{base}/comment/{comment_id}", json={"manual_comment": note}, headers=origin)
    assert r.status_code == 200, r.text

    # What the learner's course home is built from.
    progress = requests.get(
        f"{hub.url}/services/naikkelas/api/progress", headers={"Authorization": f"token {token}"}
    ).json()
    item = next(i for i in progress["lessons"] if (i["course"], i["lesson"]) == (COURSE, LESSON))
    assert (item["score"], item["max_score"]) == (3.0, 3.0)
    assert item["comments"] == [note] and not item["needs_manual_grade"]
