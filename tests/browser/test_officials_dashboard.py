"""The officials' dashboard in a phone's browser: log in, read the funnel, filter, download a
CSV; and the accessibility audit (axe-core) of the page on a phone and a desktop."""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path

import pytest

from tests.browser.a11y import Audits, new_context
from tests.dashboard_support import Group, add_learners
from tests.support import fill_login

PAGE = "/services/naikkelas/pejabat/"


def wait_fresh(page) -> None:
    """Reload until the figures include the learners just added: the service answers at once
    from its cached facts ("sedang diperbarui") and reloads them in the background."""
    for _ in range(300):
        if "sedang diperbarui" not in page.locator("#nk-data-per").text_content():
            return
        page.reload()
    raise AssertionError("the dashboard's figures were never brought up to date")


@pytest.fixture(scope="module")
def kecamatan(hub) -> str:
    tag = uuid.uuid4().hex[:6]
    name = f"Kecamatan Telepon {tag}"
    add_learners(
        hub,
        name,
        [
            Group(f"Cempaka {tag}", "Kuliner", "P", size=7, started=6, finished=3, certified=1),
            Group(f"Teratai {tag}", "Fesyen", "L", size=5, started=2),
        ],
    )
    add_learners(hub, f"Kecamatan Lain {tag}", [Group("Dahlia", "Jasa", "P", size=6)])
    return name


def test_an_official_filters_the_dashboard_and_downloads_a_csv(hub, phone, kecamatan):
    # The first request of the service reads every learner's facts: give it time.
    phone.set_default_timeout(90_000)
    fill_login(phone, hub.url, "pejabat", "pejabat-demo").click(no_wait_after=True)
    phone.wait_for_url(f"{hub.url}{PAGE}")
    wait_fresh(phone)
    funnel = phone.get_by_role("img", name=re.compile("Corong peserta"))
    funnel.wait_for()
    assert funnel.bounding_box()["width"] <= 360
    phone.get_by_text("Saring data").click()
    phone.get_by_label("Kecamatan", exact=True).select_option(label=kecamatan)
    phone.get_by_role("button", name="Terapkan saringan").click()
    phone.wait_for_url(re.compile(r"kecamatan=Kecamatan\+Telepon"))
    # 12 learners, each counted once for each of the 6 courses released to the demo class.
    assert (
        "Terdaftar: 72"
        in phone.get_by_role("img", name=re.compile("Corong peserta")).text_content()
    )
    # The page is as wide as the phone: nothing to scroll sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    with phone.expect_download() as download:
        phone.get_by_role("link", name="CSV").click()
    saved = download.value
    assert re.fullmatch(
        r"laporan-naikkelas-kecamatan-data-\d{4}-\d{2}-\d{2}-\d{4}\.csv", saved.suggested_filename
    )
    rows = list(csv.DictReader(io.StringIO(Path(saved.path()).read_text(encoding="utf-8-sig"))))
    assert [(row["kecamatan"], row["enrolled"]) for row in rows] == [(kecamatan, "72")]
    assert all(url.startswith(hub.url) for url in phone.requests)


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_the_dashboard_passes_the_accessibility_audit(hub, browser, kecamatan, kind, artifacts):
    context = new_context(browser, kind)
    page = context.new_page()
    try:
        page.set_default_timeout(90_000)
        fill_login(page, hub.url, "pejabat", "pejabat-demo").click(no_wait_after=True)
        page.wait_for_url(f"{hub.url}{PAGE}")
        wait_fresh(page)
        audits = Audits(page, artifacts, kind)
        audits.check("dashboard")
        page.goto(f"{hub.url}{PAGE}?kecamatan={kecamatan}&by=kelurahan")
        # Every table open, so the audit sees them.
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        audits.check("dashboard-filtered-tables")
        page.goto(f"{hub.url}{PAGE}?since=kemarin")
        page.get_by_role("alert").wait_for()
        audits.check("dashboard-bad-filter")
        audits.assert_clean()
    finally:
        context.close()
