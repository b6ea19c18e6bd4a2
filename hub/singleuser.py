"""The single-user server command of every NaikKelas user: `jupyterhub-singleuser`, lighter.

`python -m naikkelas.hub.singleuser [args]` runs JupyterHub's own single-user server with the
same arguments. The difference: modules a single-user server imports but never uses are kept
out, which saves memory in every learner's server (issue 11; figures in docs/performance.md).
"""

from __future__ import annotations

import os
import sys
import types

# Optional imports that cost memory and serve nothing here. Each is one its importer already
# treats as optional (`try: import ... except ImportError`), so leaving it out changes no
# behaviour a server relies on, in any user's server.
# - rfc3987_syntax: jsonschema's checker of the "iri"/"iri-reference" formats, pulled in by
#   jupyter_events (which validates the server's event records; none has such a field). It
#   compiles a Lark grammar at import: ~15 MiB resident and ~2 s of start-up on this machine.
LEFT_OUT = ("rfc3987_syntax",)

# Only in learners' servers, optional in the same way:
# - cryptography: `jupyterhub.crypto` encrypts the hub's auth state with it, and treats it as
#   optional; nothing else a learner's server loads uses it. ~8 MiB.
# - charset_normalizer: BeautifulSoup's guess at the encoding of bytes it is given (nbconvert's
#   markdown filters, which Voila uses, give it text); bs4 tries it, chardet and cchardet in turn
#   and does without. ~2.5 MiB.
# - curses: tornado colours its log lines with it when they go to a terminal; a learner's server
#   logs to the hub's log file. ~0.5 MiB.
LEARNER_LEFT_OUT = ("cryptography", "charset_normalizer", "curses")

# Also only in learners' servers: `jupyterhub.orm` (imported by the single-user server for its
# role and scope names) imports alembic, the hub database's migration tool, which only the hub
# itself runs: ~9 MiB. Trainers' servers keep it (their JupyterLab extensions may use it).
# Anything that does reach for it gets a RuntimeError naming this module.
# - requests (68 modules, ~2 MiB): imported at module level by jupyterlab_server's listings
#   handler (which Voila's imports pull in) and used only inside its fetch of extension
#   allow/block lists from URLs, which a learner's server never configures.
# - jupyterhub.orm (SQLAlchemy's ORM and the hub's tables, ~8 MiB with what comes with it):
#   imported by `jupyterhub.scopes`, `roles` and `metrics`, which use it only inside functions
#   the hub runs with its database (a single-user server calls `_intersect_expanded_scopes`
#   without one); `jupyterhub.log` also imports the hub's page handlers (and with them the
#   spawner, user and server models) for one `isinstance` check against the hub's health check
#   handler, which a single-user server never serves: see `_hub_pages` below.
LEARNER_PLACEHOLDERS = (
    "jupyterhub.orm",
    "alembic",
    "alembic.command",
    "alembic.config",
    "alembic.script",
    "requests",
)
LEARNER_ROLE = "peserta"  # naikkelas.hub.accounts.Role.LEARNER, set by the authenticator


class _Unavailable:
    def __init__(self, name: str):
        self._name = name

    def _refuse(self, *_args, **_kwargs):
        raise RuntimeError(f"{self._name} is not loaded in a learner's server ({__name__})")

    __call__ = _refuse

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse()


class _Placeholder(types.ModuleType):
    """A module that exists for `import x` / `from x import y` and refuses any use."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Unavailable(f"{self.__name__}.{name}")


class _HubHealthCheckHandler:
    """Stands in for `jupyterhub.handlers.pages.HealthCheckHandler`: no handler of a single-user
    server is one, as none is the hub's."""


def _hub_pages() -> types.ModuleType:
    """`jupyterhub.handlers.pages` as `jupyterhub.log` needs it in a learner's server."""
    pages = _Placeholder("jupyterhub.handlers.pages")
    pages.HealthCheckHandler = _HubHealthCheckHandler
    return pages


def leave_out(learner: bool) -> None:
    """Keep the modules above out of this process (before anything imports them)."""
    for name in LEFT_OUT:
        sys.modules.setdefault(name, None)  # `import name` raises ImportError
    if learner:
        for name in LEARNER_LEFT_OUT:
            sys.modules.setdefault(name, None)
        for name in LEARNER_PLACEHOLDERS:
            sys.modules.setdefault(name, _Placeholder(name))
        sys.modules.setdefault("jupyterhub.handlers.pages", _hub_pages())


def main() -> None:
    leave_out(learner=os.environ.get("NAIKKELAS_ROLE") == LEARNER_ROLE)
    from jupyterhub.singleuser import main as singleuser_main

    sys.exit(singleuser_main())


if __name__ == "__main__":
    main()
