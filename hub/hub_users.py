"""Removing a user from JupyterHub and their server's files from this machine (for erasure).

JupyterHub keeps its own user record (name, groups, last activity, tokens, the server's state).
- While the hub runs, only the hub may change its database: the user is removed through its REST
  API (`DELETE /hub/api/users/<name>`, which also stops their server), with the API token of an
  admin account (an operator makes one at `/hub/token` logged in as admin).
- While the hub is stopped, the user's row is deleted from the hub's database directly
  (JupyterHub's own ORM removes their servers, tokens and group memberships with it).
As root, each learner's server ran as a Unix user of their own (`spawners.SystemUserSpawner`):
that user and its home folder are removed with `userdel --remove`.
"""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path
from urllib.parse import quote

import requests
from sqlalchemy.engine import make_url


class HubUserError(RuntimeError):
    """The hub user cannot be removed; English, for operators."""


class HubUsers:
    """The hub of a deployment, reached at `hub_url` (its public root URL)."""

    def __init__(self, hub_url: str, token: str = "", hub_db_url: str = "", timeout: float = 10):
        self.api = hub_url.rstrip("/") + "/hub/api"
        self.token = token
        self.hub_db_url = hub_db_url
        self.timeout = timeout

    def running(self) -> bool:
        try:
            return requests.get(self.api + "/", timeout=3).status_code == 200
        except requests.RequestException:
            return False

    def check(self) -> str:
        """How `remove` will work ("api", "database" or "none"); raises `HubUserError` when it
        could not (a running hub without a valid admin token). Changes nothing."""
        if self.running():
            if not self.token:
                raise HubUserError(
                    f"the hub at {self.api} is running: give an admin account's API token with "
                    "--hub-token or JUPYTERHUB_API_TOKEN (make one at /hub/token); "
                    "nothing was erased"
                )
            r = self._call("GET", "/user")
            if r.status_code != 200 or not r.json().get("admin"):
                raise HubUserError(
                    f"the hub at {self.api} refused the token (HTTP {r.status_code}) or it is "
                    "not an admin's; nothing was erased"
                )
            return "api"
        if self.hub_db_url and _database_exists(self.hub_db_url):
            return "database"
        return "none"

    def remove(self, name: str, how: str) -> bool:
        """Remove hub user `name` (as `check` said); whether there was one."""
        if how == "api":
            r = self._call("DELETE", f"/users/{quote(name, safe='')}")
            if r.status_code == 404:
                return False
            if r.status_code not in (200, 204):
                raise HubUserError(f"the hub could not remove {name}: HTTP {r.status_code}")
            return True
        if how == "database":
            return _remove_from_database(self.hub_db_url, name)
        return False

    def _call(self, method: str, path: str) -> requests.Response:
        try:
            return requests.request(
                method,
                self.api + path,
                headers={"Authorization": f"token {self.token}"},
                timeout=self.timeout,
            )
        except requests.RequestException as e:
            raise HubUserError(f"cannot reach the hub at {self.api}: {e}") from None


def _database_exists(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Path(parsed.database or "").is_file()
    return True


def _remove_from_database(url: str, name: str) -> bool:
    from jupyterhub import orm
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(url, future=True)
    try:
        with Session(engine) as session:
            user = session.query(orm.User).filter_by(name=name).first()
            if user is None:
                return False
            session.delete(user)
            session.commit()
            return True
    finally:
        engine.dispose()


def system_user(prefix: str, name: str) -> str:
    """The Unix user `SystemUserSpawner` makes for hub user `name`."""
    return f"{prefix}{name}"[:32]


def remove_system_user(prefix: str, name: str) -> str | None:
    """As root, remove the learner's Unix user and home folder; its name, or None if none."""
    unix_name = system_user(prefix, name)
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(unix_name)
    except KeyError:
        return None
    # Any process left (a server the hub could not stop) would keep the user from going.
    subprocess.run(["pkill", "-KILL", "-u", unix_name], check=False)
    done = subprocess.run(
        ["userdel", "--remove", unix_name], capture_output=True, text=True, check=False
    )
    # 12: the home folder could not be removed entirely (e.g. a mail spool missing): the user
    # is gone, which is what matters; anything else is a failure.
    if done.returncode not in (0, 12):
        raise HubUserError(f"userdel {unix_name} failed: {done.stderr.strip()}")
    return unix_name
