"""Question widgets. Each shows a prompt, takes an answer by tapping (or short typing), and shows
the feedback the checker returns.

What the browser may change is only what the learner chooses; whether it is right, the score and
attempts live in plain Python attributes, never in synced widget state, and every answer is checked
by the NaikKelas service (see `client`), which alone holds the key.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from .client import ClientError
from .text import escape, markdown, status

TARGET = "48px"  # touch targets above WCAG 2.5.5's 44 px, for older learners
MAX_TEXT = 200


def _button(text: str, **kw) -> widgets.Button:
    b = widgets.Button(
        description=text,
        tooltip=text,
        layout=widgets.Layout(width="100%", min_height=TARGET, height="auto", margin="4px 0"),
        **kw,
    )
    b.add_class("nk-choice")
    return b


class Question(widgets.VBox):
    """Base: prompt, answer controls, feedback. Subclasses build `controls()` and answers."""

    kind = "question"

    def __init__(self, question_id: str, prompt: str):
        self.question_id = question_id
        self.lesson = None  # set by Lesson.add
        self._result: dict | None = None
        self.prompt = widgets.HTML(f'<div class="nk-prompt">{markdown(prompt)}</div>')
        self.feedback = widgets.HTML("")
        super().__init__([self.prompt, *self.controls(), self.feedback])
        self.add_class("nk-question")

    # -- for subclasses ---------------------------------------------------------------------
    def controls(self) -> list[widgets.Widget]:
        raise NotImplementedError

    def show_answer(self, answer: Any) -> None:
        """Put a saved answer back into the controls (on resume)."""

    def set_enabled(self, enabled: bool) -> None:
        for child in self.children:
            if hasattr(child, "disabled"):
                child.disabled = not enabled

    # -- answering --------------------------------------------------------------------------
    @property
    def answered(self) -> bool:
        return self._result is not None and self._result.get("correct") is not None

    @property
    def correct(self) -> bool:
        return bool(self._result and self._result.get("correct"))

    def submit(self, answer: Any) -> dict | None:
        """Send an answer to the checker and show the outcome."""
        client = self.lesson.client if self.lesson else None
        if client is None:
            self.feedback.value = status("Soal ini belum tersambung ke pelajaran.")
            return None
        try:
            result = client.answer(self.question_id, answer)
        except ClientError as e:
            self.feedback.value = status(str(e))
            return None
        self.show_result(result)
        return result

    def show_result(self, result: dict) -> None:
        self._result = result
        message = result.get("feedback") or ""
        left = result.get("attempts_left")
        attempts = result.get("attempts") or 0
        if result.get("correct") is False and attempts > 1:
            # Say it is a new try: the same message again would look as if the tap did nothing.
            message += f" (jawaban ke-{attempts})"
        if result.get("correct") is False and left == 0:
            message += " Kesempatan menjawab sudah habis."
        elif result.get("correct") is False and left:
            message += f" Sisa kesempatan: {left}."
        self.feedback.value = status(message.strip(), correct=result.get("correct"))
        if result.get("correct") or left == 0:
            self.set_enabled(False)

    def restore(self, saved: dict) -> None:
        self.show_answer(saved.get("answer"))
        self.show_result(saved)


class _Choices(Question):
    """Options as large buttons."""

    def __init__(self, question_id: str, prompt: str, options: list[str]):
        if len(options) < 2:
            raise ValueError(f"{question_id}: a choice question needs at least two options")
        self.options = list(options)
        super().__init__(question_id, prompt)

    def controls(self):
        self.buttons = [_button(text) for text in self.options]
        for index, button in enumerate(self.buttons):
            button.on_click(lambda _b, i=index: self.tap(i))
        return self.buttons


class SingleChoice(_Choices):
    """Pick one option; feedback at once."""

    kind = "single"

    def tap(self, index: int) -> None:
        self.show_answer(index)
        self.submit(index)

    def show_answer(self, answer):
        for i, button in enumerate(self.buttons):
            button.button_style = "info" if i == answer else ""


class TrueFalse(SingleChoice):
    """Benar or Salah."""

    kind = "truefalse"

    def __init__(self, question_id: str, prompt: str):
        super().__init__(question_id, prompt, ["Benar", "Salah"])

    def tap(self, index: int) -> None:
        self.show_answer(index)
        self.submit(index == 0)

    def show_answer(self, answer):
        if isinstance(answer, bool):
            answer = 0 if answer else 1
        super().show_answer(answer)


class MultipleSelect(_Choices):
    """Tap every option that applies, then Periksa (check)."""

    kind = "multi"

    def controls(self):
        self.chosen: set[int] = set()
        buttons = super().controls()
        for button, text in zip(buttons, self.options, strict=True):
            button.description = f"☐ {text}"
        self.check_button = _button("Periksa jawaban", button_style="primary")
        self.check_button.add_class("nk-primary")
        self.check_button.on_click(lambda _b: self.submit(sorted(self.chosen)))
        hint = widgets.HTML('<p class="nk-hint">Pilih semua yang benar, lalu tekan Periksa.</p>')
        return [hint, *buttons, self.check_button]

    def tap(self, index: int) -> None:
        self.chosen ^= {index}
        self.show_answer(sorted(self.chosen))

    def show_answer(self, answer):
        self.chosen = {i for i in (answer or []) if isinstance(i, int)}
        # Icon fonts come from a CDN in stock Voila; plain characters need no download.
        for i, (button, text) in enumerate(zip(self.buttons, self.options, strict=True)):
            button.button_style = "info" if i in self.chosen else ""
            button.description = f"{'☑' if i in self.chosen else '☐'} {text}"


class _Typed(Question):
    """A short typed answer, then Periksa."""

    placeholder = ""

    def controls(self):
        self.input = widgets.Text(
            placeholder=self.placeholder,
            layout=widgets.Layout(width="100%", min_height=TARGET),
            continuous_update=False,
        )
        self.input.add_class("nk-input")
        self.check_button = _button("Periksa jawaban", button_style="primary")
        self.check_button.on_click(lambda _b: self.send())
        return [self.input, self.check_button]

    def send(self) -> None:
        value = self.input.value
        if not isinstance(value, str) or not value.strip():
            self.feedback.value = status("Tulis jawaban Anda dulu.")
            return
        if len(value) > MAX_TEXT:
            self.feedback.value = status(
                f"Jawaban terlalu panjang (paling banyak {MAX_TEXT} huruf)."
            )
            return
        self.submit(value)

    def show_answer(self, answer):
        if isinstance(answer, str):
            self.input.value = answer[:MAX_TEXT]


class FillIn(_Typed):
    """Fill in the blank; the key lists accepted spellings."""

    kind = "text"
    placeholder = "Tulis jawaban di sini"


class FreeText(Question):
    """A few sentences in the learner's own words, which the trainer reads and grades in nbgrader's
    formgrader; the trainer's comment then appears on the learner's course home."""

    kind = "manual"
    limit = 500

    def controls(self):
        self.input = widgets.Textarea(
            placeholder="Tulis jawaban Anda dengan kata-kata sendiri",
            rows=4,
            layout=widgets.Layout(width="100%", min_height="120px"),
            continuous_update=False,
        )
        self.input.add_class("nk-input")
        self.save_button = _button("Simpan jawaban", button_style="primary")
        self.save_button.on_click(lambda _b: self.send())
        hint = widgets.HTML(
            f'<p class="nk-hint">Paling banyak {self.limit} huruf. Pelatih akan membacanya.</p>'
        )
        return [hint, self.input, self.save_button]

    def send(self) -> None:
        value = self.input.value
        if not isinstance(value, str) or not value.strip():
            self.feedback.value = status("Tulis jawaban Anda dulu.")
            return
        if len(value) > self.limit:
            self.feedback.value = status(
                f"Jawaban terlalu panjang ({len(value)} huruf). Paling banyak {self.limit}."
            )
            return
        self.submit(value.strip())

    @property
    def answered(self) -> bool:
        return bool(self._result and self._result.get("answer"))

    def show_answer(self, answer):
        if isinstance(answer, str):
            self.input.value = answer

    def show_result(self, result: dict) -> None:
        # Saved, not judged: an information line, and the learner may still edit and save again.
        self._result = result
        self.feedback.value = status(result.get("feedback") or "", correct=result.get("correct"))


class NumberAnswer(_Typed):
    """A number or Rupiah amount, written as people write it ("Rp15.000", "15rb")."""

    kind = "number"
    placeholder = "Contoh: Rp15.000"

    def show_answer(self, answer):
        if isinstance(answer, int | float) and not isinstance(answer, bool):
            self.input.value = f"{answer:,.0f}".replace(",", ".")
        else:
            super().show_answer(answer)


class Ordering(Question):
    """Put steps in order with Naik/Turun buttons (no dragging needed on a touch screen)."""

    kind = "order"

    def __init__(self, question_id: str, prompt: str, items: dict[str, str]):
        # items: id -> text, given in the (shuffled) order the learner first sees
        self.items = dict(items)
        self.order = list(self.items)
        super().__init__(question_id, prompt)

    def controls(self):
        self.rows = widgets.VBox()
        self.check_button = _button("Periksa urutan", button_style="primary")
        self.check_button.on_click(lambda _b: self.submit(list(self.order)))
        self._draw()
        return [self.rows, self.check_button]

    def _move(self, index: int, delta: int) -> None:
        target = index + delta
        if 0 <= target < len(self.order):
            self.order[index], self.order[target] = self.order[target], self.order[index]
            self._draw()
            # Said by screen readers; the focus stays on the button that was pressed.
            self.feedback.value = status(
                f"{self.items[self.order[target]]} sekarang nomor {target + 1}."
            )

    def _draw(self) -> None:
        """Show the current order. The rows are made once and then only relabelled, so a
        keyboard's focus stays where it was after Naik or Turun."""
        if len(self.rows.children) != len(self.order):
            rows = []
            for index in range(len(self.order)):
                text = widgets.HTML(layout=widgets.Layout(flex="1 1 8rem"))
                # Buttons grow with large text; the row wraps them under the item when narrow.
                size = widgets.Layout(width="auto", min_width="72px", min_height=TARGET)
                up = widgets.Button(description="Naik", layout=size)
                down = widgets.Button(description="Turun", layout=size)
                up.on_click(lambda _b, i=index: self._move(i, -1))
                down.on_click(lambda _b, i=index: self._move(i, 1))
                rows.append(
                    widgets.HBox([text, up, down], layout=widgets.Layout(align_items="center"))
                )
            self.rows.children = rows
        for index, item in enumerate(self.order):
            text, up, down = self.rows.children[index].children
            text.value = (
                f'<div class="nk-order-item"><b>{index + 1}.</b> {escape(self.items[item])}</div>'
            )
            up.tooltip = f"Naikkan: {self.items[item]}"
            down.tooltip = f"Turunkan: {self.items[item]}"
            up.disabled = index == 0
            down.disabled = index == len(self.order) - 1

    def show_answer(self, answer):
        if isinstance(answer, list) and sorted(map(str, answer)) == sorted(self.items):
            self.order = [str(a) for a in answer]
            self._draw()

    def set_enabled(self, enabled: bool) -> None:
        self.check_button.disabled = not enabled
        for row in self.rows.children:
            for child in row.children:
                if isinstance(child, widgets.Button):
                    child.disabled = not enabled


class Matching(Question):
    """Match each item on the left to one on the right, with a dropdown per item."""

    kind = "match"

    def __init__(self, question_id: str, prompt: str, left: dict[str, str], right: dict[str, str]):
        self.left = dict(left)
        self.right = dict(right)
        super().__init__(question_id, prompt)

    def controls(self):
        options = [("— pilih —", "")] + [(text, key) for key, text in self.right.items()]
        self.pickers = {}
        rows = []
        for key, text in self.left.items():
            # The item is the list's own <label> (shown above it), so screen readers name it.
            picker = widgets.Dropdown(
                options=options,
                value="",
                description=text,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="100%", min_height=TARGET),
            )
            picker.add_class("nk-input")
            picker.add_class("nk-match")
            self.pickers[key] = picker
            rows.append(picker)
        self.check_button = _button("Periksa pasangan", button_style="primary")
        self.check_button.on_click(lambda _b: self.send())
        return [*rows, self.check_button]

    def send(self) -> None:
        pairs = {key: picker.value for key, picker in self.pickers.items()}
        if not all(pairs.values()):
            self.feedback.value = status("Pasangkan semua dulu, lalu tekan Periksa.")
            return
        self.submit(pairs)

    def show_answer(self, answer):
        if isinstance(answer, dict):
            for key, value in answer.items():
                if key in self.pickers and value in self.right:
                    self.pickers[key].value = value

    def set_enabled(self, enabled: bool) -> None:
        self.check_button.disabled = not enabled
        for picker in self.pickers.values():
            picker.disabled = not enabled


class ImageRegion(Question):
    """Tap the right part of a picture (a phone screenshot: "tap the merchant name").

    The picture is covered by a grid of buttons, so it works by touch, keyboard and screen reader;
    a tap sends the centre of its cell as fractions of the picture, checked against the key's
    rectangles.
    """

    kind = "region"

    def __init__(
        self,
        question_id: str,
        prompt: str,
        image: str,
        alt: str,
        columns: int = 3,
        rows: int = 6,
        aspect: float = 2.0,
    ):
        # image: a file beside the lesson (served by Voila); aspect: height / width
        if not alt.strip():
            raise ValueError(f"{question_id}: every picture needs alt text")
        self.image, self.alt = image, alt
        self.columns, self.rows, self.aspect = columns, rows, aspect
        super().__init__(question_id, prompt)

    def controls(self):
        from .lesson import lesson_file_url

        picture = widgets.HTML(
            f'<img class="nk-region-img" src="{escape(lesson_file_url(self.image))}" '
            f'alt="{escape(self.alt)}">'
        )
        self.cells = []
        for row in range(self.rows):
            for col in range(self.columns):
                name = f"Bagian baris {row + 1}, kolom {col + 1}"
                # The name is the button's text (hidden by CSS), so screen readers say it.
                cell = widgets.Button(
                    description=name,
                    tooltip=name,
                    layout=widgets.Layout(width="auto", height="auto", margin="0"),
                )
                cell.add_class("nk-region-cell")
                point = [(col + 0.5) / self.columns, (row + 0.5) / self.rows]
                cell.on_click(lambda b, p=point: self.tap(b, p))
                self.cells.append(cell)
        grid = widgets.GridBox(
            self.cells,
            layout=widgets.Layout(
                grid_template_columns=f"repeat({self.columns}, 1fr)",
                grid_template_rows=f"repeat({self.rows}, 1fr)",
            ),
        )
        grid.add_class("nk-region-grid")
        grid.layout.margin = "0"
        picture.layout.margin = "0"
        frame = widgets.Box([picture, grid])
        frame.add_class("nk-region")
        return [frame]

    def tap(self, button, point) -> None:
        for cell in self.cells:
            cell.button_style = "info" if cell is button else ""
        self.submit(point)

    def set_enabled(self, enabled: bool) -> None:
        for cell in self.cells:
            cell.disabled = not enabled


class Scenario(Question):
    """A branching story: each choice leads to another scene until an ending.

    scenes: {scene_id: {"text": "...", "choices": [["label", next_scene_id], ...]}}; a scene
    without choices is an ending, and the key says which endings are right (and why).
    """

    kind = "scenario"

    def __init__(self, question_id: str, prompt: str, scenes: dict, start: str):
        if start not in scenes:
            raise ValueError(f"{question_id}: start scene {start!r} is not in the story")
        for scene_id, scene in scenes.items():
            for _label, target in scene.get("choices", []):
                if target not in scenes:
                    raise ValueError(
                        f"{question_id}: scene {scene_id!r} leads to unknown {target!r}"
                    )
        self.scenes, self.start = scenes, start
        self.path: list[str] = []
        super().__init__(question_id, prompt)

    def controls(self):
        self.stage = widgets.VBox()
        self.stage.add_class("nk-scene")
        self.again = _button("Ulangi cerita")
        self.again.on_click(lambda _b: self.go(self.start))
        self.again.layout.display = "none"
        self.go(self.start)
        return [self.stage, self.again]

    def go(self, scene_id: str) -> None:
        if not self.path or scene_id == self.start:
            self.path = []
        self.path.append(scene_id)
        scene = self.scenes[scene_id]
        text = widgets.HTML(f'<div class="nk-scene-text">{markdown(scene.get("text", ""))}</div>')
        buttons = []
        for label, target in scene.get("choices", []):
            button = _button(label)
            button.on_click(lambda _b, t=target, here=scene_id: self._choose(here, t))
            buttons.append(button)
        self.stage.children = [text, *buttons]
        if not scene.get("choices"):
            self.again.layout.display = None
            self.submit(scene_id)
        else:
            self.again.layout.display = "none"

    def _choose(self, here: str, target: str) -> None:
        # A stale tap on a scene no longer shown (double tap) is ignored.
        if self.path and self.path[-1] == here:
            self.go(target)

    def show_answer(self, answer):
        if isinstance(answer, str) and answer in self.scenes:
            self.path = [self.start]
            self.go(answer)

    def restore(self, saved: dict) -> None:
        ending = saved.get("answer")
        if isinstance(ending, str) and ending in self.scenes:
            self.path = [self.start, ending]
            scene = self.scenes[ending]
            self.stage.children = [
                widgets.HTML(f'<div class="nk-scene-text">{markdown(scene.get("text", ""))}</div>')
            ]
            self.again.layout.display = None
        self.show_result(saved)

    def set_enabled(self, enabled: bool) -> None:
        self.again.disabled = not enabled
