"""One lesson of every bundled course, completed on a phone in a real browser, right answers only.

The lessons chosen use the standard question types; the simulators in the other lessons have their
own browser tests (test_sim_*.py). Headless, every lesson is completed right and wrong by
`naikkelas courses validate` (tests/unit/test_validate.py).
"""

import pytest

from tests.browser.lesson_driver import complete, lesson_plan
from tests.support import fill_login

LESSONS = [
    ("aman-di-dunia-digital", "04-data-pribadi-pelanggan"),
    ("jualan-online", "01-membuka-toko"),
    ("layanan-publik-online", "04-cek-status-berkas"),
    ("pembayaran-digital", "05-mobile-banking-aman"),
    ("tanda-tangan-elektronik", "02-menjaga-passphrase"),
]


@pytest.mark.parametrize(("course", "lesson"), LESSONS, ids=[c for c, _ in LESSONS])
def test_a_lesson_of_each_course_completed_on_a_phone(
    hub, phone, new_learner, artifacts, course, lesson
):
    plan = lesson_plan(course, lesson)
    username, pin = new_learner()
    fill_login(phone, hub.url, username, pin).tap()
    phone.get_by_role("link", name=plan.title).tap(timeout=90_000)
    complete(phone, plan)
    phone.screenshot(path=artifacts / "closing.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 361
