"""Handlers of the learner extension: the course home page and refused routes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jinja2
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient

from naikkelas.grading.courses import CourseError, list_courses

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=True,
)


class RefusedHandler(web.RequestHandler):
    """404 for every method: learners don't get to know these routes exist."""

    def prepare(self):
        raise web.HTTPError(404)


async def learner_progress(log) -> dict[tuple[str, str], dict]:
    """Ticks and grades from the NaikKelas service, with this server's token; empty (the list
    still shows) when the service cannot be reached within two seconds."""
    url = os.environ.get("NAIKKELAS_SERVICE_URL")
    token = os.environ.get("JUPYTERHUB_API_TOKEN")
    if not url or not token:
        return {}
    try:
        response = await AsyncHTTPClient().fetch(
            url_path_join(url, "api/progress"),
            headers={"Authorization": f"token {token}"},
            request_timeout=2,
        )
        lessons = json.loads(response.body)["lessons"]
    except Exception as e:  # noqa: BLE001 - the page works without ticks
        log.warning("No progress for the course home: %s", e)
        return {}
    return {(item["course"], item["lesson"]): item for item in lessons}


class CourseHomeHandler(JupyterHandler):
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
        lessons_url = {
            (course.slug, lesson.slug): url_path_join(
                base_url, "voila/render", course.slug, lesson.path.name
            )
            for course in courses
            for lesson in course.lessons
        }
        user = self.current_user
        display_name = os.environ.get("NAIKKELAS_DISPLAY_NAME", "")
        progress = await learner_progress(self.log) if courses else {}
        html = _templates.get_template("course_home.html").render(
            courses=courses,
            progress=progress,
            lessons_url=lessons_url,
            problem=problem,
            name=display_name or getattr(user, "username", ""),
            static_url=url_path_join(base_url, "naikkelas/static"),
            logout_url=self.settings.get("hub_prefix", "/hub/") + "logout",
        )
        self.set_header("Cache-Control", "no-store")
        self.finish(html)


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
