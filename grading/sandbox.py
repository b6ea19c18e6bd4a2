"""The grading sandbox: the kernel that runs a submission has no network and bounded resources.

nbgrader's Execute step starts one kernel per notebook through a kernel manager class; NaikKelas
sets it to `SandboxKernelManager`, which launches the kernel through this module's jail:

- a new network namespace with no interfaces up (`unshare(CLONE_NEWNET)`): any socket, even to
  loopback, fails with "Network is unreachable";
- kernel and client talk over ZeroMQ *ipc* sockets (files), which need no network;
- an environment without the grader's secrets (database URL, hub token): only locale,
  paths and nbgrader's own flags (`KERNEL_ENV`);
- resource limits: address space (a huge allocation fails with MemoryError instead of eating the
  machine), CPU seconds (a runaway loop is killed even if nbgrader's per-cell timeout missed it),
  file size and number of processes;
- as root, the kernel runs as the unprivileged `nk-grader` user, in an empty working directory it
  owns, reading a copy of the connection file made for it.

Started by an ordinary user (trying the platform out), unprivileged user namespaces give the same
network isolation when the kernel allows them; otherwise grading runs without it and says so in
the log.

    python -m naikkelas.grading.sandbox --memory-mb 1024 --cpu-seconds 60 --workdir DIR \\
        -- python -m ipykernel_launcher -f kernel.json
"""

from __future__ import annotations

import argparse
import ctypes
import grp
import json
import logging
import os
import pwd
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, Unicode, default

log = logging.getLogger(__name__)

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
GRADER_USER = "nk-grader"


def ensure_grader_user(name: str = GRADER_USER) -> pwd.struct_passwd | None:
    """The unprivileged account graded kernels run as (created when missing; root only)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
        capture_output=True,
    )
    return pwd.getpwnam(name)


def _unshare(flags: int) -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.unshare(flags) == 0


def isolate_network() -> bool:
    """Move this process into a network namespace of its own (no interfaces up)."""
    if os.geteuid() == 0:
        return _unshare(CLONE_NEWNET)
    uid, gid = os.geteuid(), os.getegid()
    if not _unshare(CLONE_NEWUSER | CLONE_NEWNET):
        return False
    # Map ourselves in the new user namespace so files keep their owner.
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    return True


def limit(memory_mb: int, cpu_seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def jail(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="naikkelas.grading.sandbox")
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--cpu-seconds", type=int, default=60)
    parser.add_argument("--user", default=GRADER_USER)
    parser.add_argument("--workdir", required=True, help="empty folder the kernel may use")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no kernel command")
    if not isolate_network():
        print("naikkelas sandbox: no network isolation available", file=sys.stderr)
    account = pwd.getpwnam(args.user) if os.geteuid() == 0 else None
    workdir = Path(args.workdir)
    workdir.mkdir(mode=0o700, exist_ok=True)
    if account is not None:
        command = _hand_over_connection_file(command, workdir, account)
        os.chown(workdir, account.pw_uid, account.pw_gid)
        os.chmod(workdir, 0o700)
        os.setgroups([])
        os.setgid(account.pw_gid)
        os.setuid(account.pw_uid)
    os.chdir(workdir)
    env = kernel_environment(os.environ)
    env.update(HOME=str(workdir), IPYTHONDIR=str(workdir / ".ipython"), MPLCONFIGDIR=str(workdir))
    limit(args.memory_mb, args.cpu_seconds)
    os.execvpe(command[0], command, env)  # noqa: S606 - the kernel command nbgrader built


# What a graded kernel may see of the grader's environment. Everything else stays behind: the
# grader holds the database URL and the hub's token, and lessons are code a trainer wrote.
KERNEL_ENV = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "VIRTUAL_ENV", "PYTHONPATH")
KERNEL_ENV_PREFIXES = ("LC_", "NBGRADER_")


def kernel_environment(environ) -> dict[str, str]:
    """The environment a graded kernel starts with: locale, paths and nbgrader's own flags."""
    return {
        name: value
        for name, value in environ.items()
        if name in KERNEL_ENV or name.startswith(KERNEL_ENV_PREFIXES)
    }


def _hand_over_connection_file(command: list[str], workdir: Path, account) -> list[str]:
    """The kernel's connection file is private to the grader; give the kernel its own copy."""
    if "-f" not in command:
        return command
    at = command.index("-f") + 1
    info = json.loads(Path(command[at]).read_text())
    copy = workdir / "connection.json"
    copy.write_text(json.dumps(info))
    os.chown(copy, account.pw_uid, account.pw_gid)
    os.chmod(copy, 0o600)
    return [*command[:at], str(copy), *command[at + 1 :]]


class SandboxKernelManager(AsyncKernelManager):
    """nbgrader's kernels, started inside the jail and talking over ipc sockets."""

    memory_mb = Integer(1024, help="Address-space limit of a grading kernel (MiB).").tag(
        config=True
    )
    cpu_seconds = Integer(60, help="CPU-time limit of a grading kernel (seconds).").tag(config=True)
    user = Unicode(GRADER_USER, help="Account graded kernels run as (when root).").tag(config=True)

    @default("transport")
    def _default_transport(self):
        return "ipc"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # ipc sockets live beside the connection file, in a folder the kernel's user can use.
        self._socket_dir = Path(tempfile.mkdtemp(prefix="nk-ipc-"))
        account = ensure_grader_user(self.user)
        if account is not None:
            os.chown(self._socket_dir, account.pw_uid, grp.getgrgid(account.pw_gid).gr_gid)
        os.chmod(self._socket_dir, 0o700)
        self.connection_file = str(self._socket_dir / "kernel.json")
        self.ip = str(self._socket_dir / "kernel-ipc")

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return [
            sys.executable,
            "-m",
            "naikkelas.grading.sandbox",
            "--memory-mb",
            str(self.memory_mb),
            "--cpu-seconds",
            str(self.cpu_seconds),
            "--user",
            self.user,
            "--workdir",
            str(self._socket_dir / "work"),
            "--",
            *cmd,
        ]

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)


if __name__ == "__main__":
    jail(sys.argv[1:])
