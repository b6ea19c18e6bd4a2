"""The lesson kernel and the learner server's kernel classes, without a hub."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import stat
import subprocess
import sys
import tempfile

import pytest
from jupyter_client.kernelspec import NoSuchKernel
from jupyter_client.manager import AsyncKernelManager

from naikkelas.hub.learner.kernels import (
    LESSON_KERNEL,
    MAX_SOCKET_PATH,
    SOCKET_SUFFIX,
    LessonKernelSpecManager,
    private_kernel_dir,
)
from naikkelas.hub.lockdown import cull_interval, learner_server_config
from tests.support import run_async


def test_learner_servers_run_lesson_kernels_over_unix_sockets_and_end_orphans():
    cfg = learner_server_config(kernel_cull_idle_seconds=600, kernel_cull_disconnected_seconds=90)
    assert cfg["KernelManager"]["transport"] == "ipc"
    assert cfg["ServerApp"]["kernel_manager_class"].endswith("LessonKernelManager")
    assert cfg["ServerApp"]["kernel_spec_manager_class"].endswith("LessonKernelSpecManager")
    assert cfg["LessonKernelManager"]["cull_disconnected_timeout"] == 90
    # Checked often enough that an orphan ends within 1.5x its limit.
    assert cfg["MappingKernelManager"]["cull_interval"] <= 45


def test_cull_interval_follows_the_shorter_limit():
    assert cull_interval(600, 120) == 30
    assert cull_interval(600, 6) == 3
    assert cull_interval(600, 0) == 30
    assert cull_interval(0, 0) == 30
    assert cull_interval(600, 1) == 1


def test_only_the_lesson_kernel_can_be_started():
    specs = LessonKernelSpecManager()
    assert set(specs.get_all_specs()) == {LESSON_KERNEL}
    argv = specs.get_kernel_spec(LESSON_KERNEL).argv
    assert argv[:3] == [sys.executable, "-m", "naikkelas.hub.lesson_kernel"]
    with pytest.raises(NoSuchKernel):
        specs.get_kernel_spec("bash")


def test_kernel_sockets_go_to_a_private_folder_short_enough_for_a_socket_path(tmp_path):
    home = tempfile.mkdtemp(prefix="nk-home-")  # as short as /home/nk-<name>
    try:
        folder = private_kernel_dir(home)
        assert folder == os.path.join(home, ".nk-kernels")
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    finally:
        shutil.rmtree(home)
    long_home = tmp_path / ("x" * (MAX_SOCKET_PATH - len(str(tmp_path))))
    elsewhere = private_kernel_dir(str(long_home))
    assert not elsewhere.startswith(str(long_home))
    assert len(elsewhere) + SOCKET_SUFFIX <= MAX_SOCKET_PATH
    assert stat.S_IMODE(os.stat(elsewhere).st_mode) == 0o700
    os.rmdir(elsewhere)


def test_the_lesson_kernel_runs_without_debugger_or_history_with_lean_widget_state(tmp_path):
    async def run() -> str:
        km = AsyncKernelManager(
            kernel_name=LESSON_KERNEL,
            kernel_spec_manager=LessonKernelSpecManager(),
            transport="ipc",
            connection_file=str(tmp_path / "kernel-test.json"),
        )
        await km.start_kernel(cwd=str(tmp_path))
        client = km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            code = (
                "import sys, comm, ipywidgets, hashlib, hmac\n"
                "print(*(sys.modules.get(m, 'absent') for m in ('debugpy', 'ssl', '_hashlib')),"
                " hmac.new(b'k', b'm', hashlib.sha256).hexdigest()[:8],"
                " get_ipython().history_manager.enabled,"
                " get_ipython().kernel.log.isEnabledFor(10),"
                " ipywidgets.Widget._handle_control_comm_msg.__func__.lean,"
                " *sorted(comm.get_comm_manager().targets))"
            )
            out = []
            await client.execute_interactive(
                code,
                timeout=30,
                output_hook=lambda m: out.append(m["content"].get("text", "")),
            )
            return "".join(out)
        finally:
            client.stop_channels()
            await km.shutdown_kernel(now=True)

    # ipywidgets' comm targets are there: a page can ask for the widgets' (lean) state.
    # No debugger and no OpenSSL in the kernel; Python's own SHA-256 signs what it must.
    assert run_async(run()).split() == [
        "None",
        "None",
        "None",
        hmac.new(b"k", b"m", hashlib.sha256).hexdigest()[:8],  # OpenSSL's, in this process
        "False",
        "False",  # the kernel's logger builds no record for a debug line it would not print
        "True",
        "jupyter.widget",
        "jupyter.widget.control",
    ]


def server_python(learner: bool, code: str) -> str:
    """Run `code` in a fresh interpreter after the single-user command's `leave_out`; its
    standard output (the test fails if the code does)."""
    prelude = f"import sys\nfrom naikkelas.hub.singleuser import leave_out\nleave_out({learner=})\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.parametrize("learner", [True, False])
def test_the_single_user_command_leaves_out_only_what_servers_never_use(learner):
    code = (
        "import jupyterhub.singleuser, jsonschema, tornado.log\n"
        "import nbconvert.filters.markdown_mistune\n"
        "assert 'rfc3987_syntax' not in {m for m, v in sys.modules.items() if v is not None}\n"
        "import alembic.command\n"
        "from jupyterhub import orm\n"
        "print(hasattr(alembic.command, '__file__'), hasattr(orm, '__file__'),\n"
        "      *(sys.modules.get(m) is not None for m in ('cryptography', 'sqlalchemy.orm',\n"
        "        'jupyterhub.user', 'charset_normalizer', 'curses')))\n"
    )
    # Trainers' servers keep the real modules; learners' do without.
    assert server_python(learner, code).split() == [str(not learner)] * 7


def test_a_learners_server_logs_and_checks_scopes_without_the_hubs_database_models():
    # What a single-user server does with the modules that import `jupyterhub.orm`: log each
    # request (`jupyterhub.log`, which asks whether the handler is the hub's health check) and
    # intersect its token's scopes with what a page needs (no database given).
    code = (
        "import jupyterhub.singleuser\n"
        "from unittest import mock\n"
        "from jupyterhub import log, orm, scopes\n"
        "from tornado.httputil import HTTPServerRequest\n"
        "from tornado.web import Application, RequestHandler\n"
        "request = HTTPServerRequest('GET', '/user/a/lab', connection=mock.Mock())\n"
        "with mock.patch.object(log, 'access_log') as access:\n"
        "    log.log_request(RequestHandler(Application(), request))\n"
        "print(*access.log.call_args.args)\n"
        "print(sorted(scopes._intersect_expanded_scopes({'read:users!user=a', 'access:servers'},\n"
        "                                               {'read:users!user=a'})))\n"
        "try:\n"
        "    orm.User.name\n"
        "except RuntimeError as e:\n"
        "    print(e)\n"
    )
    output = server_python(True, code)
    logged, intersection = output.splitlines()[:2]
    assert logged.startswith("20 200 GET /user/a/lab (@")  # logging.INFO: not the health check
    assert intersection == "['read:users!user=a']"
    assert "jupyterhub.orm.User is not loaded in a learner's server" in output


def test_a_learners_server_still_imports_voila_and_jupyterlab_server_without_requests():
    # requests is a placeholder in learners' servers: the listings handler that imports it
    # still loads (Voila needs jupyterlab_server), and any real use says what is missing.
    code = (
        "import jupyterhub.singleuser, jupyter_server.serverapp, voila.app\n"
        "from jupyterlab_server import listings_handler\n"
        "import requests\n"
        "assert not hasattr(requests, '__file__')\n"
        "assert 'requests.sessions' not in sys.modules\n"
        "try:\n"
        "    listings_handler.requests.request('GET', 'http://127.0.0.1:9/')\n"
        "except RuntimeError as e:\n"
        "    print(e)\n"
    )
    output = server_python(True, code)
    assert "requests.request is not loaded in a learner's server" in output
