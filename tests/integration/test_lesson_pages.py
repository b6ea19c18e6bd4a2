"""A learner's first lesson opens on the spare kernel started with their server, and a lesson
opened again continues on the kernel of the last visit, only when that is safe
(`naikkelas.hub.learner.kernels`, `naikkelas.hub.learner.pages`)."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from tests.integration.test_lesson_kernels import lesson_kernels, logged_in
from tests.support import LearnerClient, kernel_message, kernel_websocket, wait_for

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="learners' own system users exist only when run as root"
)

CONTROL = "1.0.0"  # ipywidgets' control comm protocol (request_states)


class Page:
    """A lesson page's kernel websocket and the widget states it knows, as a browser keeps them."""

    def __init__(self, client: LearnerClient, kernel_id: str):
        self.ws = kernel_websocket(client, kernel_id)
        self.states: dict[str, dict] = {}

    def send(self, msg_type: str, content: dict, version: str | None = None) -> None:
        msg = kernel_message(msg_type, content)
        if version:
            msg["metadata"] = {"version": version}
        self.ws.send(json.dumps(msg))

    def read_until(self, condition, what: str) -> None:
        for _ in range(2000):
            raw = self.ws.recv()
            if isinstance(raw, bytes):
                continue
            msg = json.loads(raw)
            data = (msg.get("content") or {}).get("data") or {}
            if msg["msg_type"] == "comm_msg" and data.get("method") == "update_states":
                self.states = {k: v["state"] for k, v in data["states"].items()}
            elif msg["msg_type"] == "comm_msg" and data.get("method") == "update":
                self.states.setdefault(msg["content"]["comm_id"], {}).update(data["state"])
            if condition():
                return
        raise AssertionError(f"never saw {what}")

    def request_states(self) -> None:
        comm_id = uuid.uuid4().hex
        target = {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}}
        self.send("comm_open", target, CONTROL)
        self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}, CONTROL)
        self.read_until(lambda: self.states, "the widgets' states")

    def having(self, cls: str) -> str:
        return next(k for k, s in self.states.items() if cls in (s.get("_dom_classes") or []))

    def children(self, model_id: str) -> list[str]:
        return [c.removeprefix("IPY_MODEL_") for c in self.states[model_id].get("children", [])]

    def step_text(self) -> str:
        root = self.having("nk-lesson")
        return self.states[self.children(root)[1]].get("value", "")

    def tap_lanjut(self) -> None:
        nav = self.having("nk-lesson")
        forward = next(
            b
            for b in self.states
            if "nk-nav" in (self.states[b].get("_dom_classes") or [])
            and self.states[b].get("description") == "Lanjut"
        )
        before = self.step_text()
        data = {"method": "custom", "content": {"event": "click"}}
        self.send("comm_msg", {"comm_id": forward, "data": data})
        self.read_until(lambda: self.step_text() != before, f"the next step after {nav}")

    def close(self) -> None:
        self.ws.close()


def lesson_link(client: LearnerClient, name: str) -> str:
    return next(link for link in client.lesson_links() if name in link)


def wait_disconnected(client: LearnerClient, kernel_id: str) -> None:
    """Until the server has seen the page's websocket close (the kernel's model says so)."""

    def none():
        r = client.get(f"{client.server_url}/api/kernels/{kernel_id}", timeout=10)
        return r.status_code == 200 and r.json()["connections"] == 0

    wait_for(none, 30, "the page's websocket to close")


def kernel_pids(client: LearnerClient) -> set[int]:
    return {p.pid for p in lesson_kernels(f"nk-{client.username}")}


def test_the_first_lesson_opens_on_the_kernel_started_with_the_server(hub, new_learner):
    client = logged_in(hub, new_learner)
    # Before any lesson is opened, the server has started one kernel for it.
    spare = wait_for(lambda: kernel_pids(client), 60, "the spare lesson kernel")
    kernel_id = client.open_lesson(lesson_link(client, "02-latihan-gambar"))
    assert kernel_pids(client) == spare, "the lesson must run on the spare, not a new kernel"
    page = Page(client, kernel_id)
    try:
        page.request_states()
        # The lesson ran with this request's address: its picture points at the learner's own
        # server (SCRIPT_NAME was handed to the spare kernel before the cells ran).
        picture = f'src="/user/{client.username}/voila/files/mengenal-naikkelas/gambar/'
        assert any(picture in str(state.get("value", "")) for state in page.states.values())
    finally:
        page.close()
    # The spare is used once: the next lesson gets a kernel of its own.
    client.open_lesson(lesson_link(client, "01-cara-menjawab"))
    assert len(kernel_pids(client)) == 2


def test_a_lesson_opened_again_continues_on_the_kernel_of_the_last_visit(hub, new_learner):
    client = logged_in(hub, new_learner)
    link = lesson_link(client, "01-cara-menjawab")
    first = client.open_lesson(link)
    page = Page(client, first)
    page.request_states()
    page.tap_lanjut()
    assert page.step_text().startswith('<p class="nk-step">Langkah 2')
    page.close()
    wait_disconnected(client, first)
    pids = kernel_pids(client)

    again = client.open_lesson(link)
    assert again == first and kernel_pids(client) == pids, "no new kernel, nothing run again"
    page = Page(client, again)
    try:
        page.request_states()
        assert "Langkah 2" in page.step_text(), "the learner continues where they were"
        # While this page is open, the lesson opened elsewhere gets a kernel of its own.
        other = client.open_lesson(link)
        assert other != first
    finally:
        page.close()
    wait_disconnected(client, first)
    # Two kernels ran this lesson at once: either may hold answers the other lacks, so
    # neither is reused.
    third = client.open_lesson(link)
    assert third not in (first, other)


def test_a_changed_lesson_or_a_page_never_connected_gets_a_fresh_kernel(hub, new_learner):
    client = logged_in(hub, new_learner)
    link = lesson_link(client, "01-cara-menjawab")
    first = client.open_lesson(link)
    # Rendered but never connected (a page still loading, or a second tap on the link): a
    # second request must not share its kernel.
    second = client.open_lesson(link)
    assert second != first

    client2 = logged_in(hub, new_learner)
    link2 = lesson_link(client2, "01-cara-menjawab")
    kernel_id = client2.open_lesson(link2)
    for _ in range(2):  # served again once, unchanged; then the lesson changes
        page = Page(client2, kernel_id)
        page.request_states()
        page.close()
        wait_disconnected(client2, kernel_id)
        if _ == 0:
            assert client2.open_lesson(link2) == kernel_id
    # The trainer releases a new version of the lesson (here: the file's time changes).
    # (every released copy: each cohort has its own)
    copies = list(hub.settings.public_path.rglob("mengenal-naikkelas/01-cara-menjawab.ipynb"))
    assert copies
    for lesson in copies:
        stat = lesson.stat()
        os.utime(lesson, (stat.st_atime, stat.st_mtime + 1))
    assert client2.open_lesson(link2) != kernel_id
