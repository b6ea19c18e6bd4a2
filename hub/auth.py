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
from tornado import web
from traitlets import Float, Integer, List, Unicode, default

from . import throttle
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


def _too_many(message: str, wait_seconds: float, status: int = 429) -> web.HTTPError:
    """An error JupyterHub's login handler shows on the login page as `login_error`."""
    error = web.HTTPError(status, message)
    error.headers = {"Retry-After": str(max(1, int(wait_seconds + 0.999)))}
    return error


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

    login_lock_seconds = Float(
        900, help="How long a username is locked after 10 wrong PINs (doubling after that)."
    ).tag(config=True)

    login_delay_seconds = Float(
        2, help="Wait after the 4th wrong PIN of a username; doubles with each further one."
    ).tag(config=True)

    trusted_proxies = List(
        Unicode(),
        default_value=list(throttle.LOOPBACK),
        help="""Networks of our own proxy: only a request from one of them has its
        X-Forwarded-For read (the entry the proxy appended) for the client's address.""",
    ).tag(config=True)

    trusted_proxy_hops = Integer(
        1, help="How many trusted proxies append to X-Forwarded-For (ours: 1)."
    ).tag(config=True)

    _throttle_lock = None

    def login_throttle(self) -> throttle.LoginThrottle:
        return throttle.LoginThrottle(
            engine_for(self.db_url),
            throttle.user_policy(self.login_lock_seconds, self.login_delay_seconds),
            throttle.address_policy(self.login_lock_seconds, self.login_delay_seconds),
        )

    def client_address(self, handler) -> str:
        if handler is None:
            return "unknown"
        request = handler.request
        # The TCP peer (tornado's `remote_ip` is rewritten from client-sent headers).
        peer = getattr(request.connection.context, "address", None)
        peer = peer[0] if isinstance(peer, tuple) and peer else request.remote_ip
        return throttle.client_address(
            str(peer),
            request.headers.get("X-Forwarded-For"),
            self.trusted_proxies,
            self.trusted_proxy_hops,
        )

    async def get_authenticated_user(self, handler, data):
        """Brute-force protection around JupyterHub's login (`authenticate` and the allow
        checks): a refused attempt is never checked; a wrong PIN that now has to wait says how
        long. Errors raised here are shown on the login page as `login_error`."""
        if self._throttle_lock is None:
            self._throttle_lock = asyncio.Lock()
        guard = self.login_throttle()
        username = normalize_username(data.get("username", ""))
        address = self.client_address(handler)
        async with self._throttle_lock:
            attempt = await asyncio.to_thread(guard.begin, username, address)
        if isinstance(attempt, throttle.Refusal):
            self.log.warning(
                "Login of %r from %s refused for %.0f s (%s %s)",
                username[:32],
                address,
                attempt.wait_seconds,
                attempt.kind,
                "locked" if attempt.locked else "slowed",
            )
            raise _too_many(attempt.message(), attempt.wait_seconds)
        result = await super().get_authenticated_user(handler, data)
        if result is None:
            extra = attempt.failure_message()
            if extra:
                raise _too_many(extra, attempt.user_wait, status=403)
            return None
        await asyncio.to_thread(guard.succeeded, attempt)
        return result

    def get_handlers(self, app):
        from .headers import login_handler_class

        return [("/login", login_handler_class())]

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
