"""The public URL every outgoing link uses, and TLS with the operator's certificate: settings,
the hub configuration and the command line (tests/integration/test_tls.py serves HTTPS)."""

from __future__ import annotations

import subprocess

import pytest
from traitlets import TraitError
from traitlets.config import Config

from naikkelas.hub import config
from naikkelas.hub.cli import build_parser, main
from naikkelas.hub.settings import Settings
from tests.support import free_port_block


def self_signed(folder, name="server"):
    """A certificate for 127.0.0.1 and its key, made by the openssl command line."""
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("NAIKKELAS_PUBLIC_URL", "NAIKKELAS_SSL_CERT", "NAIKKELAS_SSL_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NAIKKELAS_PROXY", "/bin/true")


def test_jupyterhub_is_told_the_public_url_only_when_the_operator_gives_one(tmp_path):
    local = config.apply_config(Config(), Settings(data_dir=str(tmp_path), port=8123))
    assert "public_url" not in local.JupyterHub
    public = Settings(data_dir=str(tmp_path), public_url="https://kelas.example.go.id/")
    c = config.apply_config(Config(), public)
    assert c.JupyterHub.public_url == "https://kelas.example.go.id/"
    env = next(s for s in c.JupyterHub.services if s["name"] == "naikkelas")["environment"]
    assert env["NAIKKELAS_PUBLIC_URL"] == "https://kelas.example.go.id"
    assert public.certificate_url("X").startswith("https://kelas.example.go.id/services/")


@pytest.mark.parametrize(
    "url",
    [
        "kelas.example.go.id",
        "ftp://kelas.example.go.id",
        "https://",
        "https://a/?x=1",
        "https://kelas example.go.id/",  # a space: every printed link would break there
        "https://kelas.example.go.id/\nX-Injected: 1",
        "https://kelas.example.go.id:99999/",
        "https://kelas.example.go.id:0/",
    ],
)
def test_a_public_url_that_is_not_a_web_address_is_refused(tmp_path, url, monkeypatch, capsys):
    with pytest.raises(TraitError, match="not a web address"):
        Settings(data_dir=str(tmp_path), public_url=url)
    port = str(free_port_block(5))
    base = ["run", "--data-dir", str(tmp_path / "d"), "--port", port]
    assert main([*base, "--public-url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("naikkelas: public URL") and err.count("\n") == 1
    monkeypatch.setenv("NAIKKELAS_PUBLIC_URL", url)
    assert main(base) == 1
    assert "not a web address" in capsys.readouterr().err
    assert not (tmp_path / "d").exists(), "nothing is prepared before the settings are checked"


def test_login_cards_default_to_the_public_url(monkeypatch):
    args = ["roster", "cards", "--cohort", "a", "-o", "k.pdf"]
    assert build_parser().parse_args(args).url == "http://127.0.0.1:8000/"
    monkeypatch.setenv("NAIKKELAS_PUBLIC_URL", "https://kelas.example.go.id")
    assert build_parser().parse_args(args).url == "https://kelas.example.go.id"
    given = build_parser().parse_args([*args, "--public-url", "https://lain.example.go.id"])
    assert given.url == "https://lain.example.go.id"


def test_tls_goes_to_the_public_port_only(tmp_path, monkeypatch):
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("NAIKKELAS_SSL_CERT", str(cert))
    monkeypatch.setenv("NAIKKELAS_SSL_KEY", str(key))
    settings = Settings(data_dir=str(tmp_path), port=8443)
    assert settings.tls
    settings.check_tls()
    assert settings.public_base_url == "https://127.0.0.1:8443"
    c = config.apply_config(Config(), settings)
    assert (c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key) == (str(cert), str(key))
    # Inside the machine nothing changes: hub, proxy API and services on loopback HTTP.
    assert c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    urls = [s["url"] for s in c.JupyterHub.services if "url" in s]
    assert urls and all(url.startswith("http://127.0.0.1:") for url in urls)
    assert "internal_ssl" not in c.JupyterHub
    plain = Settings(data_dir=str(tmp_path), ssl_cert="", ssl_key="")
    assert not plain.tls and "ssl_cert" not in config.apply_config(Config(), plain).JupyterHub


def test_a_broken_tls_setting_stops_the_start_with_one_line(tmp_path, capsys):
    cert, key = self_signed(tmp_path)
    other_cert, _ = self_signed(tmp_path, "other")
    port = str(free_port_block(5))
    base = ["run", "--data-dir", str(tmp_path / "d"), "--port", port]
    cases = [
        (["--ssl-cert", str(cert)], "give both --ssl-cert and --ssl-key"),
        (["--ssl-cert", str(cert), "--ssl-key", str(tmp_path / "missing.key")], "cannot read"),
        (
            ["--ssl-cert", str(other_cert), "--ssl-key", str(key)],
            "not a PEM certificate and its key",
        ),  # noqa: E501
        (["--ssl-cert", str(key), "--ssl-key", str(key)], "not a PEM certificate and its key"),
    ]
    for extra, message in cases:
        assert main([*base, *extra]) == 1
        err = capsys.readouterr().err
        assert err.startswith("naikkelas: ") and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("port", ["0", "70000", "65534"])
def test_a_port_out_of_range_is_refused_with_one_line(tmp_path, port, capsys):
    """The proxy takes the port and the next three: 65534 leaves no room for them."""
    assert main(["run", "--data-dir", str(tmp_path / "d"), "--port", port]) == 1
    err = capsys.readouterr().err
    assert err.startswith("naikkelas: ") and "port" in err and err.count("\n") == 1
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("command", [["backup", "-o", "b.tar.gz"], ["audit", "list"], ["run"]])
def test_data_dir_counts_before_the_command_as_after_it(command, monkeypatch):
    """`naikkelas --data-dir /srv/nk backup` backs up /srv/nk, not the default var/."""
    monkeypatch.delenv("NAIKKELAS_DATA_DIR", raising=False)
    parse = build_parser().parse_args
    before = parse(["--data-dir", "/srv/nk", "--db-url", "sqlite:///x.db", *command])
    after = parse([*command, "--data-dir", "/srv/nk", "--db-url", "sqlite:///x.db"])
    for args in (before, after):
        assert (args.data_dir, args.db_url) == ("/srv/nk", "sqlite:///x.db")
    assert parse(command).data_dir == "var"
    monkeypatch.setenv("NAIKKELAS_DATA_DIR", "/env/nk")
    assert build_parser().parse_args(command).data_dir == "/env/nk"
