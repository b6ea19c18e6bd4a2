"""One marketplace order as a practice story: the steps from "pesanan baru" to the courier, a
buyer's chat, a complaint, and how each way of handling them ends (the buyer's stars and review).

Plain data and functions behind `OrderFlow` (`naikkelas.widgets.simulators.marketplace`); the
buyer, the order and the deadline are made up.
"""

from __future__ import annotations

from dataclasses import dataclass

ORDER_STEPS = {
    "stok": "Cek stok barang",
    "kemas": "Kemas barang",
    "label": "Cetak dan tempel label",
    "kurir": "Serahkan ke kurir",
}
BUTTON_ORDER = ("label", "stok", "kurir", "kemas")  # not the right order: the learner finds it
ORDER_CARD = (
    "Pesanan baru · LATIHAN-0412",
    "2 × Kemeja batik Tegalan, ukuran L, biru",
    "Pembeli: Kak Rina (contoh), Tarakan",
    "Kirim sebelum besok pukul 17.00",
)
STEP_NOTES = {
    "stok": "Stok kemeja L biru: 5. Cukup untuk pesanan ini.",
    "kemas": "Dua kemeja dilipat rapi, dibungkus plastik, lalu dimasukkan ke kardus.",
    "label": (
        "Label tertempel. Penerima: Kak Rina (contoh), Jl. Contoh No. 12, Tarakan. "
        "Nomor resi: LATIHAN0412."
    ),
    "kurir": "Paket sudah diserahkan ke kurir. Pembeli bisa melacaknya dengan nomor resi.",
}
_TOO_EARLY = {
    "kemas": "Cek stok dulu. Pastikan barang yang dipesan ada: jenis, ukuran, dan warnanya.",
    "label": "Kemas barang dulu. Label ditempel pada paket yang sudah dikemas.",
    "kurir": "Paket belum siap. Kurir hanya menerima paket yang sudah dikemas dan berlabel.",
}


def step_hint(done: list[str], tapped: str) -> str | None:
    """None when `tapped` is the next step of the order after the steps `done`; otherwise why
    not yet (or that it is done already)."""
    if tapped in done:
        return "Langkah ini sudah selesai. Pilih langkah berikutnya."
    order = list(ORDER_STEPS)
    if tapped not in order:
        return "Langkah itu tidak ada."
    if order.index(tapped) == len(done):
        return None
    return _TOO_EARLY[tapped]


@dataclass(frozen=True)
class Scene:
    """A moment of the story: what happens, and the learner's choices as (label, next scene or
    ending id)."""

    text: str
    choices: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Ending:
    """How an order ends: the buyer's stars (1-5) and review, and what the learner should learn."""

    stars: int
    review: str
    lesson: str


# The buyer's chat comes once the parcel is packed (a good reply goes back to the order's steps,
# RESUME); the complaint once the parcel has arrived.
RESUME = "lanjut"
STORY_STARTS = ("chat", "keluhan")
ORDER_SCENES = {
    "chat": Scene(
        'Pembeli: "Kak, pesanan saya kapan dikirim? Mau saya pakai untuk acara hari Sabtu."',
        (
            (
                '"Selamat pagi, Kak. Pesanan sudah kami kemas. Hari ini kami serahkan ke kurir. '
                'Nomor resinya bisa Kakak lacak di aplikasi."',
                RESUME,
            ),
            ('"SABAR KAK, BARU JUGA PESAN!"', "chat-rude"),
            ('"Pasti sampai Sabtu, Kak. Dijamin!"', "chat-false-promise"),
        ),
    ),
    "keluhan": Scene(
        'Paket sudah sampai. Pembeli: "Kak, warnanya lebih gelap dari foto. Saya kecewa."',
        (
            ("Minta maaf, lalu minta foto kemeja yang diterima", "keluhan-foto"),
            ('Jawab: "Foto kami sudah benar. Kakak salah lihat."', "complaint-argued"),
            ("Tidak membalas, nanti pembeli lupa sendiri", "complaint-ignored"),
        ),
    ),
    "keluhan-foto": Scene(
        "Pembeli mengirim foto. Warnanya memang sedikit lebih gelap dari foto produk Anda.",
        (
            (
                "Tawarkan tukar barang atau retur (barang dikembalikan), sesuai aturan retur "
                "di aplikasi",
                "order-done",
            ),
            (
                'Jawab: "Maaf, barang yang sudah dibeli tidak bisa dikembalikan."',
                "complaint-refused",
            ),
        ),
    ),
}
ORDER_ENDINGS = {
    "order-done": Ending(
        5,
        "Penjual ramah dan cepat tanggap. Kemeja pengganti sesuai. Saya mau belanja lagi.",
        "Pembeli memilih tukar warna, lalu menekan tombol pesanan diterima. Anda mengurus "
        "pesanan dengan rapi: cek stok, kemas, label, kurir. Chat dan keluhan dijawab dengan "
        "sopan.",
    ),
    "chat-rude": Ending(
        1,
        "Penjualnya kasar. Saya tidak mau belanja di sini lagi.",
        "Huruf besar semua terasa seperti membentak. Jawab dengan sapaan, kabar yang jelas, "
        "dan terima kasih.",
    ),
    "chat-false-promise": Ending(
        2,
        "Katanya pasti sampai Sabtu, ternyata baru sampai Senin.",
        "Waktu sampai paket tergantung kurir. Jangan menjanjikan yang tidak pasti. Beri kabar "
        "yang benar dan nomor resi untuk melacak.",
    ),
    "complaint-argued": Ending(
        1,
        "Barang tidak sesuai foto, penjual malah menyalahkan saya.",
        "Berdebat membuat pembeli marah. Minta maaf dulu, lalu minta foto barang yang diterima.",
    ),
    "complaint-ignored": Ending(
        1,
        "Keluhan saya tidak dibalas sama sekali.",
        "Keluhan yang didiamkan berakhir dengan ulasan buruk. Calon pembeli lain ikut membacanya.",
    ),
    "complaint-refused": Ending(
        2,
        "Barang tidak sesuai foto, tapi penjual menolak membantu.",
        "Warnanya memang berbeda dari foto. Tawarkan tukar barang atau retur, sesuai aturan retur "
        "di aplikasi.",
    ),
}
GOOD_ORDER_ENDING = "order-done"


def story_problems(
    scenes: dict[str, Scene] = ORDER_SCENES,
    endings: dict[str, Ending] = ORDER_ENDINGS,
    starts: tuple[str, ...] = STORY_STARTS,
) -> list[str]:
    """What is wrong with a story: a start that is not a scene, a choice leading nowhere, a scene or
    ending nobody reaches, stars outside 1-5. Empty when sound."""
    problems = [f"start {s!r} is not a scene" for s in starts if s not in scenes]
    reached, queue = set(starts), list(starts)
    while queue:
        scene = scenes.get(queue.pop())
        for _label, target in scene.choices if scene else ():
            if target not in scenes and target not in endings and target != RESUME:
                problems.append(f"unknown target {target!r}")
            elif target not in reached:
                reached.add(target)
                queue.append(target)
    problems += [
        f"{name!r} is never reached" for name in (*scenes, *endings) if name not in reached
    ]
    problems += [
        f"{name!r}: stars must be 1-5" for name, e in endings.items() if not 1 <= e.stars <= 5
    ]
    return problems
