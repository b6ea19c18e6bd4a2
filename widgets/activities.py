"""Ungraded things to do on a screen: cards to turn (`Reveal`) and a choice that only answers
back (`SelfCheck`), on the model of H5P's Flashcards, Accordion and self-check.

They have no question id, no key and no score: nothing is sent to the NaikKelas service and they
are not in `lesson.questions`. They are stateless: after a reload they are shown fresh.
All text is the author's; it is rendered with the Markdown helper (raw HTML escaped) or shown as
plain button labels, and what changes after a tap is a polite live region screen readers read.
"""

from __future__ import annotations

import ipywidgets as widgets

from .questions import _button
from .text import markdown, status

REVEAL_HINT = "Ketuk untuk melihat isinya. Ketuk lagi untuk menutup."

# Widgets a learner can act on. A screen with none of them (outside hidden parts) has nothing
# to do; see `has_activity`.
_ACTIVE = (
    widgets.Button,
    widgets.ToggleButton,
    widgets.Checkbox,
    widgets.Text,
    widgets.Textarea,
    widgets.Dropdown,
    widgets.RadioButtons,
    widgets.Select,
    widgets.SelectMultiple,
    widgets.ToggleButtons,
    widgets.IntSlider,
    widgets.FloatSlider,
    widgets.IntText,
    widgets.FloatText,
    widgets.FileUpload,
)


def has_activity(widget: widgets.Widget) -> bool:
    """Whether `widget` (or a shown part of it) is something a learner can tap, type or pick."""
    layout = getattr(widget, "layout", None)
    if layout is not None and getattr(layout, "display", None) == "none":
        return False
    if isinstance(widget, _ACTIVE):
        return True
    return any(has_activity(child) for child in getattr(widget, "children", ()))


class Reveal(widgets.VBox):
    """Cards the learner taps to turn: the front is a full-width button, the back appears under
    it (and is announced), a second tap hides it again.

        Reveal({"Apa itu OTP?": "Kode rahasia sekali pakai dari bank.", ...})
        Reveal([("Depan", "Belakang"), ...], prompt="Ketuk untuk mengingat kembali:")
    """

    def __init__(self, cards, prompt: str = "", hint: str = REVEAL_HINT):
        pairs = list(cards.items()) if isinstance(cards, dict) else [tuple(c) for c in cards]
        if not pairs:
            raise ValueError("Reveal needs at least one card")
        for pair in pairs:
            if len(pair) != 2 or not all(isinstance(side, str) and side.strip() for side in pair):
                raise ValueError(f"a Reveal card is (front, back) text, not {pair!r}")
        self.cards = pairs
        self.opened: set[int] = set()
        self.fronts: list[widgets.Button] = []
        self.backs: list[widgets.HTML] = []
        children = []
        if prompt:
            children.append(widgets.HTML(f'<div class="nk-prompt">{markdown(prompt)}</div>'))
        if hint:
            children.append(widgets.HTML(f'<div class="nk-hint">{markdown(hint)}</div>'))
        for index, (front, _back) in enumerate(pairs):
            button = _button(front)
            button.add_class("nk-card-front")
            button.on_click(lambda _b, i=index: self.turn(i))
            back = widgets.HTML("")
            card = widgets.VBox([button, back])
            card.add_class("nk-card")
            self.fronts.append(button)
            self.backs.append(back)
            children.append(card)
        super().__init__(children)
        self.add_class("nk-reveal")

    def turn(self, index: int) -> None:
        """Show card `index`'s back, or hide it when it is shown."""
        self.opened ^= {index}
        shown = index in self.opened
        self.fronts[index].button_style = "info" if shown else ""
        self.backs[index].value = (
            f'<div class="nk-card-back" role="status" aria-live="polite">'
            f"{markdown(self.cards[index][1])}</div>"
            if shown
            else ""
        )

    def texts(self) -> list[str]:
        """Everything a learner may read here, as HTML (for the validator's reading time)."""
        return [markdown(f"{front}\n\n{back}") for front, back in self.cards]


class SelfCheck(widgets.VBox):
    """A choice that is not graded: each option shows the author's response to it.

        SelfCheck("Pernahkah Anda membayar dengan QRIS?",
                  ["Pernah", "Belum pernah"],
                  ["Bagus! Hari ini kita ...", "Tidak apa-apa. Hari ini kita ..."])

    `responses`: one text per option, or one text for every option.
    """

    def __init__(self, prompt: str, options: list[str], responses, hint: str = ""):
        options = list(options)
        if len(options) < 2:
            raise ValueError("a SelfCheck needs at least two options")
        if isinstance(responses, str):
            responses = [responses] * len(options)
        responses = list(responses)
        if len(responses) != len(options):
            raise ValueError(
                f"a SelfCheck needs one response per option ({len(options)}), has {len(responses)}"
            )
        if not all(isinstance(t, str) and t.strip() for t in options + responses):
            raise ValueError("SelfCheck options and responses are non-empty text")
        self.options, self.responses = options, responses
        self.chosen: int | None = None
        self.prompt = widgets.HTML(f'<div class="nk-prompt">{markdown(prompt)}</div>')
        self.buttons = [_button(text) for text in options]
        for index, button in enumerate(self.buttons):
            button.on_click(lambda _b, i=index: self.tap(i))
        self.response = widgets.HTML("")
        parts = [self.prompt]
        if hint:
            parts.append(widgets.HTML(f'<div class="nk-hint">{markdown(hint)}</div>'))
        super().__init__([*parts, *self.buttons, self.response])
        self.add_class("nk-selfcheck")

    def tap(self, index: int) -> None:
        """Mark option `index` as chosen and show its response (another tap may change it)."""
        self.chosen = index
        for i, button in enumerate(self.buttons):
            button.button_style = "info" if i == index else ""
        self.response.value = status(self.responses[index])

    def texts(self) -> list[str]:
        """What a learner reads here: the prompt, the options and one response (the longest),
        since only the chosen option's response is shown."""
        longest = max(self.responses, key=len)
        return [self.prompt.value, *(markdown(t) for t in [*self.options, longest])]
