"""Safety on the phone: a scam chat-and-call phone, a password and PIN checker, turning on two-step
verification, and reading a web address. The logic is in `naikkelas.widgets.safety`,
`naikkelas.widgets.phishing` and the stories in `naikkelas.widgets.scam_stories`; these widgets
only draw the phone and route taps.
"""

from __future__ import annotations

import random

import ipywidgets as widgets

from .. import phishing
from ..questions import TARGET
from ..safety import (
    ALL_SAFE,
    Ending,
    Story,
    StrengthReport,
    code_problem,
    combined_outcome,
    new_code,
    password_report,
    pin_report,
    spaced_code,
    stories_problems,
)
from ..scam_stories import STORIES
from ..text import escape, status
from .base import Simulator, phone_html
from .safety_screens import (
    address_bar,
    ending_html,
    owner_html,
    report_html,
    scene_html,
    sms_html,
)

MAX_TYPED = 64  # characters a learner may type into a practice field


def _text_widget(placeholder: str) -> widgets.Text:
    box = widgets.Text(
        placeholder=placeholder,
        continuous_update=False,
        layout=widgets.Layout(width="100%", min_height=TARGET),
    )
    box.add_class("nk-input")
    box.add_class("nk-safety-input")
    return box


def _html(markup: str) -> widgets.HTML:
    return widgets.HTML(markup)


class ScamPhone(Simulator):
    """A phone receiving scam chats and calls. The learner chooses at each scene and sees what
    happens and the safe action.

    `scenarios`: ids of stories in `scam_stories.STORIES` (``otp-call``, ``prize``, ``apk``,
    ``courier-link``, ``loan``), played in turn from an inbox when there are several; `stories`
    adds stories of your own (`safety.Story`) by id. Outcome: the ending's id when one story is
    played; with several, ``all-safe`` or the first unsafe ending reached (in the listed order).
    """

    title = "HP Latihan"

    def __init__(
        self,
        question_id: str | None,
        prompt: str = "",
        scenarios: tuple[str, ...] | list[str] = ("apk",),
        stories: dict[str, Story] | None = None,
    ):
        known = {**STORIES, **(stories or {})}
        unknown = [s for s in scenarios if s not in known]
        if not scenarios or unknown:
            raise ValueError(f"{question_id}: unknown scenarios {unknown} (known: {sorted(known)})")
        self.stories = [known[s] for s in scenarios]
        problems = stories_problems(self.stories)
        if problems:
            raise ValueError(f"{question_id}: " + "; ".join(problems))
        self.reached: dict[str, str] = {}
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        self.reached = {}
        if len(self.stories) == 1:
            self.play(self.stories[0], self.stories[0].start)
        else:
            self.inbox()

    def inbox(self) -> None:
        rows, buttons = [], []
        for story in self.stories:
            ending = story.scenes.get(self.reached.get(story.id, ""))
            if isinstance(ending, Ending):
                mark = "✔ aman" if ending.safe else "✘ tidak aman"
                rows.append(f"<li>{escape(story.title)}: <b>{mark}</b></li>")
            else:
                label = f"Buka: {story.title} — “{story.notice}”"
                buttons.append(self.button(label, lambda s=story: self.play(s, s.start)))
        done = f'<ul class="nk-safety-list">{"".join(rows)}</ul>' if rows else ""
        intro = f"<p>Ada {len(buttons)} pesan atau panggilan baru. Buka satu per satu.</p>"
        self.show(_html(phone_html(intro + done, "Kotak masuk")), *buttons)

    def play(self, story: Story, scene_id: str) -> None:
        scene = story.scenes[scene_id]
        if isinstance(scene, Ending):
            self.reached[story.id] = scene_id
            if len(self.stories) == 1:
                self.done(scene_id)
                return
            left = [s for s in self.stories if s.id not in self.reached]
            label = "Kembali ke kotak masuk" if left else "Lihat hasil"
            go_on = self.inbox if left else self.finish
            self.show(_html(ending_html(scene)), self.button(label, go_on, style="primary"))
            return
        buttons = [
            self.button(choice.label, lambda to=choice.to: self.play(story, to))
            for choice in scene.choices
        ]
        self.show(_html(scene_html(scene)), *buttons)

    def finish(self) -> None:
        self.done(combined_outcome(self.stories, self.reached))

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        parts = []
        if len(self.stories) > 1:
            rows = []
            for story in self.stories:
                ending = story.scenes.get(self.reached.get(story.id, ""))
                mark = "" if not isinstance(ending, Ending) else (" ✔" if ending.safe else " ✘")
                rows.append(f"<li>{escape(story.title)}{mark}</li>")
            verdict = (
                "Semua pilihan Anda aman."
                if outcome == ALL_SAFE
                else "Ada pilihan yang tidak aman."
            )
            parts.append(
                _html(
                    phone_html(
                        f'<p><b>{verdict}</b></p><ul class="nk-safety-list">{"".join(rows)}</ul>',
                        "Hasil latihan",
                    )
                )
            )
        for story in self.stories:
            ending = story.scenes.get(outcome)
            if isinstance(ending, Ending):
                parts.append(_html(ending_html(ending)))
        return parts or [_html(phone_html("<p>Latihan selesai.</p>", self.title))]


class PasswordCheck(Simulator):
    """Make a practice password (or PIN) and see how strong it is, with reasons.

    `kind`: ``"password"`` or ``"pin"``; `shop_name` and `names`: words from the lesson's story a
    thief could guess (checked in passwords); `pin_length`: digits of a PIN. Outcomes when the
    learner saves: ``strong-password``, ``medium-password``, ``weak-password``; for PINs
    ``strong-pin``, ``weak-pin``. The practice password itself is never sent or kept.
    """

    LEVEL_IDS = {"kuat": "strong", "sedang": "medium", "lemah": "weak"}

    def __init__(
        self,
        question_id: str | None,
        prompt: str = "",
        kind: str = "password",
        shop_name: str = "",
        names: tuple[str, ...] = (),
        pin_length: int = 6,
    ):
        if kind not in ("password", "pin"):
            raise ValueError(f"{question_id}: kind must be 'password' or 'pin', not {kind!r}")
        self.kind, self.shop_name, self.names, self.pin_length = kind, shop_name, names, pin_length
        self.title = "Ganti kata sandi" if kind == "password" else "Ganti PIN"
        self.report: StrengthReport | None = None
        super().__init__(question_id, prompt)

    @property
    def noun(self) -> str:
        return "kata sandi" if self.kind == "password" else "PIN"

    def judge(self, typed: str) -> StrengthReport:
        if self.kind == "pin":
            return pin_report(typed, self.pin_length)
        return password_report(typed, self.shop_name, tuple(self.names))

    def begin(self) -> None:
        self.report = None
        self.input = _text_widget(f"Ketik {self.noun} latihan di sini")
        self.result = _html("")
        warning = (
            f'<div class="nk-safety-warning">⚠ Ini latihan. <b>JANGAN</b> ketik {self.noun} asli '
            f"Anda. Buat {self.noun} contoh yang baru.</div>"
        )
        if self.kind == "pin":
            ask = f"<p>Buat PIN baru: {self.pin_length} angka.</p>"
        else:
            ask = (
                "<p>Buat kata sandi baru untuk akun toko Anda. Tips: gabungkan 3 atau 4 kata.</p>"
                "<p>Karakter artinya huruf, angka, atau tanda.</p>"
            )
        check = self.button(f"Periksa kekuatan {self.noun}", self.check)
        save = self.button(f"Simpan {self.noun} ini", self.save, style="primary")
        self.show(
            _html(phone_html(warning + ask, self.title)), self.input, check, self.result, save
        )

    def _read(self) -> StrengthReport:
        typed = self.input.value if isinstance(self.input.value, str) else ""
        self.report = self.judge(typed[: MAX_TYPED + 1])
        return self.report

    def check(self) -> None:
        self.result.value = report_html(self._read(), self.noun)

    def save(self) -> None:
        report = self._read()
        if report.level is None:
            self.result.value = report_html(report, self.noun)
            return
        self.input.value = ""  # the practice password does not stay on the page
        self.done(f"{self.LEVEL_IDS[report.level]}-{self.kind}")

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        noun = self.noun[0].upper() + self.noun[1:]
        heads = {
            "strong": (
                f'<div class="nk-safety-badge nk-safety-safe">✔ {noun} kuat disimpan</div>'
                f"<p>Buat {self.noun} asli Anda sekuat ini juga. Jangan berikan kepada siapa pun."
                "</p>"
            ),
            "medium": (
                f'<div class="nk-safety-badge nk-safety-unsafe">✘ {noun} belum cukup kuat</div>'
                f"<p>Lumayan, tetapi masih bisa lebih kuat. Buat lebih panjang: 12 karakter atau "
                "lebih, misalnya tiga atau empat kata.</p>"
            ),
            "weak": (
                f'<div class="nk-safety-badge nk-safety-unsafe">✘ {noun} mudah ditebak</div>'
                f"<p>Penjahat bisa menebak {self.noun} seperti ini. Coba lagi dengan {self.noun} "
                "yang lebih sulit ditebak.</p>"
            ),
        }
        head = heads.get(outcome.split("-")[0], "<p>Latihan selesai.</p>")
        detail = report_html(self.report, self.noun) if self.report else ""
        return [_html(phone_html(head + detail, self.title))]


class TwoStepSetup(Simulator):
    """Turn on two-step verification in a pretend shop app, in order: open the security menu,
    switch it on, ask for the SMS code, type the code. While the code is on screen a fake
    "customer service" chat asks for it.

    `app_name`: the pretend app's name; `seed`: makes the SMS code repeatable (tests). Outcomes:
    ``enabled`` (right), ``code-shared`` (sent the code to the chat), ``not-enabled`` (chose
    "later").
    """

    STEPS = 4

    def __init__(
        self,
        question_id: str | None,
        prompt: str = "",
        app_name: str = "Toko Saya",
        seed: int | None = None,
    ):
        self.app_name = self.title = app_name
        self.rng = random.Random(seed)
        self.code = ""
        super().__init__(question_id, prompt)

    def _step(self, number: int, body: str) -> widgets.HTML:
        return _html(
            phone_html(
                f'<div class="nk-safety-step">Langkah {number} dari {self.STEPS}</div>{body}',
                self.app_name,
            )
        )

    def begin(self) -> None:
        self.code = new_code(self.rng)
        self.hint = _html("")
        menu = [
            self.button("Profil toko", lambda: self.not_here("Profil toko")),
            self.button("Keamanan akun", self.security),
            self.button("Pesanan", lambda: self.not_here("Pesanan")),
        ]
        body = (
            "<p>Akun Anda belum memakai <b>verifikasi dua langkah</b>.</p>"
            "<p>Pilih menu tempat pengaturan keamanan.</p>"
        )
        self.show(self._step(1, body), *menu, self.hint)

    def not_here(self, menu: str) -> None:
        self.hint.value = status(f"Menu “{menu}” tidak berisi pengaturan keamanan. Coba menu lain.")

    def security(self) -> None:
        body = (
            "<p><b>Keamanan akun</b></p><p>Verifikasi dua langkah: <b>MATI</b></p>"
            "<p>Kalau menyala, masuk ke akun perlu kata sandi <b>dan</b> kode SMS ke HP Anda.</p>"
        )
        on = self.button("Nyalakan verifikasi dua langkah", self.ask_code, style="primary")
        later = self.button("Nanti saja", lambda: self.done("not-enabled"))
        self.show(self._step(2, body), on, later)

    def ask_code(self) -> None:
        body = "<p>Kami akan mengirim kode lewat SMS ke nomor HP di akun Anda.</p>"
        send = self.button("Kirim kode lewat SMS", self.enter_code, style="primary")
        self.show(self._step(3, body), send)

    def enter_code(self) -> None:
        sms = sms_html(
            self.app_name,
            f"Kode verifikasi Anda {spaced_code(self.code)}. JANGAN BERIKAN kode ini kepada "
            f"siapa pun, termasuk petugas {self.app_name}.",
        )
        chat = (
            f'<div class="nk-safety-notice"><b>Chat baru dari “CS {escape(self.app_name)}”</b>'
            "<div>Halo Kak, kami bantu aktifkan. Kirim kode SMS tadi ke chat ini ya.</div></div>"
        )
        self.code_input = _text_widget("Kode 6 angka dari SMS")
        self.hint = _html("")
        activate = self.button("Aktifkan", self.activate, style="primary")
        reply = self.button("Balas chat CS: kirim kodenya", lambda: self.done("code-shared"))
        body = f"{sms}{chat}<p><b>Ketik kode dari SMS di sini:</b></p>"
        self.show(self._step(4, body), self.code_input, activate, self.hint, reply)

    def activate(self) -> None:
        typed = self.code_input.value if isinstance(self.code_input.value, str) else ""
        problem = code_problem(typed[:MAX_TYPED], self.code)
        if problem:
            self.hint.value = status(problem)
            return
        self.done("enabled")

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        texts = {
            "enabled": (
                '<div class="nk-safety-badge nk-safety-safe">✔ Verifikasi dua langkah MENYALA</div>'
                "<p>Misalnya suatu hari penipu tahu kata sandi Anda. Ia mencoba masuk dari HP "
                "lain. Aplikasi meminta kode yang dikirim ke HP <b>Anda</b>. Tanpa kode itu, "
                "penipu tidak bisa masuk.</p><p>Kode itu hanya untuk Anda. Jangan berikan "
                "kepada siapa pun.</p>"
            ),
            "code-shared": (
                '<div class="nk-safety-badge nk-safety-unsafe">✘ Kode diberikan ke chat</div>'
                "<p>“CS” itu penipu. Kode itu kunci akun Anda. Dengan kode itu, penipu bisa "
                "masuk ke akun Anda dari HP lain.</p><p>Kode dari SMS hanya diketik sendiri di "
                "aplikasi. Jangan berikan kepada siapa pun, termasuk yang mengaku petugas.</p>"
            ),
            "not-enabled": (
                '<div class="nk-safety-badge nk-safety-unsafe">✘ Masih MATI</div>'
                "<p>Tanpa verifikasi dua langkah, pencuri kata sandi bisa langsung masuk ke akun "
                "Anda. Menyalakannya hanya perlu beberapa langkah.</p>"
            ),
        }
        body = texts.get(outcome, "<p>Latihan selesai.</p>")
        return [_html(phone_html(body, self.app_name))]


DEFAULT_ADDRESSES = (
    "https://www.bankcontoh.example/masuk",
    "https://bankcontoh.example.hadiah-undian.example/klaim",
    "http://bankcontoh-verifikasi.example/login",
    "https://bankc0ntoh.example/masuk",
    "https://pendek.example/Xy7kQ",
)


class PhishingAddress(Simulator):
    """Look at the address bar of pages that all look like the bank's login page and decide:
    the real site or a fake? Each answer is explained (`phishing.inspect_address`).

    `addresses`: what the learner inspects, in order; `trusted`: the registered names of the
    real site (fictional, e.g. ``bankcontoh.example``); `brand`: its name. Outcomes:
    ``all-correct``; ``trusted-fake`` (called a fake one real: the dangerous mistake);
    ``doubted-real`` (called the real one fake).
    """

    title = "Browser"

    def __init__(
        self,
        question_id: str | None,
        prompt: str = "",
        addresses: tuple[str, ...] | list[str] = DEFAULT_ADDRESSES,
        trusted: tuple[str, ...] | list[str] = ("bankcontoh.example",),
        brand: str = "Bank Contoh",
    ):
        if not addresses:
            raise ValueError(f"{question_id}: give at least one address")
        self.brand = brand
        self.reports = [phishing.inspect_address(a, tuple(trusted), brand) for a in addresses]
        self.answers: list[tuple[bool, bool]] = []
        super().__init__(question_id, prompt)

    def begin(self) -> None:
        self.answers = []
        self.ask(0)

    def ask(self, index: int) -> None:
        report = self.reports[index]
        page = (
            f'<div class="nk-safety-page"><b>{escape(self.brand)}</b><div>Masuk ke akun Anda</div>'
            '<div class="nk-safety-field">Nomor HP</div><div class="nk-safety-field">PIN</div>'
            "</div>"
        )
        body = (
            f'<div class="nk-safety-step">Alamat {index + 1} dari {len(self.reports)}</div>'
            f"{address_bar(report.address)}{page}"
        )
        question = _html(f"<p><b>Apakah ini benar situs {escape(self.brand)}?</b></p>")
        real = self.button("Aman: ini situs asli", lambda: self.judge(index, True))
        fake = self.button("Tidak aman: ini tiruan", lambda: self.judge(index, False))
        self.show(_html(phone_html(body, self.title)), question, real, fake)

    def judge(self, index: int, said_safe: bool) -> None:
        report = self.reports[index]
        self.answers.append((said_safe, report.safe))
        right = said_safe == report.safe
        verdict = "asli" if report.safe else "tiruan"
        badge = (
            f'<div class="nk-safety-badge nk-safety-safe">✔ Tepat. Situs ini {verdict}.</div>'
            if right
            else f'<div class="nk-safety-badge nk-safety-unsafe">✘ Kurang tepat. Situs ini '
            f"{verdict}.</div>"
        )
        findings = "".join(
            f'<li class="{"nk-safety-good" if f.good else "nk-safety-bad"}">'
            f"{'✔' if f.good else '✘'} {escape(f.text)}</li>"
            for f in report.findings
        )
        body = f'{badge}{owner_html(report)}<ul class="nk-safety-reasons">{findings}</ul>'
        last = index + 1 == len(self.reports)
        label = "Lihat hasil" if last else "Alamat berikutnya"
        go_on = self.finish if last else (lambda: self.ask(index + 1))
        self.show(_html(phone_html(body, self.title)), self.button(label, go_on, style="primary"))

    def finish(self) -> None:
        self.done(phishing.address_outcome(self.answers))

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        right = sum(said == really for said, really in self.answers)
        score = (
            f"<p><b>Benar {right} dari {len(self.reports)} alamat.</b></p>" if self.answers else ""
        )
        rules = (
            "<p><b>Cara membaca alamat:</b></p><ol>"
            "<li>Cari garis miring (/) pertama sesudah https://.</li>"
            "<li>Nama tepat di depannya, dengan akhirannya, adalah pemilik situs.</li>"
            "<li>Awas kata tambahan, huruf yang ditukar (0 untuk o), dan tautan pendek.</li>"
            "<li>Gembok (https) perlu, tetapi belum menjamin pemiliknya jujur.</li></ol>"
            f"<p>Paling aman: buka aplikasi {escape(self.brand)} yang resmi di HP Anda. "
            "Jangan masuk lewat tautan di pesan.</p>"
        )
        return [_html(phone_html(score + rules, "Hasil latihan"))]
