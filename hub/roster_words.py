"""Roster problems and notes in Bahasa Indonesia, for the trainers' upload page.

The roster checker (`roster_read`, `roster`) words its findings in English for operators' command
line. Trainers read the same findings on the upload page; `indonesian` renders each known kind in
plain Indonesian, keeping the values it quotes (a name, a row number, a code). A finding of an
unknown kind is returned as None and the page shows the English with `lang="en"`;
`tests/unit/test_roster_words.py` makes every kind the checker produces known here.
"""

from __future__ import annotations

import re

LABELS = {
    "name": "Nama",
    "kelurahan": "Kelurahan",
    "kecamatan": "Kecamatan",
    "kota": "Kota/kabupaten",
    "sector": "Bidang usaha",
    "birth year": "Tahun lahir",
    "birth date": "Tanggal lahir",
    "name (Nama)": "Nama",
    "gender (Jenis Kelamin)": "Jenis kelamin",
    "age or birth year (Umur / Tahun Lahir)": "Umur atau tahun lahir",
}
_LABEL = r"(name|kelurahan|kecamatan|kota|sector|birth year|birth date)"
_Q = r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"  # a value as Python's repr quotes it


def _label(text: str) -> str:
    return LABELS.get(text, text)


def _columns(text: str) -> str:
    return ", ".join(_label(part.strip()) for part in text.split(", "))


RULES: list[tuple[str, object]] = [
    # one row (roster_read.check_row and its helpers)
    (r"name is empty", "Nama kosong."),
    (rf"name {_Q} has no letters", "Nama {0} tidak berisi huruf."),
    (
        r"name has characters a name does not have: (.+)",
        lambda m: f"Nama berisi tanda yang bukan bagian nama: {m[1]}",
    ),
    (
        r"name has a hidden control character \(retype it\)",
        "Nama berisi karakter tersembunyi (ketik ulang namanya).",
    ),
    (
        rf"{_LABEL} holds a 16-digit number \(a NIK\?\); a NIK must not be stored",
        lambda m: f"Kolom {_label(m[1])} berisi angka 16 digit (NIK?). NIK tidak boleh disimpan.",
    ),
    (
        rf"{_LABEL} is longer than (\d+) characters",
        lambda m: f"Kolom {_label(m[1])} lebih dari {m[2]} huruf.",
    ),
    (r"kelurahan is empty", "Kelurahan kosong."),
    (r"gender is empty \(write L or P\)", "Jenis kelamin kosong (tulis L atau P)."),
    (
        rf"gender {_Q} is not L/P \(laki-laki/perempuan\)",
        "Jenis kelamin {0} bukan L atau P (laki-laki/perempuan).",
    ),
    (
        rf"(birth year|birth date) {_Q} has no four-digit year",
        lambda m: f"{_label(m[1])} {m[2]} tidak berisi tahun empat angka.",
    ),
    (
        r"birth year (\d+) is impossible \(a learner is (\d+) to (\d+) years old\)",
        "Tahun lahir {0} tidak mungkin (umur peserta {1} sampai {2} tahun).",
    ),
    (rf"age {_Q} is not a number of years", "Umur {0} bukan angka tahun."),
    (
        r"age (\d+) is impossible \(a learner is (\d+) to (\d+)\)",
        "Umur {0} tidak mungkin (umur peserta {1} sampai {2} tahun).",
    ),
    (r"age or birth year is empty", "Umur atau tahun lahir kosong."),
    (rf"phone {_Q} is not a phone number", "Nomor HP {0} bukan nomor telepon."),
    (
        r"phone has 16 digits: that looks like a NIK, not a phone number",
        "Nomor HP berisi 16 angka: itu seperti NIK, bukan nomor HP.",
    ),
    (
        rf"phone {_Q} is not an Indonesian phone number \(08\.\., \+628\.\.\)",
        "Nomor HP {0} bukan nomor Indonesia (08.., +628..).",
    ),
    (
        rf"region code {_Q} is not a Kemendagri code like 64\.71\.03\.1001 "
        r"\(if Excel turned it into a number, format the column as Text\)",
        "Kode wilayah {0} bukan kode Kemendagri seperti 64.71.03.1001 (jika Excel mengubahnya "
        "menjadi angka, ubah format kolomnya menjadi Teks).",
    ),
    (
        rf"username {_Q} is not valid: 2-32 characters, a-z, 0-9, '-' or '_', "
        r"starting with a letter",
        "Nama pengguna {0} tidak sah: 2–32 huruf kecil a–z, angka 0–9, '-' atau '_', "
        "diawali huruf.",
    ),
    (
        rf"cohort {_Q} here, but --cohort (\S+) was given",
        "Kelas {0} di baris ini, padahal berkas ini untuk kelas {1}.",
    ),
    (
        rf"cohort {_Q} is not a cohort name: use lowercase letters, digits and '-', e\.g\. {_Q}",
        "Kelas {0} bukan nama kelas: pakai huruf kecil, angka dan '-', misalnya {1}.",
    ),
    (r"cohort is empty \(fill it in, or give --cohort\)", "Kelas kosong (isi kolom Kelas)."),
    # rows against each other and the accounts (roster.plan_import)
    (r"username (\S+) is also on row (\d+)", "Nama pengguna {0} juga ada di baris {1}."),
    (
        r"username (\S+) belongs to a (\S+) account, not a learner",
        "Nama pengguna {0} milik akun {1}, bukan peserta.",
    ),
    (
        r"username (\S+) is kept for staff; choose another",
        "Nama pengguna {0} khusus untuk staf; pilih yang lain.",
    ),
    (
        r"same name and kelurahan as row (\d+) but other details: if they are two people, "
        r"give each a birth year or phone; if one, delete a row",
        "Nama dan kelurahan sama dengan baris {0}, tetapi data lainnya berbeda: jika dua orang, "
        "isi tahun lahir atau nomor HP masing-masing; jika satu orang, hapus salah satu baris.",
    ),
    (
        r"could be any of the learners (.+): add a username column",
        "Bisa jadi salah satu peserta ini: {0}. Tambahkan kolom nama pengguna.",
    ),
    (
        r"is learner (\S+), whom row (\d+) already updates",
        "Ini peserta {0}, yang sudah diperbarui oleh baris {1}.",
    ),
    # notes
    (
        r"Row (\d+) repeats row (\d+): imported once\.",
        "Baris {0} sama dengan baris {1}: diimpor sekali.",
    ),
    (
        r"The file is not UTF-8; it was read as Windows-1252 \(ANSI\)\.",
        "Berkas ini bukan UTF-8; dibaca sebagai Windows-1252 (ANSI).",
    ),
    (
        r"Read (.+) \(sheet (.+), header on row (\d+)\)\.",
        "Berkas {0} dibaca (lembar {1}, judul kolom di baris {2}).",
    ),
    (r"Read (.+) \(header on row (\d+)\)\.", "Berkas {0} dibaca (judul kolom di baris {1})."),
    (
        r"The NIK column \(national ID numbers\) was ignored: NaikKelas never stores a NIK\.",
        "Kolom NIK diabaikan: NaikKelas tidak pernah menyimpan NIK.",
    ),
    (r"Ignored columns: (.+)\.", "Kolom yang diabaikan: {0}."),
    # the whole file (roster_read.RosterError)
    (
        r"(.+) could not be read as an Excel workbook \((.*)\)",
        "{0} tidak bisa dibuka sebagai berkas Excel.",
    ),
    (
        r"(.+) is in the old \.xls format: save it as \.xlsx or CSV",
        "{0} memakai format .xls lama: simpan sebagai .xlsx atau CSV.",
    ),
    (
        r"(.+): a roster is a \.csv or \.xlsx file",
        "{0}: daftar peserta harus berkas .csv atau .xlsx.",
    ),
    (
        r"(.+): no header row found \(.*\)",
        "{0}: judul kolom tidak ditemukan. Tabel perlu kolom seperti 'Nama', 'Kelurahan' dan "
        "'Jenis Kelamin' di 30 baris pertamanya.",
    ),
    (
        rf"(.+): columns {_Q} and {_Q} both look like the (.+); keep one",
        lambda m: (
            f"{m[1]}: kolom {m[2]} dan {m[3]} sama-sama berisi {_label(m[4])}; simpan satu saja."
        ),
    ),
    (
        r"(.+): missing column\(s\): (.+)",
        lambda m: f"{m[1]}: kolom ini belum ada: {_columns(m[2])}.",
    ),
    (
        r"(.+) has no cohort column \(Kelas/Angkatan\): give --cohort NAME",
        "{0} tidak punya kolom Kelas/Angkatan: pilih kelasnya.",
    ),
    (r"(.+) has a header but no learners under it", "{0} punya judul kolom tetapi tanpa peserta."),
    (r"(\d+) bad rows: nothing to import", "{0} baris salah: tidak ada yang diimpor."),
    # the upload page's own findings, already in Indonesian
    (
        r"(\S+) adalah peserta kelas (\S+), bukan kelas Anda",
        "{0} adalah peserta kelas {1}, bukan kelas Anda.",
    ),
]
_COMPILED = [(re.compile(pattern + r"\Z", re.S), render) for pattern, render in RULES]


def indonesian(message: str) -> str | None:
    """The Indonesian wording of a roster finding, or None for a kind not known here."""
    for pattern, render in _COMPILED:
        match = pattern.match(message)
        if match:
            if callable(render):
                return render(match)
            return render.format(*match.groups())
    return None
