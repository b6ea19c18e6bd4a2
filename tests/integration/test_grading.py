"""Kirim → nbgrader autograde → gradebook, against a real hub with its grading service.

Each test uses fresh learners (`new_learner`), so attempts and grades never mix between tests.
The lesson kernel's own client (`ServiceClient`) does the fetch and submit, as on a phone.
"""

import json
import os
import signal
import threading

import psutil
import pytest
import requests
from nbgrader.api import Gradebook
from sqlalchemy import func, select

from naikkelas.grading.gradebook import assignment_id
from naikkelas.grading.submissions import submissions_table
from naikkelas.hub.db import engine_for
from naikkelas.widgets.client import ClientError, ServiceClient
from tests.support import LearnerClient, wait_for

COURSE, LESSON = "mengenal-naikkelas", "01-cara-menjawab"
RIGHT = {
    "cara-menjawab": 1,
    "aman-salah": False,
    "bisa-dipelajari": [0, 1],
    "harga-teh": "15rb",
    "nama-aplikasi": "naikkelas",
    "urutan-belajar": ["masuk", "pelajaran", "jawab"],
    "pasangan-tombol": {"lanjut": "maju", "kembali": "mundur"},
}


def token_for(hub, username, secret) -> str:
    client = LearnerClient(hub.url, username)
    client.login(secret)
    r = client.post(
        f"{hub.url}/hub/api/users/{username}/tokens",
        json={"note": "test", "scopes": ["access:services!service=naikkelas"]},
        headers={"X-XSRFToken": client.xsrf()},
    )
    r.raise_for_status()
    return r.json()["token"]


def kernel_client(hub, token, course=COURSE, lesson=LESSON) -> ServiceClient:
    return ServiceClient(f"{hub.url}/services/naikkelas/", token, course, lesson)


@pytest.fixture
def learner_client(hub, new_learner):
    def make():
        username, pin = new_learner()
        token = token_for(hub, username, pin)
        return username, token, kernel_client(hub, token)

    return make


def answer(client, answers):
    for question, value in answers.items():
        client.answer(question, value)


def graded(client, attempt, timeout=90):
    def done():
        for a in client.submissions()["attempts"]:
            if a["attempt"] == attempt and a["status"] in ("graded", "failed"):
                return a
        return None

    return wait_for(done, timeout, f"attempt {attempt} graded")


def gradebook_score(hub, username):
    with Gradebook(hub.settings.naikkelas_db_url, COURSE) as gb:
        submission = gb.find_submission(assignment_id(COURSE, LESSON), username)
        return submission.score, submission.max_score


def stored_submissions(hub, username=None):
    engine = engine_for(hub.settings.naikkelas_db_url)
    query = select(func.count()).select_from(submissions_table)
    if username:
        query = query.where(submissions_table.c.username == username)
    with engine.connect() as conn:
        return conn.execute(query).scalar()


def test_kirim_is_autograded_by_nbgrader_and_resubmission_keeps_every_attempt(hub, learner_client):
    username, _token, client = learner_client()
    answer(client, {"cara-menjawab": 1, "aman-salah": True, "harga-teh": "Rp15.000"})
    first = client.submit()
    assert first["attempt"] == 1 and first["status"] == "queued"
    result = graded(client, 1)
    assert result["status"] == "graded" and (result["score"], result["max_score"]) == (2.0, 7.0)
    assert gradebook_score(hub, username) == (2.0, 7.0)

    answer(client, {q: v for q, v in RIGHT.items() if q != "aman-salah"})
    client.submit()
    assert graded(client, 2)["score"] == 6.0  # aman-salah stays wrong: it was answered
    history = client.submissions()
    assert [a["attempt"] for a in history["attempts"]] == [2, 1]
    assert history["best"]["attempt"] == 2
    assert gradebook_score(hub, username) == (6.0, 7.0)  # nbgrader holds the best attempt


def test_a_learner_submits_only_as_themselves(hub, learner_client):
    username, token, client = learner_client()
    other, _t, _c = learner_client()
    answer(client, {"cara-menjawab": 1})
    body = json.dumps(_released_with(client, 'ANSWERS = {"cara-menjawab": 1}'))
    url = f"{hub.url}/services/naikkelas/api/lessons/{COURSE}/{LESSON}/submit"
    for forged in ({"params": {"username": other}}, {"headers": {"X-NaikKelas-User": other}}):
        headers = {"Authorization": f"token {token}", **forged.get("headers", {})}
        r = requests.post(url, data=body, headers=headers, params=forged.get("params"))
        assert r.status_code == 403 and "atas nama Anda sendiri" in r.json()["error"]
    assert stored_submissions(hub, other) == 0 and stored_submissions(hub, username) == 0
    # Without a token (a browser cookie is not enough) nothing is accepted either.
    assert requests.post(url, data=body, allow_redirects=False).status_code in (302, 403)
    # The same body under the learner's own name is fine.
    r = requests.post(url, data=body, headers={"Authorization": f"token {token}"})
    assert r.status_code == 202, r.text


def test_trainers_cannot_submit_as_learners(hub):
    token = token_for(hub, "pelatih", "pelatih-demo")
    with pytest.raises(ClientError, match="Hanya peserta"):
        kernel_client(hub, token).submit()


def _released_with(client, answers_source):
    released = client._call("release")
    for cell in released["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "answers":
            cell["source"] = answers_source
    return released


@pytest.mark.parametrize(
    "spoil, status, message",
    [
        (lambda nb: nb["cells"][0].update(source="import os\nos.system('id')"), 400, "mengubah"),
        (lambda nb: nb["cells"].pop(), 400, "tidak lengkap"),
        (
            lambda nb: nb["cells"][1].update(source="ANSWERS = {'cara-menjawab': 0}"),
            409,
            "tercatat",
        ),
        (lambda nb: nb["cells"][1].update(source="ANSWERS = open('/etc/passwd')"), 400, "jawaban"),
        (lambda nb: nb["cells"][2].update(source="KEY = {}"), 400, "mengubah"),
        (lambda nb: nb["cells"].reverse(), 400, "susunan"),
    ],
)
def test_a_notebook_a_learner_server_should_never_send_is_refused_and_not_stored(
    hub, learner_client, spoil, status, message
):
    username, token, client = learner_client()
    answer(client, {"cara-menjawab": 1})
    released = _released_with(client, 'ANSWERS = {\n    "cara-menjawab": 1,\n}')
    spoil(released)
    r = requests.post(
        f"{hub.url}/services/naikkelas/api/lessons/{COURSE}/{LESSON}/submit",
        data=json.dumps(released),
        headers={"Authorization": f"token {token}"},
    )
    assert r.status_code == status and message in r.json()["error"].lower()
    assert stored_submissions(hub, username) == 0


def test_junk_and_a_50_mb_upload_are_refused_with_a_message(hub, learner_client):
    username, token, _client = learner_client()
    url = f"{hub.url}/services/naikkelas/api/lessons/{COURSE}/{LESSON}/submit"
    headers = {"Authorization": f"token {token}"}
    r = requests.post(url, data=b"\xff\xfe not a notebook", headers=headers)
    assert r.status_code == 400 and "tidak bisa dibaca" in r.json()["error"]
    huge = b'{"cells": [' + b" " * (50 * 1024 * 1024) + b"]}"
    r = requests.post(url, data=huge, headers=headers)
    assert r.status_code == 413 and "terlalu besar" in r.json()["error"]
    assert stored_submissions(hub, username) == 0


def test_a_burst_of_submissions_is_graded_exactly_once_each(hub, learner_client):
    learners = [learner_client() for _ in range(6)]
    for _username, _token, client in learners:
        answer(client, {"cara-menjawab": 1, "harga-teh": "15.000"})
    results, errors = {}, []

    def kirim(username, client):
        try:
            results[username] = client.submit()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=kirim, args=(u, c)) for u, _t, c in learners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 6
    for username, _token, client in learners:
        assert graded(client, 1, timeout=180)["score"] == 2.0
        assert stored_submissions(hub, username) == 1
        assert gradebook_score(hub, username) == (2.0, 7.0)


def _grader_process(hub):
    """This platform's grader (other platforms may run on the machine too)."""
    for proc in psutil.Process(hub.proc.pid).children(recursive=True):
        try:
            if "naikkelas.grading.grader" in " ".join(proc.cmdline()):
                return proc
        except psutil.NoSuchProcess:
            continue
    return None


def test_a_grader_killed_mid_grade_loses_nothing(hub, learner_client):
    username, _token, client = learner_client()
    answer(client, RIGHT)
    engine = engine_for(hub.settings.naikkelas_db_url)
    client.submit()

    def grading_now():
        with engine.connect() as conn:
            return (
                conn.execute(
                    select(submissions_table.c.status).where(
                        submissions_table.c.username == username
                    )
                ).scalar()
                == "grading"
            )

    wait_for(grading_now, 60, "the grader to take the submission", interval=0.02)
    grader = _grader_process(hub)
    assert grader is not None
    os.kill(grader.pid, signal.SIGKILL)
    wait_for(lambda: (p := _grader_process(hub)) is not None and p.pid != grader.pid, 60, "restart")
    result = graded(client, 1, timeout=120)
    assert result["status"] == "graded" and result["score"] == 7.0
    assert stored_submissions(hub, username) == 1
    assert gradebook_score(hub, username) == (7.0, 7.0)
    with engine.connect() as conn:
        tries = conn.execute(
            select(submissions_table.c.tries).where(submissions_table.c.username == username)
        ).scalar()
    assert tries == 2  # taken over after the kill, graded once
