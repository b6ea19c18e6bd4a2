"""The data notice on a phone: readable, one big button, gone after it, back under "Data saya"."""

from __future__ import annotations

import re

from tests.browser.a11y import Audits, new_context
from tests.support import fill_login

NOTICE = "Data Anda di NaikKelas"


def test_data_notice_on_a_phone(hub, browser, new_learner, artifacts):
    username, pin = new_learner()
    context = new_context(browser, "phone")
    try:
        page = context.new_page()
        fill_login(page, hub.url, username, pin).click()
        page.get_by_role("heading", name=re.compile("Halo")).wait_for(timeout=90_000)
        audits = Audits(page, artifacts, "phone")
        notice = page.get_by_role("region", name=NOTICE)
        notice.wait_for()
        audits.check("course-home-with-notice")
        ok = page.get_by_role("button", name="Saya mengerti")
        box = ok.bounding_box()
        # A big target, as wide as the notice's text.
        width = ok.evaluate("b => b.closest('section').querySelector('p').offsetWidth")
        assert box["height"] >= 44 and box["width"] >= width - 1
        ok.tap()
        page.get_by_role("heading", name=re.compile("Halo")).wait_for()
        assert page.get_by_role("region", name=NOTICE).count() == 0
        page.reload()
        assert page.get_by_text(NOTICE).count() == 0
        page.get_by_role("link", name="Data saya").tap()
        page.get_by_role("heading", name=NOTICE).wait_for()
        assert page.get_by_role("button", name="Saya mengerti").count() == 0
        audits.check("data-saya")
        page.get_by_role("link", name="Kembali ke pelajaran").first.tap()
        page.get_by_role("heading", name=re.compile("Halo")).wait_for()
        audits.assert_clean()
    finally:
        context.close()
