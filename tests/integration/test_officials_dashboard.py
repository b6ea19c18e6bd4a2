"""The officials' dashboard against a real hub: who may open it, what it shows, filters,
suppression ("< 5"), escaping, bad filter values, exports that agree with the page, and figures
served at once from cached facts while newer ones load ("sedang diperbarui")."""

from __future__ import annotations

import csv
import io
import re
import time
import uuid
from datetime import UTC, datetime
from html import unescape
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import requests

from naikkelas.hub.dashboard import data_time
from tests.dashboard_support import COURSE, Group, add_learners
from tests.pdf_reading import read_pdf
from tests.support import LearnerClient

PAGE = "/services/naikkelas/pejabat/"
XSS_KELURAHAN = "<script>alert(1)</script>"
XSS_SECTOR = '<img src=x onerror="alert(2)">'


def client_of(hub, username, secret) -> LearnerClient:
    client = LearnerClient(hub.url, username)
    client.login(secret)
    return client


@pytest.fixture(scope="module")
def area(hub):
    """A kecamatan of its own: Mawar (6 learners), Melati (7) and a 2-learner kelurahan whose
    name, like its sector, is an HTML injection attempt."""
    tag = uuid.uuid4().hex[:6]
    kecamatan = f"Kecamatan Uji {tag}"
    groups = [
        Group(f"Mawar {tag}", f"Kuliner {tag}", "P", size=6, started=6, finished=4, certified=2),
        Group(f"Melati {tag}", f"Fesyen {tag}", "L", size=7, started=5, finished=2),
        Group(XSS_KELURAHAN, XSS_SECTOR, "P", size=2, started=2),
    ]
    usernames = add_learners(hub, kecamatan, groups)
    # Learners elsewhere: with fewer than 5 outside the filter, the kecamatan's figures could
    # be subtracted from the city's, and the page would (rightly) suppress them.
    elsewhere = [Group("Dahlia", "Jasa", "P", size=6), Group("Kenanga", "Jasa", "L", size=6)]
    usernames += add_learners(hub, f"Kecamatan Lain {tag}", elsewhere)
    return {"tag": tag, "kecamatan": kecamatan, "usernames": usernames}


@pytest.fixture(scope="module")
def pejabat(hub):
    return client_of(hub, "pejabat", "pejabat-demo")


UPDATING = "sedang diperbarui"


def fresh(client, url: str, params: dict) -> requests.Response:
    """The page once its figures include what the test just wrote: the service answers at once
    from cached facts ("sedang diperbarui") and reloads them in the background."""
    deadline = time.monotonic() + 120
    while True:
        r = client.get(url, params=params)
        if UPDATING not in r.text or time.monotonic() > deadline:
            return r
        time.sleep(0.2)  # polling a condition: the background reload's end


def view(client, hub, **params) -> requests.Response:
    return fresh(client, f"{hub.url}{PAGE}", {"course": COURSE, **params})


def text_of(html: str) -> str:
    """What a person reads: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_an_official_sees_the_funnel_and_groups_of_a_kecamatan(hub, pejabat, area):
    r = view(pejabat, hub, kecamatan=area["kecamatan"], by="kelurahan")
    assert r.status_code == 200, r.text
    words = text_of(r.text)
    # 15 learners; 13 started, 6 finished both lessons, 2 certified.
    for figure in (
        "Terdaftar: 15",
        "Mulai belajar: 13 (87%)",
        "Selesai semua pelajaran: 6 (40%)",
        "Bersertifikat: 2 (13%)",
    ):
        assert figure in words
    assert 'role="img"' in r.text and "<title" in r.text
    # Melati (7 learners, 2 finished) is shown; the 2-learner kelurahan is suppressed, and so
    # is Mawar, or the 2 learners could be worked out from the kecamatan's total.
    assert f"Melati {area['tag']}: 29% selesai" in words
    assert re.search(rf"Melati {area['tag']} 7 5 2 0 29%", words)
    assert f"Mawar {area['tag']} < 5 < 5 < 5 < 5 < 5" in words
    assert "kurang dari 5 peserta" in words
    assert "Content-Security-Policy" in r.headers
    assert "script-src" not in r.headers["Content-Security-Policy"]  # default-src 'self' only


def test_the_page_shows_aggregates_only_never_usernames_or_names(hub, pejabat, area):
    for by in ("kota", "kecamatan", "kelurahan", "sector", "gender", "age_group", "cohort"):
        r = view(pejabat, hub, kecamatan=area["kecamatan"], by=by)
        assert r.status_code == 200
        for username in area["usernames"]:
            assert username not in r.text
        assert "Ibu Rahasia" not in r.text and "peserta1" not in r.text


def test_names_from_the_roster_are_escaped(hub, pejabat, area):
    for by in ("kelurahan", "sector"):
        r = view(pejabat, hub, kecamatan=area["kecamatan"], by=by)
        assert r.status_code == 200
        assert XSS_KELURAHAN not in r.text and "<img src=x" not in r.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
        assert "&lt;img src=x onerror=" in r.text


def test_a_filter_to_a_small_group_shows_less_than_five(hub, pejabat, area):
    r = view(pejabat, hub, kelurahan=XSS_KELURAHAN)
    assert r.status_code == 200
    words = text_of(r.text)
    assert "Terdaftar: < 5" in words and "Mulai belajar: < 5" in words
    assert "berisi kurang dari 5 peserta" in words
    assert "Belum ada data (kelompok ini kurang dari 5 peserta)" in words


def test_filters_narrow_the_figures_and_are_kept_in_the_url(hub, pejabat, area):
    women = view(pejabat, hub, kecamatan=area["kecamatan"], gender="P", by="sector")
    assert women.status_code == 200
    words = text_of(women.text)
    assert "Terdaftar: 8" in words and "Jenis kelamin: Perempuan" in words
    # The form keeps the choices, so the URL of this view can be shared as it is.
    assert re.search(r'<option value="P" selected>Perempuan</option>', women.text)
    assert "by=sector" in women.text  # export links and tabs carry the filters
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
    dated = view(pejabat, hub, kecamatan=area["kecamatan"], since=today, until=today)
    assert dated.status_code == 200 and "Terdaftar: 15" in text_of(dated.text)
    before = view(pejabat, hub, kecamatan=area["kecamatan"], until="2020-01-01")
    assert before.status_code == 200 and "Terdaftar: 15" not in text_of(before.text)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"kelurahan": "Tidak Ada Sama Sekali"}, "tidak ada dalam data"),
        ({"sector": "x" * 5000}, "tidak ada dalam data"),
        ({"since": "2026-13-45"}, "tidak bisa dibaca"),
        ({"until": "kemarin"}, "tidak bisa dibaca"),
        ({"since": "2026-05-01", "until": "2026-04-01"}, "Tanggal awal jatuh sesudah"),
        ({"by": "username"}, "Rincian yang diminta tidak dikenal"),
        ({"gender": ["L"] * 60}, "Terlalu banyak pilihan"),
    ],
    ids=["unknown-kelurahan", "huge-value", "bad-date", "words-date", "reversed", "by", "many"],
)
def test_bad_filter_values_get_a_clear_message(hub, pejabat, params, message):
    r = pejabat.get(f"{hub.url}{PAGE}", params=params)
    assert r.status_code == 400
    assert message in unescape(r.text)
    assert 'role="alert"' in r.text and "Terdaftar:" not in r.text
    assert "Terapkan saringan" in r.text  # the form is there to fix it


def test_new_learners_show_up_without_a_restart_and_nobody_waits_for_them(hub, pejabat):
    """The facts are cached per process. A change is served at once with the figures the
    service has, saying when they were taken and that newer ones are coming; then counted."""
    kecamatan = f"Kecamatan Baru {uuid.uuid4().hex[:6]}"
    add_learners(hub, kecamatan, [Group("Anggrek", "Jasa", "P", size=5)])
    # Others outside it, or its figures could be subtracted from the total and are hidden.
    add_learners(hub, f"Kecamatan Lain {uuid.uuid4().hex[:6]}", [Group("Dahlia", "Jasa", "L", 6)])
    words = text_of(view(pejabat, hub, kecamatan=kecamatan).text)
    assert "Terdaftar: 5" in words and UPDATING not in words
    taken = re.search(r"Data per (\d+ \w+ \d{4} \d\d\.\d\d WIB)\.", words)
    assert taken, words
    add_learners(hub, kecamatan, [Group("Anggrek", "Jasa", "P", size=1)])
    # The first request after the change starts the reload and does not wait for it.
    r = pejabat.get(f"{hub.url}{PAGE}", params={"course": COURSE, "kecamatan": kecamatan})
    words = text_of(r.text)
    assert r.status_code == 200 and "Terdaftar: 5" in words
    assert f"Data per {taken[1]}; {UPDATING}" in words
    assert "Terdaftar: 6" in text_of(view(pejabat, hub, kecamatan=kecamatan).text)


def test_an_operator_may_open_it(hub):
    admin = client_of(hub, "admin", "admin-demo")
    r = admin.get(f"{hub.url}{PAGE}")
    assert r.status_code == 200 and "Laporan pelatihan" in r.text
    home = admin.get(f"{hub.url}/hub/home")
    assert f'href="{PAGE}"' in home.text


@pytest.mark.parametrize(
    "who, secret", [("peserta1", "123456"), ("pelatih", "pelatih-demo")], ids=["learner", "trainer"]
)
def test_learners_and_trainers_are_refused_in_indonesian(hub, area, who, secret):
    client = client_of(hub, who, secret)
    for path in ("", f"?kecamatan={area['kecamatan']}", "unduh/csv", "unduh/pdf"):
        r = client.get(f"{hub.url}{PAGE}{path}")
        assert r.status_code == 403
        assert "hanya untuk pejabat dan admin" in r.text and 'lang="id"' in r.text
        assert "Terdaftar" not in r.text and area["kecamatan"] not in r.text


def test_without_login_the_dashboard_sends_you_to_the_hub_login(hub):
    for path in ("", "unduh/csv"):
        r = requests.get(f"{hub.url}{PAGE}{path}", allow_redirects=True, timeout=30)
        assert "/hub/login" in r.url and "Terdaftar" not in r.text


def test_an_official_lands_on_the_dashboard_after_login(hub):
    client = LearnerClient(hub.url, "pejabat")
    r = client.login("pejabat-demo")
    assert r.status_code == 200 and r.url == f"{hub.url}{PAGE}"
    assert "Laporan pelatihan" in r.text
    # Learners still land in their own server.
    learner = LearnerClient(hub.url, "peserta3")
    assert PAGE not in learner.login("123456").url


def test_exports_carry_the_figures_of_the_page(hub, pejabat, area):
    params = {"kecamatan": area["kecamatan"], "course": COURSE, "by": "kelurahan"}
    words = text_of(fresh(pejabat, f"{hub.url}{PAGE}", params).text)
    taken = datetime.fromisoformat(
        pejabat.get(f"{hub.url}{PAGE}unduh/csv", params=params).headers["X-NaikKelas-Data-Per"]
    )
    stamp = taken.astimezone(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d-%H%M")
    assert f"Data per {data_time(taken, ZoneInfo('Asia/Jakarta'))}." in words
    files = {}
    for kind in ("csv", "xlsx", "pdf"):
        r = pejabat.get(f"{hub.url}{PAGE}unduh/{kind}", params=params)
        assert r.status_code == 200, r.text
        # Named after the moment its figures were taken: the same cached facts as the page.
        assert r.headers["Content-Disposition"] == (
            f'attachment; filename="laporan-naikkelas-kelurahan-data-{stamp}.{kind}"'
        )
        files[kind] = r.content
    rows = list(csv.DictReader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert {row["kelurahan"] for row in rows} == {
        f"Melati {area['tag']}",
        f"Mawar {area['tag']}",
        XSS_KELURAHAN,
    }
    for row in rows:
        counts = [row[name] for name in ("enrolled", "started", "finished", "certified")]
        # The page's table row: name, the four counts, the completion rate.
        rate = (
            "< 5" if row["enrolled"] == "< 5" else f"{round(float(row['completion_rate']) * 100)}%"
        )
        assert f"{row['kelurahan']} {' '.join(counts)} {rate}" in words
    melati = next(row for row in rows if row["kelurahan"].startswith("Melati"))
    assert [melati[n] for n in ("enrolled", "started", "finished", "certified")] == list("7520")
    workbook = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    cells = [c for ws in workbook for r in ws.iter_rows(values_only=True) for c in r]
    assert f"Melati {area['tag']}" in cells
    assert f"Data per: {taken.astimezone(UTC):%Y-%m-%d %H:%M} UTC" in cells
    assert files["pdf"].startswith(b"%PDF")
    pdf_text = " ".join(t for page in read_pdf(files["pdf"]) for t in page.text)
    assert f"Data per: {taken.astimezone(UTC):%d-%m-%Y %H:%M} UTC" in pdf_text
    for blob in files.values():
        for username in area["usernames"]:
            assert username.encode() not in blob


def test_an_export_with_a_bad_filter_says_why(hub, pejabat):
    r = pejabat.get(f"{hub.url}{PAGE}unduh/csv", params={"since": "31-12-2026"})
    assert r.status_code == 400 and "tidak bisa dibaca" in r.text
    assert "attachment" not in r.headers.get("Content-Disposition", "")
