"""The Content-Security-Policy does not break what learners and trainers do: a real browser, every
violation it reports collected, through login, course home, a lesson with widgets, and the
trainer's cohort view and formgrader."""

RECORD = """
document.addEventListener('securitypolicyviolation', (e) => {
  (window.__nkCsp = window.__nkCsp || []).push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def violations(page, console):
    recorded = page.evaluate("window.__nkCsp || []")
    return recorded + [text for text in console if "Content Security Policy" in text]


def watch(page):
    console = []
    page.add_init_script(RECORD)
    page.on("console", lambda msg: console.append(msg.text))
    return console


def test_a_lesson_works_under_its_policy_with_no_violation(hub, phone, new_learner):
    # A learner of its own: the demo accounts' answers belong to the tests that check them.
    username, pin = new_learner()
    page = phone
    console = watch(page)
    page.goto(f"{hub.url}/hub/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("PIN atau kata sandi").fill(pin)
    page.get_by_role("button", name="Masuk").tap()
    page.get_by_role("heading", name="Halo,", exact=False).wait_for(timeout=90_000)
    assert violations(page, console) == [], "course home"

    page.get_by_role("link", name="Cara menjawab soal").tap()
    page.get_by_text("Langkah 1 dari").wait_for(timeout=60_000)
    page.get_by_role("button", name="Lanjut").tap()
    page.get_by_role("button", name="Mengetik kode program").tap()
    page.get_by_text("Belum tepat").wait_for()
    page.get_by_role("button", name="Menekan tombol jawaban").tap()
    page.get_by_text("Benar!").wait_for()
    assert violations(page, console) == [], "lesson"


def test_trainer_pages_work_under_their_policy_with_no_violation(hub, phone):
    page = phone
    console = watch(page)
    page.goto(f"{hub.url}/hub/login?next=/services/naikkelas/pelatih/")
    page.get_by_label("Nama pengguna").fill("pelatih")
    page.get_by_label("PIN atau kata sandi").fill("pelatih-demo")
    page.get_by_role("button", name="Masuk").tap()
    page.wait_for_url(lambda url: "/hub/login" not in url, timeout=60_000)
    page.goto(f"{hub.url}/services/naikkelas/pelatih/kelas/demo/mengenal-naikkelas")
    # cohort.js fills the table from the JSON API: it ran, and fetch() was allowed.
    page.get_by_text("Diperbarui", exact=False).wait_for(timeout=30_000)
    page.goto(f"{hub.url}/services/formgrader/mengenal-naikkelas/formgrader")
    page.wait_for_load_state("networkidle", timeout=60_000)
    assert violations(page, console) == []
