"""The simulator shell: a phone frame marked as practice, screens of taps, and a graded outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..questions import TARGET, Question
from ..text import escape, markdown

PRACTICE_BANNER = "LATIHAN — bukan aplikasi sungguhan. Tidak ada uang atau data sungguhan."


def phone_html(body: str, title: str = "") -> str:
    """HTML for one app screen inside the phone frame (title bar, then `body`, already HTML)."""
    bar = f'<div class="nk-app-bar">{escape(title)}</div>' if title else ""
    return f'<div class="nk-app">{bar}<div class="nk-app-body">{body}</div></div>'


class Simulator(Question):
    """Base for practice apps. Subclasses implement `begin()` (draw the first screen) and
    `outcome_screen(outcome)` (what the phone shows when the learner reached `outcome`, also used
    when a saved outcome is restored), and move between screens with `show()`.

    Taps on buttons of a screen that is no longer shown (a double tap on a slow phone) are
    ignored: `button()` ties each button to the screen it was drawn for.
    """

    kind = "scenario"
    title = "Latihan"  # the app's name in the phone's title bar

    def __init__(self, question_id: str | None, prompt: str = ""):
        self.outcome: str | None = None
        self._generation = 0
        super().__init__(question_id, prompt)
        self.add_class("nk-simulator")

    @property
    def graded(self) -> bool:
        return self.question_id is not None

    # -- for subclasses ---------------------------------------------------------------------
    def begin(self) -> None:
        raise NotImplementedError

    def outcome_screen(self, outcome: str) -> list[widgets.Widget]:
        return [widgets.HTML(phone_html(markdown("Latihan selesai."), self.title))]

    # -- drawing ----------------------------------------------------------------------------
    def controls(self) -> list[widgets.Widget]:
        self.banner = widgets.HTML(f'<div class="nk-sim-banner">{escape(PRACTICE_BANNER)}</div>')
        self.stage = widgets.VBox()
        self.stage.add_class("nk-phone")
        self.again = self.button("Ulangi latihan", self.restart, stale_ok=True)
        self.again.layout.display = "none"
        self.begin()
        return [self.banner, self.stage, self.again]

    def show(self, *children: widgets.Widget | str) -> None:
        """Replace the phone's screen. Strings are Markdown shown as app text."""
        self._generation += 1
        parts = []
        for child in children:
            if isinstance(child, str):
                child = widgets.HTML(f'<div class="nk-app-text">{markdown(child)}</div>')
            parts.append(child)
        self.stage.children = parts

    def button(
        self,
        label: str,
        on_click: Callable[[], Any],
        style: str = "",
        stale_ok: bool = False,
    ) -> widgets.Button:
        """A large button for the next screen to show; taps on it from an older screen are
        ignored. Build buttons before calling `show()` with them."""
        b = widgets.Button(
            description=label,
            tooltip=label,
            button_style=style,
            layout=widgets.Layout(width="100%", min_height=TARGET, height="auto", margin="4px 0"),
        )
        b.add_class("nk-choice" if not style else "nk-app-button")
        drawn_for = self._generation + 1  # the screen `show()` will draw next

        def click(_b):
            if stale_ok or self._generation == drawn_for:
                on_click()

        b.on_click(click)
        return b

    # -- outcome ----------------------------------------------------------------------------
    def done(self, outcome: str) -> dict | None:
        """The learner reached `outcome`: show it and, when graded, send it to the checker."""
        self.outcome = outcome
        self.show(*self.outcome_screen(outcome))
        self.again.layout.display = None
        if self.graded:
            return self.submit(outcome)
        return None

    def restart(self) -> None:
        self.outcome = None
        self.again.layout.display = "none"
        self.begin()

    def show_answer(self, answer: Any) -> None:
        if isinstance(answer, str):
            self.outcome = answer
            self.show(*self.outcome_screen(answer))
            self.again.layout.display = None

    def set_enabled(self, enabled: bool) -> None:
        # Once graded, the learner may still replay the practice; the recorded outcome stays.
        self.again.disabled = False
