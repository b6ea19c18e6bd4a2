"""A printed login card on a phone: scan its QR code, find the username filled in, type the PIN."""

from __future__ import annotations

import io
from urllib.parse import quote

import zxingcpp
from PIL import Image

from tests.roster_support import import_roster, naikkelas, unique_name
from tests.support import wait_for


def qr_codes_on_rendered_pdf(browser, pdf) -> list[str]:
    """Open the PDF in Chromium's own viewer, as an operator would before printing, and read
    the QR codes off the screen: what a phone camera would see on paper."""
    context = browser.new_context(viewport={"width": 1000, "height": 1300})
    page = context.new_page()
    try:
        page.goto(f"file://{pdf}#zoom=100&toolbar=0&navpanes=0")

        def decoded():
            shot = Image.open(io.BytesIO(page.screenshot()))
            return sorted(r.text for r in zxingcpp.read_barcodes(shot))

        return wait_for(decoded, 30, "the cards PDF to show its QR codes")
    finally:
        context.close()


def test_scanning_a_card_opens_login_with_the_username_and_the_pin_logs_in(
    hub, browser, phone, tmp_path, artifacts
):
    name = unique_name()
    ((username, (_, pin)),) = import_roster(hub, tmp_path, [name]).items()
    pdf = tmp_path / "kartu.pdf"
    done = naikkelas(
        hub, "roster", "cards", "--cohort", "demo", "-o", str(pdf), "--username", username,
        "--pins-csv", str(tmp_path / "kartu.csv"), "--url", hub.url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pin = (tmp_path / "kartu.csv").read_text("utf-8-sig").splitlines()[1].split(";")[2]

    (url,) = qr_codes_on_rendered_pdf(browser, pdf)
    assert url == f"{hub.url}/hub/login?username={username}"
    assert pin not in url

    page = phone
    page.goto(url)
    username_field = page.get_by_label("Nama pengguna")
    assert username_field.input_value() == username
    pin_field = page.get_by_label("PIN atau kata sandi")
    assert pin_field.evaluate("el => el === document.activeElement"), "the PIN field has focus"
    page.screenshot(path=artifacts / "1-login-from-card.png")
    page.keyboard.type(pin)
    page.get_by_role("button", name="Masuk").tap()
    page.get_by_role("heading", name=f"Halo, {name}").wait_for(timeout=90_000)
    page.screenshot(path=artifacts / "2-course-home.png")


def test_a_username_in_the_address_is_shown_as_text_never_run(hub, phone):
    page = phone
    attack = '"><script>window.nkPwned=1</script><img src=x onerror="window.nkPwned=2">'
    page.goto(f"{hub.url}/hub/login?username={quote(attack)}")
    assert page.get_by_label("Nama pengguna").input_value() == attack
    assert page.evaluate("window.nkPwned") is None
    assert page.locator("img").count() == 0
    assert page.locator("script", has_text="nkPwned").count() == 0
