"""A phone's real life: the network drops mid-lesson, the screen sleeps and wakes hours later.

Nothing the learner did is lost, and the lesson comes back by itself, with no button to find.
"""

from naikkelas.grading.progress import get_state
from naikkelas.hub.db import engine_for
from tests.browser.test_resume import answer_first_question, kernel_id, open_lesson
from tests.support import LearnerClient, wait_for


def saved_answers(hub, username) -> dict:
    engine = engine_for(hub.settings.naikkelas_db_url)
    return get_state(engine, username, "mengenal-naikkelas", "01-cara-menjawab").answers


def test_an_answer_tapped_offline_is_checked_and_kept_when_the_network_returns(
    hub, phone, new_learner, artifacts
):
    username, pin = new_learner()
    open_lesson(phone, hub, username, pin)
    phone.get_by_role("button", name="Lanjut").tap()
    phone.get_by_text("Langkah 2 dari 9").wait_for()
    phone.get_by_role("button", name="Menekan tombol jawaban").wait_for()
    phone.context.set_offline(True)
    try:
        phone.get_by_role("button", name="Menekan tombol jawaban").tap()
        # The tap cannot reach the lesson while the phone is offline: no feedback is invented.
        assert not phone.get_by_text("Benar! Cukup tekan tombol jawaban.").is_visible()
    finally:
        phone.context.set_offline(False)
    # Back online: either the queued tap arrives, or the page reconnects and the learner taps
    # again — what the learner must see is the feedback, on the same step.
    feedback = phone.get_by_text("Benar! Cukup tekan tombol jawaban.")

    def checked():
        if feedback.is_visible():
            return True
        button = phone.get_by_role("button", name="Menekan tombol jawaban")
        if button.is_visible() and button.is_enabled():
            button.tap(timeout=5_000)
        return feedback.is_visible()

    wait_for(checked, 90, "the answer to be checked once the network is back")
    phone.get_by_text("Langkah 2 dari 9").wait_for()
    phone.screenshot(path=artifacts / "back-online.png", full_page=True)
    wait_for(lambda: saved_answers(hub, username), 30, "the answer to be saved")


def test_a_dropped_lesson_connection_comes_back_and_delivers_the_tap_made_meanwhile(
    hub, phone, new_learner
):
    """The light lesson page reopens its kernel websocket with the same session (jupyter_server
    replays what the kernel said meanwhile) and sends the taps it queued."""
    username, pin = new_learner()
    open_lesson(phone, hub, username, pin)
    phone.get_by_role("button", name="Lanjut").tap()
    phone.get_by_text("Langkah 2 dari 9").wait_for()
    session = phone.evaluate("window.naikkelasLesson.kernel.sessionId")
    # The connection drops (say, a hand-over between cell towers) just before the tap.
    phone.evaluate("window.naikkelasLesson.kernel.socket.close()")
    phone.get_by_role("button", name="Menekan tombol jawaban").tap()
    phone.get_by_text("Benar! Cukup tekan tombol jawaban.").wait_for()
    kernel = phone.evaluate(
        "({session: window.naikkelasLesson.kernel.sessionId,"
        " connections: window.naikkelasLesson.kernel.connections})"
    )
    assert kernel == {"session": session, "connections": 2}, "not one reconnection, same session"
    wait_for(lambda: saved_answers(hub, username), 30, "the answer to be saved")


def test_a_phone_that_slept_while_its_server_was_stopped_wakes_into_the_same_step(
    hub, phone, new_learner
):
    username, pin = new_learner()
    open_lesson(phone, hub, username, pin)
    answer_first_question(phone)
    before = kernel_id(phone)
    cdp = phone.context.new_cdp_session(phone)
    # The screen goes off: the browser freezes the page (no timers, no network).
    cdp.send("Page.setWebLifecycleState", {"state": "frozen"})
    client = LearnerClient(hub.url, username)
    client.login(pin)
    # Meanwhile the idle culler (or a restart) stops the learner's server.
    client.delete(
        f"{hub.url}/hub/api/users/{username}/server", headers={"X-XSRFToken": client.xsrf()}
    )
    wait_for(
        lambda: not client.get(f"{hub.url}/hub/api/user").json()["servers"],
        60,
        "the server to stop",
    )
    # The learner wakes the phone. Nobody calls the page's check by hand: waking must be enough.
    cdp.send("Page.setWebLifecycleState", {"state": "active"})

    def reconnected():
        try:
            return kernel_id(phone) != before
        except Exception:  # noqa: BLE001 - the page is navigating
            return False

    wait_for(reconnected, 120, "the woken page to reconnect to a new lesson kernel")
    phone.get_by_text("Langkah 2 dari 9").wait_for(timeout=60_000)
    phone.get_by_text("Benar! Cukup tekan tombol jawaban.").wait_for()
