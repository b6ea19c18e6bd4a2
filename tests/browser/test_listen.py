"""Dengarkan: a lesson screen read aloud in Indonesian by the phone's own speech synthesis, or
the recording its author attached.

Headless Chromium has no voices, so the page's `speechSynthesis.speak` (and, for recordings,
`HTMLMediaElement.play`) are replaced by recorders before the page loads: the test checks what
the page asks the phone to say, in which language.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import wave
from pathlib import Path

import pytest

from tests.browser.a11y import new_context
from tests.support import ROOT, fill_login

RECORDERS = """
window.__spoken = [];
window.__played = [];
window.speechSynthesis.speak = (u) => {
  window.__spoken.push({text: u.text, lang: u.lang, rate: u.rate});
  setTimeout(() => u.onend && u.onend(), 0);
};
HTMLMediaElement.prototype.play = function () {
  window.__played.push(this.currentSrc || this.src);
  return Promise.resolve();
};
"""


@pytest.fixture
def page(browser):
    context = new_context(browser, "phone")
    context.add_init_script(RECORDERS)
    yield context.new_page()
    context.close()


def open_lesson(page, hub, username, pin, title, screens):
    fill_login(page, hub.url, username, pin).click()
    page.get_by_role("link", name=re.compile(f"^{re.escape(title)}")).click()
    page.get_by_text(f"Langkah 1 dari {screens}").wait_for(timeout=90_000)


def lanjut(page, then: str) -> None:
    page.get_by_role("button", name="Lanjut").click()
    page.get_by_text(then, exact=True).wait_for()


def listen(page) -> str:
    """Press Dengarkan; returns what the page asked the phone to say."""
    page.evaluate("window.__spoken = []")
    page.get_by_role("button", name="Dengarkan").click()
    page.wait_for_function("() => window.__spoken.length > 0")
    spoken = page.evaluate("window.__spoken")
    assert {u["lang"] for u in spoken} == {"id-ID"}, spoken
    return " ".join(u["text"] for u in spoken)


def test_a_question_screen_is_read_in_indonesian(hub, page, new_learner):
    username, pin = new_learner()
    open_lesson(page, hub, username, pin, "Cara menjawab soal", 9)
    lanjut(page, "Langkah 2 dari 9")
    said = listen(page)
    for words in (
        "Langkah 2 dari 9.",
        "Di NaikKelas Anda belajar dengan menekan tombol. Tidak perlu mengetik banyak.",
        "Bagaimana cara menjawab soal di NaikKelas?",
        "Mengetik kode program.",
        "Menekan tombol jawaban.",
        "Menelepon pelatih.",
    ):
        assert words in said, f"{words!r} not in {said!r}"
    # Only the screen: not the lesson's title, the buttons around it or the display settings.
    for words in ("Cara menjawab soal", "Dengarkan", "Huruf besar", "Lanjut", "Kembali"):
        assert words not in said
    # The feedback, once there, is read too.
    page.get_by_role("button", name="Mengetik kode program").click()
    page.locator(".nk-wrong").wait_for()
    assert "Belum tepat. Di NaikKelas Anda cukup menekan tombol." in listen(page)
    assert page.evaluate("window.__played") == []


def test_a_picture_is_read_by_its_description(hub, page, new_learner):
    username, pin = new_learner()
    open_lesson(page, hub, username, pin, "Latihan: gambar dan cerita", 4)
    lanjut(page, "Langkah 2 dari 4")
    said = listen(page)
    assert "Layar konfirmasi pembayaran" in said
    assert "Bagian baris" not in said  # the tap grid over the picture is not read out


def short_wav(path: Path) -> None:
    """Half a second of a quiet tone: a stand-in for an author's recording."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", (i % 40 - 20) * 200) for i in range(4000)))


@pytest.fixture(scope="module")
def hub_with_recording(start_hub, tmp_path_factory):
    """A hub whose demo course's first screen has a recording attached."""
    courses = tmp_path_factory.mktemp("courses")
    course = courses / "mengenal-naikkelas"
    shutil.copytree(ROOT / "courses" / "mengenal-naikkelas", course)
    notebook = course / "01-cara-menjawab.ipynb"
    nb = json.loads(notebook.read_text())
    source = "".join(nb["cells"][0]["source"])
    # The first `lesson.screen(...)` call ends at the first ")" alone on its line after it.
    start = source.index("lesson.screen(")
    end = source.index("\n)\n", start)
    source = source[:end] + '\n    audio="suara/tujuan.wav",' + source[end:]
    nb["cells"][0]["source"] = source
    notebook.write_text(json.dumps(nb))
    short_wav(course / "suara" / "tujuan.wav")
    return start_hub("recording-hub", courses_dir=courses)


def test_a_recording_plays_instead_of_the_voice(hub_with_recording, page, new_learner):
    hub = hub_with_recording
    from naikkelas.hub.accounts import Role, upsert_account
    from naikkelas.hub.db import engine_for

    upsert_account(
        engine_for(hub.settings.naikkelas_db_url), "pendengar", Role.LEARNER, "135790",
        cohort="demo", display_name="Bu Pendengar",
    )  # fmt: skip
    open_lesson(page, hub, "pendengar", "135790", "Cara menjawab soal", 9)
    page.get_by_role("button", name="Dengarkan").click()
    page.wait_for_function("() => window.__played.length > 0")
    played = page.evaluate("window.__played")
    assert played[0].endswith("/voila/files/mengenal-naikkelas/suara/tujuan.wav"), played
    assert page.evaluate("window.__spoken") == []
    # The recording is served by the deployment, to this learner.
    status = page.evaluate(
        "async (url) => (await fetch(url, {credentials: 'same-origin'})).status", played[0]
    )
    assert status == 200
    # A screen without a recording is read by the phone's voice.
    lanjut(page, "Langkah 2 dari 9")
    assert "Bagaimana cara menjawab soal di NaikKelas?" in listen(page)
