"""A whole lesson with the keyboard alone, as a learner with a keyboard (or a switch device, or a
screen reader) does it: Tab / Shift+Tab to move, Enter / Space to press, arrow keys in lists.
No mouse, no tap. Every control that takes the focus shows a focus ring, and answers' feedback is
a live region a screen reader announces.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.a11y import screenshot

# The focused element: its accessible name (roughly as a screen reader computes it), role and
# whether a focus indicator is drawn (an outline of at least 2px, or a box shadow).
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return {
    name: (el.getAttribute("aria-label") || label || el.innerText || el.value || el.title
      || el.placeholder || "")
      .trim().replace(/\\s+/g, " "),
    tag: el.tagName.toLowerCase(),
    ring: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none",
    outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
  };
}"""


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.visited: list[dict] = []

    def focused(self) -> dict | None:
        return self.page.evaluate(_FOCUSED)

    def tab_to(self, name, back: bool = False, limit: int = 60) -> dict:
        """Press Tab (Shift+Tab with `back`) until the focus is on the control called `name` (a
        string for an exact name, or a pattern); asserts it shows a focus ring."""
        wanted = re.compile(re.escape(name) + "$") if isinstance(name, str) else name
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            here = self.focused()
            if here is None:
                continue
            self.visited.append(here)
            assert here["ring"], f"no visible focus indicator on {here}"
            if wanted.match(here["name"]):
                return here
        raise AssertionError(f"{name!r} not reached with the keyboard; went through {self.visited}")

    def press(self, name, key: str = "Enter", back: bool = False) -> None:
        self.tab_to(name, back=back)
        self.page.keyboard.press(key)


def announced(page, text: str) -> None:
    """The feedback is in a polite live region (role=status), so a screen reader reads it out."""
    status = page.get_by_role("status").filter(has_text=text)
    status.wait_for()
    assert status.get_attribute("aria-live") == "polite"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    yield context.new_page()
    context.close()


def test_a_whole_lesson_with_the_keyboard_alone(hub, page, new_learner, artifacts, request):
    keys = Keyboard(page)
    # What the learner saw last, also when the test fails.
    request.addfinalizer(lambda: screenshot(page, artifacts / "keyboard-last.png"))
    username, pin = new_learner()

    # Log in: the name field has the focus when the page opens.
    page.goto(f"{hub.url}/hub/login")
    assert keys.focused()["name"].startswith("Nama pengguna")
    page.keyboard.type(username)
    keys.tab_to("PIN atau kata sandi")
    page.keyboard.type(pin)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=re.compile("Halo")).wait_for(timeout=90_000)

    keys.press(re.compile("Cara menjawab soal"))
    page.get_by_text("Langkah 1 dari 9").wait_for(timeout=90_000)
    keys.press("Lanjut")

    def step(number: int) -> None:
        page.get_by_text(f"Langkah {number} dari 9", exact=True).wait_for()

    # Single choice: Space presses a button as well as Enter does.
    step(2)
    keys.press("Mengetik kode program", key="Space")
    announced(page, "Belum tepat")
    keys.press("Menekan tombol jawaban", key="Space")
    announced(page, "Benar! Cukup tekan tombol jawaban.")
    keys.press("Lanjut")

    step(3)
    keys.press("Salah")
    announced(page, "Salah menjawab itu aman")
    keys.press("Lanjut")

    step(4)
    keys.press(re.compile(".*Berjualan di marketplace"), key="Space")
    keys.press(re.compile(".*Membayar dengan QRIS"), key="Space", back=True)
    page.wait_for_function("() => document.activeElement.innerText.startsWith('☑')")
    keys.press("Periksa jawaban")
    announced(page, "QRIS dan marketplace ada di NaikKelas")
    keys.press("Lanjut")

    step(5)
    keys.tab_to("Contoh: Rp15.000")
    page.keyboard.type("15rb")
    keys.press("Periksa jawaban")
    announced(page, "Lima belas ribu rupiah ditulis Rp15.000.")
    keys.press("Lanjut")

    step(6)
    keys.tab_to("Tulis jawaban di sini")
    page.keyboard.type("NaikKelas")
    keys.press("Periksa jawaban")
    announced(page, "Namanya NaikKelas")
    keys.press("Lanjut")

    # Ordering: shown "Buka pelajaran, Masuk ..., Jawab soal"; Masuk goes up one place. The focus
    # stays on the pressed button and the new place is announced.
    step(7)
    keys.tab_to("Naik")  # the first enabled Naik: row 2, "Masuk dengan nama dan PIN"
    page.keyboard.press("Enter")
    announced(page, "Masuk dengan nama dan PIN sekarang nomor 1.")
    assert keys.focused() is not None, "the focus was lost after Naik"
    keys.press("Periksa urutan")
    announced(page, "Masuk, buka pelajaran, lalu jawab soal")
    keys.press("Lanjut")

    # Matching: in a closed drop-down list an arrow key or a typed first letter chooses. (One
    # change per list: ipywidgets holds back a list's second quick change until the kernel has
    # answered the first, so a button pressed in between would be checked against the first.)
    step(8)
    keys.tab_to("Tombol Lanjut")
    page.keyboard.press("ArrowDown")  # Pindah ke langkah berikutnya
    keys.tab_to("Tombol Kembali")
    page.keyboard.press("k")  # Kembali ke langkah sebelumnya
    keys.press("Periksa pasangan")
    announced(page, "Benar!")
    keys.press("Lanjut")

    step(9)
    keys.press("Selesai")
    page.get_by_text("Skor Anda: 7 dari 7").wait_for()
    keys.press("Kirim ke pelatih")
    announced(page, "Terkirim")

    named = {f["tag"] for f in keys.visited}
    assert {"a", "button", "input", "select"} <= named, named
