"""Accounts: hashing, validation, verification."""

import pytest
from sqlalchemy import select

from naikkelas.hub.accounts import (
    AccountError,
    Role,
    accounts_table,
    get_account,
    hash_secret,
    upsert_account,
    verify_secret,
    write_account,
)
from naikkelas.hub.auth import groups_for
from naikkelas.hub.db import engine_for


@pytest.fixture
def engine(tmp_path):
    return engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")


def test_pin_is_stored_only_as_a_slow_salted_hash(engine):
    upsert_account(engine, "Peserta9 ", Role.LEARNER, "482913", cohort="a")
    upsert_account(engine, "peserta8", Role.LEARNER, "482913", cohort="a")
    with engine.connect() as conn:
        hashes = [r.secret_hash for r in conn.execute(select(accounts_table))]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert all("482913" not in h for h in hashes)
    assert hashes[0] != hashes[1], "same PIN must hash differently (salt)"


def test_verify_right_and_wrong_secrets(engine):
    upsert_account(engine, "peserta9", Role.LEARNER, "482913", cohort="a")
    assert verify_secret(engine, "PESERTA9", "482913").username == "peserta9"
    assert verify_secret(engine, "peserta9", "482914") is None
    assert verify_secret(engine, "peserta9", "") is None
    assert verify_secret(engine, "nobody", "482913") is None


def test_reimport_updates_rather_than_duplicates(engine):
    upsert_account(engine, "peserta9", Role.LEARNER, "111111", display_name="A")
    upsert_account(engine, "peserta9", Role.LEARNER, "222222", display_name="B")
    assert get_account(engine, "peserta9").display_name == "B"
    assert verify_secret(engine, "peserta9", "111111") is None
    assert verify_secret(engine, "peserta9", "222222")


@pytest.mark.parametrize("pin", ["12345", "1234567", "12a456", "١٢٣٤٥٦", ""])
def test_bad_pins_are_refused(engine, pin):
    with pytest.raises(AccountError):
        upsert_account(engine, "peserta9", Role.LEARNER, pin)
    assert get_account(engine, "peserta9") is None


@pytest.mark.parametrize("name", ["a", "9abc", "ab cd", "../etc", "<script>", "x" * 40, "ümlaut"])
def test_bad_usernames_are_refused(engine, name):
    with pytest.raises(AccountError):
        upsert_account(engine, name, Role.TRAINER, "long-enough-password")


def test_groups_follow_role_and_cohort():
    assert groups_for(Role.LEARNER, "demo") == ["peserta", "cohort-demo"]
    assert groups_for(Role.OFFICIAL, "demo") == ["pejabat"]


def test_write_account_inside_a_transaction_keeps_the_secret_when_given_none(engine):
    upsert_account(engine, "peserta9", Role.LEARNER, "482913", display_name="A", cohort="a")
    with engine.begin() as conn:
        write_account(conn, "peserta9", Role.LEARNER, display_name="B")
    assert get_account(engine, "peserta9").display_name == "B"
    assert get_account(engine, "peserta9").cohort == "a"
    assert verify_secret(engine, "peserta9", "482913")


def test_write_account_rolls_back_with_its_transaction(engine):
    secret_hash = hash_secret(Role.LEARNER, "482913")
    with pytest.raises(RuntimeError), engine.begin() as conn:
        write_account(conn, "peserta9", Role.LEARNER, secret_hash=secret_hash)
        raise RuntimeError("something later in the same import failed")
    assert get_account(engine, "peserta9") is None


def test_a_new_account_needs_a_secret(engine):
    with pytest.raises(AccountError), engine.begin() as conn:
        write_account(conn, "peserta9", Role.LEARNER, display_name="B")
