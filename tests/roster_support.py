"""Helpers for tests that enrol learners on a real hub with the operator's `roster` commands."""

from __future__ import annotations

import random
import string
import subprocess

from tests.support import NAIKKELAS

HEADER = "No;Nama Lengkap;NIK;Kelurahan;Kecamatan;Kab/Kota;Jenis Kelamin;Tahun Lahir;Sektor Usaha"


def unique_name() -> str:
    """A person nobody else in the shared hub has (usernames come from the name's letters)."""
    word = "".join(random.choice(string.ascii_lowercase) for _ in range(7))
    return f"Dewi {word.capitalize()}"


def naikkelas(hub, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NAIKKELAS, *args, "--data-dir", str(hub.data_dir), "--db-url", hub.db_url],
        capture_output=True,
        text=True,
        timeout=120,
    )


def import_roster(hub, tmp_path, names) -> dict[str, tuple[str, str]]:
    """Import `names` into cohort demo with the CLI; returns username -> (name, PIN)."""
    rows = [HEADER] + [
        f"{i};{name};6471034101800{i:03d};Sidodadi;Samarinda Ulu;Kota Samarinda;P;1980;Kuliner"
        for i, name in enumerate(names, 1)
    ]
    roster = tmp_path / "peserta.csv"
    roster.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode())
    pins = tmp_path / "pins.csv"
    done = naikkelas(
        hub, "roster", "import", str(roster), "--cohort", "demo", "--pins-csv", str(pins),
        "--url", hub.url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "NIK column" in done.stdout and "ignored" in done.stdout
    lines = pins.read_text(encoding="utf-8-sig").splitlines()[1:]
    return {line.split(";")[1]: (line.split(";")[0], line.split(";")[2]) for line in lines}
