"""Spawners for learners' (and staff's) single-user servers.

As root, every user gets an unprivileged Unix account of their own, created on first spawn, as
The Littlest JupyterHub does. Started by an ordinary user, all users share that user's account:
a mode for trying and authoring only.
"""

from __future__ import annotations

import grp
import os
import pwd
import subprocess

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode


class SystemUserSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that runs each hub user as their own Unix user, made on demand."""

    system_user_prefix = Unicode(
        "nk-", help="Prefix of the Unix account made for each hub user."
    ).tag(config=True)

    system_group = Unicode(
        "naikkelas-users", help="Unix group every learner account belongs to."
    ).tag(config=True)

    def system_username(self) -> str:
        return f"{self.system_user_prefix}{self.user.name}"[:32]

    def ensure_system_user(self) -> pwd.struct_passwd:
        name = self.system_username()
        try:
            return pwd.getpwnam(name)
        except KeyError:
            pass
        try:
            grp.getgrnam(self.system_group)
        except KeyError:
            subprocess.run(["groupadd", "--system", self.system_group], check=True)
        self.log.info("Creating system user %s for %s", name, self.user.name)
        subprocess.run(
            [
                "useradd",
                "--create-home",
                "--shell",
                "/usr/sbin/nologin",
                "--gid",
                self.system_group,
                "--comment",
                f"NaikKelas user {self.user.name}",
                name,
            ],
            check=True,
        )
        entry = pwd.getpwnam(name)
        # Homes are private: one learner can never read another's files.
        os.chmod(entry.pw_dir, 0o700)
        return entry

    async def start(self):
        self.ensure_system_user()
        return await super().start()

    def user_env(self, env):
        entry = pwd.getpwnam(self.system_username())
        env["USER"] = entry.pw_name
        env["HOME"] = entry.pw_dir
        env["SHELL"] = "/usr/sbin/nologin"
        return env

    def make_preexec_fn(self, name):
        return super().make_preexec_fn(self.system_username())


class SharedUserSpawner(LocalProcessSpawner):
    """Runs every hub user's server as the hub's own Unix user, each with its own home folder.

    Not isolation: for a trainer's laptop, never for a class.
    """

    home_root = Unicode(help="Folder holding one home folder per hub user.").tag(config=True)

    def home_dir(self) -> str:
        return os.path.join(self.home_root, self.user.name)

    def make_preexec_fn(self, name):
        home = self.home_dir()

        def preexec():
            os.makedirs(home, 0o700, exist_ok=True)
            os.chdir(home)

        return preexec

    def user_env(self, env):
        env["USER"] = pwd.getpwuid(os.getuid()).pw_name
        env["HOME"] = self.home_dir()
        return env
