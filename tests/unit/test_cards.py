"""Login cards: what is printed on them, what the QR code holds, and whose PIN changes."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp

from naikkelas.hub.accounts import Role, upsert_account, verify_secret
from naikkelas.hub.cards import (
    Card,
    CardsError,
    learners_for_cards,
    login_url,
    normalize_hub_url,
    qr_png,
    render_cards,
    reset_pins,
)
from naikkelas.hub.cli import main
from naikkelas.hub.db import engine_for
from naikkelas.hub.profiles import record_login
from tests.pdf_reading import read_pdf
from tests.unit.test_roster import HEADER, PEOPLE, write_csv

NAMES = ["Siti Aminah", "Ni Luh Putu Ayu", "Siti Nur'aini", "Made Wirawan", "Rina Marlina",
         "Ibu Hj. Sri Rahayu Kusumawardhani Wijayakusuma", "Budi Santoso", "Dewi Lestari",
         "Agus Salim", "Wayan Sudirta"]  # fmt: skip


@pytest.fixture
def engine(tmp_path):
    return engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")


def decode(image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def some_cards(n: int) -> list[Card]:
    pins = [f"{(i * 7919 + 104729) % 10**6:06d}" for i in range(n)]
    return [Card(NAMES[i % len(NAMES)], f"peserta{i + 2}", pins[i], "smd-1") for i in range(n)]


def test_eight_cards_per_a4_page_with_name_username_pin_and_address():
    cards = some_cards(20)
    pdf = render_cards(cards, "https://kelas.samarindakota.go.id")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 3, "20 cards: 8 + 8 + 4"
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf, "A4"
    pages = read_pdf(pdf)
    assert [len(p.images) for p in pages] == [8, 8, 4], "one QR code per card"
    for page, chunk in zip(pages, (cards[:8], cards[8:16], cards[16:]), strict=True):
        text = page.text
        assert text.count("NaikKelas · Kartu Masuk") == len(chunk)
        assert text.count("https://kelas.samarindakota.go.id/") == len(chunk)
        for card in chunk:
            assert card.username in text and card.pin in text
            assert card.name in " ".join(text), "a long name wraps onto two lines"


def test_long_names_wrap_onto_two_lines_instead_of_leaving_the_card():
    card = Card(NAMES[5], "srirahayu", "482913", "smd-1")
    text = read_pdf(render_cards([card], "http://127.0.0.1:8000/"))[0].text
    name_lines = text[text.index("Kelas smd-1") + 1 : text.index("Nama pengguna")]
    assert len(name_lines) == 2 and " ".join(name_lines) == NAMES[5]


def test_qr_code_on_each_card_opens_the_login_page_with_the_username_and_never_the_pin():
    cards = some_cards(9)
    pages = read_pdf(render_cards(cards, "http://127.0.0.1:8000"))
    decoded = [decode(image) for page in pages for image in page.images]
    assert decoded == [[login_url("http://127.0.0.1:8000/", c.username)] for c in cards]
    for card, (url,) in zip(cards, decoded, strict=True):
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.path) == ("http", "127.0.0.1:8000", "/hub/login")
        assert parse_qs(parts.query) == {"username": [card.username]}
        assert card.pin not in url


def test_qr_png_is_a_plain_decodable_code():
    from io import BytesIO

    from PIL import Image

    url = login_url("https://kelas.example.go.id/naik/", "sitiaminah")
    assert url == "https://kelas.example.go.id/naik/hub/login?username=sitiaminah"
    assert decode(Image.open(BytesIO(qr_png(url)))) == [url]


@pytest.mark.parametrize(
    "url", ["127.0.0.1:8000", "ftp://x/", "javascript:alert(1)", "http://", "http://x/?a=1"]
)
def test_a_bad_hub_address_is_refused(url):
    with pytest.raises(CardsError):
        normalize_hub_url(url)


# --- the PIN rule ----------------------------------------------------------------------------


def _import(engine, tmp_path, capsys, rows=None):
    path = write_csv(tmp_path / "r.csv", rows or [HEADER, *PEOPLE])
    argv = ["roster", "import", str(path), "--cohort", "smd-1", "--db-url", str(engine.url)]
    assert main(argv) == 0
    capsys.readouterr()


def cards_cli(engine, tmp_path, *extra, name="cards"):
    pdf, pins = tmp_path / f"{name}.pdf", tmp_path / f"{name}.csv"
    argv = ["roster", "cards", "--cohort", "smd-1", "-o", str(pdf), "--pins-csv", str(pins)]
    status = main([*argv, "--db-url", str(engine.url), *extra])
    if status:
        return status, {}
    lines = pins.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "nama;username;pin;kelas;alamat_masuk"
    return status, {line.split(";")[1]: line.split(";")[2] for line in lines[1:]}


def test_cards_give_new_pins_to_learners_who_have_not_logged_in(engine, tmp_path, capsys):
    _import(engine, tmp_path, capsys)
    status, pins = cards_cli(engine, tmp_path)
    assert status == 0
    assert sorted(pins) == ["madewirawan", "niluhputuayu", "sitiaminah", "sitinuraini"]
    for username, pin in pins.items():
        assert verify_secret(engine, username, pin)
    out = capsys.readouterr().out
    assert "Wrote 4 login cards (1 A4 page(s))" in out and "NEW PIN" in out
    assert not any(pin in out for pin in pins.values()), "PINs only on paper"
    # The PDF carries the same PINs as the CSV, each beside its username.
    text = read_pdf((tmp_path / "cards.pdf").read_bytes())[0].text
    for username, pin in pins.items():
        assert text[text.index(username) + 2] == pin
    assert oct((tmp_path / "cards.pdf").stat().st_mode & 0o777) == "0o600"


def test_learners_who_logged_in_keep_their_pin_unless_named(engine, tmp_path, capsys):
    _import(engine, tmp_path, capsys)
    _, first = cards_cli(engine, tmp_path, name="first")
    assert verify_secret(engine, "sitiaminah", first["sitiaminah"])
    record_login(engine, "sitiaminah")  # as the hub does when she logs in
    status, second = cards_cli(engine, tmp_path, name="second")
    assert sorted(second) == ["madewirawan", "niluhputuayu", "sitinuraini"]
    assert verify_secret(engine, "sitiaminah", first["sitiaminah"]), "her PIN is untouched"
    assert not verify_secret(engine, "madewirawan", first["madewirawan"]), "old card is void"
    assert "1 learners of cohort smd-1 have logged in already" in capsys.readouterr().out
    # A lost card: naming her resets her PIN even after a login.
    status, third = cards_cli(engine, tmp_path, "--username", "SitiAminah", name="third")
    assert status == 0 and list(third) == ["sitiaminah"]
    assert verify_secret(engine, "sitiaminah", third["sitiaminah"])
    assert not verify_secret(engine, "sitiaminah", first["sitiaminah"])


def test_accounts_made_outside_the_roster_are_never_reset_by_default(engine, tmp_path, capsys):
    upsert_account(engine, "peserta1", Role.LEARNER, "123456", cohort="smd-1")
    _import(engine, tmp_path, capsys)
    _, pins = cards_cli(engine, tmp_path)
    assert "peserta1" not in pins
    assert verify_secret(engine, "peserta1", "123456")


@pytest.mark.parametrize(
    "extra,reason",
    [
        (["--username", "nobody"], "no learner 'nobody'"),
        (["--username", "pelatih"], "no learner 'pelatih'"),
        (["--username", "peserta9"], "learner peserta9 is in cohort 'smd-2', not 'smd-1'"),
        (["--url", "kelas.go.id"], "is not a web address"),
        (["-o", "/nonexistent/cards.pdf"], "folder /nonexistent is missing"),
    ],
)
def test_refused_cards_change_no_pin(engine, tmp_path, capsys, extra, reason):
    _import(engine, tmp_path, capsys)
    upsert_account(engine, "pelatih", Role.TRAINER, "pelatih-demo", cohort="smd-1")
    upsert_account(engine, "peserta9", Role.LEARNER, "246810", cohort="smd-2")
    _, pins = cards_cli(engine, tmp_path, name="before")
    pdf = tmp_path / "again.pdf"
    argv = ["roster", "cards", "--cohort", "smd-1", "-o", str(pdf), "--db-url", str(engine.url)]
    assert main([*argv, *extra]) == 1
    err = capsys.readouterr().err
    assert reason in err and err.count("\n") == 1
    assert all(verify_secret(engine, u, p) for u, p in pins.items())
    assert verify_secret(engine, "peserta9", "246810")
    assert not pdf.exists()


def test_cards_for_a_cohort_whose_learners_all_logged_in_are_refused(engine, tmp_path, capsys):
    _import(engine, tmp_path, capsys)
    for username in ("sitiaminah", "niluhputuayu", "sitinuraini", "madewirawan"):
        record_login(engine, username)
    status, _ = cards_cli(engine, tmp_path)
    assert status == 1
    assert "has logged in already (4); to replace a lost card" in capsys.readouterr().err
    assert main(["roster", "cards", "--cohort", "nope", "-o", str(tmp_path / "x.pdf"),
                 "--db-url", str(engine.url)]) == 1  # fmt: skip
    assert "cohort 'nope' has no learners" in capsys.readouterr().err


def test_import_with_cards_prints_only_the_new_learners(engine, tmp_path, capsys):
    _import(engine, tmp_path, capsys)
    rows = [HEADER, *PEOPLE, ["5", "Rina Marlina", "Sempaja", "", "", "P", "1985", "", ""]]
    path = write_csv(tmp_path / "r2.csv", rows)
    pdf = tmp_path / "new.pdf"
    argv = ["roster", "import", str(path), "--cohort", "smd-1", "--cards", str(pdf)]
    assert main([*argv, "--db-url", str(engine.url)]) == 0
    (page,) = read_pdf(pdf.read_bytes())
    assert "Rina Marlina" in page.text and "Siti Aminah" not in page.text
    pin = page.text[page.text.index("rinamarlina") + 2]
    assert verify_secret(engine, "rinamarlina", pin)
    assert decode(page.images[0]) == [login_url("http://127.0.0.1:8000/", "rinamarlina")]
    # Nothing new: no file, and the summary says so.
    pdf.unlink()
    assert main([*argv, "--db-url", str(engine.url)]) == 0
    assert "No new learners, so no cards were written." in capsys.readouterr().out
    assert not pdf.exists()


def test_a_learner_who_logs_in_while_cards_are_made_keeps_their_pin(engine, tmp_path, capsys):
    _import(engine, tmp_path, capsys)
    _, pins = cards_cli(engine, tmp_path)
    chosen, _ = learners_for_cards(engine, "smd-1")
    record_login(engine, "madewirawan")  # between choosing and writing
    cards = reset_pins(engine, "smd-1", chosen)
    assert sorted(c.username for c in cards) == ["niluhputuayu", "sitiaminah", "sitinuraini"]
    assert verify_secret(engine, "madewirawan", pins["madewirawan"])
