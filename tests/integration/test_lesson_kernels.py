"""Lesson kernels on a learner's server: reached over private Unix sockets (no port race), and
ended soon after their page is gone for good, while an open page keeps its kernel."""

from __future__ import annotations

import json
import os
import stat
import uuid
from pathlib import Path

import psutil
import pytest

from tests.support import (
    LearnerClient,
    kernel_message,
    kernel_websocket,
    processes_of,
    replies,
    wait_for,
)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="learners' own system users exist only when run as root"
)


def kernel_info(client: LearnerClient, kernel_id: str) -> dict:
    ws = kernel_websocket(client, kernel_id)
    try:
        msg = kernel_message("kernel_info_request", {})
        ws.send(json.dumps(msg))
        return replies(ws, msg["header"]["msg_id"])[-1]
    finally:
        ws.close()


def lesson_kernels(unix_user: str) -> list[psutil.Process]:
    return [
        p for p in processes_of(unix_user) if "naikkelas.hub.lesson_kernel" in " ".join(p.cmdline())
    ]


def logged_in(hub, make_learner) -> LearnerClient:
    username, pin = make_learner()
    client = LearnerClient(hub.url, username)
    client.login(pin)
    client.wait_for_server()
    return client


def test_a_lesson_kernel_listens_on_no_network_port_only_on_private_sockets(hub, new_learner):
    client = logged_in(hub, new_learner)
    kernel_id = client.open_lesson(client.lesson_links()[0])
    assert kernel_info(client, kernel_id)["content"]["status"] == "ok"
    [kernel] = lesson_kernels(f"nk-{client.username}")
    # TCP ports are picked by the server and bound by the kernel a moment later: under load
    # another process took one in between and the kernel died ("Address already in use").
    # Over TCP a kernel listens on 6 ports: its 5 channels and ipykernel's own IOPub pipe for
    # subprocess output (bound by ZeroMQ in one step, so without that race). Only the pipe is left.
    listening = [c for c in kernel.net_connections(kind="inet") if c.status == "LISTEN"]
    assert len(listening) <= 1, listening
    home = Path(os.path.expanduser(f"~nk-{client.username}"))
    folder = home / ".nk-kernels"
    assert folder.stat().st_mode & 0o077 == 0, "no other user may reach them"
    sockets = [p for p in folder.iterdir() if p.name.startswith(f"kernel-{kernel_id}-ipc-")]
    assert sockets and all(stat.S_ISSOCK(p.stat().st_mode) for p in sockets)


@pytest.fixture(scope="module")
def quick_cull_hub(start_hub):
    return start_hub(
        "quick-cull-hub", extra_env={"NAIKKELAS_KERNEL_CULL_DISCONNECTED_SECONDS": "6"}
    )


def test_a_closed_lesson_page_ends_its_kernel_while_an_open_page_keeps_its(quick_cull_hub):
    from naikkelas.hub.accounts import Role, upsert_account
    from naikkelas.hub.db import engine_for

    hub = quick_cull_hub
    engine = engine_for(hub.settings.naikkelas_db_url)
    username = f"uji{uuid.uuid4().hex[:8]}"
    upsert_account(engine, username, Role.LEARNER, "246810", cohort="demo", display_name="Uji")
    client = logged_in(hub, lambda: (username, "246810"))
    link = client.lesson_links()[0]
    open_id = client.open_lesson(link)
    open_ws = kernel_websocket(client, open_id)
    closed_id = client.open_lesson(link)
    assert kernel_info(client, closed_id)["content"]["status"] == "ok"  # connected, then closed
    assert len(lesson_kernels(f"nk-{username}")) == 2

    # The closed page's kernel goes, without waiting for the 10-minute idle cull...
    wait_for(
        lambda: len(lesson_kernels(f"nk-{username}")) == 1,
        60,
        "the closed page's kernel to end",
    )
    # ...while the open page's kernel, silent for longer, still answers on its connection.
    msg = kernel_message("kernel_info_request", {})
    open_ws.send(json.dumps(msg))
    assert replies(open_ws, msg["header"]["msg_id"])[-1]["content"]["status"] == "ok"
    open_ws.close()
    # The kernel of a page that comes back later is gone: keepalive.js reloads the page.
    alive = client.get(
        f"{client.server_url}/naikkelas/api/kernels/{closed_id}/alive",
        headers={"X-XSRFToken": client.server_xsrf()},
    )
    assert alive.status_code == 404
