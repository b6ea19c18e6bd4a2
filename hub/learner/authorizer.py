"""Authorizer of a learner's server: widget traffic on existing kernels, and nothing else."""

from __future__ import annotations

from jupyterhub.singleuser.extension import JupyterHubAuthorizer

# (resource, action) pairs jupyter_server asks about that a Voila lesson needs:
# reading a kernel's model and opening its websocket ("execute": the kernel itself drops every
# message but widget comms, see `lockdown.ALLOWED_KERNEL_MESSAGES`).
ALLOWED = frozenset({("kernels", "read"), ("kernels", "execute")})


class LearnerAuthorizer(JupyterHubAuthorizer):
    """Refuses contents, kernel creation, sessions, terminals, nbconvert and every other API."""

    def is_authorized(self, handler, user, action, resource):
        if not super().is_authorized(handler, user, action, resource):
            return False
        allowed = (resource, action) in ALLOWED
        if not allowed:
            self.log.warning(
                "Refused %s on %s for %s (%s)",
                action,
                resource,
                user.username,
                handler.request.path,
            )
        return allowed
