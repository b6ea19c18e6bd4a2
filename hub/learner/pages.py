"""Lesson pages: Voila's render handler, serving a lesson again on its kernel when it can.

A learner who opens a lesson again (a closed tab, the back button, the course home's link)
while the kernel of their last visit still runs gets that kernel and the page Voila rendered
for it: nothing is started and no cell runs again, and the widgets are as they left them. Which
kernels may be reused is decided by `naikkelas.hub.learner.kernels.LessonKernelManager`
(`page_to_serve_again`); everything else is Voila's own handler, with its authentication.

Voila adds its handler when its extension loads, after ours (`_load_jupyter_server_extension`
runs in alphabetical order), so `use_lesson_pages` swaps the handler class of Voila's render
route once every extension is loaded (the learner extension's start hook).
"""

from __future__ import annotations

import os
import re

from voila.tornado.handler import TornadoVoilaHandler

from .kernels import LessonKernelManager

KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
# Voila's keep-alive line while a slow cell runs; meaningless in a page served again.
HEARTBEAT = "<script>window.voila_heartbeat()</script>\n"
# The light template's message for a cell that failed (the kernel is then no good to reuse).
FAILED_CELL = 'class="nk-output nk-feedback nk-wrong" role="alert"'


class LessonPageHandler(TornadoVoilaHandler):
    """Voila's `/voila/render/<lesson>` handler, serving a lesson again on its kernel when the
    kernel manager allows it (plain requests only: no template or theme arguments)."""

    async def get_generator(self, path=None):
        manager = self.kernel_manager
        mtime = None
        if isinstance(manager, LessonKernelManager) and path and not self.request.arguments:
            mtime = self._lesson_mtime(path)
        if mtime is not None:
            again = manager.page_to_serve_again(path, mtime)
            if again is not None:
                self.set_header("Content-Type", "text/html")
                self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
                self.set_header("Pragma", "no-cache")
                self.set_header("Expires", "0")
                yield again[1]
                return
        chunks = []
        async for chunk in super().get_generator(path=path):
            chunks.append(chunk)
            yield chunk
        if mtime is None:
            return
        html = "".join(chunk for chunk in chunks if chunk != HEARTBEAT)
        match = KERNEL_ID.search(html)
        if match and FAILED_CELL not in html:
            manager.remember_page(match.group(1), path, html, mtime)

    def _lesson_mtime(self, path: str) -> float | None:
        try:
            return os.stat(self.contents_manager._get_os_path(path)).st_mtime
        except (OSError, AttributeError, ValueError):
            return None


def _routers(router):
    yield router
    for rule in getattr(router, "rules", []):
        yield from _routers(rule.target)


def use_lesson_pages(web_app, handler=LessonPageHandler) -> bool:
    """Make Voila's render route use `handler`; False if the route is not there."""
    for router in _routers(web_app.default_router):
        for rule in getattr(router, "rules", []):
            if rule.target is TornadoVoilaHandler:
                rule.target = handler
                return True
    return False
