"""Practice versions of online public services: the rules behind the public-service simulators.

Plain data and functions, no widgets: the NIB registration's business groups and the check of a
learner's choice, a puskesmas schedule and queue ticket, a Disdukcapil request's uploads and status,
the parts of a good SP4N-LAPOR! report, and a letter signed and verified with a practice electronic
signature. Everything is a made-up sample for practice: FACTS.md gives no KBLI codes, document
requirements or schedules, so codes, lists and times here are marked as examples ("contoh") and
never claimed to be the real services' own. Learner text is untrusted: functions take anything and
never raise on it. Messages are Bahasa Indonesia.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field, replace

MAX_NAME = 50  # characters in a business name
MAX_NOTE = 200  # characters a learner may add to a complaint

# -- personal data that must not be typed or spread ----------------------------------------------
# A NIK has 16 digits, often written in groups; a phone number starts 08 or +62 8.
_NIK = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15}(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+62|62|0)[ .-]?8(?:[ .-]?\d){7,11}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DATA_WORDS = re.compile(
    r"\b(?:nik|no\.? ?hp|nomor (?:hp|telepon|wa)|nama lengkap(?:nya)?|foto (?:wajah|ktp))\b"
)


def personal_data_in(text: object) -> list[str]:
    """The kinds of personal data `text` holds (``"NIK"``, ``"nomor HP"``, ``"alamat email"``,
    ``"data pribadi"`` for words that point at it), in that order, each once."""
    text = text if isinstance(text, str) else ""
    found = []
    if _NIK.search(text):
        found.append("NIK")
    if _PHONE.search(_NIK.sub(" ", text)):
        found.append("nomor HP")
    if _EMAIL.search(text):
        found.append("alamat email")
    if not found and _DATA_WORDS.search(text.lower()):
        found.append("data pribadi")
    return found


# -- OSS-RBA: a NIB for a micro business --------------------------------------------------------
@dataclass(frozen=True)
class BusinessGroup:
    """A business group to choose, like a KBLI entry. `code` is a practice code (``LAT-…``), not
    an official KBLI code."""

    code: str
    name: str


BUSINESS_GROUPS = {
    "makanan-olahan": BusinessGroup("LAT-01", "Pembuatan makanan olahan dari tahu"),
    "pertanian-kedelai": BusinessGroup("LAT-02", "Pertanian kedelai"),
    "rumah-makan": BusinessGroup("LAT-03", "Rumah makan dan restoran"),
    "eceran": BusinessGroup("LAT-04", "Perdagangan eceran kebutuhan sehari-hari"),
    "jasa-jahit": BusinessGroup("LAT-05", "Jasa menjahit pakaian"),
    "pembuatan-pakaian": BusinessGroup("LAT-06", "Pembuatan pakaian jadi untuk dijual di toko"),
    "katering": BusinessGroup("LAT-07", "Penyediaan makanan untuk acara (katering)"),
}


@dataclass(frozen=True)
class Business:
    """A practice business: who runs it, what she does, the group that fits, and why the other
    offered groups do not."""

    owner: str
    activity: str
    name: str  # the business name the form starts with
    right: str
    why_not: dict[str, str]

    @property
    def options(self) -> list[str]:
        """The groups offered, the right one among the others, in a fixed order."""
        return sorted([self.right, *self.why_not], key=lambda g: BUSINESS_GROUPS[g].code)


BUSINESSES = {
    "tahu-aci": Business(
        owner="Bu Rahma",
        activity="Bu Rahma membuat tahu aci di rumah, lalu menjualnya ke toko oleh-oleh.",
        name="Tahu Aci Bu Rahma",
        right="makanan-olahan",
        why_not={
            "pertanian-kedelai": "Bu Rahma tidak menanam kedelai. Ia mengolah tahu.",
            "rumah-makan": "Bu Rahma tidak melayani orang makan di tempat.",
            "eceran": "Bu Rahma tidak menjual barang buatan orang lain. Ia membuatnya sendiri.",
        },
    ),
    "jahit": Business(
        owner="Bu Nur",
        activity="Bu Nur menjahit baju pesanan pelanggan. Kainnya dibawa pelanggan.",
        name="Jahit Bu Nur",
        right="jasa-jahit",
        why_not={
            "pembuatan-pakaian": "Bu Nur tidak membuat baju untuk dijual di toko.",
            "eceran": "Bu Nur tidak menjual barang. Ia memberi jasa menjahit.",
            "rumah-makan": "Usaha Bu Nur tidak ada hubungannya dengan makanan.",
        },
    ),
    "katering": Business(
        owner="Bu Sinta",
        activity="Bu Sinta memasak nasi kotak pesanan untuk acara.",
        name="Katering Bu Sinta",
        right="katering",
        why_not={
            "rumah-makan": "Bu Sinta tidak punya tempat makan. Ia mengantar pesanan ke acara.",
            "eceran": "Bu Sinta tidak menjual barang buatan orang lain.",
            "makanan-olahan": "Bu Sinta tidak membuat tahu. Ia memasak nasi kotak pesanan.",
        },
    ),
}

PRACTICE_NIB = "CONTOH-0000-0000-1"  # never a real NIB


def group_verdict(business: str, group: str) -> tuple[bool, str]:
    """Whether `group` fits `business`, and why (for the learner)."""
    case = BUSINESSES[business]
    if group == case.right:
        return True, f"Cocok. {case.owner} memang mengerjakan ini setiap hari."
    if group in case.why_not:
        return False, f"Kurang cocok. {case.why_not[group]}"
    return False, "Pilih salah satu golongan dari daftar."


def business_name_problem(text: object) -> str | None:
    """What is wrong with a typed business name, or None when it can be used."""
    if not isinstance(text, str) or not text.strip():
        return "Tulis nama usaha Anda dulu."
    name = text.strip()
    if len(name) > MAX_NAME:
        return f"Nama usaha terlalu panjang. Paling banyak {MAX_NAME} huruf."
    # Numbers only: a word such as "Nik" may well be part of a shop's name.
    if set(personal_data_in(name)) - {"data pribadi"}:
        return "Jangan tulis NIK, nomor HP, atau data pribadi di nama usaha."
    if not re.search(r"[A-Za-z]", name):
        return "Nama usaha perlu berisi huruf, bukan hanya angka atau tanda baca."
    return None


# -- a puskesmas: poli, day, queue ticket --------------------------------------------------------
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass(frozen=True)
class Poli:
    """A service room of the practice puskesmas; its days are a sample schedule."""

    name: str
    prefix: str  # of the queue number
    for_what: str
    days: tuple[str, ...]


POLIS = {
    "umum": Poli("Poli umum", "U", "batuk, demam, dan keluhan umum", DAYS[:6]),
    "gigi": Poli("Poli gigi", "G", "sakit gigi dan gusi", DAYS[:4]),
    "kia": Poli("Poli KIA", "K", "kesehatan ibu hamil dan anak", DAYS[:5]),
}
OPENS_AT = 8 * 60  # 08.00, in minutes after midnight
MINUTES_PER_PATIENT = 10
# Patients already registered for each day in the practice app (a sample).
BOOKED = {"Senin": 31, "Selasa": 22, "Rabu": 14, "Kamis": 19, "Jumat": 9, "Sabtu": 25}


@dataclass(frozen=True)
class Patient:
    """Who is registered, for what, and the days the person taking them cannot come."""

    name: str
    complaint: str
    poli: str
    companion: str
    busy: dict[str, str]  # day -> why the companion cannot come


PATIENTS = {
    "mak-tijah": Patient(
        name="Mak Tijah",
        complaint="batuk sejak seminggu",
        poli="umum",
        companion="Bu Yuli",
        busy={
            day: "Bu Yuli berjualan di pasar setiap pagi, kecuali hari Rabu."
            for day in DAYS
            if day != "Rabu"
        },
    ),
}


def day_problem(poli: str, day: str) -> str | None:
    """Why `day` cannot be booked at `poli` (closed), or None."""
    if poli not in POLIS or day not in DAYS:
        return "Pilih poli dan hari dari daftar."
    if day not in POLIS[poli].days:
        return f"{POLIS[poli].name} tutup hari {day}. Pilih hari lain."
    return None


def queue_ticket(poli: str, booked: int) -> str:
    """The queue number after `booked` earlier registrations, e.g. ``U-015``."""
    return f"{POLIS[poli].prefix}-{booked + 1:03d}"


def service_time(booked: int) -> str:
    """About when the patient after `booked` others is seen, as people write it (``10.20``)."""
    minutes = OPENS_AT + booked * MINUTES_PER_PATIENT
    return f"{minutes // 60:02d}.{minutes % 60:02d}"


def booking_outcome(patient: str, poli: str, day: str) -> str:
    """``booked`` when the poli fits the complaint and the companion can come, else
    ``wrong-poli`` or ``wrong-day`` (the poli is checked first)."""
    case = PATIENTS[patient]
    if poli != case.poli:
        return "wrong-poli"
    if case.busy.get(day) or day_problem(poli, day):
        return "wrong-day"
    return "booked"


# -- Disdukcapil: uploads and status -------------------------------------------------------------
@dataclass(frozen=True)
class Photo:
    """A practice photo of a document: how it looks, and whether staff can read it."""

    looks: str
    readable: bool
    problem: str = ""


PHOTOS = {
    "jelas": Photo("terang, satu halaman penuh, semua tulisan terbaca", True),
    "buram": Photo("buram, tulisannya tidak terbaca", False, "buram"),
    "terpotong": Photo("miring, bagian bawahnya terpotong", False, "terpotong"),
    "gelap": Photo("gelap, diambil malam hari tanpa lampu", False, "terlalu gelap"),
}


@dataclass(frozen=True)
class DocumentRequest:
    """A practice request: what is asked for, and the files this practice app asks for (an
    example list, not the real service's requirements)."""

    title: str
    story: str
    uploads: dict[str, str]  # id -> the document to photograph
    photos: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> photos offered


REQUESTS = {
    "kk-bayi": DocumentRequest(
        title="Tambah anggota keluarga di KK (bayi baru lahir)",
        story="Bu Nur baru melahirkan anak ketiga. Ia perlu KK baru yang memuat nama bayinya.",
        uploads={
            "surat-lahir": "Surat keterangan lahir dari bidan atau rumah sakit",
            "kk-lama": "KK lama",
        },
        photos={
            "surat-lahir": ("buram", "jelas", "terpotong"),
            "kk-lama": ("gelap", "terpotong", "jelas"),
        },
    ),
}
STATUSES = ("Terkirim", "Diperiksa petugas", "Disetujui", "Dokumen selesai")
PRACTICE_REQUEST_NUMBER = "CONTOH-0427"


def upload_problems(request: str, chosen: dict[str, str]) -> list[str]:
    """What staff would send back, one line per upload that is missing or unreadable."""
    case = REQUESTS[request]
    problems = []
    for upload, document in case.uploads.items():
        photo = PHOTOS.get(chosen.get(upload, ""))
        if photo is None:
            problems.append(f"{document}: belum diunggah.")
        elif not photo.readable:
            problems.append(f"{document}: foto {photo.problem}. Unggah ulang foto yang jelas.")
    return problems


def status_after(request: str, chosen: dict[str, str], checks: int) -> str:
    """The status shown after the learner tapped "Cek status" `checks` times: the request moves
    one step per check, and stops at "Perlu diperbaiki" when staff found a bad upload."""
    step = min(max(checks, 0), len(STATUSES) - 1)
    if step >= 2 and upload_problems(request, chosen):
        return "Perlu diperbaiki"
    return STATUSES[step]


# -- SP4N-LAPOR!: the parts of a good report -----------------------------------------------------
PARTS = {
    "apa": "Apa masalahnya",
    "di-mana": "Di mana tepatnya",
    "kapan": "Kapan, atau sejak kapan",
    "bukti": "Foto masalahnya sebagai bukti",
}
_WHAT = re.compile(
    r"\b(?:rusak|tersumbat|mampet|mati|padam|berlubang|lubang|menggenang|genangan|banjir|bocor|"
    r"sampah|tumbang|roboh|retak|putus|kotor|longsor|macet|tidak menyala|tidak berfungsi)\b"
)
_WHERE = re.compile(
    r"\b(?:jalan|jl|gang|gg|rt|rw|depan|dekat|samping|seberang|belakang|kelurahan|desa|"
    r"kampung|pasar|sekolah|masjid|puskesmas|perempatan|simpang)\b"
)
_WHEN = re.compile(
    r"\b(?:sejak|tanggal|kemarin|tadi|hari ini|pagi|siang|sore|malam|pukul|jam|minggu lalu|"
    r"bulan lalu|senin|selasa|rabu|kamis|jumat|sabtu|minggu|januari|februari|maret|april|mei|"
    r"juni|juli|agustus|september|oktober|november|desember)\b|\d{1,2}[/-]\d{1,2}"
)
_RUDE = re.compile(
    r"\b(?:malas|pemalas|bodoh|goblok|tolol|bego|brengsek|bangsat|anjing|sialan|payah|"
    r"tidak becus|gaji buta|kurang ajar)\b"
)
# What the learner may attach: a photo of the problem, of a person, or nothing.
EVIDENCE = {"masalah": True, "orang": False, "": False}


@dataclass(frozen=True)
class ComplaintCase:
    """A practice complaint: the problem, and the sentences offered for each part of the report
    (a good one among a rude, a vague or a too-personal one; "" skips the part)."""

    story: str
    sentences: dict[str, tuple[str, ...]]
    evidence: dict[str, str]  # EVIDENCE key -> what the photo shows


COMPLAINTS = {
    "saluran": ComplaintCase(
        story=(
            "Saluran air di depan warung Bu Wati tersumbat sampah. "
            "Setiap hujan, air menggenang dan pembeli enggan mampir."
        ),
        sentences={
            "apa": (
                "PETUGAS MALAS!!! Saluran mampet lagi!",
                "Ada masalah di sini, tolong dicek.",
                "Saluran air tersumbat sampah. Setiap hujan, air menggenang.",
            ),
            "di-mana": (
                "Tempatnya di Jalan Mawar RT 02, depan warung gorengan.",
                "Tempatnya di sini.",
                "Di depan rumah Pak Darto, nomor HP-nya 0812-0000-0000.",
            ),
            "kapan": (
                "Pokoknya sudah lama sekali.",
                "Sudah terjadi sejak dua minggu lalu.",
                "",
            ),
        },
        evidence={
            "masalah": "Foto saluran yang tersumbat",
            "orang": "Foto wajah tetangga yang membuang sampah",
            "": "Tanpa foto",
        },
    ),
}


@dataclass(frozen=True)
class ReportCheck:
    """What a report has and what is wrong with it."""

    present: dict[str, bool]
    rude: bool
    personal: list[str]  # kinds of others' personal data found

    @property
    def missing(self) -> list[str]:
        return [PARTS[p] for p, ok in self.present.items() if not ok]

    @property
    def outcome(self) -> str:
        """``sent`` for a complete, polite report without others' data; otherwise what is
        most wrong: ``personal-data``, then ``impolite``, then ``incomplete``."""
        if self.personal:
            return "personal-data"
        if self.rude:
            return "impolite"
        return "incomplete" if self.missing else "sent"

    def messages(self) -> list[str]:
        """What to tell the learner, most important first (empty when the report is good)."""
        out = []
        if self.personal:
            out.append(
                f"Hapus data pribadi orang lain ({', '.join(self.personal)}). "
                "Laporan membahas masalahnya, bukan orangnya."
            )
        if self.rude:
            out.append("Tulis dengan sopan. Tanpa kata kasar dan tanpa huruf besar semua.")
        out += [f"Belum ada: {part.lower()}." for part in self.missing]
        return out


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 10 and sum(c.isupper() for c in letters) > 0.7 * len(letters)


def check_report(text: object, evidence: str = "") -> ReportCheck:
    """Check a complaint's `text` and what is attached (`evidence`: a key of `EVIDENCE`)."""
    text = text if isinstance(text, str) else ""
    lower = text.lower()
    personal = personal_data_in(text)
    if evidence == "orang":
        personal = [*personal, "foto wajah orang"]
    return ReportCheck(
        present={
            "apa": bool(_WHAT.search(lower)),
            "di-mana": bool(_WHERE.search(lower)),
            "kapan": bool(_WHEN.search(lower)),
            "bukti": EVIDENCE.get(evidence, False),
        },
        rude=bool(_RUDE.search(lower)) or _shouting(text) or "!!!" in text,
        personal=personal,
    )


# -- TTE: sign a letter, verify it ---------------------------------------------------------------
# A practice imitation of a certified signature: the letter's fingerprint (SHA-256 of its fields)
# sealed with a key only the passphrase opens. Real TTE uses certificates from BSrE; the idea
# shown here is the same: the seal fits only the content it was made for.
PRACTICE_PASSPHRASE = "kopi manis pagi"  # noqa: S105 - made up, shown on screen; never a real one
LETTER_FIELDS = ("nomor", "jenis", "nama", "keperluan", "penanda_tangan")


@dataclass(frozen=True)
class Letter:
    nomor: str
    jenis: str
    nama: str
    keperluan: str
    penanda_tangan: str

    def changed(self, **fields) -> Letter:
        return replace(self, **fields)


@dataclass(frozen=True)
class Signed:
    letter: Letter
    signer: str
    seal: str  # hex


@dataclass(frozen=True)
class Verification:
    signer: str
    known_signer: bool
    intact: bool

    @property
    def can_process(self) -> bool:
        return self.known_signer and self.intact


SAMPLE_LETTER = Letter(
    nomor="CONTOH/001/KEL",
    jenis="Surat Keterangan Tidak Mampu (SKTM)",
    nama="Tarmi",
    keperluan="Keringanan biaya sekolah anak",
    penanda_tangan="Slamet, Lurah Contoh",
)


def fingerprint(letter: Letter) -> str:
    """SHA-256 (hex) of the letter's fields, one ``name=value`` line each, in a fixed order."""
    text = "\n".join(f"{name}={getattr(letter, name)}" for name in LETTER_FIELDS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def signing_key(passphrase: str) -> bytes:
    return hashlib.sha256(f"tte-latihan:{passphrase}".encode()).digest()


def passphrase_ok(typed: object, passphrase: str = PRACTICE_PASSPHRASE) -> bool:
    """Whether the typed passphrase is the signer's (spaces around it ignored)."""
    if not isinstance(typed, str) or len(typed) > 100:
        return False
    return hmac.compare_digest(typed.strip().encode(), passphrase.encode())


def sign(letter: Letter, signer: str, passphrase: str) -> Signed:
    seal = hmac.new(signing_key(passphrase), fingerprint(letter).encode(), hashlib.sha256)
    return Signed(letter, signer, seal.hexdigest())


def verify(signed: Signed, keys: dict[str, bytes]) -> Verification:
    """Check a signed letter against the signers' registered keys."""
    key = keys.get(signed.signer)
    if key is None:
        return Verification(signed.signer, known_signer=False, intact=False)
    expected = hmac.new(key, fingerprint(signed.letter).encode(), hashlib.sha256).hexdigest()
    return Verification(signed.signer, True, hmac.compare_digest(expected, signed.seal))


def verification_text(result: Verification) -> list[str]:
    """The signature panel of a PDF reader, in plain words."""
    if not result.known_signer:
        return [f"Penanda tangan: {result.signer}", "Penanda tangan TIDAK dikenal."]
    return [
        f"Penanda tangan: {result.signer}",
        "Isi surat utuh, tidak diubah sejak ditandatangani."
        if result.intact
        else "PERINGATAN: isi surat DIUBAH setelah ditandatangani.",
    ]
