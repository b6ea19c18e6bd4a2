"""The NaikKelas service keeps answering others while the hub checks a new learner's token
(`naikkelas.hub.hub_user`), against a real HubAuth and a hub API that answers only when told."""

from __future__ import annotations

import asyncio
import json
import socket
import threading

import pytest
from jupyterhub.services.auth import HubAuth, HubAuthenticated
from tornado import httpserver, ioloop, web
from tornado.httpclient import AsyncHTTPClient

from naikkelas.hub.hub_user import HubUserWithoutBlocking
from naikkelas.hub.service import LessonHandler
from tests.support import run_async


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SlowHub:
    """`GET /hub/api/user` on a thread of its own, answering once `release` is set."""

    def __init__(self):
        self.asked = threading.Event()
        self.release = threading.Event()
        self.port = free_port()
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        asyncio.set_event_loop(asyncio.new_event_loop())
        hub = self

        class User(web.RequestHandler):
            async def get(self):
                hub.asked.set()
                while not hub.release.is_set():
                    await asyncio.sleep(0.01)
                self.write(json.dumps({"name": "siti", "kind": "user", "scopes": []}))

        server = httpserver.HTTPServer(web.Application([(r"/hub/api/user", User)]))
        server.listen(self.port, "127.0.0.1")
        self.loop = ioloop.IOLoop.current()
        self.started.set()
        self.loop.start()

    def __enter__(self):
        self.thread.start()
        self.started.wait(10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.loop.add_callback(self.loop.stop)
        self.thread.join(10)


class Who(HubUserWithoutBlocking, HubAuthenticated, web.RequestHandler):
    allow_all = True

    @web.authenticated
    def get(self):
        self.write(self.current_user["name"])


class BlockingWho(HubAuthenticated, web.RequestHandler):
    """JupyterHub's own handler, for contrast: the hub's answer blocks the process."""

    allow_all = True

    @web.authenticated
    def get(self):
        self.write(self.current_user["name"])


class Ping(web.RequestHandler):
    def get(self):
        self.write("pong")


@pytest.fixture
def hub_env(monkeypatch):
    with SlowHub() as hub:
        monkeypatch.setenv("JUPYTERHUB_API_URL", f"http://127.0.0.1:{hub.port}/hub/api")
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "s" * 32)
        HubAuth.clear_instance()
        try:
            yield hub
        finally:
            HubAuth.clear_instance()


def others_served_while_the_hub_thinks(hub: SlowHub, handler) -> tuple[bool, str]:
    """(whether /ping was answered while the hub still held the token check, the caller)."""

    async def main():
        port = free_port()
        app = web.Application([(r"/who", handler), (r"/ping", Ping)])
        server = app.listen(port, "127.0.0.1")
        client = AsyncHTTPClient()
        # A blocked service cannot even run this coroutine: the hub answers by itself later.
        valve = threading.Timer(10, hub.release.set)
        valve.start()
        try:
            who = asyncio.ensure_future(
                client.fetch(f"http://127.0.0.1:{port}/who", headers={"Authorization": "token t"})
            )
            while not hub.asked.is_set():
                await asyncio.sleep(0.01)
            await client.fetch(f"http://127.0.0.1:{port}/ping")
            served_first = not hub.release.is_set()
            hub.release.set()
            return served_first, (await who).body.decode()
        finally:
            valve.cancel()
            server.stop()

    return run_async(main())


def test_the_service_answers_others_while_the_hub_checks_a_new_token(hub_env):
    assert others_served_while_the_hub_thinks(hub_env, Who) == (True, "siti")


def test_jupyterhubs_own_check_would_block_them(hub_env):
    # Why the mix-in exists: without it, /ping waits until the hub answers.
    assert others_served_while_the_hub_thinks(hub_env, BlockingWho) == (False, "siti")


def test_every_service_handler_asks_without_blocking():
    from naikkelas.grading.formgrader import FormgraderHandler
    from naikkelas.hub.officials import OfficialHandler
    from naikkelas.hub.trainer import TrainerHandler

    for handler in (LessonHandler, OfficialHandler, TrainerHandler, FormgraderHandler):
        assert issubclass(handler, HubUserWithoutBlocking), handler
