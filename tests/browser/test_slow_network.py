"""A lesson on a cheap phone over a slow link (issue 11): it works, and a second visit takes the
lesson's scripts and styles from the phone's cache instead of downloading them again.

Throttled with the Chrome DevTools Protocol as the benchmark does (bench/page_weight.py):
1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, 4x CPU slowdown. Behaviour, not seconds.
"""

from urllib.parse import urlparse

from tests.support import THROTTLE, fill_login, tap_first_answer

SLOW = 180_000


def throttle(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", THROTTLE)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    fetched = []  # versioned asset URLs that came over the network, not from the cache
    cached = set()
    cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))

    def finished(event):
        response = event["response"]
        from_cache = event["requestId"] in cached or response.get("fromDiskCache")
        if "/naikkelas/v/" in response["url"] and not from_cache:
            fetched.append(response["url"])

    cdp.on("Network.responseReceived", finished)
    return fetched


def open_and_answer(page, url, answer, feedback):
    sockets = []

    def opened(websocket):
        sockets.append(websocket)

    page.on("websocket", opened)
    page.goto(url, wait_until="commit", timeout=SLOW)
    tap_first_answer(page, answer, feedback, SLOW)
    page.remove_listener("websocket", opened)
    # The page's inline script opens the kernel's websocket and asks for the widgets' state
    # while the lesson's script loads; the script takes that socket over instead of opening
    # another one (frontend/src/kernel.js).
    assert len(sockets) == 1, [ws.url for ws in sockets]


def test_lesson_works_over_slow_3g_and_repeat_visit_uses_the_cache(hub, phone, new_learner):
    username, pin = new_learner()
    fill_login(phone, hub.url, username, pin).tap()
    link = phone.get_by_role("link", name="Cara menjawab soal")
    link.wait_for(timeout=90_000)
    lesson_url = hub.url + link.get_attribute("href")

    fetched = throttle(phone)
    open_and_answer(phone, lesson_url, "Mengetik kode program", "Belum tepat")
    assert fetched, "the first visit loaded no versioned assets: is the lesson page versioned?"

    fetched.clear()
    open_and_answer(phone, lesson_url, "Menekan tombol jawaban", "Benar!")
    assert fetched == [], f"downloaded again on the repeat visit: {fetched}"

    hosts = {urlparse(url).netloc for url in phone.requests if url.startswith("http")}
    assert hosts == {urlparse(hub.url).netloc}, f"requests left the deployment: {hosts}"
