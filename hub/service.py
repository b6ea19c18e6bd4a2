"""The NaikKelas hub service: checks answers and records progress for learners' lesson kernels.

It runs beside the hub (`python -m naikkelas.hub.service`, started by JupyterHub as a managed
service) and is the only part of a learner's path that holds answer keys and database access.
Lesson kernels call it with their server's JupyterHub token, so the caller is always the learner
the token belongs to; a learner can only touch lessons released to their own cohort.

    GET  api/lessons/<course>/<lesson>/state     saved step, answers, score (for resume)
    POST api/lessons/<course>/<lesson>/answer    {"question", "answer", "event_id"}
    POST api/lessons/<course>/<lesson>/step      {"step", "event_id"}
    POST api/lessons/<course>/<lesson>/finish    {"event_id"}

and, as nbgrader's exchange over HTTP (a learner's server needs no shared filesystem):

    GET  api/lessons/<course>/<lesson>/release      the released lesson notebook (fetch)
    POST api/lessons/<course>/<lesson>/submit       the lesson with its answers cell filled in
    GET  api/lessons/<course>/<lesson>/submissions  the learner's attempts and their grades
    GET  api/progress                                every lesson the learner touched (course home)
    GET  api/released                                the cohort's released lessons as a .tar.gz
                                                     (a learner pod on Kubernetes fetches them
                                                     at start; see naikkelas.hub.learner.start)
    GET  api/preferences                             large text, high contrast (all devices)
    POST api/preferences                             {"large_text": bool, "high_contrast": bool}
    GET  api/data-notice                             whether the learner read the data notice
    POST api/data-notice                             "Saya mengerti" (see naikkelas.hub.data_notice)

the officials' dashboard (`naikkelas.hub.officials`, browser login, pejabat and admin only):

    GET  pejabat/                                    completion figures, charts, filters
    GET  pejabat/unduh/<csv|xlsx|pdf>                the same view as a file

and certificates (`naikkelas.hub.service_certificates`):

    GET  api/certificates/<course>                   the learner's certificate (PDF)
    GET  sertifikat/<code>                           public verification page (no login)

The submitter is always the owner of the token: a username in the request is refused unless it is
the caller's own.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import tarfile
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubAuthenticated, HubOAuth, HubOAuthCallbackHandler
from jupyterhub.utils import url_path_join
from tornado import ioloop, web

from naikkelas.grading import lessons, progress
from naikkelas.grading import submissions as subs
from naikkelas.grading.gradebook import learner_grades
from naikkelas.grading.lessons import KeyStore, LessonError

from .accounts import Role, get_account
from .db import engine_for
from .headers import API_CSP, STRICT_PAGE_CSP, SecureStaticFileHandler, apply, settings_headers
from .hub_user import HubUserWithoutBlocking
from .officials import official_routes, warm_up
from .preferences import PreferenceError, get_preferences, set_preferences
from .settings import Settings
from .trainer import trainer_routes
from .trainer_pins import pin_routes
from .trainer_roster import roster_routes

EVENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_BODY = 16 * 1024


class LessonHandler(HubUserWithoutBlocking, HubAuthenticated, web.RequestHandler):
    """Base: authenticate by hub token, resolve the learner, and speak JSON."""

    # The trainers' pages in this process use HubOAuth; both kinds of handler must share one
    # singleton, or whichever kind is called second fails (MultipleInstanceError, HTTP 500).
    hub_auth_class = HubOAuth

    def initialize(self, settings: Settings, keys: KeyStore):
        self.nk = settings
        self.keys = keys
        self.engine = engine_for(settings.naikkelas_db_url)

    def set_default_headers(self):
        apply(self, self.settings["naikkelas_headers"](API_CSP))

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
        return self._released(course, lesson)[0]

    def _released(self, course: str, lesson: str) -> tuple[str, Path]:
        """(the caller's username, the lesson as released to their cohort)."""
        user = self.current_user
        account = get_account(self.engine, user["name"])
        if account is None or account.role is not Role.LEARNER:
            raise LessonError(403, "Hanya peserta yang bisa menjawab soal pelajaran.")
        self.keys.path(course, lesson)  # validates the names
        released = self.nk.released_path / (account.cohort or "_none") / course / f"{lesson}.ipynb"
        if not released.is_file():
            raise LessonError(404, "Pelajaran ini belum dibuka untuk kelas Anda.")
        claimed = self.get_query_argument("username", None) or self.request.headers.get(
            "X-NaikKelas-User"
        )
        if claimed is not None and claimed != account.username:
            raise LessonError(403, "Anda hanya bisa mengirim atas nama Anda sendiri.")
        return account.username, released

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

    async def respond(self, course: str, lesson: str, action) -> None:
        """Resolve the learner, run `action(username, body)` off the event loop, answer JSON."""
        try:
            username = self.learner(course, lesson)
            body = self.body() if self.request.method == "POST" else {}
            result = await asyncio.to_thread(action, username, body)
        except LessonError as e:
            self.set_status(e.status)
            result = {"error": e.message}
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(result, ensure_ascii=False))


def _question(body: dict) -> str:
    question = body.get("question")
    if not isinstance(question, str):
        raise LessonError(400, "Soal tidak dikenal.")
    return question


class StateHandler(LessonHandler):
    @web.authenticated
    async def get(self, course, lesson):
        await self.respond(
            course,
            lesson,
            lambda user, _body: lessons.resume(self.engine, self.keys, user, course, lesson),
        )


class ActionHandler(LessonHandler):
    """POST answer | step | finish: each carries an event id, so a retry is recorded once."""

    @web.authenticated
    async def post(self, course, lesson, action):
        e, k = self.engine, self.keys
        actions = {
            "answer": lambda user, body: lessons.answer_question(
                e, k, user, course, lesson, _question(body), body.get("answer"), body["event_id"]
            ),
            "step": lambda user, body: lessons.set_step(
                e, k, user, course, lesson, body.get("step"), body["event_id"]
            ),
            "finish": lambda user, body: lessons.finish(
                e, k, user, course, lesson, body["event_id"]
            ),
        }
        await self.respond(course, lesson, actions[action])


class ReleaseHandler(LessonHandler):
    """nbgrader's fetch: the released lesson, for a learner of a cohort it is released to."""

    @web.authenticated
    async def get(self, course, lesson):
        try:
            _user, released = self._released(course, lesson)
            text = await asyncio.to_thread(released.read_text, encoding="utf-8")
        except LessonError as e:
            self.set_status(e.status)
            self.finish({"error": e.message})
            return
        self.set_header("Content-Type", "application/x-ipynb+json")
        self.set_header("Cache-Control", "no-store")
        self.finish(text)


@web.stream_request_body
class SubmitHandler(LessonHandler):
    """nbgrader's submit: the released lesson with its answers cell filled in.

    A body bigger than any submission is not kept in memory: it is read and dropped as it
    arrives (answering early would make the proxy report a broken connection instead of our
    message), then refused. A submission is stored only when `check_submission` accepts it.
    """

    async def prepare(self):
        await super().prepare()
        self._chunks, self._size = [], 0
        length = self.request.headers.get("Content-Length", "")
        self._too_big = length.isdigit() and int(length) > subs.MAX_SUBMISSION

    def data_received(self, chunk: bytes) -> None:
        if self._too_big:
            return
        self._size += len(chunk)
        if self._size > subs.MAX_SUBMISSION:
            self._too_big = True
            self._chunks = []
            return
        self._chunks.append(chunk)

    def _refuse(self, status: int, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": message}))

    @web.authenticated
    async def post(self, course, lesson):
        if self._too_big:
            self._refuse(413, "Kiriman terlalu besar.")
            return
        try:
            username, released = self._released(course, lesson)
            result = await asyncio.to_thread(
                self._submit, username, course, lesson, released, b"".join(self._chunks)
            )
        except (LessonError, subs.SubmissionError) as e:
            self._refuse(e.status, e.message)
            return
        self.set_status(202)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(result, ensure_ascii=False))

    def _submit(self, username, course, lesson, released: Path, body: bytes) -> dict:
        released_nb = json.loads(released.read_text(encoding="utf-8"))
        state = progress.get_state(self.engine, username, course, lesson)
        recorded = {q: r.get("answer") for q, r in state.answers.items()}
        answers = subs.check_submission(released_nb, body, recorded)
        event_id = self.request.headers.get("X-NaikKelas-Event")
        if event_id is not None and not EVENT_ID.match(event_id):
            raise subs.SubmissionError("Nomor kiriman tidak sah.")
        submission = subs.record_submission(
            self.engine, username, course, lesson, body.decode("utf-8"), answers, event_id
        )
        return {**submission.public(), "ahead": subs.pending_before(self.engine, submission)}


class SubmissionsHandler(LessonHandler):
    @web.authenticated
    async def get(self, course, lesson):
        def attempts(user, _body):
            history = subs.history(self.engine, user, course, lesson)
            best = subs.best_graded(self.engine, user, course, lesson)
            latest = history[0] if history else None
            ahead = (
                subs.pending_before(self.engine, latest)
                if latest and latest.status in (subs.QUEUED, subs.GRADING)
                else 0
            )
            return {
                "attempts": [s.public() for s in history],
                "best": best.public() if best else None,
                "ahead": ahead,
            }

        await self.respond(course, lesson, attempts)


class OverviewHandler(LessonHandler):
    """The learner's ticks and grades for the course home, which their server renders."""

    @web.authenticated
    async def get(self):
        account = get_account(self.engine, self.current_user["name"])
        if account is None or account.role is not Role.LEARNER:
            self.set_status(403)
            self.finish({"error": "Hanya untuk peserta."})
            return

        def overview_of(username):
            grades = learner_grades(self.nk.naikkelas_db_url, username)
            return subs.learner_overview(self.engine, username, grades)

        overview = await asyncio.to_thread(overview_of, account.username)
        self.set_header("Cache-Control", "no-store")
        lessons = [{"course": c, "lesson": name, **v} for (c, name), v in overview.items()]
        self.finish({"lessons": lessons})


def released_archive(cohort_dir: Path) -> bytes:
    """The released courses of one cohort as a gzipped tar, paths relative to the cohort folder.
    Half-released courses (dot-folders being swapped in) are left out."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        if cohort_dir.is_dir():
            for course in sorted(cohort_dir.iterdir()):
                if course.is_dir() and not course.name.startswith("."):
                    tar.add(course, arcname=course.name, filter=_public_member)
    return buffer.getvalue()


def _public_member(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    if info.issym() or info.islnk():
        return None
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o755 if info.isdir() else 0o644
    return info


class ReleasedHandler(LessonHandler):
    """Every lesson released to the caller's cohort, for a learner's pod to serve (Kubernetes)."""

    @web.authenticated
    async def get(self):
        account = get_account(self.engine, self.current_user["name"])
        if account is None or account.role is not Role.LEARNER:
            self.set_status(403)
            self.finish({"error": "Hanya untuk peserta."})
            return
        cohort_dir = self.nk.released_path / (account.cohort or "_none")
        body = await asyncio.to_thread(released_archive, cohort_dir)
        self.set_header("Content-Type", "application/gzip")
        self.set_header("Cache-Control", "no-store")
        self.finish(body)


class PreferencesHandler(LessonHandler):
    """The learner's display preferences, read by the course home and the lesson shell."""

    def _learner(self) -> str | None:
        account = get_account(self.engine, self.current_user["name"])
        if account is None or account.role is not Role.LEARNER:
            self.set_status(403)
            self.finish({"error": "Hanya untuk peserta."})
            return None
        return account.username

    @web.authenticated
    async def get(self):
        username = self._learner()
        if username:
            self.set_header("Cache-Control", "no-store")
            self.finish(await asyncio.to_thread(get_preferences, self.engine, username))

    @web.authenticated
    async def post(self):
        username = self._learner()
        if not username:
            return
        try:
            if len(self.request.body) > MAX_BODY:
                raise PreferenceError("Permintaan terlalu besar.")
            try:
                changes = json.loads(self.request.body or b"{}")
            except ValueError:
                raise PreferenceError("Pengaturan tampilan tidak bisa dibaca.") from None
            if isinstance(changes, dict):
                changes.pop("event_id", None)  # kernels tag every write; setting twice is harmless
            saved = await asyncio.to_thread(set_preferences, self.engine, username, changes)
        except PreferenceError as e:
            self.set_status(400)
            self.finish({"error": e.message})
            return
        self.set_header("Cache-Control", "no-store")
        self.finish(saved)


class HealthHandler(web.RequestHandler):
    """The hub and operators check the service is up here (no data, no login)."""

    def set_default_headers(self):
        apply(self, self.settings["naikkelas_headers"](API_CSP))

    def get(self):
        self.finish({"status": "ok"})


class NotFoundHandler(web.RequestHandler):
    """Every other address of the service: a plain 404 with the security headers."""

    def set_default_headers(self):
        apply(self, self.settings["naikkelas_headers"](STRICT_PAGE_CSP))

    def prepare(self):
        raise web.HTTPError(404)

    def write_error(self, status_code, **kwargs):
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("Halaman tidak ditemukan.\n" if status_code == 404 else "Terjadi kesalahan.\n")


def make_app(settings: Settings, prefix: str) -> web.Application:
    from .data_notice import notice_handler
    from .service_certificates import certificate_handlers

    keys = KeyStore(settings.source_path)
    args = {"settings": settings, "keys": keys}

    def headers(policy: str) -> dict[str, str]:
        return settings_headers(settings, policy)

    route = r"api/lessons/([^/]+)/([^/]+)/"
    return web.Application(
        [
            (prefix, HealthHandler),
            (url_path_join(prefix, route + "state"), StateHandler, args),
            (url_path_join(prefix, route + "(answer|step|finish)"), ActionHandler, args),
            (url_path_join(prefix, route + "release"), ReleaseHandler, args),
            (url_path_join(prefix, route + "submit"), SubmitHandler, args),
            (url_path_join(prefix, route + "submissions"), SubmissionsHandler, args),
            (url_path_join(prefix, "api/progress"), OverviewHandler, args),
            (url_path_join(prefix, "api/released"), ReleasedHandler, args),
            (url_path_join(prefix, "api/preferences"), PreferencesHandler, args),
            (url_path_join(prefix, "api/data-notice"), notice_handler(), args),
            # Trainers' pages: browser login through the hub (OAuth), cookies, role checks.
            (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
            (
                url_path_join(prefix, "pelatih/static/(.*)"),
                SecureStaticFileHandler,
                {"path": str(Path(__file__).parent / "static"), "headers": headers(API_CSP)},
            ),
            # Before the cohort view's kelas/<cohort>/<course>, which would take .../peserta.
            *pin_routes(prefix, args),
            *roster_routes(prefix, args),
            *trainer_routes(prefix, args),
            *official_routes(prefix, args),
            *certificate_handlers(prefix, args),
        ],
        cookie_secret=os.urandom(32),
        naikkelas_prefix=prefix,
        # Security headers by page policy (naikkelas.hub.headers), HSTS when https.
        naikkelas_headers=headers,
        default_handler_class=NotFoundHandler,
    )


def main() -> None:
    settings = Settings(
        data_dir=os.environ["NAIKKELAS_DATA_DIR"],
        db_url=os.environ.get("NAIKKELAS_DB_URL", ""),
        public_dir=os.environ.get("NAIKKELAS_PUBLIC_DIR", ""),
        courses_dir=os.environ.get("NAIKKELAS_COURSES_DIR", "courses"),
    )
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/naikkelas/")
    app = make_app(settings, prefix)
    # Bodies above the largest submission are refused by SubmitHandler before they are read.
    # On Kubernetes the URL names the hub pod's Service; the service listens on the pod's
    # addresses (NAIKKELAS_SERVICE_BIND_IP).
    bind_ip = os.environ.get("NAIKKELAS_SERVICE_BIND_IP") or url.hostname
    app.listen(url.port, bind_ip, max_body_size=64 * 1024 * 1024)
    print(f"NaikKelas service on {url.geturl()}{prefix} (data {Path(settings.data_dir)})")
    # The officials' dashboard: its figures start loading now, in the background.
    warm_up(settings)
    ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
