"""The JupyterHub authenticator: username + PIN for learners, passwords for staff.

Accounts live in NaikKelas's own database (see `accounts`), so the same store serves the
embedded run and Kubernetes. JupyterHub groups mirror roles and cohorts; RBAC roles are
attached to those groups (see `config.roles`).
"""

from __future__ import annotations

import asyncio

from jupyterhub.auth import Authenticator
from traitlets import Unicode, default

from .accounts import Role, normalize_username, verify_secret
from .db import engine_for


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
        if account is None:
            self.log.warning("Failed login for %r", username)
            return None
        return {
            "name": account.username,
            "admin": account.role is Role.ADMIN,
            "groups": groups_for(account.role, account.cohort),
            "auth_state": None,
        }
