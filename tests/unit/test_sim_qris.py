"""The QRIS simulators driven in-process, tap by tap, inside a lesson with a local checker."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest

from naikkelas.widgets import Lesson
from naikkelas.widgets.client import LocalClient
from naikkelas.widgets.qris import encode, to_png
from naikkelas.widgets.qris_practice import BAKSO_JAYA, TOKO_MAJU
from naikkelas.widgets.simulators import (
    FakeSticker,
    MdrCalculator,
    PaymentNotification,
    QrisCheckout,
    StickerCheck,
)


def lesson_with(sim, answer=None, feedback=None):
    key = {}
    if sim.question_id:
        key[sim.question_id] = {
            "type": "scenario",
            "answer": answer,
            "feedback": feedback or {"x": "y"},
        }
    lesson = Lesson("Uji", client=LocalClient(key))
    lesson.screen("Latihan", sim)
    lesson.show()
    return lesson


def text(sim) -> str:
    """What the phone shows, as plain text."""
    html = " ".join(
        c.value for c in sim.stage.children if isinstance(getattr(c, "value", None), str)
    )
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def tap(sim, label: str) -> None:
    buttons = [c for c in sim.stage.children if getattr(c, "description", None) == label]
    assert buttons, f"no button {label!r} on: {text(sim)}"
    buttons[0].click()


# -- checkout --------------------------------------------------------------------------------
def test_checkout_at_a_fake_sticker_wrong_then_right():
    sim = QrisCheckout("bayar", code=TOKO_MAJU)
    lesson_with(sim, ["cancelled_wrong_merchant"], {"wrong_merchant_paid": "Nama berbeda!"})
    assert "BAKSO PAK RAHMAT" in text(sim) and "Rp15.000" in text(sim)
    assert "data:image/png;base64," in sim.stage.children[0].value
    tap(sim, "Pindai kode QR")
    assert "TOKO MAJU SENTOSA" in text(sim) and "ID2024000098765" in text(sim)
    tap(sim, "Ya, namanya sama")
    sim.amount_box.value = "15rb"
    tap(sim, "Bayar")
    assert sim.outcome == "wrong_merchant_paid"
    assert "Rp15.000 terkirim ke TOKO MAJU SENTOSA" in text(sim)
    assert "Nama berbeda!" in sim.feedback.value and not sim.correct
    sim.again.click()
    tap(sim, "Pindai kode QR")
    tap(sim, "Tidak sama. Batalkan")
    assert sim.outcome == "cancelled_wrong_merchant" and sim.correct
    assert "Anda tidak membayar" in text(sim)


def test_checkout_static_code_asks_for_a_readable_amount():
    sim = QrisCheckout("bayar")
    lesson_with(sim, ["paid"])
    tap(sim, "Pindai kode QR")
    tap(sim, "Ya, namanya sama")
    assert "ketik sendiri nominal" in text(sim)
    for typed, says in [("", "Ketik nominalnya dulu"), ("lima belas", "tidak terbaca")]:
        sim.amount_box.value = typed
        tap(sim, "Bayar")
        assert sim.outcome is None and says in sim.message.value
    sim.amount_box.value = "1500"  # a zero short
    tap(sim, "Bayar")
    assert sim.outcome == "wrong_amount" and "Rp1.500" in text(sim)
    sim.again.click()
    tap(sim, "Pindai kode QR")
    tap(sim, "Ya, namanya sama")
    sim.amount_box.value = "Rp15.000"
    tap(sim, "Bayar")
    assert sim.outcome == "paid" and sim.correct


def test_checkout_dynamic_code_shows_the_amount_inside():
    sim = QrisCheckout("bayar", dynamic=True, code_amount=150_000)
    lesson_with(sim, ["cancelled_wrong_amount"])
    tap(sim, "Pindai kode QR")
    tap(sim, "Ya, namanya sama")
    assert not hasattr(sim, "amount_box")
    assert "Nominal (sudah ada di dalam kode) Rp150.000" in text(sim)
    tap(sim, "Batalkan")
    assert sim.outcome == "cancelled_wrong_amount" and sim.correct


def test_checkout_dynamic_code_with_the_price_can_be_paid():
    sim = QrisCheckout("bayar", dynamic=True)
    lesson_with(sim, ["paid"])
    tap(sim, "Pindai kode QR")
    tap(sim, "Ya, namanya sama")
    tap(sim, "Bayar Rp15.000")
    assert sim.outcome == "paid" and sim.correct


def test_checkout_refuses_an_amount_in_a_static_code():
    with pytest.raises(ValueError):
        QrisCheckout("bayar", code_amount=15_000)


def test_a_double_tap_pays_once():
    sim = QrisCheckout("bayar", dynamic=True)
    lesson = lesson_with(sim, ["paid"])
    tap(sim, "Pindai kode QR")
    tap(sim, "Ya, namanya sama")
    pay = next(c for c in sim.stage.children if getattr(c, "description", "") == "Bayar Rp15.000")
    pay.click()
    pay.click()
    assert lesson.client.answers["bayar"]["attempts"] == 1


def test_a_saved_outcome_is_shown_again():
    client = LocalClient({"bayar": {"type": "scenario", "answer": ["cancelled_wrong_merchant"]}})
    first = QrisCheckout("bayar", code=TOKO_MAJU)
    lesson = Lesson("Uji", client=client)
    lesson.screen("Latihan", first)
    lesson.show()
    tap(first, "Pindai kode QR")
    tap(first, "Tidak sama. Batalkan")
    again = QrisCheckout("bayar", code=TOKO_MAJU)
    lesson = Lesson("Uji", client=client)
    lesson.screen("Latihan", again)
    lesson.show()
    assert again.correct and "Anda tidak membayar" in text(again)


# -- fake sticker ----------------------------------------------------------------------------
def test_fake_sticker_missed_then_spotted_and_removed():
    sim = FakeSticker("stiker")
    lesson_with(sim, ["spotted_fake"])
    assert "nk-qris-pasted" in sim.stage.children[0].value
    tap(sim, "Pindai stiker, baca namanya")
    assert "BAKSO RAHMAT JAYA" in text(sim) and "ID2024000054321" in text(sim)
    tap(sim, "Sama semua: stiker asli")
    assert sim.outcome == "missed_fake" and "Yang berbeda: Nama toko, Kota, NMID" in text(sim)
    sim.again.click()
    tap(sim, "Pindai stiker, baca namanya")
    tap(sim, "Ada yang berbeda: stiker palsu")
    tap(sim, "Lepas stiker itu, lalu hubungi penyedia QRIS")
    assert sim.outcome == "spotted_fake" and sim.correct


def test_fake_sticker_not_scanned_or_left_in_place():
    sim = FakeSticker(None)
    lesson_with(sim)
    tap(sim, "Stiker terlihat biasa. Langsung berjualan")
    assert sim.outcome == "not_checked" and "BAKSO RAHMAT JAYA" in text(sim)
    sim.again.click()
    tap(sim, "Pindai stiker, baca namanya")
    tap(sim, "Ada yang berbeda: stiker palsu")
    tap(sim, "Biarkan dulu, nanti saja diurus")
    assert sim.outcome == "fake_left"


def test_a_genuine_sticker_is_recognised():
    sim = FakeSticker("stiker", swapped=False)
    lesson_with(sim, ["genuine_ok"])
    assert "nk-qris-pasted" not in sim.stage.children[0].value
    tap(sim, "Pindai stiker, baca namanya")
    tap(sim, "Ada yang berbeda: stiker palsu")
    tap(sim, "Lepas stiker itu, lalu hubungi penyedia QRIS")
    assert sim.outcome == "false_alarm" and not sim.correct
    sim.again.click()
    tap(sim, "Pindai stiker, baca namanya")
    tap(sim, "Sama semua: stiker asli")
    assert sim.outcome == "genuine_ok" and sim.correct


def test_a_fake_identical_to_the_shop_is_refused():
    from naikkelas.widgets.qris_practice import BAKSO_RAHMAT

    with pytest.raises(ValueError):
        FakeSticker("stiker", fake=BAKSO_RAHMAT)
    FakeSticker("stiker", fake=BAKSO_JAYA)


# -- payment notification --------------------------------------------------------------------
def test_screenshot_then_own_app_then_hold():
    sim = PaymentNotification("bukti")
    lesson_with(sim, ["held_unpaid"])
    assert "Transfer berhasil Rp250.000" in text(sim) and "Foto layar dari HP pembeli" in text(sim)
    tap(sim, "Serahkan kain batik sekarang")
    assert sim.outcome == "handed_on_screenshot" and "Foto itu palsu" in text(sim)
    sim.again.click()
    tap(sim, "Buka aplikasi penjual saya dulu")
    assert "+Rp250.000 Pembayaran QRIS masuk Kemarin, pukul 16.20" in text(sim)
    tap(sim, "Uang sudah masuk: serahkan kain batik")
    assert sim.outcome == "handed_unpaid" and "dari kemarin, pukul 16.20" in text(sim)
    sim.again.click()
    tap(sim, "Buka aplikasi penjual saya dulu")
    tap(sim, "Uang belum masuk: tahan kain batik")
    assert sim.outcome == "held_unpaid" and sim.correct


def test_a_payment_that_arrived_is_on_top_of_the_inbox():
    sim = PaymentNotification("bukti", arrived=True, price=35_000, item="batik cap")
    lesson_with(sim, ["handed_paid"])
    tap(sim, "Buka aplikasi penjual saya dulu")
    assert "di atas: +Rp35.000 Pembayaran QRIS masuk Hari ini, pukul 10.41" in text(sim)
    tap(sim, "Uang belum masuk: tahan batik cap")
    assert sim.outcome == "held_paid" and "pukul 10.41" in text(sim)
    sim.again.click()
    tap(sim, "Buka aplikasi penjual saya dulu")
    tap(sim, "Uang sudah masuk: serahkan batik cap")
    assert sim.outcome == "handed_paid" and sim.correct


# -- MDR calculator --------------------------------------------------------------------------
def test_mdr_calculator_who_pays_then_no_surcharge():
    sim = MdrCalculator("mdr")
    lesson_with(sim, ["merchant_pays"], {"surcharge": "Dilarang!"})
    assert sim.amount_box.value == "Rp600.000" and sim.picker.value == "UMI"
    tap(sim, "Hitung MDR")
    shown = text(sim)
    assert "MDR 0,3% Rp1.800" in shown and "Uang bersih penjual Rp598.200" in shown
    tap(sim, "Pembeli")
    assert sim.outcome == "buyer_pays"
    sim.again.click()
    tap(sim, "Hitung MDR")
    tap(sim, "Penjual")
    tap(sim, "Boleh")
    assert sim.outcome == "surcharge" and "Dilarang!" in sim.feedback.value
    assert "PBI No. 23/6/PBI/2021 pasal 52" in text(sim)
    sim.again.click()
    tap(sim, "Hitung MDR")
    tap(sim, "Penjual")
    tap(sim, "Tidak boleh")
    assert sim.outcome == "merchant_pays" and sim.correct
    assert "Pembeli membayar Rp600.000 saja. Anda menerima Rp598.200." in text(sim)


def test_mdr_calculator_reads_what_is_typed_and_keeps_it():
    sim = MdrCalculator(None, amount=None)
    lesson_with(sim)
    tap(sim, "Hitung MDR")
    assert "Ketik nominalnya dulu" in sim.message.value
    sim.amount_box.value = "<b>banyak</b>"
    tap(sim, "Hitung MDR")
    assert "tidak terbaca" in sim.message.value and "<b>banyak" not in sim.message.value
    sim.amount_box.value = "150rb"
    tap(sim, "Hitung MDR")
    assert "MDR 0% Rp0" in text(sim) and "sejak 1 Desember 2024" in text(sim)
    tap(sim, "Hitung lagi")
    assert sim.amount_box.value == "150rb"
    sim.picker.index = None  # no choice sent: the last one counts
    tap(sim, "Hitung MDR")
    assert "UMI: usaha mikro" in text(sim)
    tap(sim, "Hitung lagi")
    sim.picker.value = "UKE"
    tap(sim, "Hitung MDR")
    assert "tanyakan tarifnya kepada penyedia QRIS" in text(sim)
    assert "Uang bersih" not in text(sim)


# -- sticker check ---------------------------------------------------------------------------
def upload(button, name: str, data: bytes, kind: str = "image/png") -> None:
    button.value = (
        {
            "name": name,
            "type": kind,
            "size": len(data),
            "content": memoryview(data),
            "last_modified": datetime.now(UTC),
        },
    )


def png_of(payload: str) -> bytes:
    out = io.BytesIO()
    to_png(payload, out)
    return out.getvalue()


def test_sticker_check_reads_a_photo_and_keeps_nothing():
    sim = StickerCheck()
    lesson = lesson_with(sim)
    assert lesson.questions == {}
    assert sim.upload.accept == "image/*" and sim.upload.icon == ""
    upload(sim.upload, "stiker.png", png_of(TOKO_MAJU.payload()))
    assert sim.upload.value == ()
    shown = text(sim)
    assert "Nama toko TOKO MAJU SENTOSA" in shown and "Kota JAKARTA" in shown
    assert "NMID ID2024000098765" in shown and "Apakah ini nama toko dan NMID Anda?" in shown
    tap(sim, "Bukan, ini bukan toko saya")
    assert sim.outcome == "not_mine" and "Lepas stiker itu" in text(sim)


@pytest.mark.parametrize(
    "name, data, says",
    [
        ("catatan.txt", b"halo", "bukan gambar"),
        ("foto.jpg", b"\xff\xd8" + bytes(6 * 1024 * 1024), "terlalu besar"),
        ("rusak.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "bukan gambar yang bisa dibaca"),
    ],
)
def test_sticker_check_refuses_bad_files_with_a_message(name, data, says):
    sim = StickerCheck()
    lesson_with(sim)
    upload(sim.upload, name, data, "application/octet-stream")
    assert says in sim.message.value and sim.outcome is None
    assert sim.upload.value == ()
    upload(sim.upload, "stiker.png", png_of(TOKO_MAJU.payload()))  # and the next try works
    assert "TOKO MAJU SENTOSA" in text(sim)


def test_sticker_check_escapes_what_the_code_says():
    payload = encode("<img src=x onerror=1>", "KOTA", "ID2024000000001")
    sim = StickerCheck()
    lesson_with(sim)
    upload(sim.upload, "stiker.png", png_of(payload))
    html = sim.stage.children[0].value
    assert "<img src=x" not in html and "&lt;img src=x onerror=1&gt;" in html


def test_sticker_check_shows_warnings_of_a_code_that_bends_the_rules():
    sim = StickerCheck()
    lesson_with(sim)
    upload(sim.upload, "stiker.png", png_of(BAKSO_JAYA.payload(25_000)))
    shown = text(sim)
    assert "Nominal Rp25.000" in shown
    tap(sim, "Coba foto lain")
    assert sim.upload.value == () and sim.upload.description == "Pilih foto stiker"


def test_sticker_check_can_start_again_with_a_new_upload_button():
    sim = StickerCheck()
    lesson_with(sim)
    stuck = sim.upload
    tap(sim, "Mulai lagi")
    assert sim.upload is not stuck
    upload(stuck, "stiker.png", png_of(TOKO_MAJU.payload()))  # the old button is ignored
    assert "TOKO MAJU SENTOSA" not in text(sim) and stuck.value == ()
    upload(sim.upload, "stiker.png", png_of(TOKO_MAJU.payload()))
    assert "TOKO MAJU SENTOSA" in text(sim)
