"""Trainers' pages, served by the NaikKelas service: the live cohort view.

Trainers (`pelatih`) log in to the hub as usual and reach these pages through JupyterHub's OAuth,
with a browser cookie (unlike the token-only lesson API). Every request is checked against
NaikKelas's accounts: a trainer sees only their own cohort, an operator (`admin`) every cohort;
learners and officials are refused. The trainer's own JupyterLab server holds no database
credentials; these pages read the database inside the service.

    GET pelatih/                               cohorts and the courses released to them
    GET pelatih/kelas/<cohort>/<course>        the cohort view (refreshes itself every 5 s)
    GET pelatih/api/kelas/<cohort>/<course>    the same data as JSON
    POST pelatih/buka/<course>                 release a course of the library to one's cohort

PIN reset pages are in `trainer_pins` (same handler base, same checks).
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import jinja2
from jupyterhub.services.auth import HubOAuthenticated
from tornado import web

from naikkelas.grading.cohort import cohort_overview
from naikkelas.grading.courses import CourseError, list_courses, read_course
from naikkelas.grading.release import release_course

from .accounts import Role, get_account
from .db import engine_for
from .headers import TRAINER_CSP, apply
from .hub_user import HubUserWithoutBlocking
from .roster_words import indonesian as roster_words
from .settings import Settings

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
REFRESH_SECONDS = 5

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")), autoescape=True
)
# Roster findings (English for operators' command line) as trainers read them.
_templates.globals["roster_words"] = roster_words


class TrainerHandler(HubUserWithoutBlocking, HubOAuthenticated, web.RequestHandler):
    def initialize(self, settings: Settings, **_):
        self.nk = settings
        self.engine = engine_for(settings.naikkelas_db_url)

    def set_default_headers(self):
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Frame-Options", "DENY")
        apply(self, self.settings["naikkelas_headers"](TRAINER_CSP))

    def cohorts(self) -> list[str]:
        """The cohorts the caller may see; 403 for anyone who is not a trainer or operator."""
        account = get_account(self.engine, self.current_user["name"])
        if account is None or account.role not in (Role.TRAINER, Role.ADMIN):
            raise web.HTTPError(403, "Halaman ini hanya untuk pelatih.")
        released = self.nk.released_path
        if account.role is Role.ADMIN:
            return (
                sorted(p.name for p in released.iterdir() if p.is_dir())
                if released.is_dir()
                else []
            )
        return [account.cohort] if account.cohort else []

    def course(self, cohort: str, course: str):
        if not (NAME.match(cohort) and NAME.match(course)) or cohort not in self.cohorts():
            raise web.HTTPError(403, "Kelas ini bukan kelas Anda.")
        try:
            return read_course(self.nk.released_path / cohort / course)
        except (CourseError, FileNotFoundError):
            raise web.HTTPError(404, "Kursus ini belum dibuka untuk kelas ini.") from None

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        message = getattr(exc, "log_message", None) or "Terjadi kesalahan."
        self.finish(_templates.get_template("trainer_error.html").render(message=message))

    def render(self, name: str, **values) -> None:
        self.finish(_templates.get_template(name).render(prefix=self.base, **values))

    @property
    def base(self) -> str:
        return self.settings["naikkelas_prefix"]


class HomeHandler(TrainerHandler):
    @web.authenticated
    def get(self):
        released = self.nk.released_path
        cohorts = []
        for cohort in self.cohorts():
            folder = released / cohort
            courses = []
            for path in sorted(folder.iterdir()) if folder.is_dir() else []:
                if path.is_dir() and not path.name.startswith("."):
                    try:
                        courses.append(read_course(path))
                    except CourseError:
                        continue
            cohorts.append({"name": cohort, "courses": sorted(courses, key=lambda c: c.order)})
        try:
            library = list_courses(Path(self.nk.courses_dir))
        except (CourseError, FileNotFoundError):
            library = []
        self.render(
            "trainer_home.html",
            cohorts=cohorts,
            library=library,
            own_cohort=self.own_cohort(),
            message=self.get_query_argument("pesan", ""),
            xsrf=self.xsrf_form_html(),
        )

    def own_cohort(self) -> str:
        account = get_account(self.engine, self.current_user["name"])
        return account.cohort if account and account.role is Role.TRAINER else ""


class ReleaseHandler(TrainerHandler):
    """A trainer opens a course of the platform's library to their own cohort."""

    @web.authenticated
    async def post(self, course):
        self.cohorts()  # trainers and operators only
        account = get_account(self.engine, self.current_user["name"])
        cohort = account.cohort if account.role is Role.TRAINER else ""
        if not cohort:
            raise web.HTTPError(403, "Hanya pelatih sebuah kelas yang bisa membuka kursus.")
        source = Path(self.nk.courses_dir) / course
        if not NAME.match(course) or not (source / "course.yml").is_file():
            raise web.HTTPError(404, "Kursus ini tidak ada di perpustakaan kursus.")
        try:
            await asyncio.to_thread(
                release_course,
                source,
                self.nk.released_path,
                cohort,
                self.nk.source_path,
                self.nk.grading(),
            )
        except CourseError as e:
            self.redirect(f"{self.base}pelatih/?pesan=" + _quote(f"Belum bisa dibuka: {e}"))
            return
        self.redirect(
            f"{self.base}pelatih/?pesan=" + _quote(f"Kursus dibuka untuk kelas {cohort}.")
        )


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text[:300])


class CohortPage(TrainerHandler):
    @web.authenticated
    def get(self, cohort, course):
        found = self.course(cohort, course)
        self.render(
            "cohort.html",
            cohort=cohort,
            course=found,
            api=f"{self.base}pelatih/api/kelas/{cohort}/{course}",
            refresh=REFRESH_SECONDS,
            # JupyterHub requires the xsrf token on cookie-authenticated fetch() requests.
            xsrf=self.xsrf_token.decode(),
        )


class CohortData(TrainerHandler):
    @web.authenticated
    async def get(self, cohort, course):
        found = self.course(cohort, course)
        lessons = [lesson.slug for lesson in found.lessons]
        data = await asyncio.to_thread(cohort_overview, self.engine, cohort, found.slug, lessons)
        data["lessons"] = [{"slug": ls.slug, "title": ls.title} for ls in found.lessons]
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data, ensure_ascii=False))


def trainer_routes(prefix: str, args: dict) -> list:
    name = r"([^/]+)"
    return [
        (f"{prefix}pelatih/?", HomeHandler, args),
        (f"{prefix}pelatih/kelas/{name}/{name}/?", CohortPage, args),
        (f"{prefix}pelatih/api/kelas/{name}/{name}", CohortData, args),
        (f"{prefix}pelatih/buka/{name}", ReleaseHandler, args),
    ]
