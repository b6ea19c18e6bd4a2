"""The audit log: what is recorded by whom, that no secret gets in, and `naikkelas audit list`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from naikkelas.grading import certificates as certs
from naikkelas.hub import audit
from naikkelas.hub.accounts import Role, upsert_account
from naikkelas.hub.cards import reset_pins
from naikkelas.hub.cli import main
from naikkelas.hub.db import engine_for
from naikkelas.hub.roster import apply_import, plan_import
from naikkelas.hub.settings import Settings
from tests.unit.test_certificates import ISSUER, make_course


@pytest.fixture
def data(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    return data_dir, engine_for(Settings(data_dir=str(data_dir)).naikkelas_db_url)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_role_change_is_recorded_with_old_and_new_role_and_no_secret(data):
    _dir, engine = data
    upsert_account(engine, "budi", Role.LEARNER, "246810", cohort="a")
    assert audit.entries(engine, action="role_change") == []  # creating is not a change
    upsert_account(engine, "budi", Role.TRAINER, "rahasia-panjang", cohort="a", actor="admin")
    (entry,) = audit.entries(engine, action="role_change")
    assert (entry.actor, entry.subject) == ("admin", "budi")
    assert entry.details == {"old": "peserta", "new": "pelatih"}
    upsert_account(engine, "budi", Role.TRAINER, "rahasia-panjang", cohort="a")
    assert len(audit.entries(engine, action="role_change")) == 1  # same role: no entry


def test_login_attempts_never_keep_what_was_typed_for_an_unknown_username(data):
    _dir, engine = data
    upsert_account(engine, "budi", Role.LEARNER, "246810")
    audit.login_attempt(engine, "budi", True)
    audit.login_attempt(engine, "budi", False)
    audit.login_attempt(engine, "135799", False)  # a PIN typed into the username box
    rows = [(e.action, e.subject, e.details) for e in audit.entries(engine)]
    assert rows == [
        ("login", "budi", {}),
        ("login_failed", "budi", {}),
        ("login_failed", "", {"unknown_username": True}),
    ]
    dump = json.dumps([e.to_json() for e in audit.entries(engine)])
    assert "135799" not in dump and "246810" not in dump


def test_details_that_look_like_secrets_are_refused(data):
    _dir, engine = data
    for key in ("pin", "new_pin", "password", "secret_hash", "token"):
        with pytest.raises(ValueError, match="secrets"):
            audit.record(engine, "admin", "pin_reset", "budi", **{key: "x"})
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(engine, "admin", "coffee")
    assert audit.entries(engine) == []


def test_roster_import_pin_reset_and_revocation_are_recorded(data, tmp_path):
    _dir, engine = data
    roster = tmp_path / "r.csv"
    roster.write_text("Nama;Kelurahan;Jenis Kelamin;Tahun Lahir\nSiti Aminah;Sidodadi;P;1980\n")
    plan = plan_import(engine, roster, cohort="smd-1")
    result = apply_import(engine, plan, actor="cli:op")
    (entry,) = audit.entries(engine, action="roster_import")
    assert entry.actor == "cli:op"
    assert entry.details == {
        "file": "r.csv", "cohorts": ["smd-1"], "created": 1, "updated": 0, "unchanged": 0,
    }  # fmt: skip
    (username,) = result.created
    (card,) = reset_pins(engine, "smd-1", [(username, "Siti Aminah")], actor="pelatih")
    (entry,) = audit.entries(engine, action="pin_reset")
    assert (entry.actor, entry.subject) == ("pelatih", username)
    assert card.pin not in json.dumps(entry.details)
    cert = certs.issue(engine, username, make_course(tmp_path / "rel"), "Siti Aminah", ISSUER)
    certs.revoke(engine, cert.code, "salah nama", actor="cli:op")
    (entry,) = audit.entries(engine, action="certificate_revoke")
    assert (entry.actor, entry.subject, entry.details["code"]) == ("cli:op", username, cert.code)
    assert entry.details["reason"] == "salah nama"


def test_audit_list_filters_by_action_and_date(data, capsys):
    data_dir, engine = data
    upsert_account(engine, "budi", Role.LEARNER, "246810")
    audit.login_attempt(engine, "budi", True)
    audit.record(engine, "cli:op", "export", "budi", file="budi.json")
    code, out, err = run(capsys, "audit", "list", "--data-dir", str(data_dir))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert [line.split("\t")[1:4] for line in lines] == [
        ["budi", "login", "budi"],
        ["cli:op", "export", "budi"],
    ]
    code, out, _ = run(capsys, "audit", "list", "--action", "export", "--data-dir", str(data_dir))
    assert code == 0 and len(out.splitlines()) == 1 and '"file": "budi.json"' in out
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    code, out, _ = run(capsys, "audit", "list", "--since", tomorrow, "--data-dir", str(data_dir))
    assert (code, out) == (0, "")
    code, out, _ = run(capsys, "audit", "list", "--json", "--data-dir", str(data_dir))
    assert [json.loads(line)["action"] for line in out.splitlines()] == ["login", "export"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--action", "coffee"], "unknown action 'coffee'"),
        (["--since", "kemarin"], "is not a date"),
    ],
)
def test_audit_list_bad_input_exits_1_with_one_line(data, capsys, argv, message):
    data_dir, _engine = data
    code, out, err = run(capsys, "audit", "list", *argv, "--data-dir", str(data_dir))
    assert code == 1 and out == "" and message in err and err.count("\n") == 1
