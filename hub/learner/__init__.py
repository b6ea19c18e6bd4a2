"""The NaikKelas extension of a learner's Jupyter server: the course home and the lockdown.

Loaded only on learners' servers (see `naikkelas.hub.lockdown`). It adds the course home at
`/naikkelas`, certificate downloads at `/naikkelas/sertifikat/<course>`, and refuses Voila
routes learners must not reach (its file tree and contents API).
"""

from __future__ import annotations

from pathlib import Path

from jupyter_server.utils import url_path_join

from naikkelas.hub.headers import SecureStaticFileHandler
from naikkelas.hub.lockdown import LESSON_FRONTENDS

from . import assets
from .handlers import (
    CertificateHandler,
    CourseHomeHandler,
    DataNoticeHandler,
    KernelAliveHandler,
    PreferencesFormHandler,
    RefusedHandler,
)

HERE = Path(__file__).parent

# Voila routes a learner never needs. Extension handlers are matched before Voila's because
# this extension loads first (jupyter_server loads extensions in alphabetical order).
REFUSED_ROUTES = (
    r"/voila/?",
    r"/voila/tree(/.*)?",
    r"/voila/api/contents(/.*)?",
    r"/voila/execution/.*",
    # Templates serve only their static/ assets, never their sources.
    r"/voila/templates/[^/]+/(?!static/).*",
)


def _jupyter_server_extension_points():
    return [{"module": "naikkelas.hub.learner"}]


async def _start_jupyter_server_extension(serverapp):
    """Once every extension is loaded and the server runs: lesson pages that can be served
    again (Voila's render route exists by now), and the spare lesson kernel."""
    from .kernels import LessonKernelManager
    from .pages import use_lesson_pages

    if not use_lesson_pages(serverapp.web_app):
        serverapp.log.warning("NaikKelas: Voila's render route not found; pages not reused")
    if isinstance(serverapp.kernel_manager, LessonKernelManager):
        serverapp.kernel_manager.start_spare()


def _load_jupyter_server_extension(serverapp):
    # traitlets leaves the server's logger at DEBUG and filters at its handler (INFO), so each
    # debug line of jupyter_server, Voila and nbclient (several per kernel message, hundreds
    # per lesson page) still builds a record nobody prints. The logger filters instead.
    serverapp.log.setLevel(serverapp.log_level)
    web_app = serverapp.web_app
    base_url = web_app.settings["base_url"]
    version = assets.asset_version()
    # Voila reads its configuration when its own extension loads, after this one: its lesson
    # pages then point at the versioned, long-cached asset URLs (see assets.py).
    serverapp.config.VoilaConfiguration.page_config_hook = assets.page_config_hook(version)
    if not assets.lesson_app_built() and (
        serverapp.config.VoilaConfiguration.get("template") == LESSON_FRONTENDS["light"]
    ):
        # Installed without the esbuild step (`make install` runs it): a light page would stay
        # at "Memuat pelajaran…" forever, so serve Voila's own page instead.
        serverapp.log.error(
            "NaikKelas: %s is missing; lessons use Voila's front-end", assets.LESSON_APP
        )
        serverapp.config.VoilaConfiguration.template = LESSON_FRONTENDS["voila"]
    handlers = [(url_path_join(base_url, route), RefusedHandler) for route in REFUSED_ROUTES]
    handlers += assets.asset_handlers(base_url, version)
    handlers += [
        (url_path_join(base_url, "/naikkelas/?"), CourseHomeHandler),
        (url_path_join(base_url, "/naikkelas/tampilan"), PreferencesFormHandler),
        (url_path_join(base_url, "/naikkelas/data-saya"), DataNoticeHandler),
        (
            url_path_join(base_url, r"/naikkelas/sertifikat/([A-Za-z0-9][A-Za-z0-9_.-]{0,99})"),
            CertificateHandler,
        ),
        (
            url_path_join(base_url, r"/naikkelas/api/kernels/([0-9a-f-]{36})/alive"),
            KernelAliveHandler,
        ),
        (
            url_path_join(base_url, "/naikkelas/static/(.*)"),
            SecureStaticFileHandler,
            {"path": str(HERE / "static"), "headers": web_app.settings.get("headers") or None},
        ),
    ]
    web_app.add_handlers(".*$", handlers)
    web_app.settings["naikkelas_root_dir"] = serverapp.root_dir
    web_app.settings["naikkelas_static_url"] = assets.static_url(base_url, version)
    # Voila points the page at MathJax on a public CDN unless told otherwise; lessons need no
    # maths, so a local no-op script keeps the page from reaching out.
    web_app.settings["mathjax_url"] = url_path_join(
        web_app.settings["naikkelas_static_url"], "no-mathjax.js"
    )
    serverapp.log.info("NaikKelas learner extension loaded; lessons from %s", serverapp.root_dir)
