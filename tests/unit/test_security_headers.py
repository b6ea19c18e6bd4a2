"""Which security headers each kind of page gets, and HSTS exactly when the platform is https."""

import base64
import hashlib
import json
import re
from pathlib import Path

from traitlets.config import Config

from naikkelas.hub import headers as h
from naikkelas.hub.config import apply_config
from naikkelas.hub.lockdown import learner_config_files
from naikkelas.hub.settings import Settings

TEMPLATES = Path(h.__file__).parent / "templates"


def test_hsts_only_when_the_public_address_is_https(tmp_path):
    assert "Strict-Transport-Security" not in h.common_headers("http://127.0.0.1:8000")
    assert "Strict-Transport-Security" not in h.common_headers("")
    assert h.common_headers("https://naikkelas.example.go.id")["Strict-Transport-Security"] == (
        "max-age=31536000"
    )
    assert "Strict-Transport-Security" not in h.common_headers("https://x.example", 0)


def test_the_hub_and_learner_servers_get_the_headers_from_the_settings(tmp_path):
    for url, hsts in (("https://naikkelas.example.go.id", True), ("http://10.0.0.5:8000", False)):
        settings = Settings(data_dir=str(tmp_path), public_url=url)
        hub = apply_config(Config(), settings).JupyterHub.tornado_settings["headers"]
        assert hub["Content-Security-Policy"] == h.HUB_CSP
        assert hub["X-Content-Type-Options"] == "nosniff"
        assert ("Strict-Transport-Security" in hub) is hsts
        files = learner_config_files(headers=h.settings_headers(settings, h.LESSON_CSP))
        server = json.loads(files["jupyter_server_config.json"])["ServerApp"]
        learner = server["tornado_settings"]["headers"]
        assert learner["Content-Security-Policy"] == h.LESSON_CSP
        assert ("Strict-Transport-Security" in learner) is hsts
        # The lockdown's own tornado settings are kept beside the headers.
        assert server["tornado_settings"]["websocket_max_message_size"] > 10 * 1024 * 1024


def test_the_login_policy_allows_exactly_the_login_pages_own_style_and_no_script():
    style = re.search(r"<style>(.*?)</style>", (TEMPLATES / "login.html").read_text(), re.S)
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in h.LOGIN_CSP
    assert "default-src 'none'" in h.LOGIN_CSP and "script-src" not in h.LOGIN_CSP


def test_no_policy_allows_eval_or_other_sites_or_framing_by_them():
    policies = [h.LOGIN_CSP, h.STRICT_PAGE_CSP, h.API_CSP, h.TRAINER_CSP, h.HUB_CSP,
                h.LESSON_CSP, h.FORMGRADER_CSP]  # fmt: skip
    for policy in policies:
        assert "unsafe-eval" not in policy and "*" not in policy and "http" not in policy
        assert re.search(r"frame-ancestors '(none|self)'", policy)
    for strict in (h.LOGIN_CSP, h.STRICT_PAGE_CSP, h.API_CSP, h.TRAINER_CSP):
        assert "unsafe-inline" not in strict
