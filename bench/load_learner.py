"""One simulated learner for `bench.load`: a browser's HTTP and widget traffic, without a browser.

The learner logs in with the hub's login form, starts its server, renders the lesson with Voila,
opens the lesson kernel's websocket as the page does, asks for every widget's state
(`jupyter.widget.control` request_states, as the ipywidgets 8 manager does) and then taps and
types through the lesson at human pace, timing each answer from the click message it sends to the
update of the feedback widget that the kernel sends back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import struct
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp

KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]+)"')
PROTOCOL = "2.1.0"  # the widget message protocol of ipywidgets 8
CONTROL = "1.0.0"  # its control comm (request_states)
TIMEOUT = aiohttp.ClientTimeout(total=300)


@dataclass
class Outcome:
    """What one learner saw; times in seconds from pressing the login button."""

    name: str
    login: float | None = None  # login answered
    interactive: float | None = None  # kernel connected and every widget's state received
    answers: list[float] = field(default_factory=list)  # answer round trips, seconds
    questions: int = 0  # questions found in the lesson
    feedback: int = 0  # questions whose feedback arrived
    finished: bool = False  # reached the lesson's end (NaikKelas: the score screen)
    rss: int = 0  # bytes, all the learner's processes, sampled while active
    error: str = ""


def _ids(value) -> list[str]:
    return [v.removeprefix("IPY_MODEL_") for v in value or [] if isinstance(v, str)]


def _decode(frame: bytes) -> dict:
    """A binary kernel message (the legacy websocket format: offsets, then JSON, then buffers)."""
    (count,) = struct.unpack("!I", frame[:4])
    offsets = struct.unpack(f"!{count}I", frame[4 : 4 + 4 * count])
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0] : end])


class Widgets:
    """The kernel websocket of one lesson page and the widget models it has been told about."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, username: str):
        self.ws = ws
        self.username = username
        self.session = uuid.uuid4().hex
        self.models: dict[str, dict] = {}  # model id -> {"name": ..., "state": {...}}
        self.updates: dict[str, int] = {}  # model id -> value updates seen
        self.changed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())
        self.states_received = False

    async def _read(self) -> None:
        async for frame in self.ws:
            if frame.type == aiohttp.WSMsgType.TEXT:
                msg = json.loads(frame.data)
            elif frame.type == aiohttp.WSMsgType.BINARY:
                msg = _decode(frame.data)
            else:
                break
            self._handle(msg)
            self.changed.set()

    def _handle(self, msg: dict) -> None:
        content, kind = msg.get("content") or {}, msg.get("msg_type")
        data = content.get("data") or {}
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.models[content["comm_id"]] = {
                "name": data.get("state", {}).get("_model_name"),
                "state": dict(data.get("state") or {}),
            }
        elif kind == "comm_close":
            self.models.pop(content.get("comm_id"), None)
        elif kind == "comm_msg" and data.get("method") == "update":
            model = self.models.setdefault(content["comm_id"], {"name": None, "state": {}})
            model["state"].update(data.get("state") or {})
            if "value" in (data.get("state") or {}):
                self.updates[content["comm_id"]] = self.updates.get(content["comm_id"], 0) + 1
        elif kind == "comm_msg" and data.get("method") == "update_states":
            for model_id, model in data.get("states", {}).items():
                self.models[model_id] = {"name": model.get("model_name"), "state": model["state"]}
            self.states_received = True

    async def until(self, condition, timeout: float = 120) -> None:
        """Wait until `condition()` holds, re-checking after every message from the kernel."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.reader.done():
                raise RuntimeError("kernel websocket closed")
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from the kernel")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    async def send(self, msg_type: str, content: dict, version: str = PROTOCOL) -> None:
        now = datetime.now(UTC).isoformat()
        header = {
            "msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": self.session,
            "username": self.username, "version": "5.3", "date": now,
        }  # fmt: skip
        msg = {
            "header": header, "parent_header": {}, "metadata": {"version": version},
            "content": content, "channel": "shell", "buffers": [],
        }  # fmt: skip
        await self.ws.send_str(json.dumps(msg))

    async def request_states(self) -> None:
        comm_id = uuid.uuid4().hex
        await self.send(
            "comm_open",
            {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
            CONTROL,
        )
        request = {"comm_id": comm_id, "data": {"method": "request_states"}}
        await self.send("comm_msg", request, CONTROL)
        await self.until(lambda: self.states_received)

    async def click(self, model_id: str) -> None:
        data = {"method": "custom", "content": {"event": "click"}}
        await self.send("comm_msg", {"comm_id": model_id, "data": data})

    async def update(self, model_id: str, state: dict) -> None:
        data = {"method": "update", "state": state, "buffer_paths": []}
        await self.send("comm_msg", {"comm_id": model_id, "data": data})

    async def timed_click(self, button: str, watched: str) -> float:
        """Click `button`; seconds until the kernel updates `watched`'s value."""
        before = self.updates.get(watched, 0)
        start = time.perf_counter()
        await self.click(button)
        await self.until(lambda: self.updates.get(watched, 0) > before)
        return time.perf_counter() - start

    # -- looking models up -------------------------------------------------------------------
    def state(self, model_id: str) -> dict:
        return self.models.get(model_id, {}).get("state", {})

    def classes(self, model_id: str) -> list[str]:
        return self.state(model_id).get("_dom_classes") or []

    def children(self, model_id: str) -> list[str]:
        return _ids(self.state(model_id).get("children"))

    def subtree(self, model_id: str) -> list[str]:
        found = [model_id]
        for child in self.children(model_id):
            found += self.subtree(child)
        return found

    def having_child(self, model_id: str, cls: str) -> bool:
        return any(cls in self.classes(child) for child in self.children(model_id))

    def having(self, cls: str) -> list[str]:
        return [m for m in self.models if cls in self.classes(m)]

    def named(self, model_name: str, within: str | None = None) -> list[str]:
        pool = self.subtree(within) if within else list(self.models)
        return [m for m in pool if self.models.get(m, {}).get("name") == model_name]


class Learner:
    """A simulated learner: log in, start the server, open the lesson, answer at human pace."""

    def __init__(self, hub_url, username, secret, lesson_path, think, seed, rss=None):
        self.hub_url, self.username, self.secret = hub_url, username, secret
        self.lesson_url = f"{hub_url}/user/{username}/voila/render/{lesson_path}"
        self.think_range = think
        self.rng = random.Random(seed)
        self.rss = rss  # called with the username: bytes of all its processes
        self.outcome = Outcome(username)

    async def think(self, scale: float = 1.0) -> None:
        await asyncio.sleep(self.rng.uniform(*self.think_range) * scale)

    async def run(self, answer) -> Outcome:
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1, as a browser keeps them
        async with aiohttp.ClientSession(cookie_jar=jar, timeout=TIMEOUT) as http:
            start = time.perf_counter()
            try:
                await self._login(http)
                self.outcome.login = time.perf_counter() - start
                kernel_id = await self._open_lesson(http)
                ws_url = self.lesson_url.split("/voila/")[0].replace("http", "ws", 1)
                async with http.ws_connect(
                    f"{ws_url}/api/kernels/{kernel_id}/channels", origin=self.hub_url,
                    max_msg_size=0,
                ) as ws:  # fmt: skip
                    widgets = Widgets(ws, self.username)
                    await widgets.request_states()
                    self.outcome.interactive = time.perf_counter() - start
                    await answer(self, widgets)
                    if self.rss:
                        self.outcome.rss = await asyncio.to_thread(self.rss, self.username)
                    widgets.reader.cancel()
            except Exception as e:  # noqa: BLE001 - one learner's failure is a result
                self.outcome.error = f"{type(e).__name__}: {e}"[:300]
        return self.outcome

    async def _login(self, http: aiohttp.ClientSession) -> None:
        async with http.get(f"{self.hub_url}/hub/login") as r:
            page = await r.text()
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page)
        form = {"username": self.username, "password": self.secret}
        if xsrf:
            form["_xsrf"] = xsrf.group(1)
        async with http.post(f"{self.hub_url}/hub/login", data=form, allow_redirects=False) as r:
            if r.status != 302:
                raise RuntimeError(f"login answered {r.status}")

    async def _open_lesson(self, http: aiohttp.ClientSession) -> str:
        """Start the server as the hub's spawn page does, wait for it, render the lesson."""
        async with http.get(f"{self.hub_url}/hub/spawn") as r:
            await r.read()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            async with http.get(f"{self.hub_url}/hub/api/user") as r:
                user = await r.json() if r.status == 200 else {}
            server = (user.get("servers") or {}).get("")
            if server and server.get("ready"):
                break
            if user and not server:  # the hub gave up on it (e.g. its http_timeout)
                raise RuntimeError("the hub gave up starting the server")
            await asyncio.sleep(0.5)
        else:
            raise TimeoutError("server not ready after 300 s")
        async with http.get(self.lesson_url) as r:
            page = await r.text()
            if r.status != 200:
                raise RuntimeError(f"lesson answered {r.status}")
        match = KERNEL_ID.search(page)
        if not match:
            raise RuntimeError("the rendered lesson names no kernel")
        return match.group(1)


async def answer_naikkelas(learner: Learner, w: Widgets) -> None:
    """Go through the NaikKelas lesson screen by screen: answer every question (and the ungraded
    self-check), tap Lanjut, and at the end Selesai for the score."""
    root = w.having("nk-lesson")[0]
    body = next(c for c in w.children(root) if w.having_child(c, "nk-screen"))
    nav = next(c for c in w.children(root) if w.having_child(c, "nk-nav"))
    counter = w.children(root)[1]
    learner.outcome.questions = len(w.having("nk-question")) + len(w.having("nk-selfcheck"))
    for _ in range(100):
        screen = w.children(body)[0]
        for question in [m for m in w.subtree(screen)
                         if {"nk-question", "nk-selfcheck"} & set(w.classes(m))]:  # fmt: skip
            await answer_question(learner, w, question)
        forward = w.children(nav)[-1]
        await learner.think(0.5)
        if w.state(forward).get("description") == "Selesai":
            await w.timed_click(forward, counter)
            learner.outcome.finished = True
            return
        await w.click(forward)
        await w.until(lambda s=screen: w.children(body) and w.children(body)[0] != s)
    raise RuntimeError("the lesson never ended")


async def answer_question(learner: Learner, w: Widgets, question: str) -> None:
    rng = learner.rng
    feedback = w.children(question)[-1]
    parts = [m for m in w.subtree(question) if m != feedback]
    for text in w.named("TextModel", question):
        await learner.think(0.5)
        typed = "15rb" if "Rp" in (w.state(text).get("placeholder") or "") else "NaikKelas"
        await w.update(text, {"value": typed})
    for picker in w.named("DropdownModel", question):
        await learner.think(0.3)
        options = w.state(picker).get("_options_labels") or ["", ""]
        await w.update(picker, {"index": rng.randrange(1, len(options))})
    buttons = [b for b in w.named("ButtonModel", question) if b in parts]
    check = [b for b in buttons if (w.state(b).get("description") or "").startswith("Periksa")]
    choices = [b for b in buttons if "nk-choice" in w.classes(b) and b not in check]
    if check and choices:  # several may be right: tap one or two, then Periksa
        for choice in rng.sample(choices, k=min(len(choices), rng.randint(1, 2))):
            await learner.think(0.3)
            await w.click(choice)
    final = check[0] if check else rng.choice(choices)
    await learner.think()
    learner.outcome.answers.append(await w.timed_click(final, feedback))
    learner.outcome.feedback += 1


def stock_answerer(taps: int):
    """Tap the stock notebook's Button `taps` times; the round trip ends at the Label's update."""

    async def answer(learner: Learner, w: Widgets) -> None:
        button = next(m for m in w.named("ButtonModel") if w.state(m).get("description"))
        label = w.named("LabelModel")[0]
        learner.outcome.questions = taps
        for _ in range(taps):
            await learner.think()
            learner.outcome.answers.append(await w.timed_click(button, label))
            learner.outcome.feedback += 1
        learner.outcome.finished = True

    return answer
