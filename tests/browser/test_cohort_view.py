"""The cohort view updates by itself while a learner works (no reload)."""

import re

from tests.integration.test_cohort_view import learner_kernel
from tests.support import fill_login


def test_the_cohort_view_follows_a_learner_live(hub, browser, new_learner, artifacts):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="id-ID")
    page = context.new_page()
    try:
        fill_login(page, hub.url, "pelatih", "pelatih-demo").click()
        page.wait_for_url(lambda url: "/hub/login" not in url, timeout=60_000)
        page.goto(f"{hub.url}/services/naikkelas/pelatih/kelas/demo/mengenal-naikkelas")
        username, pin = new_learner(display_name="Bu Langsung Tampil")
        row = page.get_by_role("row", name=re.compile("Bu Langsung Tampil"))
        row.wait_for(timeout=30_000)
        assert "belum" in row.inner_text()
        page.evaluate("window.nkSamePage = true")  # gone if the page reloads
        kernel = learner_kernel(hub, username, pin)
        kernel.answer("cara-menjawab", 0)
        kernel.answer("cara-menjawab", 2)
        # Within two refreshes (10 s) the row shows the learner is stuck, without a reload.
        row.get_by_text(re.compile("macet: soal cara-menjawab")).wait_for(timeout=10_000)
        assert page.evaluate("window.nkSamePage === true")
        page.screenshot(path=artifacts / "cohort-view.png", full_page=True)
    finally:
        context.close()
