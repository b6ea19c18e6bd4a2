"""The JupyterHub authenticator: username + PIN for learners, passwords for staff.

Accounts live in NaikKelas's own database (see `accounts`), so the same store serves the
embedded run and Kubernetes. JupyterHub groups mirror roles and cohorts; RBAC roles are
attached to those groups (see `config.roles`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from jupyterhub.auth import Authenticator
from sqlalchemy.exc import SQLAlchemyError
from traitlets import Unicode, default

from .accounts import Role, get_account, normalize_username, verify_secret
from .audit import login_attempt
from .db import engine_for
from .profiles import record_login


def groups_for(role: Role, cohort: str) -> list[str]:
    """JupyterHub groups of an account: its role, and for learners and trainers its cohort."""
    groups = [role.value]
    if cohort and role in (Role.LEARNER, Role.TRAINER):
        groups.append(f"cohort-{cohort}")
    return groups


class NaikKelasAuthenticator(Authenticator):
    """Checks a username and PIN/password against NaikKelas's accounts."""

    db_url = Unicode(
        help="SQLAlchemy URL of NaikKelas's database (set by `naikkelas.hub.config`)."
    ).tag(config=True)

    released_dir = Unicode(
        help="Folder of released lessons, one subfolder per cohort (learners' server root)."
    ).tag(config=True)

    learner_config_dir = Unicode(
        help="JUPYTER_CONFIG_DIR of learners' servers: the lockdown configuration."
    ).tag(config=True)

    @default("allow_all")
    def _default_allow_all(self):
        # The account store is the allow list: only accounts in it can authenticate.
        return True

    @default("manage_groups")
    def _default_manage_groups(self):
        return True

    def normalize_username(self, username):
        return normalize_username(username)

    async def authenticate(self, handler, data):
        username = normalize_username(data.get("username", ""))
        secret = data.get("password", "")
        engine = engine_for(self.db_url)
        # Argon2 is deliberately slow: keep it off the event loop.
        account = await asyncio.to_thread(verify_secret, engine, username, secret)
        try:
            await asyncio.to_thread(login_attempt, engine, username, account is not None)
        except SQLAlchemyError as e:
            self.log.warning("Could not write the login of %r to the audit log: %s", username, e)
        if account is None:
            self.log.warning("Failed login for %r", username)
            return None
        # A learner who has logged in keeps their PIN when `roster cards` prints the cohort.
        # Bookkeeping only: a busy database must not turn a right PIN into a failed login.
        try:
            await asyncio.to_thread(record_login, engine, account.username)
        except SQLAlchemyError as e:
            self.log.warning("Could not record the login of %r: %s", account.username, e)
        return {
            "name": account.username,
            "admin": account.role is Role.ADMIN,
            "groups": groups_for(account.role, account.cohort),
            "auth_state": None,
        }

    async def pre_spawn_start(self, user, spawner):
        """Lock a learner's server down and root it in their cohort's released lessons."""
        account = await asyncio.to_thread(get_account, engine_for(self.db_url), user.name)
        if account is None or account.role is not Role.LEARNER:
            spawner.default_url = "/lab"
            return
        cohort = account.cohort or "_none"
        lessons_dir = str(Path(self.released_dir) / cohort)
        spawner.notebook_dir = lessons_dir
        spawner.default_url = "/naikkelas"
        spawner.environment = {
            **spawner.environment,
            # The learner server reads only this config dir (and the environment's own).
            "JUPYTER_CONFIG_DIR": self.learner_config_dir,
            # Voila finds the `naikkelas` lesson template here.
            "JUPYTER_PATH": str(Path(__file__).parent / "learner"),
            "NAIKKELAS_ROLE": account.role.value,
            "NAIKKELAS_COHORT": cohort,
            "NAIKKELAS_DISPLAY_NAME": account.display_name,
            # Where a learner pod on Kubernetes puts the lessons it fetches at start.
            "NAIKKELAS_LESSONS_DIR": lessons_dir,
        }
