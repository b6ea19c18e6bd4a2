"""Certificates in the NaikKelas service: a learner's download, and the public verification page.

    GET api/certificates/<course>   the learner's certificate of a finished course, as a PDF
                                    (token only: the learner's server fetches it for them)
    GET sertifikat/<code>           the public verification page: no login, plain HTML

The verification page is reached through JupyterHub's proxy like the rest of the service; the
proxy asks for no login on service routes (the service decides), and this handler asks for none.
It shows only the learner's name, the course, the date, the issuer and the status, and answers
an unknown code and a malformed one with the same page (HTTP 404), so it tells nothing that helps
guess codes.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from pathlib import Path

import jinja2
from tornado import web

from naikkelas.grading import certificates as certs
from naikkelas.grading.certificate_pdf import Fonts, indonesian_date, render_certificate

from .accounts import Role, get_account
from .db import engine_for
from .headers import apply
from .service import LessonHandler
from .settings import Settings

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=True,
)

# The page's only style, inline; the Content-Security-Policy allows exactly this text.
STYLE = """
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
font-size:112.5%;line-height:1.5;color:#1b1b1b;background:#fff}
header{background:#0b5d3b;color:#fff;padding:.5rem 1rem;font-weight:700}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
.status{font-size:1.25rem;font-weight:700;padding:.75rem 1rem;border-radius:12px;border:2px solid}
.valid{background:#eef6f1;border-color:#1b6b3a;color:#0b5d3b}
.revoked,.unknown{background:#fde8e8;border-color:#a61b1b;color:#7a1212}
dl{margin:1rem 0}dt{font-size:.9rem;color:#3d4a43;margin-top:.75rem}
dd{margin:0;font-size:1.15rem;font-weight:600;overflow-wrap:anywhere}
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    # A revocation must show at once; and people's names stay out of search engines.
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}

REVOKED_FOR_LEARNER = "Sertifikat ini sudah dicabut. Hubungi pelatih Anda."


class CertificateHandler(LessonHandler):
    """The caller's own certificate of a course they finished (issued on first request)."""

    @web.authenticated
    async def get(self, course):
        try:
            account = get_account(self.engine, self.current_user["name"])
            if account is None or account.role is not Role.LEARNER:
                raise certs.NotEligible(403, "Sertifikat hanya untuk peserta.")
            claimed = self.get_query_argument("username", None) or self.request.headers.get(
                "X-NaikKelas-User"
            )
            if claimed is not None and claimed != account.username:
                raise certs.NotEligible(403, "Anda hanya bisa mengunduh sertifikat Anda sendiri.")
            certificate, pdf = await asyncio.to_thread(self._certificate, account, course)
        except certs.NotEligible as e:
            self._refuse(e.status, e.message)
            return
        if pdf is None:
            self._refuse(410, REVOKED_FOR_LEARNER)
            return
        self.set_header("Content-Type", "application/pdf")
        self.set_header(
            "Content-Disposition", f'attachment; filename="sertifikat-{certificate.course}.pdf"'
        )
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(pdf)

    def _certificate(self, account, course: str) -> tuple[certs.Certificate, bytes | None]:
        found = certs.released_course(self.nk.released_path, account.cohort, course)
        certs.check_finished(self.engine, account.username, found)
        certificate = certs.issue(
            self.engine, account.username, found, account.display_name, self.nk.certificate_issuer
        )
        if certificate.status == certs.REVOKED:
            return certificate, None
        pdf = render_certificate(
            certificate,
            self.nk.certificate_url(certificate.code),
            timezone=self.nk.timezone,
            fonts=Fonts(),
        )
        return certificate, pdf

    def _refuse(self, status: int, message: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"error": message}))


class VerifyPageHandler(web.RequestHandler):
    """The public page a certificate's QR code opens. No login, no cookies, no scripts."""

    def initialize(self, settings: Settings):
        self.nk = settings
        self.engine = engine_for(settings.naikkelas_db_url)

    def set_default_headers(self):
        # nosniff, referrer policy and HSTS as on every page; this page's own stricter rest.
        apply(self, self.settings["naikkelas_headers"](SECURITY_HEADERS["Content-Security-Policy"]))
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)

    async def get(self, code):
        status, certificate = await asyncio.to_thread(certs.verify, self.engine, code)
        self._page(status, certificate)

    def _page(self, status: str, certificate: certs.Certificate | None) -> None:
        fields = None
        if certificate is not None:
            fields = {
                "name": certificate.display_name,
                "course": certificate.certificate_name,
                "date": indonesian_date(certificate.issued_at, self.nk.timezone),
                "issuer": certificate.issuer,
                "erased": certificate.revoked_reason == certs.ERASED_REASON,
            }
        self.set_status({certs.VALID: 200, certs.REVOKED: 410}.get(status, 404))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(
            _templates.get_template("certificate_verify.html").render(
                status=status, fields=fields, style=STYLE
            )
        )

    def write_error(self, status_code, **kwargs):
        # Any other method, or a failure: say nothing beyond "not found" / "try again".
        if status_code == 404:
            self._page(certs.UNKNOWN, None)
            return
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("Halaman ini tidak bisa dibuka. Coba lagi nanti.\n")


def certificate_handlers(prefix: str, args: dict) -> list[tuple]:
    """The routes above, below the service's `prefix`."""
    from jupyterhub.utils import url_path_join

    return [
        (url_path_join(prefix, r"api/certificates/([^/]+)"), CertificateHandler, args),
        (
            url_path_join(prefix, r"sertifikat/(.*)"),
            VerifyPageHandler,
            {"settings": args["settings"]},
        ),
    ]
