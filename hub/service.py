"""The NaikKelas hub service: checks answers and records progress for learners' lesson kernels.

It runs beside the hub (`python -m naikkelas.hub.service`, started by JupyterHub as a managed
service) and is the only part of a learner's path that holds answer keys and database access.
Lesson kernels call it with their server's JupyterHub token, so the caller is always the learner
the token belongs to; a learner can only touch lessons released to their own cohort.

    GET  api/lessons/<course>/<lesson>/state     saved step, answers, score (for resume)
    POST api/lessons/<course>/<lesson>/answer    {"question", "answer", "event_id"}
    POST api/lessons/<course>/<lesson>/step      {"step", "event_id"}
    POST api/lessons/<course>/<lesson>/finish    {"event_id"}
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubAuthenticated
from jupyterhub.utils import url_path_join
from tornado import ioloop, web

from naikkelas.grading import lessons
from naikkelas.grading.lessons import KeyStore, LessonError

from .accounts import Role, get_account
from .db import engine_for
from .settings import Settings

EVENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_BODY = 16 * 1024


class LessonHandler(HubAuthenticated, web.RequestHandler):
    """Base: authenticate by hub token, resolve the learner, and speak JSON."""

    def initialize(self, settings: Settings, keys: KeyStore):
        self.nk = settings
        self.keys = keys
        self.engine = engine_for(settings.naikkelas_db_url)

    def check_xsrf_cookie(self):
        # Token-authenticated API for kernels; no cookies are accepted (see get_current_user).
        return

    def get_current_user(self):
        # Tokens only: a browser's cookie must never reach this API.
        if not self.request.headers.get("Authorization", "").startswith("token "):
            return None
        return super().get_current_user()

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        message = getattr(exc, "message", None) or {
            403: "Akses ditolak.",
            404: "Tidak ditemukan.",
        }.get(status_code, "Terjadi kesalahan. Coba lagi.")
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": message}))

    def learner(self, course: str, lesson: str) -> str:
        """The caller's username, after checking the lesson is released to their cohort."""
        user = self.current_user
        account = get_account(self.engine, user["name"])
        if account is None or account.role is not Role.LEARNER:
            raise LessonError(403, "Hanya peserta yang bisa menjawab soal pelajaran.")
        self.keys.path(course, lesson)  # validates the names
        released = self.nk.released_path / (account.cohort or "_none") / course
        if not (released / f"{lesson}.ipynb").is_file():
            raise LessonError(404, "Pelajaran ini belum dibuka untuk kelas Anda.")
        return account.username

    def body(self) -> dict:
        if len(self.request.body) > MAX_BODY:
            raise LessonError(413, "Permintaan terlalu besar.")
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            raise LessonError(400, "Permintaan tidak bisa dibaca.") from None
        if not isinstance(data, dict):
            raise LessonError(400, "Permintaan tidak bisa dibaca.")
        if not EVENT_ID.match(str(data.get("event_id", ""))):
            raise LessonError(400, "Permintaan tanpa nomor kejadian.")
        return data

    async def run(self, func, *args):
        try:
            result = await asyncio.to_thread(func, *args)
        except LessonError as e:
            raise web.HTTPError(e.status) from e
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(result, ensure_ascii=False))

    def send_error_from(self, e: LessonError):
        self.set_status(e.status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": e.message}, ensure_ascii=False))


class StateHandler(LessonHandler):
    @web.authenticated
    async def get(self, course, lesson):
        try:
            username = self.learner(course, lesson)
        except LessonError as e:
            return self.send_error_from(e)
        await self.run(lessons.resume, self.engine, self.keys, username, course, lesson)


class AnswerHandler(LessonHandler):
    @web.authenticated
    async def post(self, course, lesson):
        try:
            username = self.learner(course, lesson)
            data = self.body()
            question = data.get("question")
            if not isinstance(question, str):
                raise LessonError(400, "Soal tidak dikenal.")
            args = (
                self.engine,
                self.keys,
                username,
                course,
                lesson,
                question,
                data.get("answer"),
                data["event_id"],
            )
            result = await asyncio.to_thread(lessons.answer_question, *args)
        except LessonError as e:
            return self.send_error_from(e)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(result, ensure_ascii=False))


class StepHandler(LessonHandler):
    @web.authenticated
    async def post(self, course, lesson):
        try:
            username = self.learner(course, lesson)
            data = self.body()
            result = await asyncio.to_thread(
                lessons.set_step,
                self.engine,
                self.keys,
                username,
                course,
                lesson,
                data.get("step"),
                data["event_id"],
            )
        except LessonError as e:
            return self.send_error_from(e)
        self.finish(json.dumps(result))


class FinishHandler(LessonHandler):
    @web.authenticated
    async def post(self, course, lesson):
        try:
            username = self.learner(course, lesson)
            data = self.body()
            result = await asyncio.to_thread(
                lessons.finish,
                self.engine,
                self.keys,
                username,
                course,
                lesson,
                data["event_id"],
            )
        except LessonError as e:
            return self.send_error_from(e)
        self.finish(json.dumps(result))


class HealthHandler(web.RequestHandler):
    """The hub and operators check the service is up here (no data, no login)."""

    def get(self):
        self.finish({"status": "ok"})


def make_app(settings: Settings, prefix: str) -> web.Application:
    keys = KeyStore(settings.source_path)
    args = {"settings": settings, "keys": keys}
    route = r"api/lessons/([^/]+)/([^/]+)/"
    return web.Application(
        [
            (prefix, HealthHandler),
            (url_path_join(prefix, route + "state"), StateHandler, args),
            (url_path_join(prefix, route + "answer"), AnswerHandler, args),
            (url_path_join(prefix, route + "step"), StepHandler, args),
            (url_path_join(prefix, route + "finish"), FinishHandler, args),
        ],
        cookie_secret=os.urandom(32),
    )


def main() -> None:
    settings = Settings(
        data_dir=os.environ["NAIKKELAS_DATA_DIR"],
        db_url=os.environ.get("NAIKKELAS_DB_URL", ""),
        public_dir=os.environ.get("NAIKKELAS_PUBLIC_DIR", ""),
    )
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/naikkelas/")
    app = make_app(settings, prefix)
    app.listen(url.port, url.hostname)
    print(f"NaikKelas service on {url.geturl()}{prefix} (data {Path(settings.data_dir)})")
    ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
