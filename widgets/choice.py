"""A single-answer multiple-choice question with immediate feedback."""

from __future__ import annotations

import html

import ipywidgets as widgets


class SingleChoice(widgets.VBox):
    """Tap one option; the learner sees at once whether it is right and why."""

    def __init__(
        self,
        question_id: str,
        prompt: str,
        options: list[str],
        answer: int,
        explanation: str = "",
    ):
        self.question_id = question_id
        self._answer = answer
        self._explanation = explanation
        self.prompt = widgets.HTML(f"<p class='nk-prompt'>{html.escape(prompt)}</p>")
        self.buttons = [
            widgets.Button(
                description=text,
                layout=widgets.Layout(width="100%", min_height="48px", margin="4px 0"),
                tooltip=text,
            )
            for text in options
        ]
        for index, button in enumerate(self.buttons):
            button.on_click(lambda _b, i=index: self.choose(i))
        self.feedback = widgets.HTML("")
        super().__init__([self.prompt, *self.buttons, self.feedback])

    def choose(self, index: int) -> bool:
        right = index == self._answer
        for i, button in enumerate(self.buttons):
            button.button_style = ("success" if right else "danger") if i == index else ""
        verdict = "Benar!" if right else "Belum tepat. Coba lagi."
        why = f" {html.escape(self._explanation)}" if right and self._explanation else ""
        self.feedback.value = f"<p class='nk-feedback' role='status'><b>{verdict}</b>{why}</p>"
        return right
