"""The NaikKelas service against a real hub: answers checked, progress saved once, keys hidden."""

import json
import uuid

import pytest

from naikkelas.grading.progress import events
from naikkelas.hub.db import engine_for
from tests.support import LearnerClient

LESSON = "mengenal-naikkelas/01-cara-menjawab"
SECRET_FEEDBACK = "Cukup tekan tombol jawaban"  # text that exists only in the answer key


def token_for(client: LearnerClient, scopes=("access:services!service=naikkelas",)) -> str:
    """A token of the logged-in user, like the one their server's kernels hold."""
    r = client.post(
        f"{client.base_url}/hub/api/users/{client.username}/tokens",
        json={"note": "test", "scopes": list(scopes)},
        headers={"X-XSRFToken": client.xsrf()},
    )
    r.raise_for_status()
    return r.json()["token"]


class Service:
    def __init__(self, hub, token):
        self.base = f"{hub.url}/services/naikkelas/api/lessons/{LESSON}/"
        self.headers = {"Authorization": f"token {token}"}
        import requests

        self.http = requests.Session()

    def get(self, action):
        return self.http.get(self.base + action, headers=self.headers, allow_redirects=False)

    def post(self, action, body, event_id=None):
        body = {**body, "event_id": event_id or uuid.uuid4().hex}
        return self.http.post(
            self.base + action, json=body, headers=self.headers, allow_redirects=False
        )


@pytest.fixture(scope="module")
def peserta3(hub):
    client = LearnerClient(hub.url, "peserta3")
    client.login("123456")
    return Service(hub, token_for(client))


def test_wrong_then_right_answer_with_feedback_from_the_key(peserta3):
    r = peserta3.post("answer", {"question": "cara-menjawab", "answer": 0})
    assert r.status_code == 200, r.text
    assert r.json()["correct"] is False and "Belum tepat" in r.json()["feedback"]
    r = peserta3.post("answer", {"question": "cara-menjawab", "answer": 1})
    assert r.json()["correct"] is True and SECRET_FEEDBACK in r.json()["feedback"]
    assert "points" not in r.json()
    # A right answer stays right.
    r = peserta3.post("answer", {"question": "cara-menjawab", "answer": 0})
    assert r.json()["correct"] is True and r.json()["locked"] is True


def test_state_resumes_step_and_answers(peserta3):
    assert peserta3.post("step", {"step": 3}).status_code == 200
    state = peserta3.get("state").json()
    assert state["step"] == 3
    assert state["answers"]["cara-menjawab"]["correct"] is True
    assert state["total"] == 7


def test_a_retried_event_is_counted_once(hub, peserta3):
    event = uuid.uuid4().hex
    for _ in range(3):
        r = peserta3.post("answer", {"question": "harga-teh", "answer": "Rp15.000"}, event)
        assert r.status_code == 200 and r.json()["correct"] is True
    engine = engine_for(hub.settings.naikkelas_db_url)
    recorded = [e for e in events(engine, "peserta3") if e["event_id"] == event]
    assert len(recorded) == 1
    assert peserta3.get("state").json()["answers"]["harga-teh"]["attempts"] == 1


@pytest.mark.parametrize(
    "body,status",
    [
        ({"question": "tidak-ada", "answer": 1}, 404),
        ({"question": "../../etc", "answer": 1}, 400),
        ({"question": 5, "answer": 1}, 400),
        ({"question": "nama-aplikasi", "answer": "x" * 10_000}, 413),
    ],
)
def test_bad_answers_are_refused_with_a_reason(peserta3, body, status):
    r = peserta3.post("answer", body)
    assert r.status_code == status
    assert r.json()["error"]


def test_untrusted_answer_values_are_graded_wrong_not_crashing(peserta3):
    for junk in [None, [], {"a": 1}, "<script>alert(1)</script>", "😀" * 50, 1e308]:
        r = peserta3.post("answer", {"question": "nama-aplikasi", "answer": junk})
        assert r.status_code == 200, (junk, r.text)
        assert r.json()["correct"] is False


def test_requests_without_event_id_or_json_are_refused(hub, peserta3):
    r = peserta3.http.post(peserta3.base + "step", data=b"not json", headers=peserta3.headers)
    assert r.status_code == 400
    r = peserta3.http.post(peserta3.base + "step", json={"step": 1}, headers=peserta3.headers)
    assert r.status_code == 400


def test_no_token_no_service(hub, peserta3):
    r = peserta3.http.get(peserta3.base + "state", allow_redirects=False)
    assert r.status_code in (302, 403)
    forged = {"Authorization": "token " + "0" * 32}
    r = peserta3.http.get(peserta3.base + "state", headers=forged, allow_redirects=False)
    assert r.status_code in (302, 403)


def test_a_browser_cookie_alone_does_not_reach_the_api(hub):
    client = LearnerClient(hub.url, "peserta2")
    client.login("123456")
    r = client.get(
        f"{hub.url}/services/naikkelas/api/lessons/{LESSON}/state", allow_redirects=False
    )
    assert r.status_code in (302, 403)


def test_staff_cannot_answer_as_learners(hub):
    client = LearnerClient(hub.url, "pejabat")
    client.login("pejabat-demo")
    service = Service(hub, token_for(client))
    r = service.post("answer", {"question": "cara-menjawab", "answer": 1})
    assert r.status_code == 403


def test_only_lessons_released_to_the_learners_cohort(peserta3, hub):
    other = peserta3.base.replace("mengenal-naikkelas", "kursus-lain")
    r = peserta3.http.get(other + "state", headers=peserta3.headers)
    assert r.status_code == 404


def test_answer_key_never_reaches_the_learners_server_or_page(hub, learner):
    client = learner("peserta1")
    released = hub.settings.released_path
    for path in released.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert SECRET_FEEDBACK not in text and "KEY = {" not in text, path
    html = client.get(client.base_url + client.lesson_links()[0]).text
    assert SECRET_FEEDBACK not in html
    assert json.dumps(SECRET_FEEDBACK)[1:-1] not in html
