"""The roster upload page for trainers and operators, on the real hub: preview, confirm,
refusals."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from naikkelas.hub import audit
from naikkelas.hub.accounts import Role, accounts_table, get_account, upsert_account
from naikkelas.hub.db import engine_for
from tests.integration.test_roster_hub import logs_in
from tests.roster_support import unique_name
from tests.support import LearnerClient

PAGES = "/services/naikkelas/pelatih"
HEADER = "Nama;NIK;Kelurahan;Jenis Kelamin;Tahun Lahir;Sektor Usaha"


def trainer_of_new_cohort(hub) -> tuple[LearnerClient, str, str]:
    cohort = f"kelas{uuid.uuid4().hex[:6]}"
    name = f"pelatih{uuid.uuid4().hex[:6]}"
    upsert_account(
        engine_for(hub.settings.naikkelas_db_url), name, Role.TRAINER, "rahasia-panjang",
        cohort=cohort,
    )  # fmt: skip
    client = LearnerClient(hub.url, name)
    client.login("rahasia-panjang")
    return client, name, cohort


def upload(client, hub, content: bytes, filename="peserta.csv", **fields):
    page = client.get(f"{hub.url}{PAGES}/roster")
    assert page.status_code == 200, page.text
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
    return client.post(
        f"{hub.url}{PAGES}/roster",
        data={"_xsrf": xsrf, **fields},
        files={"berkas": (filename, content, "text/csv")},
    )


def csv_of(*rows) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def learners_of(hub, cohort) -> set[str]:
    t = accounts_table.c
    with engine_for(hub.settings.naikkelas_db_url).connect() as conn:
        query = select(t.display_name).where(t.cohort == cohort, t.role == Role.LEARNER.value)
        return set(conn.execute(query).scalars())


def test_a_good_file_is_previewed_then_imported_and_the_pins_work(hub):
    client, trainer, cohort = trainer_of_new_cohort(hub)
    names = [unique_name(), unique_name()]
    rows = [f"{n};6471034101800001;Sidodadi;P;1980;Kuliner" for n in names]
    preview = upload(client, hub, csv_of(*rows))
    assert preview.status_code == 200 and "Pratinjau" in preview.text
    assert f"Kelas <b>{cohort}</b>: 2 peserta baru" in preview.text
    assert all(n in preview.text for n in names) and "6471034101800001" not in preview.text
    assert learners_of(hub, cohort) == set()  # a preview writes nothing
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.text).group(1)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', preview.text).group(1)
    # Confirming without the form's token (CSRF) is refused and imports nothing.
    forged = client.post(f"{hub.url}{PAGES}/roster/konfirmasi", data={"token": token})
    assert forged.status_code == 403 and learners_of(hub, cohort) == set()
    done = client.post(f"{hub.url}{PAGES}/roster/konfirmasi", data={"_xsrf": xsrf, "token": token})
    assert done.status_code == 200 and "Daftar peserta diimpor" in done.text
    assert learners_of(hub, cohort) == set(names)
    card = r"Nama pengguna: <b>([a-z0-9]+)</b></p>\s*<p>PIN: <span[^>]*>(\d{6})<"
    cards = re.findall(card, done.text)
    assert len(cards) == 2
    username, pin = cards[0]
    assert logs_in(hub, username, pin)
    entries = audit.entries(engine_for(hub.settings.naikkelas_db_url), action="roster_import")
    assert any(e.actor == trainer and e.details["cohorts"] == [cohort] for e in entries)
    # The preview cannot be imported twice.
    again = client.post(f"{hub.url}{PAGES}/roster/konfirmasi", data={"_xsrf": xsrf, "token": token})
    assert again.status_code == 400 and "sudah tidak berlaku" in again.text


def test_a_bad_file_lists_every_bad_row_and_imports_nothing(hub):
    client, _trainer, cohort = trainer_of_new_cohort(hub)
    good = unique_name()
    r = upload(
        client, hub,
        csv_of(f"{good};;Sidodadi;P;1980;Kuliner", f"{unique_name()};;Sidodadi;X;1980;Kuliner",
               f"{unique_name()};;;P;1800;Kuliner"),
    )  # fmt: skip
    assert r.status_code == 200 and "Ada 2 baris yang salah. Tidak ada yang diimpor." in r.text
    problems = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td></tr>", r.text)
    assert [row for row, _ in problems] == ["3", "4", "4"]
    # The trainer reads each problem in Indonesian (the command line keeps English).
    assert "bukan L atau P" in problems[0][1] and 'name="token"' not in r.text
    assert 'lang="en"' not in r.text
    assert learners_of(hub, cohort) == set()


def test_an_oversized_or_wrong_kind_of_file_is_refused_in_indonesian(hub):
    client, _trainer, cohort = trainer_of_new_cohort(hub)
    big = csv_of(*[f"{unique_name()};;Sidodadi;P;1980;{'x' * 90}" for _ in range(25_000)])
    r = upload(client, hub, big)
    assert r.status_code == 413 and "Berkas terlalu besar" in r.text
    r = upload(client, hub, b"MZ\x90\x00", filename="peserta.exe")
    assert r.status_code == 400 and "Berkas harus .csv atau .xlsx" in r.text
    assert learners_of(hub, cohort) == set()


def test_a_trainer_cannot_import_into_another_cohort(hub, new_learner):
    client, _trainer, cohort = trainer_of_new_cohort(hub)
    # A cohort column naming another cohort: every such row is a problem.
    header = "Nama;Kelurahan;Jenis Kelamin;Tahun Lahir;Kelas"
    r = upload(client, hub, f"{header}\r\n{unique_name()};Sidodadi;P;1980;demo\r\n".encode())
    assert "Ada 1 baris yang salah" in r.text and "Kelas &#39;demo&#39; di baris ini" in r.text
    # A username column naming a learner of another cohort cannot move them here.
    username, _pin = new_learner()
    header = "Nama;Nama Pengguna;Kelurahan;Jenis Kelamin;Tahun Lahir"
    r = upload(client, hub, f"{header}\r\nSiapa Saja;{username};Sidodadi;P;1980\r\n".encode())
    assert "Ada 1 baris yang salah" in r.text and "bukan kelas Anda" in r.text
    assert get_account(engine_for(hub.settings.naikkelas_db_url), username).cohort == "demo"
    # An operator's `kelas` field is ignored for a trainer: still their own cohort.
    r = upload(client, hub, csv_of(f"{unique_name()};;Sidodadi;P;1980;Kuliner"), kelas="demo")
    assert f"Kelas <b>{cohort}</b>: 1 peserta baru" in r.text


def test_learners_and_officials_cannot_upload(hub):
    for who, secret in (("peserta1", "123456"), ("pejabat", "pejabat-demo")):
        client = LearnerClient(hub.url, who)
        client.login(secret)
        assert client.get(f"{hub.url}{PAGES}/roster").status_code == 403
