"""`naikkelas certificate verify|revoke|list`, and the settings certificates are made with."""

import pytest
from traitlets import TraitError
from traitlets.config import Config

from naikkelas.grading import certificates as certs
from naikkelas.hub import config
from naikkelas.hub.cli import main
from naikkelas.hub.db import engine_for
from naikkelas.hub.settings import Settings
from tests.support import free_port_block
from tests.unit.test_certificates import ISSUER, make_course


@pytest.fixture
def data(tmp_path):
    """A data directory whose database holds one certificate; returns (data dir, certificate)."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    engine = engine_for(Settings(data_dir=str(data_dir)).naikkelas_db_url)
    course = make_course(tmp_path / "released")
    return data_dir, certs.issue(engine, "peserta1", course, "Nur'aini Siti", ISSUER), engine


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_verify_a_valid_code_exits_0_with_one_line(data, capsys):
    data_dir, cert, _engine = data
    typed = cert.code.lower().replace("-", " ")
    code, out, err = run(capsys, "certificate", "verify", typed, "--data-dir", str(data_dir))
    assert code == 0 and err == ""
    assert out.count("\n") == 1 and out.startswith(f"valid: {cert.code} ")
    assert "Nur'aini Siti" in out and "Pemasaran Digital UMKM" in out and ISSUER in out


@pytest.mark.parametrize("typed", ["2222-3333-4444-5555-6666", "not-a-code", "' OR 1=1 --"])
def test_verify_an_unknown_or_malformed_code_exits_1(data, capsys, typed):
    data_dir, _cert, _engine = data
    code, out, err = run(capsys, "certificate", "verify", typed, "--data-dir", str(data_dir))
    assert (code, out, err) == (1, "", "naikkelas: unknown certificate code\n")


def test_revoke_then_verify_says_revoked_with_the_reason(data, capsys):
    data_dir, cert, _engine = data
    code, out, _err = run(
        capsys, "certificate", "revoke", cert.code, "--reason", "Data peserta palsu",
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert code == 0 and out.startswith(f"revoked: {cert.code}")
    code, out, err = run(capsys, "certificate", "verify", cert.code, "--data-dir", str(data_dir))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "revoked on" in err and "Data peserta palsu" in err
    code, _out, err = run(
        capsys, "certificate", "revoke", cert.code, "--reason", "lagi", "--data-dir", str(data_dir)
    )
    assert code == 1 and "already revoked" in err


def test_bad_revocations_change_nothing(data, capsys):
    data_dir, cert, engine = data
    for argv, message in (
        (["revoke", cert.code, "--reason", "   "], "reason is required"),
        (["revoke", "2222-3333-4444-5555-6666", "--reason", "x"], "unknown certificate code"),
    ):
        code, _out, err = run(capsys, "certificate", *argv, "--data-dir", str(data_dir))
        assert code == 1 and message in err and err.count("\n") == 1
    with pytest.raises(SystemExit) as e:
        main(["certificate", "revoke", cert.code, "--data-dir", str(data_dir)])
    assert e.value.code == 2 and "--reason" in capsys.readouterr().err
    assert certs.verify(engine, cert.code)[0] == certs.VALID


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["certificate", "verify"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["certificate", "frobnicate"])
    assert e.value.code == 2


def test_a_missing_database_is_a_one_line_error_and_creates_nothing(tmp_path, capsys):
    code, _out, err = run(
        capsys, "certificate", "verify", "2222-3333-4444-5555-6666", "--data-dir", str(tmp_path)
    )
    assert code == 1 and err.startswith("naikkelas: no NaikKelas database at")
    assert not (tmp_path / "naikkelas.sqlite").exists()


def test_list_shows_codes_status_and_names(data, capsys):
    data_dir, cert, engine = data
    certs.revoke(engine, cert.code, "salah", allow_new=True)
    code, out, _err = run(capsys, "certificate", "list", "--data-dir", str(data_dir))
    assert code == 0
    assert out.splitlines()[0].split("\t")[:4] == [cert.code, "revoked", "peserta1", "jualan"]
    code, out, _err = run(
        capsys, "certificate", "list", "--username", "orang-lain", "--data-dir", str(data_dir)
    )
    assert (code, out) == (0, "")


# -- settings -----------------------------------------------------------------------------
def test_the_qr_points_at_the_public_url_and_the_service_is_told(tmp_path, monkeypatch):
    for name in ("NAIKKELAS_PUBLIC_URL", "NAIKKELAS_CERTIFICATE_ISSUER", "NAIKKELAS_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    local = Settings(data_dir=str(tmp_path), port=8123)
    assert local.certificate_url("ABCD") == (
        "http://127.0.0.1:8123/services/naikkelas/sertifikat/ABCD"
    )
    assert (local.certificate_issuer, local.timezone) == ("Dinas Koperasi dan UKM", "Asia/Jakarta")
    monkeypatch.setenv("NAIKKELAS_PUBLIC_URL", "https://naikkelas.example.go.id/")
    monkeypatch.setenv("NAIKKELAS_CERTIFICATE_ISSUER", "Diskominfo Kota Contoh")
    public = Settings(data_dir=str(tmp_path), timezone="Asia/Makassar")
    assert public.certificate_url("ABCD") == (
        "https://naikkelas.example.go.id/services/naikkelas/sertifikat/ABCD"
    )
    c = config.apply_config(Config(), public)
    env = next(s for s in c.JupyterHub.services if s["name"] == "naikkelas")["environment"]
    assert env["NAIKKELAS_PUBLIC_URL"] == "https://naikkelas.example.go.id"
    assert env["NAIKKELAS_CERTIFICATE_ISSUER"] == "Diskominfo Kota Contoh"
    assert env["NAIKKELAS_TIMEZONE"] == "Asia/Makassar"


def test_an_unknown_time_zone_is_refused(tmp_path, monkeypatch, capsys):
    with pytest.raises(TraitError, match="unknown time zone"):
        Settings(data_dir=str(tmp_path), timezone="Asia/Atlantis")
    monkeypatch.setenv("NAIKKELAS_TIMEZONE", "WIB")
    with pytest.raises(TraitError, match="unknown time zone 'WIB'"):
        Settings(data_dir=str(tmp_path)).timezone  # noqa: B018
    # `naikkelas run` says so in one line before starting anything.
    monkeypatch.setenv("NAIKKELAS_PROXY", "/bin/true")
    port = str(free_port_block(4))
    code = main(["run", "--data-dir", str(tmp_path / "data"), "--port", port])
    assert code == 1
    assert capsys.readouterr().err == ("naikkelas: unknown time zone 'WIB' (e.g. Asia/Jakarta)\n")
    assert not (tmp_path / "data").exists()
