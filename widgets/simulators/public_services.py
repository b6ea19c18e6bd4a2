"""Practice apps of online public services: a NIB from OSS-RBA, a puskesmas registration, a
Disdukcapil request and a SP4N-LAPOR! complaint (the TTE one for kelurahan staff is in `tte`).

Each is a phone mock-up with one action per screen and large text; personal data is always an
obvious sample (NIK fields are disabled and say "contoh"). The rules live in
`naikkelas.widgets.public_services`; these classes only draw screens and route taps.
"""

from __future__ import annotations

import base64

import ipywidgets as widgets

from .. import public_services as ps
from ..questions import TARGET
from ..text import escape, markdown, status
from .base import Simulator, phone_html

SAMPLE_NIK = "CONTOH — tidak perlu diisi"


def _md(text: str) -> str:
    return f'<div class="nk-app-text">{markdown(text)}</div>'


def fields_html(rows: list[tuple[str, str]]) -> str:
    """Label/value rows of a form or a receipt; values are escaped."""
    cells = "".join(
        f'<div class="nk-public-label">{escape(label)}</div>'
        f'<div class="nk-public-value">{escape(value)}</div>'
        for label, value in rows
    )
    return f'<div class="nk-public-fields">{cells}</div>'


class ServiceApp(Simulator):
    """A public-service app: screens are the app's title bar and Markdown text."""

    def page(self, text: str, html: str = "", before: str = "") -> widgets.HTML:
        """One app screen: `before` (HTML), the Markdown `text`, then `html`."""
        return widgets.HTML(phone_html(before + _md(text) + html, self.title))


def sample_nik() -> widgets.VBox:
    """A NIK field that cannot be typed in: practice never asks for a real NIK."""
    label = widgets.HTML('<div class="nk-public-label">NIK (latihan: tidak perlu diisi)</div>')
    field = widgets.Text(
        value=SAMPLE_NIK, disabled=True, layout=widgets.Layout(width="100%", min_height=TARGET)
    )
    field.add_class("nk-input")
    return widgets.VBox([label, field])


def text_input(value: str = "", password: bool = False) -> widgets.Text:
    kind = widgets.Password if password else widgets.Text
    box = kind(
        value=value,
        continuous_update=False,
        layout=widgets.Layout(width="100%", min_height=TARGET),
    )
    box.add_class("nk-input")
    return box


class NibRegistration(ServiceApp):
    """OSS-RBA practice: account, business name, a business group (KBLI) chosen by what the
    business does, check, send, NIB issued. Outcomes: ``nib-issued`` (right group),
    ``wrong-kbli`` (NIB issued for a group that does not fit the business)."""

    title = "OSS-RBA (latihan)"

    def __init__(self, question_id: str | None, prompt: str = "", business: str = "tahu-aci"):
        if business not in ps.BUSINESSES:
            raise ValueError(f"unknown business {business!r}; one of {sorted(ps.BUSINESSES)}")
        self.case = ps.BUSINESSES[business]
        self.business = business
        self.group: str | None = None
        self.name = self.case.name
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        self.group, self.name = None, self.case.name
        self.show(
            self.page(
                "Selamat datang di aplikasi **latihan** pendaftaran NIB.\n\n"
                f"Anda mendaftarkan usaha **{self.case.owner}**. {self.case.activity}"
            ),
            self.button("Mulai: buat akun", self.account, "primary"),
        )

    def account(self) -> None:
        self.show(
            self.page(
                "**Langkah 1 dari 4: akun.** Di latihan ini, data diri diisi contoh.",
                fields_html([("Nama", f"{self.case.owner} (contoh)")]),
            ),
            sample_nik(),
            self.button("Buat akun", self.business_name, "primary"),
        )

    def business_name(self) -> None:
        self.name_box = text_input(self.name)
        self.name_note = widgets.HTML()
        self.show(
            self.page("**Langkah 2 dari 4: data usaha.** Tulis nama usaha."),
            self.name_box,
            self.name_note,
            self.button("Simpan nama usaha", self.save_name, "primary"),
        )

    def save_name(self) -> None:
        problem = ps.business_name_problem(self.name_box.value)
        if problem:
            self.name_note.value = status(problem)
            return
        self.name = self.name_box.value.strip()
        self.choose_group()

    def choose_group(self) -> None:
        buttons = []
        for key in self.case.options:
            group = ps.BUSINESS_GROUPS[key]
            buttons.append(self.button(f"{group.code} · {group.name}", lambda k=key: self.pick(k)))
        self.show(
            self.page(
                "**Langkah 3 dari 4: golongan usaha (KBLI).**\n\n"
                f"Kegiatan usaha: {self.case.activity}\n\n"
                "Pilih golongan yang paling sesuai dengan kegiatan itu. "
                "Kode LAT hanya kode latihan, bukan kode KBLI resmi."
            ),
            *buttons,
        )

    def pick(self, group: str) -> None:
        self.group = group
        chosen = ps.BUSINESS_GROUPS[group]
        self.show(
            self.page(
                "**Langkah 4 dari 4: periksa ulang, lalu kirim.**",
                fields_html(
                    [
                        ("Pemilik", f"{self.case.owner} (contoh)"),
                        ("Nama usaha", self.name),
                        ("Golongan usaha", f"{chosen.code} · {chosen.name}"),
                    ]
                ),
            ),
            self.button("Kirim pendaftaran", self.send, "primary"),
            self.button("Ubah golongan usaha", self.choose_group),
        )

    def send(self) -> None:
        right, _why = ps.group_verdict(self.business, self.group or "")
        self.done("nib-issued" if right else "wrong-kbli")

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        receipt = fields_html([("Nama usaha", self.name), ("NIB latihan", ps.PRACTICE_NIB)])
        right = ps.BUSINESS_GROUPS[self.case.right]
        if outcome == "nib-issued":
            text = (
                "**NIB terbit.** Ini NIB latihan, bukan NIB sungguhan. Simpan NIB Anda baik-baik."
            )
        else:
            why = ps.group_verdict(self.business, self.group)[1] if self.group else ""
            text = (
                f"**NIB terbit, tetapi golongan usahanya tidak cocok.** {why} "
                f"Golongan yang cocok: {right.name}."
            )
        return [self.page(text, receipt)]


class PuskesmasBooking(ServiceApp):
    """A puskesmas app in practice: choose the poli for the complaint, a day the poli is open
    and the companion is free, register, get a queue number. Outcomes: ``booked``,
    ``wrong-poli``, ``wrong-day``."""

    title = "Daftar Puskesmas (latihan)"

    def __init__(self, question_id: str | None, prompt: str = "", patient: str = "mak-tijah"):
        if patient not in ps.PATIENTS:
            raise ValueError(f"unknown patient {patient!r}; one of {sorted(ps.PATIENTS)}")
        self.patient = patient
        self.case = ps.PATIENTS[patient]
        self.poli: str | None = None
        self.day: str | None = None
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        self.poli = self.day = None
        self.show(
            self.page(
                f"Daftarkan **{self.case.name}** untuk berobat. "
                f"Keluhan: {self.case.complaint}. Pengantar: {self.case.companion}.",
                fields_html([("Nama pasien", f"{self.case.name} (contoh)")]),
            ),
            sample_nik(),
            self.button("Lanjut: pilih poli", self.choose_poli, "primary"),
        )

    def choose_poli(self) -> None:
        buttons = [
            self.button(f"{poli.name}: {poli.for_what}", lambda k=key: self.choose_day(k))
            for key, poli in ps.POLIS.items()
        ]
        self.show(
            self.page(f"**Pilih poli.** Keluhan pasien: {self.case.complaint}."),
            *buttons,
        )

    def choose_day(self, poli: str) -> None:
        self.poli = poli
        self.day_note = widgets.HTML()
        buttons = []
        for day in ps.DAYS:
            if ps.day_problem(poli, day):
                label = f"{day} · tutup"
            else:
                label = f"{day} · {ps.BOOKED[day]} orang sudah mendaftar"
            buttons.append(self.button(label, lambda d=day: self.pick_day(d)))
        busy = next((why for why in self.case.busy.values() if why), "")
        self.show(
            self.page(
                f"**Pilih hari** untuk {ps.POLIS[poli].name} (jadwal contoh).\n\n"
                f"Catatan Anda: {busy}"
            ),
            self.day_note,
            *buttons,
        )

    def pick_day(self, day: str) -> None:
        problem = ps.day_problem(self.poli or "", day)
        if problem:
            self.day_note.value = status(problem)
            return
        self.day = day
        self.show(
            self.page(
                "**Periksa pilihan Anda, lalu daftar.**",
                fields_html(
                    [
                        ("Pasien", f"{self.case.name} (contoh)"),
                        ("Poli", ps.POLIS[self.poli].name),
                        ("Hari", day),
                    ]
                ),
            ),
            self.button("Daftar sekarang", self.register, "primary"),
            self.button("Ubah pilihan", self.choose_poli),
        )

    def register(self) -> None:
        self.done(ps.booking_outcome(self.patient, self.poli or "", self.day or ""))

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        if self.poli and self.day and self.day in ps.BOOKED:
            booked = ps.BOOKED[self.day]
            receipt = _md("**Bukti pendaftaran (latihan)**") + fields_html(
                [
                    ("Pasien", f"{self.case.name} (contoh)"),
                    ("Poli", ps.POLIS[self.poli].name),
                    ("Hari", self.day),
                    ("Nomor antrean", ps.queue_ticket(self.poli, booked)),
                    ("Perkiraan dilayani", f"sekitar pukul {ps.service_time(booked)}"),
                ]
            )
        else:
            receipt = ""
        text = {
            "booked": (
                "**Pendaftaran berhasil.** Simpan bukti ini dengan tangkapan layar. "
                "Datang pada hari itu, sedikit lebih awal."
            ),
            "wrong-poli": (
                f"**Terdaftar, tetapi di poli yang kurang cocok.** Keluhan "
                f"{self.case.complaint} ditangani {ps.POLIS[self.case.poli].name}."
            ),
            "wrong-day": (
                f"**Terdaftar, tetapi pada hari {self.case.companion} tidak bisa mengantar.** "
                f"{next((why for why in self.case.busy.values() if why), '')}"
            ),
        }.get(outcome, "Latihan selesai.")
        return [self.page(text, before=receipt)]


def _photo_svg(kind: str) -> str:
    """A small drawing of a photographed document: clear, blurred, cut off or dark."""
    lines = "".join(
        f'<rect x="14" y="{30 + 12 * i}" width="{72 - 10 * (i % 3)}" height="5" fill="#4a5560"/>'
        for i in range(7)
    )
    page = (
        '<rect x="6" y="6" width="88" height="118" fill="#fff" stroke="#98a2ad"/>'
        f'<rect x="14" y="14" width="50" height="8" fill="#0b5d3b"/>{lines}'
    )
    if kind == "buram":
        page = f'<g filter="url(#b)">{page}</g>'
    elif kind == "terpotong":
        page = f'<g transform="rotate(14 50 65) translate(10 34)">{page}</g>'
    shade = '<rect width="100" height="130" fill="#000" opacity="0.72"/>' if kind == "gelap" else ""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 130" width="100" height="130">'
        '<defs><filter id="b"><feGaussianBlur stdDeviation="3"/></filter></defs>'
        f'<rect width="100" height="130" fill="#c9b79c"/>{page}{shade}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


class DukcapilRequest(ServiceApp):
    """A Disdukcapil request in practice: read the (sample) requirements, pick the readable photo
    of each document, send, then follow the status; a stranger offers to "speed it up". Outcomes:
    ``completed``, ``photo-rejected``, ``shared-data``."""

    title = "Disdukcapil Online (latihan)"

    def __init__(self, question_id: str | None, prompt: str = "", request: str = "kk-bayi"):
        if request not in ps.REQUESTS:
            raise ValueError(f"unknown request {request!r}; one of {sorted(ps.REQUESTS)}")
        self.request = request
        self.case = ps.REQUESTS[request]
        self.chosen: dict[str, str] = {}
        self.checks = 0
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        self.chosen, self.checks = {}, 0
        self.show(
            self.page(f"{self.case.story}\n\nLayanan: **{self.case.title}**."),
            self.button("Mulai permohonan", self.requirements, "primary"),
        )

    def requirements(self) -> None:
        items = "\n".join(f"{i}. {doc}" for i, doc in enumerate(self.case.uploads.values(), 1))
        self.show(
            self.page(
                f"**Syarat berkas** (contoh di latihan ini):\n\n{items}\n\n"
                "Siapkan foto yang terang dan terbaca. Syarat sebenarnya ada di layanan "
                "resmi Disdukcapil.",
                fields_html([("Pemohon", "Nur (contoh)")]),
            ),
            sample_nik(),
            self.button("Sudah dibaca. Lanjut unggah", lambda: self.upload(0), "primary"),
        )

    def upload(self, index: int) -> None:
        uploads = list(self.case.uploads)
        if index >= len(uploads):
            self.ready()
            return
        upload = uploads[index]
        columns = []
        for letter, kind in zip("ABC", self.case.photos[upload], strict=False):
            alt = f"Foto {letter}: {ps.PHOTOS[kind].looks}"
            picture = widgets.HTML(
                f'<img class="nk-public-photo" src="{_photo_svg(kind)}" alt="{escape(alt)}">'
            )
            pick = self.button(f"Foto {letter}", lambda k=kind: self.chose(index, upload, k))
            column = widgets.VBox([picture, pick], layout=widgets.Layout(flex="1 1 0"))
            column.add_class("nk-public-photo-choice")
            columns.append(column)
        row = widgets.HBox(columns, layout=widgets.Layout(width="100%"))
        row.add_class("nk-public-photo-row")
        self.show(
            self.page(
                f"**Unggah {index + 1} dari {len(uploads)}: {self.case.uploads[upload]}.** "
                "Pilih foto yang paling baik."
            ),
            row,
        )

    def chose(self, index: int, upload: str, kind: str) -> None:
        self.chosen[upload] = kind
        self.upload(index + 1)

    def ready(self) -> None:
        rows = [(doc, "foto dipilih") for doc in self.case.uploads.values()]
        self.show(
            self.page("**Semua foto siap.** Kirim permohonan?", fields_html(rows)),
            self.button("Kirim permohonan", self.status_screen, "primary"),
        )

    def status_screen(self) -> None:
        current = ps.status_after(self.request, self.chosen, self.checks)
        self.show(
            self.page(
                "**Status permohonan**",
                fields_html(
                    [("Nomor permohonan", ps.PRACTICE_REQUEST_NUMBER), ("Status", current)]
                ),
            ),
            self.button("Cek status", self.check, "primary"),
        )

    def check(self) -> None:
        self.checks += 1
        current = ps.status_after(self.request, self.chosen, self.checks)
        if current == "Perlu diperbaiki":
            self.done("photo-rejected")
        elif current == ps.STATUSES[-1]:
            self.done("completed")
        elif self.checks == 1:
            self.stranger()
        else:
            self.status_screen()

    def stranger(self) -> None:
        self.show(
            self.page(
                "**Status: Diperiksa petugas.**\n\n"
                'Pesan masuk dari nomor tak dikenal: *"Permohonan Ibu lambat ya? '
                'Kirim foto KK dan KTP ke saya, sehari jadi."*'
            ),
            self.button("Abaikan. Tunggu dan cek status di aplikasi resmi", self.status_screen),
            self.button("Kirim foto KK ke orang itu", lambda: self.done("shared-data")),
        )

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        if outcome == "completed":
            text = (
                "**Status: Dokumen selesai.** Dokumen Anda sudah jadi, tanpa antre. "
                "Petunjuk pengambilan ada di aplikasi."
            )
        elif outcome == "photo-rejected":
            problems = ps.upload_problems(self.request, self.chosen) if self.chosen else []
            lines = "\n".join(f"- {p}" for p in problems)
            text = (
                f"**Status: Perlu diperbaiki.** Petugas tidak bisa membaca berkas Anda.\n\n{lines}"
            )
        else:
            text = (
                "**Foto KK terkirim ke orang asing.** KK memuat NIK seluruh keluarga. "
                "Data itu kini bisa disalahgunakan."
            )
        return [self.page(text)]


class LaporComplaint(ServiceApp):
    """A SP4N-LAPOR! complaint in practice: build the report part by part (what, where, when,
    an optional sentence of one's own, a photo), have it checked, send it. Outcomes: ``sent``,
    ``incomplete``, ``impolite``, ``personal-data`` (see `ReportCheck.outcome`)."""

    title = "SP4N-LAPOR! (latihan)"
    steps = (("apa", "Apa masalahnya?"), ("di-mana", "Di mana?"), ("kapan", "Sejak kapan?"))

    def __init__(self, question_id: str | None, prompt: str = "", case: str = "saluran"):
        if case not in ps.COMPLAINTS:
            raise ValueError(f"unknown complaint {case!r}; one of {sorted(ps.COMPLAINTS)}")
        self.case = ps.COMPLAINTS[case]
        self.parts: dict[str, str] = {}
        self.note = ""
        self.evidence = ""
        super().__init__(question_id, prompt)

    @property
    def report(self) -> str:
        sentences = [self.parts.get(part, "") for part, _ in self.steps] + [self.note]
        return " ".join(s for s in sentences if s)

    def begin(self) -> None:
        self.parts, self.note, self.evidence = {}, "", ""
        self.show(
            self.page(f"{self.case.story}\n\nBuat laporan ke SP4N-LAPOR!."),
            self.button("Tulis laporan", lambda: self.sentence(0), "primary"),
        )

    def sentence(self, index: int) -> None:
        if index >= len(self.steps):
            self.own_words()
            return
        part, question = self.steps[index]
        buttons = [
            self.button(text or "Lewati, tidak usah ditulis", lambda t=text: self.put(index, t))
            for text in self.case.sentences[part]
        ]
        self.show(
            self.page(f"**Bagian {index + 1} dari 5: {question}** Pilih kalimatnya."),
            *buttons,
        )

    def put(self, index: int, text: str) -> None:
        self.parts[self.steps[index][0]] = text
        self.sentence(index + 1)

    def own_words(self) -> None:
        self.note_box = text_input(self.note)
        self.note_box.placeholder = "Boleh dikosongkan"
        self.note_note = widgets.HTML()
        self.show(
            self.page(
                "**Bagian 4 dari 5: tambahan.** Tulis satu kalimat Anda sendiri, jika perlu."
            ),
            self.note_box,
            self.note_note,
            self.button("Lanjut", self.save_note, "primary"),
        )

    def save_note(self) -> None:
        value = self.note_box.value if isinstance(self.note_box.value, str) else ""
        if len(value) > ps.MAX_NOTE:
            self.note_note.value = status(f"Terlalu panjang. Paling banyak {ps.MAX_NOTE} huruf.")
            return
        self.note = " ".join(value.split())
        buttons = [
            self.button(label, lambda k=key: self.attach(k))
            for key, label in self.case.evidence.items()
        ]
        self.show(self.page("**Bagian 5 dari 5: lampirkan foto.**"), *buttons)

    def attach(self, evidence: str) -> None:
        self.evidence = evidence
        self.show(
            self.page("**Laporan Anda:**", self._draft()),
            self.button("Periksa laporan dulu", self.review, "primary"),
            self.button("Kirim laporan", self.send),
        )

    def _draft(self) -> str:
        text = escape(self.report) or "<i>(kosong)</i>"
        attached = escape(self.case.evidence[self.evidence])
        return (
            f'<div class="nk-public-report">{text}</div>'
            f'<div class="nk-public-label">Lampiran: {attached}</div>'
        )

    def review(self) -> None:
        check = ps.check_report(self.report, self.evidence)
        ticks = "".join(
            f"<li>{'✔' if ok else '✘'} {escape(ps.PARTS[part])}</li>"
            for part, ok in check.present.items()
        )
        advice = "".join(f"<li>{escape(m)}</li>" for m in check.messages())
        verdict = "Laporan sudah baik. Silakan kirim." if not advice else "Perlu diperbaiki:"
        self.show(
            self.page(
                "**Laporan Anda:**",
                self._draft()
                + f'<ul class="nk-public-checklist">{ticks}</ul>'
                + f"<p><b>{verdict}</b></p>"
                + (f'<ul class="nk-public-advice">{advice}</ul>' if advice else ""),
            ),
            self.button("Kirim laporan", self.send, "primary" if not advice else ""),
            self.button("Perbaiki laporan", lambda: self.sentence(0)),
        )

    def send(self) -> None:
        self.done(ps.check_report(self.report, self.evidence).outcome)

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        text = {
            "sent": (
                "**Laporan terkirim.** Nomor laporan latihan: CONTOH-LAPOR-01. "
                "Pantau tanggapannya di aplikasi."
            ),
            "incomplete": (
                '**Laporan terkirim, tetapi petugas membalas:** "Mohon dilengkapi: apa '
                'masalahnya, di mana tepatnya, sejak kapan, dan fotonya."'
            ),
            "impolite": (
                "**Laporan terkirim, tetapi isinya kasar.** Laporan yang marah-marah sulit "
                "ditindaklanjuti. Tulis fakta dengan tenang."
            ),
            "personal-data": (
                "**Laporan terkirim dengan data pribadi orang lain.** Data itu kini dibaca "
                "orang yang tidak berhak."
            ),
        }.get(outcome, "Latihan selesai.")
        return [self.page(text)]
