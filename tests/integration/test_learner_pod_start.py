"""A learner pod's start on Kubernetes: it fetches its cohort's lessons from the NaikKelas service
(`api/released`) with its server's token. Against a real hub: only learners, only their cohort,
never the answer keys."""

import io
import tarfile

import pytest
import requests

from naikkelas.grading.courses import list_courses
from naikkelas.hub.learner.start import FetchError, fetch_lessons
from tests.integration.test_service import token_for
from tests.support import LearnerClient

KEY_MARKER = "KEY = {"  # answer keys are literal KEY dicts in the sources' hidden tests


@pytest.fixture(scope="module")
def learner_token(hub):
    client = LearnerClient(hub.url, "peserta2")
    client.login("123456")
    return token_for(client)


def service_url(hub) -> str:
    return f"{hub.url}/services/naikkelas/"


def test_learner_pod_fetches_its_cohorts_lessons(hub, learner_token, tmp_path):
    dest = tmp_path / "lessons" / "demo"
    courses = fetch_lessons(service_url(hub), learner_token, dest)
    released = sorted(p.name for p in (hub.settings.released_path / "demo").iterdir())
    assert courses == [name for name in released if not name.startswith(".")]
    assert courses, "the demo cohort has released courses"
    # The course home lists them as it does on one machine.
    assert sorted(c.slug for c in list_courses(dest)) == courses
    for notebook in dest.rglob("*.ipynb"):
        assert KEY_MARKER not in notebook.read_text(encoding="utf-8"), notebook


def test_archive_holds_only_released_files(hub, learner_token):
    r = requests.get(
        f"{service_url(hub)}api/released", headers={"Authorization": f"token {learner_token}"}
    )
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(r.content), mode="r:gz") as tar:
        members = tar.getmembers()
    assert members
    for member in members:
        assert not member.name.startswith(("/", ".")) and ".." not in member.name.split("/")
        assert member.isfile() or member.isdir()


def test_staff_and_strangers_get_no_archive(hub, tmp_path):
    trainer = LearnerClient(hub.url, "pelatih")
    trainer.login("pelatih-demo")
    r = requests.get(
        f"{service_url(hub)}api/released",
        headers={"Authorization": f"token {token_for(trainer)}"},
    )
    assert r.status_code == 403
    r = requests.get(f"{service_url(hub)}api/released", allow_redirects=False)
    assert r.status_code in (302, 403) and not r.content.startswith(b"\x1f\x8b")
    with pytest.raises(FetchError, match="cannot fetch lessons"):
        fetch_lessons(service_url(hub), "not-a-token", tmp_path / "x")
    assert not (tmp_path / "x").exists()
