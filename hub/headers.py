"""Security headers of every page the platform serves, in one place.

Each kind of page gets the strictest Content-Security-Policy that keeps it working (see
docs/security.md, "Security headers", for where and why some are weaker):

- `STRICT_PAGE_CSP`: our own server-rendered pages without script (login, course home, the
  certificate problem page, service JSON): nothing but same-origin styles and images.
- `TRAINER_CSP`: trainers' pages (cohort view): same-origin scripts only, no inline script.
- `HUB_CSP`: JupyterHub's own pages (spawn progress, home, token, admin, error and 404): its
  templates carry inline scripts with per-request data, so `'unsafe-inline'` for scripts.
- `LESSON_CSP`: Voila lesson pages: Voila's template carries inline scripts (kernel id, page
  configuration) and JupyterLab's widget code injects `<style>` elements, so `'unsafe-inline'`
  for scripts and styles; everything else same-origin (websockets included).
- `FORMGRADER_CSP`: nbgrader's formgrader: inline scripts and `onclick=` attributes, so
  `'unsafe-inline'`; it may be framed by our own pages (`frame-ancestors 'self'`).

Every page also gets `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` and, when
the platform is reached over https (`Settings.public_url`), Strict-Transport-Security.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from tornado import web

HERE = Path(__file__).parent


def csp(**directives: str) -> str:
    """A policy from directives written with underscores (`frame_ancestors="'none'"`)."""
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


def _style_hash(template: Path) -> str:
    """The CSP hash of a template's one inline <style> (its text is literal, not templated)."""
    match = re.search(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.S)
    if not match:
        return "'none'"
    digest = hashlib.sha256(match.group(1).encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


STRICT_PAGE_CSP = csp(
    default_src="'none'",
    style_src="'self'",
    img_src="'self' data:",
    form_action="'self'",
    base_uri="'none'",
    frame_ancestors="'none'",
)

# The login page: no script at all; its one inline <style> allowed by hash.
LOGIN_CSP = csp(
    default_src="'none'",
    style_src=_style_hash(HERE / "templates" / "login.html"),
    img_src="'self' data:",
    form_action="'self'",
    base_uri="'none'",
    frame_ancestors="'none'",
)

API_CSP = csp(default_src="'none'", frame_ancestors="'none'")

TRAINER_CSP = csp(
    default_src="'self'",
    object_src="'none'",
    base_uri="'none'",
    form_action="'self'",
    frame_ancestors="'none'",
)

HUB_CSP = csp(
    default_src="'self'",
    script_src="'self' 'unsafe-inline'",
    style_src="'self' 'unsafe-inline'",
    img_src="'self' data:",
    font_src="'self' data:",
    object_src="'none'",
    base_uri="'self'",
    form_action="'self'",
    frame_ancestors="'none'",
)

LESSON_CSP = csp(
    default_src="'self'",
    script_src="'self' 'unsafe-inline'",
    style_src="'self' 'unsafe-inline'",
    img_src="'self' data: blob:",
    font_src="'self' data:",
    media_src="'self' data: blob:",
    connect_src="'self'",
    worker_src="'self' blob:",
    object_src="'none'",
    base_uri="'self'",
    form_action="'self'",
    frame_ancestors="'none'",
)

FORMGRADER_CSP = csp(
    default_src="'self'",
    script_src="'self' 'unsafe-inline'",
    style_src="'self' 'unsafe-inline'",
    img_src="'self' data:",
    font_src="'self' data:",
    object_src="'none'",
    base_uri="'self'",
    form_action="'self'",
    frame_ancestors="'self'",
)


def common_headers(public_url: str = "", hsts_seconds: int = 31536000) -> dict[str, str]:
    """nosniff, referrer policy, and HSTS when the platform's public address is https."""
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
    if public_url.lower().startswith("https://") and hsts_seconds > 0:
        headers["Strict-Transport-Security"] = f"max-age={hsts_seconds}"
    return headers


def settings_headers(settings, policy: str) -> dict[str, str]:
    """Every security header for pages of `policy`, for a platform's `Settings`."""
    return {
        # https in the public address, or TLS on this server itself (`--ssl-cert`).
        **common_headers(settings.public_base_url, settings.hsts_seconds),
        "Content-Security-Policy": policy,
    }


def apply(handler: web.RequestHandler, headers: dict[str, str]) -> None:
    for name, value in headers.items():
        handler.set_header(name, value)


class SecureStaticFileHandler(web.StaticFileHandler):
    """Static files (styles, scripts) with nosniff, so a wrong type is never guessed."""

    def initialize(self, path: str, headers: dict[str, str] | None = None, **kwargs):
        super().initialize(path, **kwargs)
        # (set_default_headers runs before initialize: the page's own headers go on here)
        apply(self, headers or {})

    def set_default_headers(self):
        apply(self, common_headers())


def login_handler_class():
    """JupyterHub's login handler with the login page's own, script-free policy."""
    from jupyterhub.handlers.login import LoginHandler

    class LoginPageHandler(LoginHandler):
        def set_default_headers(self):
            super().set_default_headers()
            self.set_header("Content-Security-Policy", LOGIN_CSP)

    return LoginPageHandler
