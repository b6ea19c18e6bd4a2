"""Safety on the phone: scam stories as scene graphs, password and PIN strength, two-step codes,
reading web addresses, and the four simulators driven in-process.

Expected values are worked out by hand in each test, not by calling the code under test.
"""

import re

import pytest

from naikkelas.widgets import Lesson
from naikkelas.widgets.client import LocalClient
from naikkelas.widgets.phishing import address_outcome, inspect_address, registered_domain
from naikkelas.widgets.safety import (
    ALL_SAFE,
    Choice,
    Ending,
    Scene,
    Story,
    code_problem,
    combined_outcome,
    new_code,
    password_report,
    paths,
    pin_report,
    spaced_code,
    stories_problems,
    story_problems,
)
from naikkelas.widgets.scam_stories import STORIES
from naikkelas.widgets.simulators import PasswordCheck, PhishingAddress, ScamPhone, TwoStepSetup


# -- scene graphs ----------------------------------------------------------------------------
def chat(*choices):
    return Scene(
        "chat", "Orang asing", ("Halo",), tuple(Choice(label, to) for label, to in choices)
    )


SAFE = Ending(True, "Aman.", "Tetap begitu.")
UNSAFE = Ending(False, "Uang hilang.", "Jangan begitu.")


def test_every_built_in_story_is_sound_and_their_outcomes_differ():
    assert stories_problems(list(STORIES.values())) == []
    assert set(STORIES) == {"otp-call", "prize", "apk", "courier-link", "loan"}


def test_the_paths_of_the_otp_call_are_the_six_counted_by_hand():
    # ring: hang up or talk; talk: hang up or sms; sms: share, ask or call the bank;
    # ask: share or hang up
    assert sorted(paths(STORIES["otp-call"])) == sorted(
        [
            ["ring", "otp-hung-up"],
            ["ring", "talk", "otp-hung-up"],
            ["ring", "talk", "sms", "otp-shared"],
            ["ring", "talk", "sms", "ask", "otp-shared"],
            ["ring", "talk", "sms", "ask", "otp-hung-up"],
            ["ring", "talk", "sms", "otp-called-bank"],
        ]
    )
    endings = STORIES["otp-call"].endings()
    assert not endings["otp-shared"].safe and endings["otp-hung-up"].safe


def story(scenes, start="a", story_id="s"):
    return Story(story_id, story_id.upper(), "pesan", start, scenes)


def test_a_choice_leading_nowhere_is_reported():
    problems = story_problems(story({"a": chat(("Buka", "lost")), "ok": SAFE}))
    assert problems == ["s: 'a' leads to unknown 'lost'"]


def test_a_loop_is_a_path_that_never_ends():
    scenes = {
        "a": chat(("Lagi", "b"), ("Aman", "ok")),
        "b": chat(("Kembali", "a"), ("Klik", "bad")),
        "ok": SAFE,
        "bad": UNSAFE,
    }
    assert story_problems(story(scenes)) == ["s: a path never ends, it loops through 'a'"]


def test_dead_ends_and_unlabelled_endings_are_reported():
    scenes = {
        "a": chat(("Ya", "ok"), ("Tidak", "bad"), ("Diam", "stuck")),
        "stuck": Scene("chat", "X", ("...",), ()),
        "ok": SAFE,
        "bad": UNSAFE,
        "maybe": Ending(None, "?", "?"),
    }
    assert story_problems(story(scenes)) == [
        "s: scene 'stuck' has no choices and is no ending",
        "s: ending 'maybe' is not labelled safe or unsafe",
    ]


def test_unreachable_scenes_and_stories_without_an_unsafe_ending():
    assert story_problems(story({"a": chat(("Ya", "ok")), "ok": SAFE})) == [
        "s: needs at least one safe and one unsafe ending"
    ]
    scenes = {"a": chat(("Ya", "ok"), ("No", "bad")), "ok": SAFE, "bad": UNSAFE, "far": UNSAFE}
    assert story_problems(story(scenes)) == ["s: scene 'far' cannot be reached"]


def test_two_stories_played_together_may_not_share_an_outcome():
    first = story({"a": chat(("1", "ok"), ("2", "bad")), "ok": SAFE, "bad": UNSAFE}, story_id="a")
    second = story({"a": chat(("1", "ok"), ("2", "boom")), "ok": SAFE, "boom": UNSAFE}, "a", "b")
    assert stories_problems([first, second]) == ["b: ending 'ok' is also in a"]


def test_combined_outcome_is_the_first_unsafe_ending_in_listed_order():
    stories = [STORIES["otp-call"], STORIES["prize"]]
    both_safe = {"otp-call": "otp-hung-up", "prize": "prize-ignored"}
    assert combined_outcome(stories, both_safe) == ALL_SAFE
    second_bad = {"otp-call": "otp-hung-up", "prize": "prize-otp-shared"}
    assert combined_outcome(stories, second_bad) == "prize-otp-shared"
    both_bad = {"prize": "prize-otp-shared", "otp-call": "otp-shared"}
    assert combined_outcome(stories, both_bad) == "otp-shared"
    with pytest.raises(ValueError, match="'prize' has not reached an ending"):
        combined_outcome(stories, {"otp-call": "otp-hung-up", "prize": "chat"})


def test_stories_follow_the_facts_sheet():
    for story in STORIES.values():
        for scene in story.scenes.values():
            if isinstance(scene, Scene):
                if scene.sms and "OTP" in scene.sms[1]:
                    assert "JANGAN BERIKAN" in scene.sms[1]  # an OTP is never to be shared
                for address in [scene.link[1]] if scene.link else []:
                    assert ".example/" in address  # fictional addresses only
                text = " ".join((scene.sender, *scene.lines))
                assert not re.search(r"\b0\d{2,3}[- ]?\d{3,4}[- ]?\d{3,4}\b", text)  # no phone no.
                if scene.file:
                    assert scene.file.endswith(".apk")
        for ending_id, ending in story.endings().items():
            if ".apk" in str(story.scenes) and not ending.safe and "installed" in ending_id:
                assert "membaca SMS" in ending.happened and "toko aplikasi resmi" in (
                    ending.safe_action
                )


# -- passwords and PINs ----------------------------------------------------------------------
def reasons(report):
    return " | ".join(r.text for r in report.reasons)


def test_123456_is_short_common_and_a_run():
    report = password_report("123456")
    assert report.level == "lemah"
    text = reasons(report)
    assert "Terlalu pendek: hanya 6 karakter" in text
    assert "pasaran “123456”" in text and "urutan “123456”" in text


def test_a_shop_name_and_a_birth_year_are_guessable():
    report = password_report("lestari1975", shop_name="Warung Bu Lestari")
    assert report.level == "lemah"
    assert "tahun “1975”" in reasons(report) and "nama “lestari”" in reasons(report)
    # for a shop of another name, "lestari" is just a word: 12 characters and no year is strong
    assert password_report("lestari1970x", shop_name="Toko Makmur").level == "lemah"  # a year
    assert password_report("lestariPagi7", shop_name="Toko Makmur").level == "kuat"


@pytest.mark.parametrize(
    "password, level, quoted",
    [
        ("Sambal-Terasi-Hujan-Sore8", "kuat", "25 karakter"),
        ("kuda lari kencang sekali", "kuat", "24 karakter"),
        ("Jeruk7Manis", "sedang", "11 karakter"),
        ("P@ssw0rd", "lemah", "pasaran “password”"),
        ("sayang123!", "lemah", "pasaran “sayang”"),
        ("kucingku17081980", "lemah", "“17081980” mirip tanggal lahir"),
        ("kopi 12-08-1975 manis", "lemah", "“12-08-1975” mirip tanggal lahir"),
        ("aaaaaaaaaaaaaa", "lemah", "diulang-ulang: “aaaaaaaaaaaaaa”"),
        ("qwertyuiopmanis", "lemah", "urutan “qwertyuiop”"),
        ("dcbaGelasPiring", "lemah", "urutan “dcba”"),
    ],
)
def test_password_levels_with_their_reasons(password, level, quoted):
    report = password_report(password)
    assert report.level == level
    assert quoted in reasons(report)


def test_a_strong_password_is_never_quoted_back():
    report = password_report("Sambal-Terasi-Hujan-Sore8")
    assert report.strong and "Sambal" not in reasons(report)


@pytest.mark.parametrize("typed", ["", "   ", None, 123456, ["a"]])
def test_nothing_to_judge_is_said_plainly(typed):
    report = password_report(typed)
    assert report.level is None and reasons(report) == "Ketik dulu kata sandi latihan."


def test_a_password_over_64_characters_is_refused_with_the_limit():
    report = password_report("x" * 65)
    assert report.level is None and "Paling banyak 64 karakter" in reasons(report)


@pytest.mark.parametrize(
    "pin, quoted",
    [
        ("123456", "PIN pasaran"),
        ("111111", "diulang-ulang: “111111”"),
        ("121212", "diulang-ulang: “121212”"),
        ("112233", "diulang-ulang: “112233”"),
        ("987654", "urutan “987654”"),
        ("170880", "“170880” mirip tanggal lahir"),  # 17 August 1980
        ("199012", "tahun “1990”"),
        ("909009", "2 macam angka"),
        ("12 34 56", "PIN pasaran"),
    ],
)
def test_guessable_pins(pin, quoted):
    report = pin_report(pin)
    assert report.level == "lemah" and quoted in reasons(report)


@pytest.mark.parametrize("pin", ["480193", "975318", "846291"])
def test_pins_without_a_pattern_are_strong(pin):
    # e.g. 480193: no run of four, no repeat, 48 is no day, no 19xx/20xx inside
    assert pin_report(pin).level == "kuat"


def test_pin_input_that_cannot_be_judged():
    assert reasons(pin_report("12345")) == "PIN latihan ini harus 6 angka. Anda menulis 5 angka."
    assert reasons(pin_report("12a456")) == "PIN hanya berisi angka 0 sampai 9."
    assert reasons(pin_report("١٢٣٤٥٦")) == "PIN hanya berisi angka 0 sampai 9."  # Arabic digits
    assert pin_report("8391", length=4).level == "kuat"


# -- two-step codes --------------------------------------------------------------------------
class FixedRandom:
    def randrange(self, stop):
        assert stop == 1_000_000
        return 42


def test_codes_have_six_digits_with_leading_zeros():
    assert new_code(FixedRandom()) == "000042"
    assert spaced_code("482913") == "482 913"


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("482913", None),
        ("482 913", None),
        ("482-913", None),
        ("", "Ketik dulu kode dari SMS."),
        (None, "Ketik dulu kode dari SMS."),
        ("abc", "Kode hanya berisi angka. Lihat lagi SMS di atas."),
        ("482914", "Kode tidak cocok. Lihat lagi SMS di atas, lalu ketik keenam angkanya."),
    ],
)
def test_code_problem(typed, problem):
    assert code_problem(typed, "482913") == problem


# -- web addresses ---------------------------------------------------------------------------
def test_registered_domain_reads_two_part_endings():
    assert registered_domain("www.bank-contoh.co.id") == "bank-contoh.co.id"
    assert registered_domain("a.b.bankcontoh.example") == "bankcontoh.example"


def codes(report):
    return {f.code for f in report.findings if not f.good}


@pytest.mark.parametrize(
    "address, owner, bad",
    [
        ("http://www.bankcontoh.example/masuk", "bankcontoh.example", {"http"}),
        (
            "https://bankcontoh.example.hadiah-undian.example/klaim",
            "hadiah-undian.example",
            {"owner", "in_front", "bait", "https"},
        ),
        (
            "http://bankcontoh-verifikasi.example/login",
            "bankcontoh-verifikasi.example",
            {"owner", "extra_words", "bait", "http"},
        ),
        ("https://bankc0ntoh.example/masuk", "bankc0ntoh.example", {"owner", "lookalike", "https"}),
        ("https://bancontoh.example", "bancontoh.example", {"owner", "lookalike", "https"}),
        ("https://pendek.example/Xy7kQ", "pendek.example", {"owner", "shortener", "https"}),
        (
            "https://bankcontoh.example@akun-aman.example/",
            "akun-aman.example",
            {"owner", "userinfo", "stranger", "bait", "https"},
        ),
        ("https://tokobaju.example/", "tokobaju.example", {"owner", "stranger", "https"}),
        ("bankcontoh.example/masuk", "bankcontoh.example", {"no_scheme"}),
        ("https://192.0.2.7/masuk", "192.0.2.7", {"ip"}),
    ],
)
def test_fake_addresses_and_why(address, owner, bad):
    report = inspect_address(address)
    assert not report.safe
    assert report.owner == owner
    assert codes(report) == bad


def test_the_real_address_is_safe_and_says_whose_it_is():
    report = inspect_address("https://www.bankcontoh.example/masuk")
    assert report.safe and report.https
    assert [f.text for f in report.findings] == [
        "Pemilik alamat: bankcontoh.example.",
        "Ini alamat resmi Bank Contoh.",
        "Diawali https (ada gembok): sambungannya terlindungi.",
    ]


def test_a_padlock_on_a_fake_site_is_explained():
    report = inspect_address("https://bankc0ntoh.example/masuk")
    assert "gembok hanya melindungi sambungan" in " ".join(f.text for f in report.findings)


def test_the_extra_word_and_the_swapped_letter_are_named():
    texts = " ".join(
        f.text for f in inspect_address("http://bankcontoh-verifikasi.example").findings
    )
    assert "Nama “bankcontoh” ditambah kata lain (“verifikasi”)" in texts
    texts = " ".join(f.text for f in inspect_address("https://bankc0ntoh.example").findings)
    assert "hurufnya beda: “bankc0ntoh”" in texts


def test_two_part_endings_and_a_trusted_name_put_in_front():
    trusted = ("bank-contoh.co.id",)
    assert inspect_address("https://ib.bank-contoh.co.id/", trusted).safe
    report = inspect_address("https://bank-contoh.co.id.klaim.example/", trusted)
    assert report.owner == "klaim.example" and "in_front" in codes(report)


@pytest.mark.parametrize(
    "address",
    ["", None, 42, "https://", "bank contoh.example", "https://[::1", "x" * 400],
)
def test_unreadable_addresses_never_raise(address):
    report = inspect_address(address)
    assert not report.safe and codes(report) == {"unreadable"}


@pytest.mark.parametrize("address", ["javascript:alert(1)", "data:text/html,hai"])
def test_other_schemes_are_not_web_addresses(address):
    assert codes(inspect_address(address)) == {"bad_scheme"}


def test_punycode_lookalike_letters():
    assert "foreign_letters" in codes(inspect_address("https://xn--bnkcontoh-x2a.example/"))


def test_address_outcome_puts_the_dangerous_mistake_first():
    # (learner said safe, address is safe)
    assert address_outcome([(True, True), (False, False)]) == "all-correct"
    assert address_outcome([(False, True), (True, False)]) == "trusted-fake"
    assert address_outcome([(False, True), (False, False)]) == "doubted-real"


# -- the simulators, driven in-process -------------------------------------------------------
def buttons(sim):
    return [c for c in sim.stage.children if hasattr(c, "click")]


def tap(sim, label):
    matches = [b for b in buttons(sim) if b.description.startswith(label)]
    assert matches, f"no button {label!r} in {[b.description for b in buttons(sim)]}"
    matches[0].click()


def texts(sim):
    return " ".join(getattr(c, "value", "") or "" for c in sim.stage.children)


def lesson_with(sim, key):
    lesson = Lesson("Uji", client=LocalClient(key))
    lesson.screen("Latihan", sim)
    lesson.show()
    return lesson


def test_scam_phone_one_story_grades_its_ending():
    key = {"apk": {"type": "scenario", "answer": ["apk-deleted", "apk-cancelled"],
                   "feedback": {"apk-installed": "Jangan pasang!"}}}  # fmt: skip
    sim = ScamPhone("apk", scenarios=["apk"])
    lesson = lesson_with(sim, key)
    assert "<b>Undangan_<wbr>Pernikahan.apk</b>" in texts(sim)  # breaks after "_", not in ".apk"
    tap(sim, "Buka filenya")
    assert "Membaca dan mengirim SMS" in texts(sim)
    tap(sim, "Pasang")
    assert "TIDAK AMAN" in texts(sim) and "membaca SMS Anda" in texts(sim)
    assert "Jangan pasang!" in sim.feedback.value and not sim.correct
    sim.again.click()
    tap(sim, "Tanya dulu")
    tap(sim, "Hapus dan blokir")
    assert sim.correct and lesson.client.answers["apk"]["answer"] == "apk-deleted"


def test_scam_phone_several_stories_play_from_an_inbox():
    key = {"hp": {"type": "scenario", "answer": [ALL_SAFE]}}
    sim = ScamPhone("hp", scenarios=["otp-call", "prize"])
    lesson = lesson_with(sim, key)
    assert "Ada 2 pesan atau panggilan baru" in texts(sim)
    tap(sim, "Buka: Hadiah")
    tap(sim, "Buka tautannya")
    assert "pasarcontoh-hadiah.example" in texts(sim) and "Tidak aman" in texts(sim)
    tap(sim, "Isi nomor HP")
    assert "JANGAN BERIKAN" in texts(sim)
    tap(sim, "Kirim kodenya")
    assert "akun itu dikuasai penipu" in texts(sim)
    assert lesson.client.answers == {}  # nothing graded before the last story
    tap(sim, "Kembali ke kotak masuk")
    assert "Ada 1 pesan" in texts(sim) and "✘ tidak aman" in texts(sim)
    tap(sim, "Buka: Telepon")
    tap(sim, "Angkat telepon")
    tap(sim, "Tunggu SMS")
    tap(sim, "Tutup telepon, lalu")
    tap(sim, "Lihat hasil")
    assert sim.outcome == "prize-otp-shared" and not sim.correct
    assert "Ada pilihan yang tidak aman." in texts(sim)


def test_scam_phone_refuses_unknown_or_broken_stories():
    with pytest.raises(ValueError, match="unknown scenarios"):
        ScamPhone("x", scenarios=["lottery"])
    broken = story({"a": chat(("Ya", "ok")), "ok": SAFE}, story_id="mine")
    with pytest.raises(ValueError, match="unsafe ending"):
        ScamPhone("x", scenarios=["mine"], stories={"mine": broken})


PW_KEY = {"pw": {"type": "scenario", "answer": ["strong-password"],
                 "feedback": {"weak-password": "Mudah ditebak."}}}  # fmt: skip


def test_password_check_grades_what_was_saved_but_never_sends_the_password():
    sim = PasswordCheck("pw", shop_name="Warung Bu Lestari")
    lesson = lesson_with(sim, PW_KEY)
    assert "JANGAN</b> ketik kata sandi asli" in texts(sim)
    sim.input.value = "lestari1975"
    tap(sim, "Periksa kekuatan")
    assert "LEMAH" in sim.result.value and "nama “lestari”" in sim.result.value
    tap(sim, "Simpan")
    assert sim.outcome == "weak-password" and "Mudah ditebak." in sim.feedback.value
    sim.again.click()
    sim.input.value = "Sambal-Terasi-Hujan-Sore8"
    tap(sim, "Simpan")
    assert sim.correct and sim.input.value == ""
    assert "Sambal" not in str(lesson.client.answers) and "Sambal" not in texts(sim)


def test_password_check_answers_bad_input_without_an_outcome():
    sim = PasswordCheck("pw")
    lesson_with(sim, PW_KEY)
    sim.input.value = "x" * 500
    tap(sim, "Simpan")
    assert sim.outcome is None and "Paling banyak 64 karakter" in sim.result.value
    sim.input.value = "<b><b><b><b>"
    tap(sim, "Periksa")
    assert "&lt;b&gt;" in sim.result.value and "<b><b>" not in sim.result.value


def test_pin_check():
    key = {"pin": {"type": "scenario", "answer": ["strong-pin"]}}
    sim = PasswordCheck("pin", kind="pin")
    lesson_with(sim, key)
    sim.input.value = "12345"
    tap(sim, "Simpan")
    assert sim.outcome is None and "harus 6 angka" in sim.result.value
    sim.input.value = "170880"
    tap(sim, "Simpan")
    assert sim.outcome == "weak-pin" and "mirip tanggal lahir" in texts(sim)
    sim.again.click()
    sim.input.value = "480193"
    tap(sim, "Simpan")
    assert sim.correct and "PIN kuat disimpan" in texts(sim)


def test_two_step_setup_in_order_with_the_code_from_the_sms():
    key = {"2fa": {"type": "scenario", "answer": ["enabled"],
                   "feedback": {"code-shared": "Kode itu rahasia."}}}  # fmt: skip
    sim = TwoStepSetup("2fa", seed=3)
    lesson_with(sim, key)
    assert "Langkah 1 dari 4" in texts(sim)
    tap(sim, "Profil toko")
    assert "tidak berisi pengaturan keamanan" in texts(sim)
    tap(sim, "Keamanan akun")
    tap(sim, "Nyalakan")
    tap(sim, "Kirim kode")
    sms = re.search(r"Kode verifikasi Anda <b[^>]*>(\d{3}) (\d{3})</b>", texts(sim))
    assert sms and "JANGAN BERIKAN" in texts(sim)
    tap(sim, "Balas chat CS")
    assert sim.outcome == "code-shared" and "Kode itu rahasia." in sim.feedback.value
    sim.again.click()
    tap(sim, "Keamanan akun")
    tap(sim, "Nyalakan")
    tap(sim, "Kirim kode")
    code = "".join(re.search(r"Kode verifikasi Anda <b[^>]*>(\d{3}) (\d{3})", texts(sim)).groups())
    sim.code_input.value = "000000" if code != "000000" else "111111"
    tap(sim, "Aktifkan")
    assert "Kode tidak cocok" in texts(sim) and sim.outcome is None
    sim.code_input.value = f"{code[:3]} {code[3:]}"
    tap(sim, "Aktifkan")
    assert sim.correct and "MENYALA" in texts(sim)


def test_two_step_later_is_its_own_outcome():
    sim = TwoStepSetup("2fa")
    lesson_with(sim, {"2fa": {"type": "scenario", "answer": ["enabled"]}})
    tap(sim, "Keamanan akun")
    tap(sim, "Nanti saja")
    assert sim.outcome == "not-enabled" and "Masih MATI" in texts(sim)


def judge_all(sim, verdicts):
    for said_safe in verdicts:
        tap(sim, "Aman" if said_safe else "Tidak aman")
        tap(sim, "Alamat berikutnya" if "Alamat berikutnya" in str(buttons(sim)) else "Lihat hasil")


def test_phishing_address_judged_with_reasons():
    key = {"alamat": {"type": "scenario", "answer": ["all-correct"],
                      "feedback": {"trusted-fake": "Itu tiruan."}}}  # fmt: skip
    addresses = ["https://www.bankcontoh.example/masuk", "https://bankc0ntoh.example/masuk"]
    sim = PhishingAddress("alamat", addresses=addresses)
    lesson_with(sim, key)
    assert "Alamat 1 dari 2" in texts(sim) and "bankcontoh.example/masuk" in texts(sim)
    tap(sim, "Aman")
    assert "Tepat. Situs ini asli." in texts(sim)
    assert "www.<mark>bankcontoh.example</mark>" in texts(sim)
    tap(sim, "Alamat berikutnya")
    tap(sim, "Aman")
    assert "Kurang tepat. Situs ini tiruan." in texts(sim) and "bankc0ntoh" in texts(sim)
    tap(sim, "Lihat hasil")
    assert sim.outcome == "trusted-fake" and "Itu tiruan." in sim.feedback.value
    assert "Benar 1 dari 2 alamat." in texts(sim)
    sim.again.click()
    judge_all(sim, [True, False])
    assert sim.correct and "Benar 2 dari 2 alamat." in texts(sim)


def test_phishing_address_doubting_the_real_site():
    sim = PhishingAddress(None)
    lesson_with(sim, {})
    judge_all(sim, [False, False, False, False, False])
    assert sim.outcome == "doubted-real"
