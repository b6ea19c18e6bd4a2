"""Certificates: codes, who gets one, issuing once, revoking, and the PDF a learner receives."""

import json
import re
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from sqlalchemy import func, select

from naikkelas.grading import certificates as certs
from naikkelas.grading import progress
from naikkelas.grading.certificate_pdf import (
    FALLBACK_FONTS,
    PAGE,
    Fonts,
    indonesian_date,
    render_certificate,
)
from naikkelas.grading.submissions import record_submission
from naikkelas.hub.db import engine_for

ISSUER = "Dinas Koperasi dan UKM"
URL = "https://naikkelas.example.go.id/services/naikkelas/sertifikat/"


@pytest.fixture
def engine(tmp_path):
    return engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")


def make_course(root: Path, cohort="demo", slug="jualan", lessons=(("01-a", 25), ("02-b", 40))):
    folder = root / cohort / slug
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text(
        "title: Jualan Online\ncertificate_name: Pemasaran Digital UMKM\n", encoding="utf-8"
    )
    for name, minutes in lessons:
        nb = {"cells": [], "metadata": {"naikkelas": {"title": name, "minutes": minutes}}}
        (folder / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return certs.released_course(root, cohort, slug)


def finish(engine, username, course, lesson):
    def update(state):
        state.finished = True
        return None, None

    progress.record(engine, username, course, lesson, uuid.uuid4().hex, update, kind="finish")


def issued(engine, tmp_path, name="Ibu Siti Aminah", username="peserta1"):
    course = make_course(tmp_path / f"released-{uuid.uuid4().hex[:6]}")
    return certs.issue(engine, username, course, name, ISSUER)


# -- codes --------------------------------------------------------------------------------
def test_codes_are_long_random_and_readable():
    codes = {certs.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){4}", code), code
        assert not set(code) & set("01IO")  # nothing that reads as another symbol
    assert len(set(certs.ALPHABET)) == 32 and certs.CODE_SYMBOLS * 5 >= 96


@pytest.mark.parametrize(
    "typed", ["abcd efgh jkmn pqrs tuvw", "ABCD-EFGH-JKMN-PQRS-TUVW", " abcdefghjkmnpqrstuvw\n"]
)
def test_a_code_is_read_as_people_type_it(typed):
    assert certs.normalize_code(typed) == "ABCD-EFGH-JKMN-PQRS-TUVW"


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "",
        "ABCD-EFGH-JKMN-PQRS-TUV",  # one symbol short
        "ABCD-EFGH-JKMN-PQRS-TUVWX",  # one too many
        "ABCD-EFGH-JKMN-PQRS-TUV0",  # a symbol codes never have
        "ABCD-EFGH-JKMN-PQRS-TUV%",
        "ABCD/../../etc/passwd",
        "A" * 10_000,
        "ＡＢＣＤ-EFGH-JKMN-PQRS-TUVW",  # full-width letters
    ],
)
def test_anything_else_is_not_a_code(junk):
    assert certs.normalize_code(junk) is None


def test_a_tampered_or_unknown_code_verifies_as_unknown(engine, tmp_path):
    cert = issued(engine, tmp_path)
    assert certs.verify(engine, cert.code) == (certs.VALID, cert)
    assert certs.verify(engine, cert.code.lower().replace("-", " "))[0] == certs.VALID
    i = next(i for i, ch in enumerate(cert.code) if ch != "-")
    other = "2" if cert.code[i] != "2" else "3"
    tampered = cert.code[:i] + other + cert.code[i + 1 :]
    for code in (tampered, certs.new_code(), "not a code", ""):
        assert certs.verify(engine, code) == (certs.UNKNOWN, None)


# -- who gets one -------------------------------------------------------------------------
@pytest.mark.parametrize("minutes, hours", [(0, 1), (45, 1), (60, 1), (61, 2), (125, 3)])
def test_hours_are_minutes_rounded_up(minutes, hours):
    assert certs.hours_for(minutes) == hours


def test_a_course_must_be_released_to_the_learners_cohort(tmp_path):
    make_course(tmp_path, cohort="demo", slug="jualan")
    for cohort, slug in (("lain", "jualan"), ("demo", "tidak-ada"), ("demo", "../demo/jualan")):
        with pytest.raises(certs.NotEligible) as e:
            certs.released_course(tmp_path, cohort, slug)
        assert e.value.status == 404 and "Kursus" in e.value.message


def test_only_a_learner_who_finished_every_lesson_may_have_it(engine, tmp_path):
    course = make_course(tmp_path)
    with pytest.raises(certs.NotEligible, match="selesaikan dulu 2 pelajaran lagi"):
        certs.check_finished(engine, "peserta1", course)
    finish(engine, "peserta1", "jualan", "01-a")
    # Another learner's progress, or another course's, does not count.
    finish(engine, "peserta2", "jualan", "02-b")
    finish(engine, "peserta1", "lain", "02-b")
    with pytest.raises(certs.NotEligible, match="1 pelajaran lagi") as e:
        certs.check_finished(engine, "peserta1", course)
    assert e.value.status == 404
    # A lesson sent for grading (Kirim) counts as finished, as on the course home.
    record_submission(engine, "peserta1", "jualan", "02-b", "{}", {})
    certs.check_finished(engine, "peserta1", course)


def test_an_opened_but_unfinished_lesson_does_not_count(engine, tmp_path):
    course = make_course(tmp_path)
    finish(engine, "peserta1", "jualan", "01-a")
    progress.record(
        engine, "peserta1", "jualan", "02-b", uuid.uuid4().hex, lambda s: (None, None), kind="step"
    )
    with pytest.raises(certs.NotEligible):
        certs.check_finished(engine, "peserta1", course)


# -- issuing ------------------------------------------------------------------------------
def test_issuing_is_idempotent_and_keeps_what_the_certificate_said(engine, tmp_path):
    course = make_course(tmp_path)
    first = certs.issue(engine, "peserta1", course, "Ibu Siti Aminah", ISSUER)
    again = certs.issue(engine, "peserta1", course, "Nama Baru", "Kantor Lain")
    assert again == first
    assert (first.display_name, first.issuer, first.hours) == ("Ibu Siti Aminah", ISSUER, 2)
    assert (first.course_title, first.certificate_name) == (
        "Jualan Online",
        "Pemasaran Digital UMKM",
    )
    other = certs.issue(engine, "peserta2", course, "Bapak Made", ISSUER)
    assert other.code != first.code


def test_two_downloads_at_once_issue_one_certificate(engine, tmp_path):
    course = make_course(tmp_path)
    got, barrier = [], threading.Barrier(6)

    def download():
        barrier.wait()
        got.append(certs.issue(engine, "peserta1", course, "Ibu Siti", ISSUER).code)

    threads = [threading.Thread(target=download) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(got)) == 1 and len(got) == 6
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(certs.certificates_table)).scalar()
    assert rows == 1


# -- revoking -----------------------------------------------------------------------------
def test_revoke_needs_a_reason_and_a_known_code_and_changes_nothing_otherwise(engine, tmp_path):
    cert = issued(engine, tmp_path)
    for code, reason, message in (
        (cert.code, "  ", "reason is required"),
        (cert.code, "x" * 501, "longer than 500"),
        (certs.new_code(), "salah nama", "unknown certificate code"),
    ):
        with pytest.raises(certs.CertificateError, match=message):
            certs.revoke(engine, code, reason)
    assert certs.verify(engine, cert.code)[0] == certs.VALID


def test_a_revoked_certificate_stays_revoked(engine, tmp_path):
    course = make_course(tmp_path)
    cert = certs.issue(engine, "peserta1", course, "Ibu Siti", ISSUER)
    revoked = certs.revoke(engine, cert.code, "Bukan peserta\nkelas ini")
    assert revoked.status == certs.REVOKED and revoked.revoked_reason == "Bukan peserta kelas ini"
    assert certs.verify(engine, cert.code)[0] == certs.REVOKED
    with pytest.raises(certs.CertificateError, match="already revoked"):
        certs.revoke(engine, cert.code, "lagi")
    # The learner's next download returns the revoked one, not a fresh certificate.
    assert certs.issue(engine, "peserta1", course, "Ibu Siti", ISSUER).code == cert.code


def test_revoke_with_allow_new_lets_the_learner_get_a_corrected_certificate(engine, tmp_path):
    course = make_course(tmp_path)
    old = certs.issue(engine, "peserta1", course, "Ibu Siti Aminh", ISSUER)
    certs.revoke(engine, old.code, "nama salah ketik", allow_new=True)
    new = certs.issue(engine, "peserta1", course, "Ibu Siti Aminah", ISSUER)
    assert new.code != old.code and new.display_name == "Ibu Siti Aminah"
    assert certs.verify(engine, old.code)[0] == certs.REVOKED
    assert certs.verify(engine, new.code)[0] == certs.VALID
    assert [c.code for c in certs.certificates(engine, "peserta1")] == [old.code, new.code]


def test_an_already_revoked_certificate_can_still_be_made_replaceable(engine, tmp_path):
    course = make_course(tmp_path)
    old = certs.issue(engine, "peserta1", course, "Ibu Siti", ISSUER)
    certs.revoke(engine, old.code, "dicabut")
    certs.revoke(engine, old.code, "boleh terbit lagi", allow_new=True)
    assert certs.get(engine, old.code).revoked_reason == "dicabut"  # the first reason stays
    assert certs.issue(engine, "peserta1", course, "Ibu Siti", ISSUER).code != old.code


# -- the PDF ------------------------------------------------------------------------------
def pdf_text_and_qr(pdf: bytes) -> tuple[str, list[str], list[tuple]]:
    """The page's text, the QR codes a scanner reads off the rendered page, and text boxes."""
    doc = pdfium.PdfDocument(pdf)
    try:
        assert len(doc) == 1
        page = doc[0]
        width, height = page.get_size()
        assert (round(width), round(height)) == (842, 595)  # A4 landscape
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        boxes = [textpage.get_rect(i) for i in range(textpage.count_rects())]
        image = page.render(scale=2).to_pil()
        codes = [b.text for b in zxingcpp.read_barcodes(image) if b.format.name == "QRCode"]
        textpage.close()
        page.close()
    finally:
        doc.close()
    return " ".join(text.split()), codes, boxes


def certificate(name="Ibu Siti Aminah", **changes):
    values = {
        "code": certs.new_code(),
        "username": "peserta1",
        "course": "pembayaran-digital",
        "display_name": name,
        "course_title": "Pembayaran Digital: QRIS dan Mobile Banking",
        "certificate_name": "Pembayaran Digital: QRIS dan Mobile Banking",
        "hours": 1,
        "issuer": ISSUER,
        "issued_at": datetime(2026, 3, 11, 20, 30, tzinfo=UTC),  # 12 March in Jakarta
        "revoked_at": None,
        "revoked_reason": None,
        **changes,
    }
    return certs.Certificate(**values)


def assert_inside_page(boxes):
    for left, bottom, right, top in boxes:
        assert left >= 30 and right <= PAGE[0] - 30 and bottom >= 30 and top <= PAGE[1] - 30


def test_the_pdf_says_who_what_how_long_when_who_issued_and_its_code_and_qr():
    cert = certificate(certificate_name="Pemasaran Digital UMKM", hours=3)
    text, qr, boxes = pdf_text_and_qr(render_certificate(cert, URL + cert.code))
    for expected in (
        "SERTIFIKAT",
        "Ibu Siti Aminah",
        "Pemasaran Digital UMKM",
        "(kursus Pembayaran Digital: QRIS dan Mobile Banking)",
        "Lama pelatihan: 3 jam",
        "Diterbitkan pada 12 Maret 2026",
        ISSUER,
        f"Kode sertifikat: {cert.code}",
    ):
        assert expected in text
    assert qr == [URL + cert.code]
    assert_inside_page(boxes)


def test_the_same_certificate_renders_to_the_same_bytes():
    cert = certificate()
    assert render_certificate(cert, URL + cert.code) == render_certificate(cert, URL + cert.code)


@pytest.mark.parametrize(
    "name",
    [
        "Nur'aini binti Ma'ruf",
        "Đặng Thị Ngọc Ánh",
        "Ελένη Παπαδοπούλου",
        "Наталья Иванова",
        'Siti <b>Aminah</b> & "Ibu"',
        "Cu\u0301t Nya\u0300 Di\u0302n",  # decomposed accents are composed before drawing
    ],
)
def test_names_with_apostrophes_and_non_latin_letters_print_as_written(name):
    import unicodedata

    cert = certificate(name)
    text, qr, boxes = pdf_text_and_qr(render_certificate(cert, URL + cert.code))
    assert unicodedata.normalize("NFC", name) in text
    assert qr == [URL + cert.code]
    assert_inside_page(boxes)


@pytest.mark.skipif(not FALLBACK_FONTS[0].is_file(), reason="fonts-droid-fallback not installed")
def test_chinese_characters_come_from_the_fallback_font():
    cert = certificate("Liem 林 Swie Hoa")
    text, _qr, _boxes = pdf_text_and_qr(render_certificate(cert, URL + cert.code))
    assert "Liem 林 Swie Hoa" in text


@pytest.mark.parametrize(
    "name, whole",
    [
        ("Raden Ayu Siti Nur'aini Kusumaningtyas Prawiranegara binti Haji Muhammad", True),
        (" ".join(["Kusumawardhani"] * 12), True),  # 179 characters: three lines
        ("A" * 200, True),  # one 200-letter "word": broken between letters
        ("W" * 200, False),  # wider than three lines at the smallest size: cut with an ellipsis
    ],
)
def test_very_long_names_shrink_and_wrap_to_fit_the_page(name, whole):
    cert = certificate(name)
    text, qr, boxes = pdf_text_and_qr(render_certificate(cert, URL + cert.code))
    assert_inside_page(boxes)
    assert qr == [URL + cert.code]
    if whole:
        assert name.replace(" ", "") in text.replace(" ", "")  # lines rejoin to the name
    else:
        assert "…" in text and "W" * 150 in text.replace(" ", "")
    # The rest of the certificate is still there, below the name.
    assert "Pembayaran Digital" in text and f"Kode sertifikat: {cert.code}" in text


def test_without_dejavu_the_certificate_still_renders_in_helvetica(tmp_path):
    fonts = Fonts(font_dir=tmp_path, fallbacks=())
    assert fonts.face() == ("Helvetica",) and fonts.face(bold=True) == ("Helvetica-Bold",)
    cert = certificate("Nur'aini Siti")
    text, qr, _boxes = pdf_text_and_qr(render_certificate(cert, URL + cert.code, fonts=fonts))
    assert "Nur'aini Siti" in text and qr == [URL + cert.code]


@pytest.mark.parametrize(
    "moment, zone, shown",
    [
        (datetime(2026, 3, 11, 20, 30, tzinfo=UTC), "Asia/Jakarta", "12 Maret 2026"),
        (datetime(2026, 3, 11, 16, 30, tzinfo=UTC), "Asia/Jakarta", "11 Maret 2026"),
        (datetime(2026, 12, 31, 15, 30, tzinfo=UTC), "Asia/Jayapura", "1 Januari 2027"),
    ],
)
def test_dates_are_in_indonesian_in_the_deployments_time_zone(moment, zone, shown):
    assert indonesian_date(moment, zone) == shown
