"""Handlers of the learner extension: the course home page, certificates and refused routes."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import jinja2
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from naikkelas.grading.courses import CourseError, list_courses
from naikkelas.hub.headers import STRICT_PAGE_CSP
from naikkelas.hub.preferences import SETTINGS

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=True,
)


class RefusedHandler(web.RequestHandler):
    """404 for every method: learners don't get to know these routes exist."""

    def prepare(self):
        raise web.HTTPError(404)


async def _from_service(
    log, path: str, body: dict | None = None, timeout: float = 2
) -> dict | None:
    """GET (or, with `body`, POST) the NaikKelas service with this server's token; None when it
    cannot be reached within `timeout` seconds."""
    url = os.environ.get("NAIKKELAS_SERVICE_URL")
    token = os.environ.get("JUPYTERHUB_API_TOKEN")
    if not url or not token:
        return None
    try:
        response = await AsyncHTTPClient().fetch(
            url_path_join(url, path),
            method="POST" if body is not None else "GET",
            body=json.dumps(body) if body is not None else None,
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
            request_timeout=timeout,
        )
        return json.loads(response.body)
    except Exception as e:  # noqa: BLE001 - the page works without it
        log.warning("NaikKelas service %s: %s", path, e)
        return None


async def learner_progress(log) -> dict[tuple[str, str], dict] | None:
    """Ticks and grades from the NaikKelas service, with this server's token; None when the
    service cannot answer in time (a busy moment): the page then says so rather than showing
    a learner who did lessons none done."""
    data = await _from_service(log, "api/progress", timeout=8)
    if data is None:
        return None
    return {(item["course"], item["lesson"]): item for item in data.get("lessons", [])}


async def learner_preferences(log) -> dict[str, bool]:
    """Large text and high contrast, as the learner chose them on any device (off if unknown)."""
    data = await _from_service(log, "api/preferences") or {}
    return {name: data.get(name) is True for name in SETTINGS}


class StrictPageHandler(JupyterHandler):
    """A page of ours without script: a stricter policy than the server's (Voila's) default."""

    @property
    def content_security_policy(self) -> str:
        return STRICT_PAGE_CSP


class CourseHomeHandler(StrictPageHandler):
    """The learner's course home: released courses and their lessons, plain HTML."""

    @web.authenticated
    async def get(self):
        root = Path(self.settings["naikkelas_root_dir"])
        try:
            courses = list_courses(root)
            problem = None
        except CourseError as e:
            self.log.error("Cannot list courses in %s: %s", root, e)
            courses, problem = [], "Daftar pelajaran belum bisa dibuka. Hubungi pelatih Anda."
        base_url = self.base_url
        certificate_url = {
            course.slug: url_path_join(base_url, "naikkelas/sertifikat", course.slug)
            for course in courses
        }
        lessons_url = {
            (course.slug, lesson.slug): url_path_join(
                base_url, "voila/render", course.slug, lesson.path.name
            )
            for course in courses
            for lesson in course.lessons
        }
        user = self.current_user
        display_name = os.environ.get("NAIKKELAS_DISPLAY_NAME", "")
        progress, preferences, notice = await asyncio.gather(
            learner_progress(self.log) if courses else asyncio.sleep(0, {}),
            learner_preferences(self.log),
            _from_service(self.log, "api/data-notice"),
        )
        if self.get_query_argument("data", "") == "gagal":
            problem = problem or "Belum tersimpan. Tekan “Saya mengerti” sekali lagi."
        if progress is None:
            progress = {}
            problem = problem or (
                "Tanda selesai dan nilai Anda belum bisa dimuat. Muat ulang halaman ini "
                "sebentar lagi; kemajuan Anda tetap tersimpan."
            )
        if self.get_query_argument("tampilan", "") == "gagal":
            problem = problem or "Pengaturan tampilan belum tersimpan. Coba lagi."
        # Lessons left per course; a course with none left offers its certificate.
        left = {
            course.slug: sum(
                not progress.get((course.slug, lesson.slug), {}).get("finished")
                for lesson in course.lessons
            )
            for course in courses
        }
        html = _templates.get_template("course_home.html").render(
            courses=courses,
            progress=progress,
            lessons_left=left,
            certificate_url=certificate_url,
            preferences=preferences,
            settings=SETTINGS,
            preferences_url=url_path_join(base_url, "naikkelas/tampilan"),
            # Shown until acknowledged; not when the service cannot say (it shows next time).
            show_notice=notice is not None and notice.get("acknowledged") is False,
            notice_url=url_path_join(base_url, "naikkelas/data-saya"),
            xsrf=self.xsrf_token.decode(),
            lessons_url=lessons_url,
            problem=problem,
            name=display_name or getattr(user, "username", ""),
            static_url=self.settings["naikkelas_static_url"],
            logout_url=self.settings.get("hub_prefix", "/hub/") + "logout",
        )
        self.set_header("Cache-Control", "no-store")
        self.finish(html)


class PreferencesFormHandler(StrictPageHandler):
    """The course home's "Huruf besar" / "Kontras tinggi" buttons: a plain form post (no script
    needed), saved through the NaikKelas service for every device, then back to the course home."""

    @web.authenticated
    async def post(self):
        home = url_path_join(self.base_url, "naikkelas")
        changes = {}
        for name in SETTINGS:
            value = self.get_body_argument(name, None)
            if value is not None:
                changes[name] = value == "1"
        if len(changes) != 1 or self.get_body_argument(next(iter(changes)), "") not in ("0", "1"):
            raise web.HTTPError(400, "Pengaturan tampilan tidak dikenal.")
        saved = await _from_service(self.log, "api/preferences", changes)
        self.redirect(home if saved is not None else f"{home}?tampilan=gagal", status=303)


class DataNoticeHandler(JupyterHandler):
    """The data notice: GET reads it again (any time); POST is its "Saya mengerti" button,
    kept by the NaikKelas service for every device, then back to the course home."""

    @web.authenticated
    def get(self):
        self.set_header("Cache-Control", "no-store")
        self.finish(
            _templates.get_template("data_notice.html").render(
                home_url=url_path_join(self.base_url, "naikkelas"),
                static_url=url_path_join(self.base_url, "naikkelas/static"),
                preferences=dict.fromkeys(SETTINGS, False),
            )
        )

    @web.authenticated
    async def post(self):
        home = url_path_join(self.base_url, "naikkelas")
        saved = await _from_service(self.log, "api/data-notice", {})
        self.redirect(home if saved is not None else f"{home}?data=gagal", status=303)


class KernelAliveHandler(JupyterHandler):
    """204 while a lesson's kernel runs; 410 when it has died (the page then reloads)."""

    @web.authenticated
    async def get(self, kernel_id):
        manager = self.kernel_manager
        if kernel_id not in manager:
            raise web.HTTPError(404)
        if not await manager.get_kernel(kernel_id).is_alive():
            self.log.info("Lesson kernel %s died; the page will reload", kernel_id)
            await manager.shutdown_kernel(kernel_id, now=True)
            raise web.HTTPError(410)
        self.set_header("Cache-Control", "no-store")
        self.set_status(204)
        self.finish()


class CertificateHandler(StrictPageHandler):
    """The learner's certificate of a course, fetched from the NaikKelas service with this
    server's token (the browser never holds a token). A certificate not available (yet) gets
    a page saying why, in the service's words."""

    @web.authenticated
    async def get(self, course):
        url = os.environ.get("NAIKKELAS_SERVICE_URL")
        token = os.environ.get("JUPYTERHUB_API_TOKEN")
        status, message = 503, "Sertifikat belum bisa diunduh sekarang. Coba lagi nanti."
        if url and token:
            try:
                response = await AsyncHTTPClient().fetch(
                    url_path_join(url, "api/certificates", course),
                    headers={"Authorization": f"token {token}"},
                    request_timeout=30,
                )
            except HTTPClientError as e:
                if e.code < 500 and e.response is not None:
                    status, message = e.code, _service_message(e.response.body) or message
                else:
                    self.log.warning("Certificate of %s from the service failed: %s", course, e)
            except Exception as e:  # noqa: BLE001 - the learner gets a page, not a traceback
                self.log.warning("Certificate of %s: service unreachable: %s", course, e)
            else:
                self.set_header("Content-Type", "application/pdf")
                self.set_header(
                    "Content-Disposition", f'attachment; filename="sertifikat-{course}.pdf"'
                )
                self.set_header("Cache-Control", "no-store")
                self.set_header("X-Content-Type-Options", "nosniff")
                self.finish(response.body)
                return
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.finish(
            _templates.get_template("certificate_problem.html").render(
                message=message,
                home_url=url_path_join(self.base_url, "naikkelas"),
                static_url=self.settings["naikkelas_static_url"],
            )
        )


def _service_message(body: bytes | None) -> str | None:
    try:
        message = json.loads(body or b"").get("error")
    except (ValueError, AttributeError):
        return None
    return message if isinstance(message, str) else None
