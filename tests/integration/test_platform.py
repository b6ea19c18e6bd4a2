"""The platform as an operator and a learner meet it: start, log in, course home, stop."""

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support import LearnerClient, processes_of, wait_for


def test_login_page_is_bahasa_indonesia_and_posts_username_and_password(hub):
    r = LearnerClient(hub.url, "x").get(f"{hub.url}/hub/login")
    assert r.status_code == 200
    assert 'lang="id"' in r.text and "Masuk" in r.text
    assert 'name="username"' in r.text and 'name="password"' in r.text


def test_wrong_pin_is_refused_with_a_clear_message(hub):
    client = LearnerClient(hub.url, "peserta3")
    r = client.login("000000")
    assert "Nama pengguna atau PIN salah" in r.text
    assert client.get(f"{hub.url}/hub/api/user").status_code == 403


def test_learner_lands_on_course_home_listing_released_lessons(learner):
    client = learner("peserta1")
    home = client.get(f"{client.server_url}/naikkelas")
    assert 'lang="id"' in home.text
    assert "Ibu Siti Aminah" in home.text, "greets the learner by name"
    assert "Mengenal NaikKelas" in home.text
    links = client.lesson_links()
    assert links and all("/user/peserta1/voila/render/" in link for link in links)
    # The server's default URL is the course home.
    r = client.get(f"{client.server_url}/", allow_redirects=True)
    assert r.url.endswith("/naikkelas")
    # Logging in again (another phone) with the server running goes straight to the course
    # home: no /hub/spawn and no server redirect on the way (each a round trip on 3G).
    again = LearnerClient(client.base_url, "peserta1")
    r = again.login("123456")
    assert r.history[0].headers["Location"] == "/user/peserta1/naikkelas"
    hops = [h.headers.get("Location", "") for h in r.history]
    assert not any("/hub/spawn" in hop for hop in hops), hops
    assert r.url.endswith("/user/peserta1/naikkelas") and "Mengenal NaikKelas" in r.text


def test_lesson_renders_as_voila_page_without_external_resources(learner):
    client = learner("peserta1")
    r = client.get(client.base_url + client.lesson_links()[0])
    assert r.status_code == 200
    assert "jupyter-config-data" in r.text
    external = [
        url
        for url in re.findall(r'(?:src|href)=["\'](https?://[^"\']+)', r.text)
        if not url.startswith(client.base_url)
    ]
    assert external == [], f"lesson page loads from outside the deployment: {external}"
    assert "fontawesome" not in r.text.lower()


def test_demo_banner_lists_url_and_accounts(hub):
    log = hub.log()
    assert f"http://127.0.0.1:{hub.port}/" in log
    for account in ("peserta1", "pelatih", "pejabat", "admin", "123456"):
        assert account in log


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to start a hub that spawns users")
def test_ctrl_c_stops_hub_proxy_and_learner_servers(start_hub):
    own = start_hub("ctrl-c")
    client = LearnerClient(own.url, "peserta3")
    client.login("123456")
    client.wait_for_server()
    client.open_lesson(client.lesson_links()[0])
    import psutil

    children = [p.pid for p in psutil.Process(own.proc.pid).children(recursive=True)]
    assert len(children) >= 2, "proxy and services run as children"
    # This platform's learner processes (other platforms on the machine may use the same user).
    learner = {p.pid for p in processes_of("nk-peserta3")} & set(children)
    assert learner, "the learner's server runs under its own user"
    assert own.interrupt(timeout=60) == 0

    def learner_gone():
        return not any(psutil.pid_exists(pid) for pid in learner)

    assert wait_for(learner_gone, 10, "learner processes to end")
    alive = [pid for pid in children if psutil.pid_exists(pid)]
    assert alive == [], f"orphans left: {alive}"


@pytest.mark.skipif(os.geteuid() != 0, reason="switches to an ordinary user with runuser")
def test_started_as_ordinary_user_all_learners_share_it_and_it_says_so():
    user = "nk-test-operator"
    try:
        pwd.getpwnam(user)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", user], check=True)
    # A folder the ordinary user owns, outside pytest's private temporary folder.
    base = Path(tempfile.mkdtemp(prefix="nk-as-user-"))
    courses = base / "courses"
    from tests.conftest import ROOT

    shutil.copytree(ROOT / "courses", courses)
    data_dir = base / "var"
    data_dir.mkdir()
    subprocess.run(["chown", "-R", user, str(base)], check=True)

    from tests.support import HubProcess, free_port_block

    own = HubProcess(data_dir=data_dir, port=free_port_block(5), user=user, courses_dir=courses)
    own.log_path = base / "hub.log"
    try:
        own.start()
        assert "never for a class" in own.log()
        client = LearnerClient(own.url, "peserta2")
        client.login("123456")
        client.wait_for_server()
        assert client.lesson_links()
        assert {p.username() for p in processes_of(user)} == {user}
        homes = data_dir / "homes"
        assert (homes / "peserta2").is_dir()
    finally:
        own.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_a_second_platform_on_the_same_port_is_refused(hub, tmp_path):
    from tests.support import NAIKKELAS

    result = subprocess.run(
        [NAIKKELAS, "run", "--data-dir", str(tmp_path / "other"), "--port", str(hub.port)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "already in use" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert hub.healthy(), "the running platform is untouched"
