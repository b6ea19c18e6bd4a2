"""Large text and high contrast: switched on once, on the course home or in a lesson, kept on
every device the learner logs in from, and still clean in the accessibility audit."""

from __future__ import annotations

import re

import pytest

from tests.browser.a11y import Audits, new_context, screenshot
from tests.support import fill_login


@pytest.fixture
def devices(browser):
    opened = []

    def open_device(kind="phone"):
        context = new_context(browser, kind)
        opened.append(context)
        return context.new_page()

    yield open_device
    for context in opened:
        context.close()


def log_in(page, hub, username, pin):
    fill_login(page, hub.url, username, pin).click()
    page.get_by_role("heading", name=re.compile("Halo")).wait_for(timeout=90_000)


def html_classes(page) -> str:
    return page.evaluate("document.documentElement.className")


def test_large_text_and_contrast_follow_the_learner(hub, devices, new_learner, artifacts):
    username, pin = new_learner()
    phone = devices()
    log_in(phone, hub, username, pin)
    large = phone.get_by_role("button", name="Huruf besar")
    assert large.get_attribute("aria-pressed") == "false"
    heading = phone.get_by_role("heading", name=re.compile("Halo"))
    size = float(heading.evaluate("h => getComputedStyle(h).fontSize")[:-2])
    large.click()
    phone.wait_for_function("() => document.documentElement.classList.contains('nk-large')")
    assert phone.get_by_role("button", name="Huruf besar").get_attribute("aria-pressed") == "true"
    assert float(heading.evaluate("h => getComputedStyle(h).fontSize")[:-2]) >= size * 1.2
    screenshot(phone, artifacts / "course-home-large.png")

    # Another device: the course home and the lesson open in large text.
    desktop = devices("desktop")
    log_in(desktop, hub, username, pin)
    assert "nk-large" in html_classes(desktop)
    desktop.get_by_role("link", name=re.compile("^Cara menjawab soal")).click()
    desktop.get_by_text("Langkah 1 dari 9").wait_for(timeout=90_000)
    lesson = desktop.locator(".nk-lesson")
    lesson.and_(desktop.locator(".nk-large")).wait_for()
    assert desktop.get_by_role("checkbox", name="Huruf besar").is_checked()
    # High contrast switched on in the lesson, with the keyboard.
    contrast = desktop.get_by_role("checkbox", name="Kontras tinggi")
    contrast.focus()
    desktop.keyboard.press("Space")
    lesson.and_(desktop.locator(".nk-contrast")).wait_for()
    audits = Audits(desktop, artifacts, "desktop")
    audits.check("lesson-large-contrast")

    # Back on the phone: the course home now shows high contrast too.
    phone.reload()
    assert {"nk-large", "nk-contrast"} <= set(html_classes(phone).split())
    contrast_button = phone.get_by_role("button", name="Kontras tinggi")
    assert contrast_button.get_attribute("aria-pressed") == "true"
    phone_audits = Audits(phone, artifacts, "phone")
    phone_audits.check("course-home-large-contrast")
    phone_audits.assert_clean()
    audits.assert_clean()

    # Off again from the phone: the lesson on the other device follows when it is opened again.
    phone.get_by_role("button", name="Huruf besar").click()
    phone.wait_for_function("() => !document.documentElement.classList.contains('nk-large')")
    desktop.reload()
    desktop.get_by_text(re.compile(r"Langkah \d+ dari 9")).wait_for(timeout=90_000)
    desktop.locator(".nk-lesson.nk-contrast").wait_for()
    assert desktop.locator(".nk-lesson.nk-large").count() == 0
    assert not desktop.get_by_role("checkbox", name="Huruf besar").is_checked()
