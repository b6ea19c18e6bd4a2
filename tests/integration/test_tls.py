"""`naikkelas run --ssl-cert --ssl-key --public-url https://...`: the platform serves HTTPS with
the operator's certificate on its public port, learners log in and reach their lessons through
it, and plain HTTP is not served there."""

from __future__ import annotations

import pytest
import requests

from tests.support import HubProcess, LearnerClient, free_port_block
from tests.unit.test_public_url_tls import self_signed


def test_learners_use_the_platform_over_https(tmp_path):
    cert, key = self_signed(tmp_path)
    port = free_port_block(5)
    hub = HubProcess(
        data_dir=tmp_path / "tls",
        port=port,
        extra_args=["--ssl-cert", str(cert), "--ssl-key", str(key),
                    "--public-url", f"https://127.0.0.1:{port}"],
        scheme="https",
        verify=str(cert),
    )  # fmt: skip
    hub.data_dir.mkdir()
    try:
        hub.start()
        login = requests.get(f"{hub.url}/hub/login", verify=str(cert), timeout=10)
        assert login.status_code == 200 and 'name="password"' in login.text
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/hub/login", timeout=10)

        client = LearnerClient(hub.url, "peserta1")
        client.verify = str(cert)
        client.trust_env = False  # else $REQUESTS_CA_BUNDLE overrides `verify`
        client.login("123456")
        # The session cookie never travels over plain HTTP.
        assert all(c.secure for c in client.cookies if c.name.startswith("jupyterhub-"))
        client.wait_for_server()
        assert client.lesson_links(), "the course home lists lessons over https"
        assert f"public address (links, QR codes): https://127.0.0.1:{port}/" in hub.log()
    finally:
        hub.stop()
