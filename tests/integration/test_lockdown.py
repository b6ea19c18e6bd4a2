"""Attacks on a learner's server, as that learner, against a real running hub.

Each test tries one way a learner could run code, read files or reach what they must not, and
fails if it gets through.
"""

import os
import pwd
import subprocess
import uuid

import pytest

from tests.support import kernel_message, kernel_websocket, replies


@pytest.fixture(scope="module")
def peserta(hub):
    from tests.support import LearnerClient

    client = LearnerClient(hub.url, "peserta1")
    client.login("123456")
    client.wait_for_server()
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/lab",
        "/lab/tree/mengenal-naikkelas",
        "/tree",
        "/notebooks/mengenal-naikkelas/01-cara-menjawab.ipynb",
        "/edit/mengenal-naikkelas/course.yml",
        "/terminals/1",
        "/api/terminals",
        "/voila",
        "/voila/tree",
        "/voila/tree/mengenal-naikkelas",
        "/voila/api/contents",
        "/voila/api/contents/mengenal-naikkelas",
        "/voila/templates/naikkelas/index.html.j2",
        "/voila/templates/naikkelas/conf.json",
        "/formgrader",
        "/api/nbgrader/assignments",
    ],
)
def test_ui_and_tree_routes_do_not_exist_for_learners(peserta, path):
    r = peserta.get(peserta.server_url + path, allow_redirects=False)
    assert r.status_code == 404, f"{path} answered {r.status_code}"


@pytest.mark.parametrize(
    "path",
    [
        "/api/contents",
        "/api/contents/mengenal-naikkelas",
        "/api/contents/mengenal-naikkelas/01-cara-menjawab.ipynb",
        "/files/mengenal-naikkelas/01-cara-menjawab.ipynb",
        "/files/mengenal-naikkelas/course.yml",
        "/api/sessions",
        "/api/kernelspecs",
        "/nbconvert/html/mengenal-naikkelas/01-cara-menjawab.ipynb",
        "/api/config/notebook",
    ],
)
def test_contents_files_sessions_and_apis_are_refused(peserta, path):
    r = peserta.get(peserta.server_url + path, allow_redirects=False)
    assert r.status_code in (403, 404), f"{path} answered {r.status_code}: {r.text[:200]}"


def _xsrf_headers(peserta):
    return {"X-XSRFToken": peserta.server_xsrf(), "Referer": peserta.server_url + "/naikkelas"}


def test_learner_cannot_write_files_through_the_contents_api(peserta, hub):
    name = f"pwned-{uuid.uuid4().hex[:6]}"
    r = peserta.put(
        f"{peserta.server_url}/api/contents/{name}.ipynb",
        json={
            "type": "notebook",
            "content": {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
        },
        headers=_xsrf_headers(peserta),
    )
    assert r.status_code in (403, 404)
    r = peserta.post(
        f"{peserta.server_url}/api/contents", json={"type": "file"}, headers=_xsrf_headers(peserta)
    )
    assert r.status_code in (403, 404)
    released = list(hub.settings.released_path.rglob(f"{name}*"))
    assert released == []


def test_learner_cannot_create_kernels_or_sessions(peserta):
    r = peserta.post(
        f"{peserta.server_url}/api/kernels",
        json={"name": "python3"},
        headers=_xsrf_headers(peserta),
    )
    assert r.status_code == 403
    r = peserta.post(
        f"{peserta.server_url}/api/sessions",
        json={"path": "x.ipynb", "type": "notebook", "kernel": {"name": "python3"}},
        headers=_xsrf_headers(peserta),
    )
    assert r.status_code == 403


def test_voila_renders_only_lessons_inside_the_root(peserta):
    for path in [
        "../../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "/etc/passwd",
        "mengenal-naikkelas/course.yml",
        "tidak-ada.ipynb",
    ]:
        r = peserta.get(f"{peserta.server_url}/voila/render/{path}", allow_redirects=False)
        assert r.status_code != 200 and "root:x:0" not in r.text, path
        assert "Traceback" not in r.text


@pytest.mark.parametrize(
    "msg_type,content",
    [
        (
            "execute_request",
            {
                "code": "open('/tmp/{marker}', 'w').write('x')",
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
        ),
        ("inspect_request", {"code": "open", "cursor_pos": 4, "detail_level": 0}),
        ("complete_request", {"code": "import o", "cursor_pos": 8}),
        ("history_request", {"output": True, "raw": True, "hist_access_type": "tail", "n": 10}),
        ("is_complete_request", {"code": "1+"}),
    ],
)
def test_kernel_websocket_drops_everything_but_widget_messages(peserta, msg_type, content):
    """Speak the kernel protocol directly; only the widget (comm) messages may pass."""
    link = peserta.lesson_links()[0]
    kernel_id = peserta.open_lesson(link)
    marker = f"nk-pwned-{uuid.uuid4().hex[:8]}"
    if "code" in content:
        content = {**content, "code": content["code"].replace("{marker}", marker)}
    ws = kernel_websocket(peserta, kernel_id)
    try:
        attack = kernel_message(msg_type, content)
        ws.send_text(__import__("json").dumps(attack))
        # A message the kernel does accept, sent after the attack: once its reply is back,
        # any reply to the attack would have arrived before it.
        probe = kernel_message("kernel_info_request", {})
        ws.send_text(__import__("json").dumps(probe))
        seen = replies(ws, probe["header"]["msg_id"])
    finally:
        ws.close()
    attack_id = attack["header"]["msg_id"]
    answered = [m["msg_type"] for m in seen if m["parent_header"].get("msg_id") == attack_id]
    assert answered == [], f"kernel answered {msg_type}: {answered}"
    assert not os.path.exists(f"/tmp/{marker}")


def test_server_root_holds_only_released_lessons_the_learner_cannot_change(peserta, hub):
    cohort = hub.settings.released_path / "demo"
    files = [p for p in cohort.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert path.suffix in {".ipynb", ".yml", ".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp"}
        assert path.stat().st_uid == 0 and not path.stat().st_mode & 0o022
    if os.geteuid() == 0:
        target = cohort / "mengenal-naikkelas" / "injected.ipynb"
        result = subprocess.run(
            ["runuser", "-u", "nk-peserta1", "--", "touch", str(target)], capture_output=True
        )
        assert result.returncode != 0 and not target.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="own system users exist only when run as root")
def test_learner_server_runs_as_its_own_unprivileged_user(peserta):
    from tests.support import processes_of

    procs = processes_of("nk-peserta1")
    assert any("naikkelas.hub.singleuser" in " ".join(p.cmdline()) for p in procs)
    entry = pwd.getpwnam("nk-peserta1")
    assert entry.pw_uid != 0
    assert oct(os.stat(entry.pw_dir).st_mode & 0o777) == "0o700"


def test_learner_cannot_reach_another_learners_server(hub):
    from tests.support import LearnerClient

    one = LearnerClient(hub.url, "peserta2")
    one.login("123456")
    one.wait_for_server()
    r = one.get(f"{hub.url}/user/peserta1/naikkelas", allow_redirects=True)
    assert "Halo," not in r.text
    assert r.status_code in (403, 404) or "/hub/" in r.url
