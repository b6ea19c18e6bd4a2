"""Words a learner with little schooling may stumble on, with a plainer way to say them.

`naikkelas courses validate` warns (it does not fail) when lesson text uses one, so the author
can choose: simplify, or keep the word and explain it — a term the lesson teaches (OTP, QRIS, NIB)
is not on this list. The list gathers bureaucratic and technical loanwords that have an everyday
Indonesian equivalent, in the spirit of Badan Bahasa's guidance on using Indonesian in public
services (padanan istilah asing).
"""

from __future__ import annotations

HARD_WORDS: dict[str, str] = {
    "alokasi": "pembagian",
    "alternatif": "pilihan lain",
    "aktivasi": "menyalakan, mengaktifkan",
    "autentikasi": "pemeriksaan bahwa ini benar Anda",
    "dokumentasi": "catatan",
    "efektif": "berhasil baik",
    "efisien": "hemat (waktu, tenaga)",
    "eksekusi": "menjalankan",
    "enkripsi": "penguncian data",
    "estimasi": "perkiraan",
    "fleksibel": "mudah diatur",
    "frekuensi": "seberapa sering",
    "identifikasi": "mengenali",
    "implementasi": "pelaksanaan",
    "indikator": "tanda",
    "infrastruktur": "sarana",
    "integrasi": "penggabungan",
    "kompatibel": "cocok",
    "komponen": "bagian",
    "konfigurasi": "pengaturan",
    "konfirmasi": "memastikan",
    "kontribusi": "sumbangan",
    "kredensial": "nama pengguna dan kata sandi",
    "kualifikasi": "syarat",
    "mayoritas": "sebagian besar",
    "mekanisme": "cara",
    "minimalisir": "mengurangi",
    "mitigasi": "pencegahan",
    "modifikasi": "perubahan",
    "optimal": "sebaik mungkin",
    "optimalisasi": "membuat lebih baik",
    "otorisasi": "izin",
    "parameter": "ukuran",
    "partisipasi": "ikut serta",
    "periode": "masa, jangka waktu",
    "prioritas": "yang didahulukan",
    "prosedur": "langkah-langkah",
    "regulasi": "aturan",
    "signifikan": "besar, penting",
    "simultan": "bersamaan",
    "sinkronisasi": "penyamaan data",
    "spesifik": "khusus",
    "terminologi": "istilah",
    "validasi": "pemeriksaan",
    "verifikasi": "pemeriksaan, cek",
    # English words that have a plain Indonesian word people use
    "download": "unduh",
    "upload": "unggah",
    "password": "kata sandi",
    "username": "nama pengguna",
    "setting": "pengaturan",
    "update": "perbarui",
    "install": "pasang",
    "logout": "keluar",
    "user": "pengguna",
    "seller": "penjual",
    "customer": "pembeli, pelanggan",
}
