"""nbgrader's formgrader for trainers, as a JupyterHub service with a course switcher.

nbgrader's formgrader serves one course per Jupyter server, and shows every learner in the
gradebook. This hub-managed service (`python -m naikkelas.grading.formgrader`, URL
`/services/formgrader/`) puts trainers in front of it safely:

- trainers log in through the hub (OAuth); learners and officials are refused;
- the front page lists the courses released to the trainer's cohort (operators: every course) and
  links to each course's formgrader: one login, a switcher between courses;
- each course's formgrader is a Jupyter server started on demand on loopback, reachable only with
  a token this service holds, with the formgrader extension and nothing else (no terminals, no
  notebooks to run) and the gradebook credentials — which trainers' own JupyterLab servers never
  have;
- every request is forwarded with the list of learners the trainer may see, and
  `formgrader_scope` limits every gradebook query to them;
- the pages are served top-level (no iframe), so JupyterHub's `frame-ancestors 'none'` does not
  blank them; they may frame only themselves.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import jinja2
from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from sqlalchemy import select
from tornado import httpclient, ioloop, web

from naikkelas.hub.accounts import Role, accounts_table, get_account
from naikkelas.hub.db import engine_for
from naikkelas.hub.headers import FORMGRADER_CSP, settings_headers
from naikkelas.hub.headers import apply as apply_headers
from naikkelas.hub.hub_user import HubUserWithoutBlocking
from naikkelas.hub.settings import Settings

from .courses import CourseError, read_course
from .formgrader_scope import VISIBLE_HEADER

log = logging.getLogger("naikkelas.formgrader")

PAGES = "/services/naikkelas/"  # the trainers' pages of the NaikKelas service (style, home)
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "upgrade",
    "set-cookie",
}
DISABLED_EXTENSIONS = (
    "jupyterlab",
    "notebook",
    "notebook_shim",
    "voila.server_extension",
    "jupyter_lsp",
    "jupyter_server_terminals",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
    "naikkelas.hub.learner",
)

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent.parent / "hub" / "templates")),
    autoescape=True,
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Backend:
    """One course's formgrader: a Jupyter server on loopback, started when first needed."""

    def __init__(self, settings: Settings, course: str, prefix: str):
        self.settings = settings
        self.course = course
        self.base_url = url_path_join(prefix, course) + "/"
        self.token = secrets.token_hex(24)
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self._starting = asyncio.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> dict:
        """The backend's whole configuration (written as its jupyter_server_config.json)."""
        root = str(self.settings.nbgrader_path / self.course)
        extensions = {name: False for name in DISABLED_EXTENSIONS}
        extensions["nbgrader.server_extensions.formgrader"] = True
        extensions["naikkelas.grading.formgrader_scope"] = True
        return {
            "ServerApp": {
                "port": self.port,
                "ip": "127.0.0.1",
                "open_browser": False,
                "base_url": self.base_url,
                "root_dir": root,
                "jpserver_extensions": extensions,
                "allow_root": True,
                "terminals_enabled": False,
            },
            "IdentityProvider": {"token": self.token},
            "CourseDirectory": {
                "root": root,
                "course_id": self.course,
                "db_url": self.settings.naikkelas_db_url,
            },
            "Exchange": {"root": str(self.settings.nbgrader_path / ".exchange")},
            "Execute": {"kernel_manager_class": "naikkelas.grading.sandbox.SandboxKernelManager"},
        }

    async def ensure(self) -> None:
        async with self._starting:
            if self.proc is not None and self.proc.poll() is None:
                return
            self.port = _free_port()
            env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith("JUPYTERHUB_")  # the backend is not a hub service itself
            }
            config_dir = Path(tempfile.mkdtemp(prefix="nk-formgrader-"))
            (config_dir / "jupyter_server_config.json").write_text(json.dumps(self.config()))
            (config_dir / "nbgrader_config.json").write_text(json.dumps(self.config()))
            env["JUPYTER_CONFIG_DIR"] = str(config_dir)
            log.info("starting the formgrader of %s on port %s", self.course, self.port)
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "jupyter_server"], env=env, cwd=config_dir
            )
            client = httpclient.AsyncHTTPClient()
            for _ in range(300):
                try:
                    await client.fetch(
                        f"{self.url}{self.base_url}api/status",
                        headers={"Authorization": f"token {self.token}"},
                        request_timeout=2,
                    )
                    return
                except (ConnectionError, OSError, httpclient.HTTPClientError):
                    if self.proc.poll() is not None:
                        raise web.HTTPError(502, "Formgrader tidak bisa dimulai.") from None
                    await asyncio.sleep(0.2)
            raise web.HTTPError(504, "Formgrader belum siap. Coba lagi sebentar lagi.")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class FormgraderHandler(HubUserWithoutBlocking, HubOAuthenticated, web.RequestHandler):
    def initialize(self, settings: Settings, backends: dict, prefix: str):
        self.nk = settings
        self.backends = backends
        self.prefix = prefix
        self.engine = engine_for(settings.naikkelas_db_url)

    def set_default_headers(self):
        # nbgrader's pages use inline scripts and onclick= attributes (naikkelas.hub.headers).
        apply_headers(self, self.settings["naikkelas_headers"])
        self.set_header("Cache-Control", "no-store")

    def check_xsrf_cookie(self):
        """Cross-site requests are refused by origin: a state-changing request must come from a
        page of this site (the backend trusts this service's token and checks nothing itself)."""
        if self.request.method in ("GET", "HEAD"):
            return
        origin = self.request.headers.get("Origin") or self.request.headers.get("Referer", "")
        if urlparse(origin).netloc != self.request.host:
            raise web.HTTPError(403, "Permintaan dari situs lain ditolak.")

    def account(self):
        account = get_account(self.engine, self.current_user["name"])
        if account is None or account.role not in (Role.TRAINER, Role.ADMIN):
            raise web.HTTPError(403, "Halaman ini hanya untuk pelatih.")
        return account

    def courses(self, account) -> list:
        """Courses the caller may grade: released to their cohort (operators: to any cohort)."""
        released = self.nk.released_path
        if account.role is Role.ADMIN:
            cohorts = [p for p in released.iterdir() if p.is_dir()] if released.is_dir() else []
        else:
            cohorts = [released / (account.cohort or "_none")]
        found = {}
        for cohort in cohorts:
            for path in sorted(cohort.iterdir()) if cohort.is_dir() else []:
                if path.is_dir() and not path.name.startswith(".") and path.name not in found:
                    try:
                        found[path.name] = read_course(path)
                    except CourseError:
                        continue
        return sorted(found.values(), key=lambda c: (c.order, c.slug))

    def visible_learners(self, account) -> list[str]:
        query = select(accounts_table.c.username).where(accounts_table.c.role == Role.LEARNER.value)
        if account.role is not Role.ADMIN:
            query = query.where(accounts_table.c.cohort == account.cohort)
        with self.engine.connect() as conn:
            return sorted(conn.execute(query).scalars())

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        message = getattr(exc, "log_message", None) or "Terjadi kesalahan."
        self.finish(
            _templates.get_template("trainer_error.html").render(message=message, pages=PAGES)
        )


class SwitcherHandler(FormgraderHandler):
    @web.authenticated
    def get(self):
        account = self.account()
        courses = self.courses(account)
        self.finish(
            _templates.get_template("formgrader_home.html").render(
                courses=courses, prefix=self.prefix, pages=PAGES
            )
        )


class ProxyHandler(FormgraderHandler):
    SUPPORTED_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD")

    @web.authenticated
    async def get(self, course, rest):
        await self.forward(course, rest)

    post = put = delete = head = get

    async def forward(self, course: str, rest: str) -> None:
        account = self.account()
        if not NAME.match(course) or course not in {c.slug for c in self.courses(account)}:
            raise web.HTTPError(403, "Kursus ini bukan kursus kelas Anda.")
        if not rest.startswith(("formgrader", "static/", "api/status")):
            raise web.HTTPError(404, "Tidak ditemukan.")
        backend = self.backends.get(course)
        if backend is None:
            backend = self.backends[course] = Backend(self.nk, course, self.prefix)
        await backend.ensure()
        headers = {
            k: v
            for k, v in self.request.headers.get_all()
            if k.lower() not in HOP_BY_HOP and k.lower() not in ("host", "authorization")
        }
        headers["Authorization"] = f"token {backend.token}"
        headers[VISIBLE_HEADER] = json.dumps(
            await asyncio.to_thread(self.visible_learners, account)
        )
        body = self.request.body if self.request.method in ("POST", "PUT") else None
        response = await httpclient.AsyncHTTPClient().fetch(
            backend.url + self.request.uri,
            method=self.request.method,
            headers=headers,
            body=body,
            allow_nonstandard_methods=True,
            follow_redirects=False,
            raise_error=False,
            request_timeout=120,
        )
        self.set_status(response.code, response.reason)
        ours = {name.lower() for name in self.settings["naikkelas_headers"]}
        for name, value in response.headers.get_all():
            if name.lower() not in HOP_BY_HOP and name.lower() not in ours:
                self.add_header(name, value)
        for cookie in response.headers.get_list("Set-Cookie"):
            self.add_header("Set-Cookie", cookie)
        if response.body and self.request.method != "HEAD":
            self.write(response.body)
        self.finish()


def make_app(settings: Settings, prefix: str) -> web.Application:
    backends: dict[str, Backend] = {}
    args = {"settings": settings, "backends": backends, "prefix": prefix}
    app = web.Application(
        [
            (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
            (prefix, SwitcherHandler, args),
            (url_path_join(prefix, r"([^/]+)/(.*)"), ProxyHandler, args),
        ],
        cookie_secret=os.urandom(32),
        naikkelas_headers=settings_headers(settings, FORMGRADER_CSP),
    )
    app.backends = backends
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="[formgrader %(asctime)s] %(message)s")
    settings = Settings(
        data_dir=os.environ["NAIKKELAS_DATA_DIR"],
        db_url=os.environ.get("NAIKKELAS_DB_URL", ""),
        public_dir=os.environ.get("NAIKKELAS_PUBLIC_DIR", ""),
    )
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/formgrader/")
    app = make_app(settings, prefix)
    # In a Kubernetes hub pod the proxy reaches it through the pod's address.
    app.listen(url.port, os.environ.get("NAIKKELAS_SERVICE_BIND_IP") or url.hostname)
    try:
        ioloop.IOLoop.current().start()
    finally:
        for backend in app.backends.values():
            backend.stop()


if __name__ == "__main__":
    main()
