"""Who is calling a NaikKelas service, asked of the hub without stopping the service.

JupyterHub's `HubAuthenticated.get_current_user` is synchronous: when a token (or an OAuth
cookie's token) is not in its cache yet, it asks the hub's API and blocks the service's event
loop until the hub answers. In the NaikKelas service every learner's answer passes through that
loop, and every learner's first call misses the cache (and again every `cache_max_age`, 5
minutes): while one learner's token was checked, every other learner's answer waited, and the
hub answers slowest exactly when many learners arrive at once (issue 10's load test).

`HubUserWithoutBlocking.prepare` asks first, with JupyterHub's own asynchronous call
(`HubAuth.get_user(handler, sync=False)`), which keeps its result on the handler; tornado's
later `get_current_user` finds it there. Same answer, same checks, same cache.
"""

from __future__ import annotations

import inspect


class HubUserWithoutBlocking:
    """Mix in before `HubAuthenticated` / `HubOAuthenticated`."""

    async def prepare(self):
        await self.hub_auth.get_user(self, sync=False)
        result = super().prepare()
        if inspect.isawaitable(result):
            await result
