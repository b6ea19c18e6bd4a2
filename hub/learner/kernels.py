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
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import timedelta

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import ensure_async
from traitlets import Integer

LESSON_KERNEL = "python3"

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


class LessonKernelManager(AsyncMappingKernelManager):
    """The kernel manager of a learner's server (see the module's docstring)."""

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

    def disconnected_too_long(self, kernel_id: str) -> bool:
        """Whether no page has been connected, and the kernel silent, for the limit. The
        disconnection is timed from the first check that saw no connection (a page that went
        quiet for long and then lost its network for a moment keeps its kernel)."""
        kernel = self._kernels.get(kernel_id)
        if kernel is None or self.cull_disconnected_timeout <= 0:
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
