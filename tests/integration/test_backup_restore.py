"""A backup of the running platform, restored onto an empty data directory, starts and shows a
learner the progress she had."""

from __future__ import annotations

import subprocess

from naikkelas.grading import progress
from naikkelas.hub.db import engine_for
from tests.support import NAIKKELAS, HubProcess, LearnerClient, free_port_block, wait_for

COURSE = "mengenal-naikkelas"


def finish(state):
    state.finished = True
    return None, None


def one_step(state):
    state.step += 1
    return None, None


def test_running_platform_backed_up_restored_and_started_again(hub, new_learner, tmp_path):
    username, pin = new_learner("Siti Aminah")
    engine = engine_for(hub.settings.naikkelas_db_url)
    progress.record(engine, username, COURSE, "01-cara-menjawab", "a", finish, kind="finish")
    progress.record(
        engine, username, COURSE, "02-latihan-gambar-dan-cerita", "b", one_step, kind="step"
    )  # noqa: E501
    archive = tmp_path / "hub.tar.gz"
    done = subprocess.run(
        [NAIKKELAS, "backup", "-o", archive, "--data-dir", hub.data_dir, "--db-url", hub.db_url],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr

    # Into SQLite in the new data directory, whatever the hub used (PostgreSQL under
    # NAIKKELAS_TEST_DB=postgres: the dump is portable).
    data_dir = tmp_path / "restored"
    done = subprocess.run(
        [NAIKKELAS, "restore", archive, "--data-dir", data_dir], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    restored = HubProcess(data_dir=data_dir, port=free_port_block(5), demo=False)
    try:
        restored.start()
        client = LearnerClient(restored.url, username)
        assert client.login(pin).status_code == 200
        client.wait_for_server()

        def course_home_with_progress():
            # A just-restored platform may be too busy to give progress at once: the page then
            # says "belum bisa dimuat", and a reload shows it.
            text = client.get(f"{client.server_url}/naikkelas").text
            return text if "belum bisa dimuat" not in text else None

        home = wait_for(course_home_with_progress, 120, "the course home with progress")
        # The restored hub adopted none of the live platform's running servers.
        assert "Adding missing route for /user/" not in restored.log()
    finally:
        restored.stop()
    assert home.count("· Selesai") == 1
    assert home.count("· Sedang dipelajari") == 1
