"""TTE (tanda tangan elektronik) practice for kelurahan staff: sign a letter such as an SKTM while
keeping the passphrase secret, then check signed letters that arrive, one changed after signing.

The signing rules live in `naikkelas.widgets.public_services`; this class draws the screens.
"""

from __future__ import annotations

import ipywidgets as widgets

from .. import public_services as ps
from ..text import escape, status
from .public_services import ServiceApp, fields_html, text_input


class TteSigning(ServiceApp):
    """TTE practice for kelurahan staff: open a letter, keep the passphrase from a colleague who
    asks for it, type the practice passphrase, sign; then check two received files, one changed
    after signing. Outcomes: ``signed-checked``, ``shared-passphrase``, ``processed-changed``,
    ``refused-valid``.

    `colleague`: True or False for always or never; None (the default) for "sometimes": on the
    first play and every other replay. `start="verify"` skips signing (checking only)."""

    title = "TTE Kelurahan (latihan)"

    def __init__(
        self,
        question_id: str | None,
        prompt: str = "",
        colleague: bool | None = None,
        start: str = "sign",
    ):
        if start not in ("sign", "verify"):
            raise ValueError("start must be 'sign' or 'verify'")
        self.colleague, self.start = colleague, start
        self.plays = 0
        self.letter = ps.SAMPLE_LETTER
        self.signer_keys = {self.letter.penanda_tangan: ps.signing_key(ps.PRACTICE_PASSPHRASE)}
        super().__init__(question_id, prompt)

    @property
    def colleague_asks(self) -> bool:
        return self.plays % 2 == 1 if self.colleague is None else self.colleague

    def begin(self) -> None:
        self.plays += 1
        if self.start == "verify":
            self.signed = ps.sign(self.letter, self.letter.penanda_tangan, ps.PRACTICE_PASSPHRASE)
            self.received(0)
            return
        self.show(
            self.page(
                f"**Surat menunggu tanda tangan Anda:**\n\n1. SKTM atas nama {self.letter.nama}"
            ),
            self.button("Buka surat", self.open_letter, "primary"),
        )

    def _letter_fields(self, letter: ps.Letter) -> str:
        return fields_html(
            [
                ("Nomor", letter.nomor),
                ("Jenis", letter.jenis),
                ("Nama", f"{letter.nama} (contoh)"),
                ("NIK", "contoh, disembunyikan"),
                ("Keperluan", letter.keperluan),
            ]
        )

    def open_letter(self) -> None:
        self.show(
            self.page(
                "**Periksa isi surat.** Permohonan warga: SKTM untuk keringanan biaya sekolah.",
                self._letter_fields(self.letter),
            ),
            self.button("Isi cocok. Tanda tangani", self.before_passphrase, "primary"),
        )

    def before_passphrase(self) -> None:
        if not self.colleague_asks:
            self.passphrase()
            return
        self.show(
            self.page(
                "Pak Budi, rekan kantor, berdiri di samping Anda:\n\n"
                '*"Sebutkan saja passphrase-nya ke saya. Nanti kalau sedang tidak di kantor, '
                'biar saya yang tanda tangani surat."*'
            ),
            self.button("Tolak dengan sopan. Passphrase hanya untuk saya", self.passphrase),
            self.button(
                "Sebutkan passphrase kepada Pak Budi", lambda: self.done("shared-passphrase")
            ),
        )

    def passphrase(self) -> None:
        self.pass_box = text_input(password=True)
        self.pass_note = widgets.HTML()
        self.show(
            self.page(
                f"**Ketik passphrase.** Passphrase latihan: **{ps.PRACTICE_PASSPHRASE}**\n\n"
                "Ini hanya untuk latihan. Jangan pernah mengetik passphrase asli Anda di sini."
            ),
            self.pass_box,
            self.pass_note,
            self.button("Tanda tangani", self.sign, "primary"),
        )

    def sign(self) -> None:
        if not ps.passphrase_ok(self.pass_box.value):
            self.pass_note.value = status("Passphrase salah. Ketik lagi dengan teliti.")
            return
        self.pass_box.value = ""
        self.signed = ps.sign(self.letter, self.letter.penanda_tangan, ps.PRACTICE_PASSPHRASE)
        self.show(
            self.page(
                "**Surat sudah ditandatangani secara elektronik.**\n\n"
                "Surat dikirim sebagai file PDF. Sekarang, periksa surat ber-TTE yang diterima."
            ),
            self.button("Lanjut: periksa surat", lambda: self.received(0), "primary"),
        )

    def _files(self) -> list[tuple[str, ps.Signed]]:
        changed = ps.Signed(
            self.signed.letter.changed(keperluan="Biaya rumah sakit"),
            self.signed.signer,
            self.signed.seal,
        )
        return [("SKTM_Tarmi.pdf", self.signed), ("SKTM_Tarmi_baru.pdf", changed)]

    def received(self, index: int) -> None:
        name, _signed = self._files()[index]
        self.show(
            self.page(f"**File {index + 1} dari 2:** `{name}`\n\nBuka keterangan tanda tangannya."),
            self.button("Periksa tanda tangan", lambda: self.inspect(index), "primary"),
        )

    def inspect(self, index: int) -> None:
        name, signed = self._files()[index]
        result = ps.verify(signed, self.signer_keys)
        panel = "".join(f"<li>{escape(line)}</li>" for line in ps.verification_text(result))
        mark = "nk-public-ok" if result.can_process else "nk-public-warn"
        self.show(
            self.page(
                f"**Keterangan tanda tangan** `{name}`",
                f'<ul class="nk-public-signature {mark}">{panel}</ul>'
                + self._letter_fields(signed.letter),
            ),
            self.button("Proses surat", lambda: self.decide(index, True)),
            self.button(
                "Jangan proses. Tanyakan ke kantor penerbit", lambda: self.decide(index, False)
            ),
        )

    def decide(self, index: int, process: bool) -> None:
        _name, signed = self._files()[index]
        valid = ps.verify(signed, self.signer_keys).can_process
        if process and not valid:
            self.done("processed-changed")
        elif valid and not process:
            self.done("refused-valid")
        elif index + 1 < len(self._files()):
            self.received(index + 1)
        else:
            self.done("signed-checked")

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        text = {
            "signed-checked": (
                "**Selesai.** Surat yang utuh diproses. Surat yang diubah setelah "
                "ditandatangani tidak diproses."
                + (
                    " Anda menandatangani sendiri dan passphrase tetap rahasia."
                    if self.start == "sign"
                    else ""
                )
            ),
            "shared-passphrase": (
                "**Passphrase Anda kini diketahui orang lain.** Siapa pun yang tahu passphrase "
                "bisa menandatangani surat atas nama Anda."
            ),
            "processed-changed": (
                "**Surat yang diubah ikut diproses.** Keperluannya diganti setelah "
                "ditandatangani, dan keterangan tanda tangan sudah memberi peringatan."
            ),
            "refused-valid": (
                "**Surat yang utuh ditolak.** Penanda tangannya benar dan isinya tidak diubah. "
                "Surat itu bisa diproses."
            ),
        }.get(outcome, "Latihan selesai.")
        return [self.page(text)]
