"""Places for synthetic learners: real kecamatan and kelurahan of two cities, with Kemendagri-style
codes (`kota.kecamatan.kelurahan`, e.g. `64.72.04.1001`). Names are real; the kecamatan and
kelurahan numbers are plausible, not checked against the Kemendagri register — synthetic data only.
"""

from __future__ import annotations

# kota -> (code, {kecamatan: (code, [kelurahan, ...])}); a kelurahan's code is its kecamatan's
# code and 1001, 1002, ... in list order. Some names repeat across kecamatan (e.g. Wonorejo), as
# they do in reality: reports must tell them apart by code.
CITIES: dict[str, tuple[str, dict[str, tuple[str, list[str]]]]] = {
    "Kota Samarinda": (
        "64.72",
        {
            "Palaran": ("64.72.01", ["Rawa Makmur", "Handil Bakti", "Simpang Pasir", "Bukuan"]),
            "Samarinda Ilir": ("64.72.02", ["Sungai Dama", "Selili", "Sidodamai", "Pelita"]),
            "Samarinda Seberang": ("64.72.03", ["Sungai Keledang", "Baqa", "Mesjid"]),
            "Sungai Kunjang": (
                "64.72.04",
                ["Loa Bakung", "Loa Buah", "Karang Asam Ulu", "Karang Asam Ilir", "Lok Bahu"],
            ),
            "Samarinda Ulu": (
                "64.72.05",
                ["Air Hitam", "Dadi Mulya", "Gunung Kelua", "Bukit Pinang", "Air Putih", "Jawa"],
            ),
            "Samarinda Utara": (
                "64.72.06",
                ["Sempaja Selatan", "Sempaja Utara", "Lempake", "Sungai Siring", "Tanah Merah"],
            ),
            "Sungai Pinang": (
                "64.72.08",
                ["Sungai Pinang Dalam", "Temindung Permai", "Gunung Lingai", "Mugirejo"],
            ),
            "Samarinda Kota": ("64.72.09", ["Bugis", "Pasar Pagi", "Pelabuhan", "Karang Mumus"]),
        },
    ),
    "Kota Surabaya": (
        "35.78",
        {
            "Tegalsari": ("35.78.01", ["Kedungdoro", "Tegalsari", "Wonorejo", "Keputran"]),
            "Genteng": ("35.78.03", ["Embong Kaliasin", "Ketabang", "Genteng", "Peneleh"]),
            "Gubeng": ("35.78.05", ["Airlangga", "Gubeng", "Kertajaya", "Mojo", "Pucang Sewu"]),
            "Sukolilo": (
                "35.78.07",
                ["Keputih", "Gebang Putih", "Klampis Ngasem", "Menur Pumpungan", "Semolowaru"],
            ),
            "Tambaksari": ("35.78.08", ["Pacar Keling", "Ploso", "Tambaksari", "Rangkah"]),
            "Rungkut": (
                "35.78.10",
                ["Kali Rungkut", "Rungkut Kidul", "Medokan Ayu", "Wonorejo", "Penjaringan Sari"],
            ),
            "Wonokromo": ("35.78.12", ["Darmo", "Sawunggaling", "Wonokromo", "Jagir", "Ngagel"]),
        },
    ),
}


def places() -> list[tuple[str, str, str, str]]:
    """Every (kota, kecamatan, kelurahan, region code)."""
    out = []
    for kota, (_, districts) in CITIES.items():
        for kecamatan, (code, villages) in districts.items():
            for number, kelurahan in enumerate(villages, start=1001):
                out.append((kota, kecamatan, kelurahan, f"{code}.{number}"))
    return out
