"""The order simulator: one marketplace order from "pesanan baru" to the buyer's rating.

The steps, the story and its endings are data in `naikkelas.widgets.marketplace_orders`; this
widget draws the seller's app and routes taps. Outcomes: "order-done" (right), "chat-rude",
"chat-false-promise", "complaint-argued", "complaint-ignored", "complaint-refused".
"""

from __future__ import annotations

import ipywidgets as widgets

from ..marketplace_orders import (
    BUTTON_ORDER,
    ORDER_CARD,
    ORDER_ENDINGS,
    ORDER_SCENES,
    ORDER_STEPS,
    RESUME,
    STEP_NOTES,
    step_hint,
)
from ..text import escape, status
from .base import Simulator, phone_html


def _card() -> str:
    first, *rest = ORDER_CARD
    return f"<p><b>{escape(first)}</b></p>" + "".join(f"<p>{escape(line)}</p>" for line in rest)


class OrderFlow(Simulator):
    """One order from "pesanan baru" to the buyer's rating: do the steps in order (a wrong step gets
    a hint), answer the buyer's chat, handle a complaint. Outcome "order-done" when all goes well;
    the other endings (see `ORDER_ENDINGS`) come with a low rating."""

    title = "Toko Saya · Pesanan"

    def begin(self) -> None:
        self.steps_done: list[str] = []
        self.order_screen()

    def _timeline(self, delivered: bool = False) -> str:
        rows = [(label, key in self.steps_done) for key, label in ORDER_STEPS.items()]
        rows.append(("Pesanan diterima pembeli", delivered))
        items = "".join(
            f'<li class="nk-market-done">✔ {escape(label)}</li>'
            if done
            else f"<li>○ {escape(label)}</li>"
            for label, done in rows
        )
        return f'<ul class="nk-market-timeline">{items}</ul>'

    def order_screen(self, note: str = "", hint: str = "") -> None:
        body = _card() + self._timeline()
        if note:
            body += f'<p class="nk-market-note">{escape(note)}</p>'
        if hint:
            body += status(hint, correct=False)
        body += "<p><b>Langkah berikutnya?</b></p>"
        buttons = []
        for key in BUTTON_ORDER:
            mark = "✔ " if key in self.steps_done else ""
            buttons.append(self.button(mark + ORDER_STEPS[key], lambda k=key: self.tap(k)))
        self.show(widgets.HTML(phone_html(body, self.title)), *buttons)

    def tap(self, step: str) -> None:
        hint = step_hint(self.steps_done, step)
        if hint:
            self.order_screen(hint=hint)
            return
        self.steps_done.append(step)
        if step == "kemas":
            self.scene("chat")
        elif step == "kurir":
            later = self.button(
                "Dua hari kemudian…", lambda: self.scene("keluhan"), style="primary"
            )
            body = _card() + self._timeline() + f"<p>{escape(STEP_NOTES['kurir'])}</p>"
            self.show(widgets.HTML(phone_html(body, self.title)), later)
        else:
            self.order_screen(note=STEP_NOTES[step])

    def scene(self, name: str) -> None:
        scene = ORDER_SCENES[name]
        choices = [
            self.button(label, lambda t=target: self.go(t)) for label, target in scene.choices
        ]
        body = f'<div class="nk-market-chat">{escape(scene.text)}</div>'
        body += "<p><b>Apa yang Anda lakukan?</b></p>"
        self.show(widgets.HTML(phone_html(body, "Toko Saya · Chat")), *choices)

    def go(self, target: str) -> None:
        if target == RESUME:
            self.order_screen(note="Balasan terkirim. " + STEP_NOTES["kemas"])
        elif target in ORDER_SCENES:
            self.scene(target)
        else:
            self.done(target)

    def outcome_screen(self, outcome: str) -> list:
        ending = ORDER_ENDINGS.get(outcome)
        if ending is None:
            return super().outcome_screen(outcome)
        if outcome == "order-done":  # also when restored: every step was done
            self.steps_done = list(ORDER_STEPS)
        stars = "★" * ending.stars + "☆" * (5 - ending.stars)
        body = (
            (self._timeline(delivered=True) if outcome == "order-done" else "")
            + f'<p class="nk-market-stars" aria-label="{ending.stars} dari 5 bintang">{stars}</p>'
            + f'<div class="nk-market-chat">Ulasan pembeli: "{escape(ending.review)}"</div>'
            + f"<p>{escape(ending.lesson)}</p>"
        )
        return [widgets.HTML(phone_html(body, "Toko Saya · Ulasan"))]
