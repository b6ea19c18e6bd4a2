"""Lesson kernels on a learner's server: which kernel starts, how it is reached, when it ends.

Configured by the lockdown (`naikkelas.hub.lockdown.learner_server_config`):

- `LessonKernelSpecManager`: the one kernel a lesson may ask for (`python3`) is started as
  `python -m naikkelas.hub.lesson_kernel` (IPython's kernel without debugger or input history,
  ~9 MiB less per kernel). No other kernel spec is found, and finding this one imports neither
  IPython nor ipykernel into the server.
- `LessonKernelManager`: kernels talk to the server over Unix sockets (ZeroMQ `ipc`) in a private
  folder of the learner's home rather than TCP ports on loopback. TCP ports are picked by the
  server and bound by the kernel a moment later; when many kernels start at once another
  process can take a port in between and the kernel dies in `init_sockets` ("Address already
  in use", seen at 25 learners in bench/RESULTS.md). Socket files have no such race, and no
  other local user can even reach them.
- A kernel whose page is gone (no websocket connected, as seen by the periodic check) for
  `cull_disconnected_timeout` seconds, and silent as long, is shut down, without waiting for
  the idle cull (`cull_idle_timeout`, which also ends connected kernels). A page that comes
  back later (a phone that slept, a network that dropped) finds its kernel gone and reloads
  into the same step (`static/keepalive.js`; answers and position are kept by the service).
- A spare kernel: one lesson kernel starts as soon as the server is up (`start_spare`, called
  by the learner extension), with the lesson code already imported, so the learner's first
  lesson does not wait for a kernel to start (~1 s; issue 11). It is handed to the first lesson
  page, after its request's environment (`SCRIPT_NAME`, from which a lesson builds its links)
  and working folder are set in it, before Voila runs the lesson's cells. Only one, once: a
  learner never has more kernels than a page has asked for, plus this one until the first
  lesson opens. It is left to the idle cull (`cull_idle_timeout`), not the disconnected one.
- A lesson page served again: when a learner opens a lesson again (a closed tab, the back
  button, the course home's link) while the kernel of their last visit still runs, with no page
  connected, that kernel is reused and the page Voila rendered for it is sent again: the widgets
  are as the learner left them, and nothing is started or run (`page_to_serve_again`, used by
  `naikkelas.hub.learner.pages`). A kernel is reused only if it was the only one of its lesson
  since it started (otherwise another kernel may hold newer answers), a page connected to it
  after it was last served, it is idle, and the lesson file has not changed since.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import timedelta

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import ensure_async
from traitlets import Bool, Integer

LESSON_KERNEL = "python3"

# What the spare kernel imports before any lesson asks for it: what every lesson imports.
SPARE_WARM_UP = "import ipywidgets\nimport naikkelas.widgets\n"
QUIET_RUN_TIMEOUT = 60

# A Unix socket path holds at most 107 bytes; a kernel's is
# <connection dir>/kernel-<36-character id>-ipc-<n>.
MAX_SOCKET_PATH = 107
SOCKET_SUFFIX = len("/kernel-") + 36 + len("-ipc-") + 5


def lesson_kernel_spec() -> KernelSpec:
    return KernelSpec(
        argv=[
            sys.executable,
            "-m",
            "naikkelas.hub.lesson_kernel",
            "-f",
            "{connection_file}",
            "--HistoryManager.enabled=False",
        ],
        display_name="Python 3",
        language="python",
        metadata={"debugger": False},
    )


class LessonKernelSpecManager(KernelSpecManager):
    """Only the lesson kernel exists on a learner's server."""

    def find_kernel_specs(self) -> dict[str, str]:
        return {LESSON_KERNEL: ""}

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name != LESSON_KERNEL:
            raise NoSuchKernel(kernel_name)
        return lesson_kernel_spec()


def private_kernel_dir(home: str) -> str:
    """Where kernels' connection files and sockets go: `~/.nk-kernels` (mode 0700), or a fresh
    private folder in the temporary folder when a socket path there would be too long."""
    folder = os.path.join(home, ".nk-kernels")
    if len(folder) + SOCKET_SUFFIX > MAX_SOCKET_PATH:
        return tempfile.mkdtemp(prefix="nk-kernels-")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


@dataclass
class LessonPage:
    """A lesson page as Voila rendered it for one kernel, to be served again with it."""

    notebook: str  # the lesson's API path
    html: str
    mtime: float  # the lesson file's, when it was rendered
    connected: bool = False  # a page has connected to the kernel since this was last served


class LessonKernelManager(AsyncMappingKernelManager):
    """The kernel manager of a learner's server (see the module's docstring)."""

    spare_kernel = Bool(
        True,
        help="""Start one lesson kernel when the server starts, for the first lesson the
        learner opens.""",
    ).tag(config=True)

    serve_pages_again = Bool(
        True,
        help="""Reuse the kernel of a learner's last visit to a lesson (and its rendered page)
        when they open it again, if that is safe (see the module's docstring).""",
    ).tag(config=True)

    cull_disconnected_timeout = Integer(
        120,
        help="""Shut down a kernel that has no websocket connected and has sent or received
        nothing for this many seconds (checked every `cull_interval`). 0 leaves such kernels to
        the idle cull (`cull_idle_timeout`).""",
    ).tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._disconnected_since: dict[str, object] = {}  # kernel id -> first seen with none
        # Instead of the server's runtime folder (~/.local/share/jupyter/runtime), which makes
        # socket paths too long for long usernames.
        self.connection_dir = private_kernel_dir(os.path.expanduser("~"))
        self._spare: asyncio.Future | None = None  # the spare kernel's id, once started
        self._spare_id: str | None = None  # set while the started spare waits for a lesson
        self._spare_env: dict[str, str] = {}
        self._spare_asked = False
        self._notebooks: dict[str, str] = {}  # kernel id -> the lesson it was started for
        self._pages: dict[str, LessonPage] = {}  # kernel id -> its page, to serve again

    # -- the spare kernel --------------------------------------------------------------------
    def start_spare(self) -> None:
        """Start the spare kernel in the background (once per server)."""
        if not self.spare_kernel or self._spare_asked:
            return
        self._spare_asked = True
        self._spare = asyncio.ensure_future(self._start_spare())

    async def _start_spare(self) -> str:
        self._spare_env = dict(os.environ)
        kernel_id = await super().start_kernel(kernel_name=LESSON_KERNEL, env=dict(self._spare_env))
        self._spare_id = kernel_id
        await self.run_quietly(kernel_id, SPARE_WARM_UP)
        self.log.info("Spare lesson kernel %s ready", kernel_id)
        return kernel_id

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs) -> str:
        spare, self._spare = self._spare, None
        usable = kernel_id is None and kwargs.get("kernel_name") in (None, LESSON_KERNEL)
        if spare is not None and usable:
            try:
                spare_id = await spare
                if spare_id in self and await self.get_kernel(spare_id).is_alive():
                    await self._hand_over(spare_id, path, kwargs.get("env") or {})
                    return spare_id
            except Exception as e:  # noqa: BLE001 - a kernel is started the usual way instead
                self.log.warning("Spare lesson kernel not used: %s", e)
            finally:
                self._spare_id = None  # handed over, dead or failed: no longer the spare
        elif spare is not None:
            self._spare = spare
        return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)

    async def _hand_over(self, kernel_id: str, path, env: dict) -> None:
        """Give the spare kernel the environment and working folder `start_kernel` would have
        started it with (values as data: json, never code)."""
        changes = {k: v for k, v in env.items() if self._spare_env.get(k) != v}
        code = "import json as _j, os as _o\n"
        code += f"_o.environ.update(_j.loads({json.dumps(changes)!r}))\n"
        if path is not None:
            code += f"_o.chdir({self.cwd_for_path(path, env=env)!r})\n"
        # The spare answered its warm-up already: no need to wait until it is ready (which
        # costs jupyter_client's 0.2 s IOPub flush, on the way to the learner's first lesson).
        await self.run_quietly(kernel_id, code + "del _j, _o\n", ready=True)
        self.log.info("Spare lesson kernel %s handed to a lesson page", kernel_id)

    async def run_quietly(self, kernel_id: str, code: str, ready: bool = False) -> None:
        """Run `code` in a kernel from the server (no page sees it); raise if it fails. Unless
        the kernel is known to be `ready`, wait until it answers first. Only the shell channel
        is used once it is: the reply says whether it ran."""
        client = self.get_kernel(kernel_id).client()
        if ready:
            # The kernel's shell channel (not a subprocess shell).
            client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)  # noqa: S604
        else:
            client.start_channels()
        try:
            if not ready:
                await client.wait_for_ready(timeout=QUIET_RUN_TIMEOUT)
            msg_id = client.execute(code, silent=True, store_history=False, allow_stdin=False)
            while True:
                reply = await client.get_shell_msg(timeout=QUIET_RUN_TIMEOUT)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{reply['content'].get('ename')} in the spare kernel")
        finally:
            client.stop_channels()

    # -- pages served again ------------------------------------------------------------------
    def remember_page(self, kernel_id: str, notebook: str, html: str, mtime: float) -> None:
        """Voila rendered `notebook` on `kernel_id`: keep the page, if it may be served again."""
        others = [k for k, n in self._notebooks.items() if n == notebook and k in self]
        self._notebooks[kernel_id] = notebook
        for other in others:
            self._pages.pop(other, None)
        if self.serve_pages_again and not others:
            self._pages[kernel_id] = LessonPage(notebook, html, mtime)

    def page_to_serve_again(self, notebook: str, mtime: float) -> tuple[str, str] | None:
        """(kernel id, page) of the learner's last visit to `notebook` if it may be reused now;
        it is then taken (a second request gets a kernel of its own)."""
        for kernel_id, page in self._pages.items():
            if page.notebook != notebook:
                continue
            if (
                kernel_id in self
                and page.connected
                and not self._kernel_connections.get(kernel_id, 0)
                and page.mtime == mtime
                and getattr(self.get_kernel(kernel_id), "execution_state", None) == "idle"
            ):
                page.connected = False
                self.log.info("Lesson %s served again on its kernel %s", notebook, kernel_id)
                return kernel_id, page.html
            return None
        return None

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        if kernel_id in self._pages:
            self._pages[kernel_id].connected = True

    def remove_kernel(self, kernel_id):
        if kernel_id == self._spare_id:
            self._spare_id = None
        self._pages.pop(kernel_id, None)
        self._notebooks.pop(kernel_id, None)
        return super().remove_kernel(kernel_id)

    # -- culling -----------------------------------------------------------------------------
    def disconnected_too_long(self, kernel_id: str) -> bool:
        """Whether no page has been connected, and the kernel silent, for the limit. The
        disconnection is timed from the first check that saw no connection (a page that went
        quiet for long and then lost its network for a moment keeps its kernel). The spare
        kernel never had a page."""
        kernel = self._kernels.get(kernel_id)
        if kernel is None or self.cull_disconnected_timeout <= 0 or kernel_id == self._spare_id:
            return False
        now = utcnow()
        if self._kernel_connections.get(kernel_id, 0):
            self._disconnected_since.pop(kernel_id, None)
            return False
        since = self._disconnected_since.setdefault(kernel_id, now)
        if not hasattr(kernel, "last_activity"):
            return False
        if getattr(kernel, "execution_state", None) == "busy":
            return False
        limit = timedelta(seconds=self.cull_disconnected_timeout)
        return now - since > limit and now - kernel.last_activity > limit

    async def cull_kernel_if_idle(self, kernel_id):
        if self.disconnected_too_long(kernel_id):
            self.log.info(
                "Shutting down lesson kernel %s: no page connected for over %d s",
                kernel_id,
                self.cull_disconnected_timeout,
            )
            self._disconnected_since.pop(kernel_id, None)
            await ensure_async(self.shutdown_kernel(kernel_id))
            return
        await super().cull_kernel_if_idle(kernel_id)
