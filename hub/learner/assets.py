"""Lesson-page assets at versioned URLs a phone may cache for a year.

Stock Voila serves its front-end (`voila/static/voila.js` and ~100 chunks it loads by name) with
no Cache-Control (the browser guesses) and the widget extensions (`voila/labextensions/...`) with
`Cache-Control: no-cache`, so a repeat lesson visit asks again for dozens of files: a round trip
each on a 3G link. Here the same files are
served under `naikkelas/v/<version>/...`, where <version> is a hash of their contents taken when
the learner's server starts: when Voila, ipywidgets or NaikKelas's own scripts change, the URLs
change, so a year-long `immutable` cache can never serve a stale file. A URL with any other
version is 404.

The lesson page is pointed there through Voila's `page_config_hook` (`fullStaticUrl`, from which
Voila's webpack runtime loads its chunks, and `fullLabextensionsUrl`); the course home and the
lesson template take `naikkelasStaticUrl` / the `naikkelas_static_url` setting.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from pathlib import Path

from jupyter_core.paths import jupyter_path
from jupyter_server.utils import url_path_join
from tornado import web
from voila.paths import collect_static_paths
from voila.static_file_handler import MultiStaticFileHandler

from naikkelas.hub.lockdown import LESSON_LAB_EXTENSIONS

HERE = Path(__file__).parent
OUR_STATIC = HERE / "static"
TEMPLATE = "naikkelas"
# The light lesson page's bundle, built by `make install` from frontend/ (gitignored).
LESSON_APP = OUR_STATIC / "lesson-app.js"
ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"


def lesson_app_built() -> bool:
    return LESSON_APP.is_file()


def voila_static_paths() -> list[str]:
    return collect_static_paths(["voila", "nbconvert"], TEMPLATE)


def labextension_paths() -> list[str]:
    """Where installed JupyterLab extensions live (as Voila looks for them)."""
    voila_own = [str(Path(p) / "labextensions") for p in jupyter_path("voila")]
    return jupyter_path("labextensions") + voila_own


def _lesson_extension_dirs() -> list[Path]:
    return [
        Path(root) / name
        for root in labextension_paths()
        for name in LESSON_LAB_EXTENSIONS
        if (Path(root) / name).is_dir()
    ]


def asset_version() -> str:
    """A 12-hex-digit hash of every file the versioned URLs serve (names and contents)."""
    digest = hashlib.sha1(usedforsecurity=False)
    folders = [Path(p) for p in voila_static_paths()] + _lesson_extension_dirs() + [OUR_STATIC]
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class _Immutable:
    """Year-long, immutable caching (the URL carries the content's version)."""

    def get_cache_time(self, path, modified, mime_type):
        return ONE_YEAR

    def set_extra_headers(self, path):
        self.set_header("Cache-Control", IMMUTABLE)
        # The learner server's security headers (nosniff, CSP, referrer policy), as on its pages.
        for name, value in self.settings.get("headers", {}).items():
            self.set_header(name, value)


class VoilaStaticHandler(_Immutable, MultiStaticFileHandler):
    """Voila's front-end (what `voila/static/` serves), cacheable."""


class LessonExtensionHandler(_Immutable, MultiStaticFileHandler):
    """The widget extensions a lesson loads, and nothing else installed."""

    def prepare(self):
        path = self.path_args[0] if self.path_args else ""
        if not any(path.startswith(f"{name}/static/") for name in LESSON_LAB_EXTENSIONS):
            raise web.HTTPError(404)


class OurStaticHandler(_Immutable, web.StaticFileHandler):
    """NaikKelas's scripts and styles (hub/learner/static), cacheable.

    A file built with a gzip copy beside it (`lesson-app.js.gz`, by frontend/build.mjs) is sent
    as that copy to a browser that accepts gzip: the server does not compress ~550 KB of script
    on a learner's first lesson, while that lesson's cells run (tornado's own compression still
    covers the other files)."""

    _gzipped = False

    def validate_absolute_path(self, root, absolute_path):
        checked = super().validate_absolute_path(root, absolute_path)
        if checked and "gzip" in self.request.headers.get("Accept-Encoding", ""):
            copy = checked + ".gz"
            if os.path.isfile(copy) and os.path.getmtime(copy) >= os.path.getmtime(checked):
                self._gzipped = True
                # Validated (and stat'ed, for its length and ETag) as the file it is.
                return super().validate_absolute_path(root, copy)
        return checked

    def get_content_type(self):
        if self._gzipped:
            return mimetypes.guess_type(self.absolute_path[: -len(".gz")])[0] or "text/plain"
        return super().get_content_type()

    def set_extra_headers(self, path):
        super().set_extra_headers(path)
        if self._gzipped:
            # Tornado's own compression (which adds `Vary: Accept-Encoding`) then leaves it be.
            self.set_header("Content-Encoding", "gzip")


def asset_handlers(base_url: str, version: str) -> list[tuple]:
    prefix = url_path_join(base_url, "naikkelas/v", version)
    return [
        (f"{prefix}/voila-static/(.*)", VoilaStaticHandler, {"paths": voila_static_paths()}),
        (f"{prefix}/labextensions/(.*)", LessonExtensionHandler, {"paths": labextension_paths()}),
        (f"{prefix}/static/(.*)", OurStaticHandler, {"path": str(OUR_STATIC)}),
    ]


def static_url(base_url: str, version: str) -> str:
    """Base URL of NaikKelas's own versioned static files (no trailing slash)."""
    return url_path_join(base_url, "naikkelas/v", version, "static")


def page_config_hook(version: str):
    """Voila's `page_config_hook`: point the lesson page at the versioned URLs."""

    def hook(page_config, *, base_url, **_):
        prefix = url_path_join(base_url, "naikkelas/v", version)
        page_config["fullStaticUrl"] = f"{prefix}/voila-static"
        page_config["fullLabextensionsUrl"] = f"{prefix}/labextensions"
        page_config["naikkelasStaticUrl"] = f"{prefix}/static"
        return page_config

    return hook
