"""Progress is never lost: a killed kernel, a stopped server, a second device."""

import re

import psutil

from tests.support import LearnerClient, fill_login, processes_of, wait_for


def open_lesson(page, hub, username, pin):
    fill_login(page, hub.url, username, pin).click()
    page.get_by_role("link", name="Cara menjawab soal").click(timeout=90_000)
    page.get_by_text(re.compile(r"Langkah \d+ dari 9")).wait_for(timeout=60_000)


def answer_first_question(page):
    page.get_by_role("button", name="Lanjut").tap()
    page.get_by_role("button", name="Menekan tombol jawaban").tap()
    page.get_by_text("Benar! Cukup tekan tombol jawaban.").wait_for()


def kernel_id(page) -> str:
    return page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
    )


def wait_for_reconnect(page, old_kernel: str, what: str) -> None:
    """The phone wakes up (or 15 s pass): the page checks its kernel, reloads, gets a new one."""

    def back():
        try:
            page.evaluate("window.naikkelasKeepalive && window.naikkelasKeepalive.check()")
            return kernel_id(page) != old_kernel
        except Exception:  # noqa: BLE001 - the page is navigating
            return False

    wait_for(back, 120, what)


def test_a_killed_kernel_is_noticed_and_the_lesson_resumes(hub, phone, new_learner, artifacts):
    username, pin = new_learner()
    open_lesson(phone, hub, username, pin)
    answer_first_question(phone)
    dead = kernel_id(phone)
    for proc in processes_of(f"nk-{username}"):
        if dead in " ".join(proc.cmdline()):
            proc.kill()

    def gone():
        for proc in processes_of(f"nk-{username}"):
            try:
                if dead in " ".join(proc.cmdline()) and proc.status() != psutil.STATUS_ZOMBIE:
                    return False
            except psutil.Error:
                continue
        return True

    wait_for(gone, 30, "the kernel to die")
    # The phone wakes up (or 15 s pass): the page checks its kernel and reconnects by itself.
    wait_for(
        lambda: (
            phone.evaluate("window.naikkelasKeepalive && (window.naikkelasKeepalive.check(), true)")
            and kernel_id(phone) != dead
        ),
        60,
        "the page to reload with a new kernel",
    )
    phone.get_by_text("Langkah 2 dari 9").wait_for(timeout=60_000)
    phone.get_by_text("Benar! Cukup tekan tombol jawaban.").wait_for()
    phone.screenshot(path=artifacts / "after-kernel-killed.png", full_page=True)


def test_a_stopped_server_comes_back_without_a_dead_end(hub, phone, new_learner):
    username, pin = new_learner()
    open_lesson(phone, hub, username, pin)
    answer_first_question(phone)
    client = LearnerClient(hub.url, username)
    client.login(pin)
    client.delete(
        f"{hub.url}/hub/api/users/{username}/server", headers={"X-XSRFToken": client.xsrf()}
    )
    wait_for(
        lambda: not client.get(f"{hub.url}/hub/api/user").json()["servers"],
        60,
        "the server to stop",
    )
    wait_for_reconnect(phone, kernel_id(phone), "the lesson to come back on a restarted server")
    phone.get_by_text("Langkah 2 dari 9").wait_for(timeout=60_000)
    phone.get_by_text("Benar! Cukup tekan tombol jawaban.").wait_for()


def test_second_device_continues_where_the_first_stopped(hub, browser, phone, new_learner):
    username, pin = new_learner()
    open_lesson(phone, hub, username, pin)
    answer_first_question(phone)
    phone.get_by_role("button", name="Lanjut").tap()
    phone.get_by_text("Langkah 3 dari 9").wait_for()
    # The kiosk PC at the kelurahan office: another browser, desktop-sized.
    kiosk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    page = kiosk.new_page()
    try:
        open_lesson(page, hub, username, pin)
        page.get_by_text("Langkah 3 dari 9").wait_for()
        page.get_by_role("button", name="Kembali").click()
        page.get_by_text("Benar! Cukup tekan tombol jawaban.").wait_for()
    finally:
        kiosk.close()
    assert psutil.pid_exists(hub.proc.pid)


def test_the_lesson_survives_a_hub_restart(start_hub, phone):
    """The operator restarts the platform mid-lesson; the learner's page gets back by itself."""
    from tests.support import HubProcess

    own = start_hub("restart")
    open_lesson(phone, own, "peserta1", "123456")
    answer_first_question(phone)
    # Read the kernel now: once the hub is down the page may reload itself at any moment.
    before = kernel_id(phone)
    own.stop()
    again = HubProcess(data_dir=own.data_dir, port=own.port, demo=True, db_url=own.db_url)
    again.log_path = own.log_path.with_name("restart-again.log")
    again.start()
    try:
        wait_for_reconnect(phone, before, "the lesson to come back after the restart")
        phone.get_by_text("Langkah 2 dari 9").wait_for(timeout=60_000)
        phone.get_by_text("Benar! Cukup tekan tombol jawaban.").wait_for()
    finally:
        again.stop()
