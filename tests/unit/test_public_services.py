"""Public-service practice apps: the rules (plain functions) and each simulator, tap by tap."""

import hashlib
import hmac

import pytest

from naikkelas.widgets import Lesson
from naikkelas.widgets import public_services as ps
from naikkelas.widgets.client import LocalClient
from naikkelas.widgets.simulators import (
    DukcapilRequest,
    LaporComplaint,
    NibRegistration,
    PuskesmasBooking,
    TteSigning,
)

# -- personal data --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("NIK saya 3201234567890001", ["NIK"]),
        ("3201 2345 6789 0001", ["NIK"]),
        ("hubungi 0812-0000-0000", ["nomor HP"]),
        ("WA +62 812 0000 0000", ["nomor HP"]),
        ("kirim ke budi@contoh.id", ["alamat email"]),
        ("minta nomor hp tetangga", ["data pribadi"]),
        ("Saluran tersumbat sejak 12/3, RT 02", []),
        ("Tahun 2024 ada 34 pedagang", []),
        ("32012345678900011", []),  # 17 digits: not a NIK
        (None, []),
    ],
)
def test_personal_data_is_found_in_its_usual_shapes(text, kinds):
    assert ps.personal_data_in(text) == kinds


# -- NIB ------------------------------------------------------------------------------------------


def test_every_business_offers_four_groups_with_practice_codes_only():
    for case in ps.BUSINESSES.values():
        assert len(case.options) == 4 and case.right in case.options
        for key in case.options:
            assert ps.BUSINESS_GROUPS[key].code.startswith("LAT-")  # never a made-up KBLI code


def test_group_verdict_says_why_a_group_does_not_fit():
    assert ps.group_verdict("tahu-aci", "makanan-olahan")[0] is True
    ok, why = ps.group_verdict("tahu-aci", "pertanian-kedelai")
    assert not ok and "tidak menanam kedelai" in why
    assert ps.group_verdict("jahit", "pembuatan-pakaian")[0] is False
    assert ps.group_verdict("tahu-aci", "tidak-ada") == (
        False,
        "Pilih salah satu golongan dari daftar.",
    )


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Tahu Aci Bu Rahma", None),
        ("  Jahit Bu Nur  ", None),
        ("Batik Nik", None),
        ("", "Tulis nama usaha Anda dulu."),
        ("   ", "Tulis nama usaha Anda dulu."),
        (None, "Tulis nama usaha Anda dulu."),
        ("x" * 51, "Nama usaha terlalu panjang. Paling banyak 50 huruf."),
        ("Toko 3201234567890001", "Jangan tulis NIK, nomor HP, atau data pribadi di nama usaha."),
        ("12345", "Nama usaha perlu berisi huruf, bukan hanya angka atau tanda baca."),
    ],
)
def test_business_name_problems(name, problem):
    assert ps.business_name_problem(name) == problem


# -- puskesmas ------------------------------------------------------------------------------------


def test_queue_ticket_and_time_follow_the_earlier_registrations():
    # 14 patients before: number 15; 14 x 10 minutes after 08.00 is 10.20.
    assert ps.queue_ticket("umum", 14) == "U-015"
    assert ps.service_time(14) == "10.20"
    assert ps.queue_ticket("gigi", 0) == "G-001"
    assert ps.service_time(0) == "08.00"
    assert ps.service_time(31) == "13.10"  # 310 minutes = 5 h 10 min


def test_closed_days_are_explained():
    assert ps.day_problem("umum", "Minggu") == "Poli umum tutup hari Minggu. Pilih hari lain."
    assert ps.day_problem("umum", "Sabtu") is None
    assert ps.day_problem("gigi", "Jumat") == "Poli gigi tutup hari Jumat. Pilih hari lain."
    assert ps.day_problem("umum", "Hari Raya") == "Pilih poli dan hari dari daftar."


@pytest.mark.parametrize(
    ("poli", "day", "outcome"),
    [
        ("umum", "Rabu", "booked"),
        ("umum", "Senin", "wrong-day"),  # Bu Yuli sells at the market
        ("umum", "Minggu", "wrong-day"),  # closed
        ("gigi", "Rabu", "wrong-poli"),
        ("kia", "Senin", "wrong-poli"),
    ],
)
def test_booking_outcome(poli, day, outcome):
    assert ps.booking_outcome("mak-tijah", poli, day) == outcome


# -- Disdukcapil ----------------------------------------------------------------------------------

GOOD = {"surat-lahir": "jelas", "kk-lama": "jelas"}


def test_unreadable_or_missing_uploads_are_listed():
    assert ps.upload_problems("kk-bayi", GOOD) == []
    assert ps.upload_problems("kk-bayi", {"surat-lahir": "buram"}) == [
        "Surat keterangan lahir dari bidan atau rumah sakit: foto buram. "
        "Unggah ulang foto yang jelas.",
        "KK lama: belum diunggah.",
    ]


def test_every_upload_offers_exactly_one_readable_photo():
    for case in ps.REQUESTS.values():
        for photos in case.photos.values():
            assert [ps.PHOTOS[p].readable for p in photos].count(True) == 1


def test_status_moves_one_step_per_check_and_stops_at_a_bad_upload():
    assert [ps.status_after("kk-bayi", GOOD, n) for n in range(5)] == [
        "Terkirim",
        "Diperiksa petugas",
        "Disetujui",
        "Dokumen selesai",
        "Dokumen selesai",
    ]
    bad = {**GOOD, "kk-lama": "gelap"}
    assert ps.status_after("kk-bayi", bad, 1) == "Diperiksa petugas"
    assert ps.status_after("kk-bayi", bad, 2) == "Perlu diperbaiki"


# -- SP4N-LAPOR! ----------------------------------------------------------------------------------

GOOD_REPORT = (
    "Saluran air tersumbat sampah. Tempatnya di Jalan Mawar RT 02, depan warung gorengan. "
    "Sudah terjadi sejak dua minggu lalu."
)


def test_a_complete_polite_report_with_a_photo_is_sent():
    check = ps.check_report(GOOD_REPORT, "masalah")
    assert check.missing == [] and check.messages() == [] and check.outcome == "sent"


def test_missing_parts_are_named_for_the_learner():
    check = ps.check_report("Saluran air di depan warung saya tersumbat. Tolong dibersihkan.", "")
    assert check.present == {"apa": True, "di-mana": True, "kapan": False, "bukti": False}
    assert check.messages() == [
        "Belum ada: kapan, atau sejak kapan.",
        "Belum ada: foto masalahnya sebagai bukti.",
    ]
    assert check.outcome == "incomplete"
    assert ps.check_report("Ada masalah di sini, tolong dicek.", "masalah").missing == [
        "Apa masalahnya",
        "Di mana tepatnya",
        "Kapan, atau sejak kapan",
    ]


@pytest.mark.parametrize(
    "text",
    [
        GOOD_REPORT + " Petugasnya malas.",
        GOOD_REPORT.upper(),  # shouting
        GOOD_REPORT + " Tolong!!!",
    ],
)
def test_rude_reports_are_impolite(text):
    check = ps.check_report(text, "masalah")
    assert check.rude and check.outcome == "impolite"
    assert check.messages() == ["Tulis dengan sopan. Tanpa kata kasar dan tanpa huruf besar semua."]


def test_others_personal_data_comes_first():
    check = ps.check_report(GOOD_REPORT + " Pelakunya nomor HP-nya 0812-0000-0000!!!", "orang")
    assert check.personal == ["nomor HP", "foto wajah orang"]
    assert check.outcome == "personal-data"
    assert check.messages()[0] == (
        "Hapus data pribadi orang lain (nomor HP, foto wajah orang). "
        "Laporan membahas masalahnya, bukan orangnya."
    )
    assert "Belum ada: foto masalahnya sebagai bukti." in check.messages()


def test_check_report_takes_anything_without_raising():
    assert ps.check_report(None, "tidak-ada").outcome == "incomplete"
    assert ps.check_report("<script>" * 500).outcome == "incomplete"


def test_the_offered_sentences_are_what_they_claim():
    case = ps.COMPLAINTS["saluran"]
    good = [case.sentences["apa"][2], case.sentences["di-mana"][0], case.sentences["kapan"][1]]
    assert ps.check_report(" ".join(good), "masalah").outcome == "sent"
    assert ps.check_report(case.sentences["apa"][0], "masalah").rude
    assert ps.personal_data_in(case.sentences["di-mana"][2]) == ["nomor HP"]


# -- TTE ------------------------------------------------------------------------------------------


def test_fingerprint_is_sha256_of_the_fields_in_order():
    text = (
        "nomor=CONTOH/001/KEL\njenis=Surat Keterangan Tidak Mampu (SKTM)\nnama=Tarmi\n"
        "keperluan=Keringanan biaya sekolah anak\npenanda_tangan=Slamet, Lurah Contoh"
    )
    assert ps.fingerprint(ps.SAMPLE_LETTER) == hashlib.sha256(text.encode()).hexdigest()


def test_a_signed_letter_verifies_and_a_changed_one_does_not():
    signer = ps.SAMPLE_LETTER.penanda_tangan
    signed = ps.sign(ps.SAMPLE_LETTER, signer, "kopi manis pagi")
    key = hashlib.sha256(b"tte-latihan:kopi manis pagi").digest()
    expected = hmac.new(key, ps.fingerprint(ps.SAMPLE_LETTER).encode(), "sha256").hexdigest()
    assert signed.seal == expected
    keys = {signer: key}
    assert ps.verify(signed, keys).can_process
    changed = ps.Signed(
        ps.SAMPLE_LETTER.changed(keperluan="Biaya rumah sakit"), signer, signed.seal
    )
    result = ps.verify(changed, keys)
    assert result.known_signer and not result.intact and not result.can_process
    assert ps.verification_text(result)[1] == "PERINGATAN: isi surat DIUBAH setelah ditandatangani."
    stranger = ps.Signed(ps.SAMPLE_LETTER, "Orang Lain", signed.seal)
    assert ps.verification_text(ps.verify(stranger, keys))[1] == "Penanda tangan TIDAK dikenal."


def test_a_seal_made_with_another_passphrase_does_not_verify():
    signer = ps.SAMPLE_LETTER.penanda_tangan
    forged = ps.sign(ps.SAMPLE_LETTER, signer, "tebakan")
    assert not ps.verify(forged, {signer: ps.signing_key("kopi manis pagi")}).intact


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("kopi manis pagi", True),
        ("  kopi manis pagi ", True),
        ("Kopi Manis Pagi", False),
        ("kopi manis", False),
        ("", False),
        (None, False),
        ("k" * 1000, False),
    ],
)
def test_passphrase_check(typed, ok):
    assert ps.passphrase_ok(typed) is ok


# -- the simulators, tap by tap -------------------------------------------------------------------

KEY = {
    "nib": {"type": "scenario", "answer": ["nib-issued"], "feedback": {"wrong-kbli": "Salah"}},
    "puskesmas": {"type": "scenario", "answer": ["booked"]},
    "dukcapil": {"type": "scenario", "answer": ["completed"]},
    "lapor": {"type": "scenario", "answer": ["sent"]},
    "tte": {"type": "scenario", "answer": ["signed-checked"]},
}


def on_lesson(sim):
    lesson = Lesson("Uji", client=LocalClient(KEY))
    lesson.screen("Latihan", sim)
    lesson.show()
    return sim


def tap(sim, label):
    matches = [c for c in sim.stage.children if getattr(c, "description", None) == label]
    if not matches:  # buttons inside a row of photos
        matches = [
            b
            for c in sim.stage.children
            for col in getattr(c, "children", ())
            for b in getattr(col, "children", ())
            if getattr(b, "description", None) == label
        ]
    assert matches, f"no button {label!r} on screen: {screen_text(sim)[:300]}"
    matches[0].click()


def screen_text(sim):
    return " ".join(getattr(c, "value", "") for c in sim.stage.children)


def test_nib_wrong_group_then_right_group():
    sim = on_lesson(NibRegistration("nib"))
    tap(sim, "Mulai: buat akun")
    nik = sim.stage.children[1].children[1]
    assert nik.disabled and nik.value.startswith("CONTOH")  # never a real NIK
    tap(sim, "Buat akun")
    box = sim.name_box
    box.value = "<b>Tahu</b> 0812-0000-0000"
    tap(sim, "Simpan nama usaha")
    assert "Jangan tulis NIK" in sim.name_note.value
    box.value = "<b>Tahu Aci</b>"
    tap(sim, "Simpan nama usaha")
    tap(sim, "LAT-03 · Rumah makan dan restoran")
    assert "&lt;b&gt;Tahu Aci&lt;/b&gt;" in screen_text(sim)  # the learner's text, escaped
    tap(sim, "Kirim pendaftaran")
    assert sim.outcome == "wrong-kbli" and "Salah" in sim.feedback.value
    assert "tidak melayani orang makan di tempat" in screen_text(sim)
    sim.again.click()
    tap(sim, "Mulai: buat akun")
    tap(sim, "Buat akun")
    tap(sim, "Simpan nama usaha")
    tap(sim, "LAT-02 · Pertanian kedelai")
    tap(sim, "Ubah golongan usaha")
    tap(sim, "LAT-01 · Pembuatan makanan olahan dari tahu")
    tap(sim, "Kirim pendaftaran")
    assert sim.outcome == "nib-issued" and sim.correct
    assert ps.PRACTICE_NIB in screen_text(sim) and "Tahu Aci Bu Rahma" in screen_text(sim)


def test_puskesmas_closed_day_wrong_day_then_booked():
    sim = on_lesson(PuskesmasBooking("puskesmas"))
    assert sim.stage.children[1].children[1].disabled  # the NIK field cannot be typed in
    tap(sim, "Lanjut: pilih poli")
    tap(sim, "Poli umum: batuk, demam, dan keluhan umum")
    tap(sim, "Minggu · tutup")
    assert "Poli umum tutup hari Minggu" in sim.day_note.value
    tap(sim, "Senin · 31 orang sudah mendaftar")
    tap(sim, "Daftar sekarang")
    assert sim.outcome == "wrong-day" and not sim.correct
    assert "U-032" in screen_text(sim)
    sim.again.click()
    tap(sim, "Lanjut: pilih poli")
    tap(sim, "Poli umum: batuk, demam, dan keluhan umum")
    tap(sim, "Rabu · 14 orang sudah mendaftar")
    tap(sim, "Daftar sekarang")
    assert sim.outcome == "booked" and sim.correct
    assert "U-015" in screen_text(sim) and "sekitar pukul 10.20" in screen_text(sim)


def upload_and_follow(sim, photos, ignore=True):
    tap(sim, "Mulai permohonan")
    tap(sim, "Sudah dibaca. Lanjut unggah")
    for photo in photos:
        tap(sim, photo)
    tap(sim, "Kirim permohonan")
    assert "Terkirim" in screen_text(sim)
    tap(sim, "Cek status")
    if not ignore:
        tap(sim, "Kirim foto KK ke orang itu")
        return
    tap(sim, "Abaikan. Tunggu dan cek status di aplikasi resmi")
    tap(sim, "Cek status")


def test_dukcapil_bad_photo_stranger_then_completed():
    sim = on_lesson(DukcapilRequest("dukcapil"))
    upload_and_follow(sim, ["Foto A", "Foto C"])  # surat lahir blurred, KK clear
    assert sim.outcome == "photo-rejected"
    assert "Surat keterangan lahir dari bidan atau rumah sakit: foto buram" in screen_text(sim)
    sim.again.click()
    upload_and_follow(sim, ["Foto B", "Foto C"], ignore=False)
    assert sim.outcome == "shared-data" and not sim.correct
    sim.again.click()
    upload_and_follow(sim, ["Foto B", "Foto C"])
    assert "Disetujui" in screen_text(sim)
    tap(sim, "Cek status")
    assert sim.outcome == "completed" and sim.correct


def write_report(sim, apa, di_mana, kapan, note, photo):
    tap(sim, "Tulis laporan")
    tap(sim, apa)
    tap(sim, di_mana)
    tap(sim, kapan)
    sim.note_box.value = note
    tap(sim, "Lanjut")
    tap(sim, photo)


def test_lapor_checker_tells_what_is_missing_then_a_good_report_is_sent():
    case = ps.COMPLAINTS["saluran"]
    sim = on_lesson(LaporComplaint("lapor"))
    write_report(
        sim,
        case.sentences["apa"][2],
        "Tempatnya di sini.",
        "Pokoknya sudah lama sekali.",
        "<i>x</i>",
        "Tanpa foto",
    )
    assert "&lt;i&gt;x&lt;/i&gt;" in screen_text(sim)
    tap(sim, "Periksa laporan dulu")
    text = screen_text(sim)
    assert "Belum ada: di mana tepatnya." in text and "Belum ada: foto masalahnya" in text
    tap(sim, "Kirim laporan")
    assert sim.outcome == "incomplete" and not sim.correct
    sim.again.click()
    tap(sim, "Tulis laporan")
    tap(sim, case.sentences["apa"][2])
    tap(sim, case.sentences["di-mana"][0])
    tap(sim, case.sentences["kapan"][1])
    sim.note_box.value = "x" * 201
    tap(sim, "Lanjut")
    assert "Paling banyak 200 huruf" in sim.note_note.value
    sim.note_box.value = "Mohon dibersihkan. Terima kasih."
    tap(sim, "Lanjut")
    tap(sim, "Foto saluran yang tersumbat")
    tap(sim, "Periksa laporan dulu")
    assert "Laporan sudah baik" in screen_text(sim)
    tap(sim, "Kirim laporan")
    assert sim.outcome == "sent" and sim.correct


def test_tte_colleague_passphrase_and_a_changed_letter():
    sim = on_lesson(TteSigning("tte"))
    tap(sim, "Buka surat")
    tap(sim, "Isi cocok. Tanda tangani")
    tap(sim, "Sebutkan passphrase kepada Pak Budi")
    assert sim.outcome == "shared-passphrase" and not sim.correct
    sim.again.click()  # second play: the colleague stays away ("sometimes")
    tap(sim, "Buka surat")
    tap(sim, "Isi cocok. Tanda tangani")
    sim.pass_box.value = "kopi manis"
    tap(sim, "Tanda tangani")
    assert "Passphrase salah" in sim.pass_note.value
    sim.pass_box.value = "kopi manis pagi"
    tap(sim, "Tanda tangani")
    assert sim.pass_box.value == ""  # not left in the page
    tap(sim, "Lanjut: periksa surat")
    tap(sim, "Periksa tanda tangan")
    assert "Isi surat utuh" in screen_text(sim)
    tap(sim, "Proses surat")
    tap(sim, "Periksa tanda tangan")
    assert "DIUBAH setelah ditandatangani" in screen_text(sim)
    tap(sim, "Proses surat")
    assert sim.outcome == "processed-changed"
    sim.again.click()  # third play: the colleague asks again
    tap(sim, "Buka surat")
    tap(sim, "Isi cocok. Tanda tangani")
    tap(sim, "Tolak dengan sopan. Passphrase hanya untuk saya")
    sim.pass_box.value = "kopi manis pagi"
    tap(sim, "Tanda tangani")
    tap(sim, "Lanjut: periksa surat")
    tap(sim, "Periksa tanda tangan")
    tap(sim, "Proses surat")
    tap(sim, "Periksa tanda tangan")
    tap(sim, "Jangan proses. Tanyakan ke kantor penerbit")
    assert sim.outcome == "signed-checked" and sim.correct


def test_tte_checking_only_refusing_the_valid_letter():
    sim = TteSigning(None, start="verify", colleague=False)
    tap(sim, "Periksa tanda tangan")
    tap(sim, "Jangan proses. Tanyakan ke kantor penerbit")
    assert sim.outcome == "refused-valid"


@pytest.mark.parametrize(
    ("make", "outcome"),
    [
        (lambda: NibRegistration("nib"), "nib-issued"),
        (lambda: PuskesmasBooking("puskesmas"), "booked"),
        (lambda: DukcapilRequest("dukcapil"), "completed"),
        (lambda: LaporComplaint("lapor"), "sent"),
        (lambda: TteSigning("tte"), "signed-checked"),
    ],
)
def test_a_saved_outcome_is_drawn_again_on_resume(make, outcome):
    client = LocalClient(KEY)
    first = make()
    lesson = Lesson("Uji", client=client)
    lesson.screen("Latihan", first)
    lesson.show()
    first.done(outcome)
    again = make()
    lesson = Lesson("Uji", client=client)
    lesson.screen("Latihan", again)
    lesson.show()
    assert again.outcome == outcome and again.correct
    assert "nk-app" in screen_text(again)


def test_unknown_cases_are_refused_for_the_trainer():
    with pytest.raises(ValueError, match="unknown business"):
        NibRegistration(None, business="bengkel")
    with pytest.raises(ValueError, match="start must be"):
        TteSigning(None, start="tengah")
