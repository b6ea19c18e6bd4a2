"""Reading aids of the lesson shell, for learners who read with difficulty or see poorly.

- "Dengarkan" reads the screen aloud. The speaking is done in the learner's browser by the
  lesson page's `listen.js` (the phone's own Indonesian voice, nothing downloaded), or it plays
  the recording an author attached to the screen (`lesson.screen(..., audio="suara/x.mp3")`).
- "Huruf besar" and "Kontras tinggi" switch the lesson to large text or high contrast. They are
  saved through the NaikKelas service, so the course home and every device show the same.
"""

from __future__ import annotations

import re

import ipywidgets as widgets

from .client import ClientError
from .text import escape, status

# preference -> CSS class on the lesson (see hub/learner/static/lesson.css)
CLASSES = {"large_text": "nk-large", "high_contrast": "nk-contrast"}
LABELS = {"large_text": "Huruf besar", "high_contrast": "Kontras tinggi"}
AUDIO_SUFFIXES = (".mp3", ".ogg", ".oga", ".opus", ".m4a", ".wav")
_SAFE_PATH = re.compile(r"^(?!/)(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9_./-]+$")


def listen_button() -> widgets.Button:
    """The "Dengarkan" button; `listen.js` in the page speaks the screen when it is pressed."""
    button = widgets.Button(
        description="Dengarkan",
        tooltip="Bacakan layar ini",
        layout=widgets.Layout(width="auto", min_height="48px", height="auto", margin="4px 0"),
    )
    button.add_class("nk-listen")
    return button


def audio_part(path: str) -> widgets.HTML:
    """A recording beside the lesson, played by "Dengarkan" instead of the phone's voice."""
    from .lesson import lesson_file_url

    if not isinstance(path, str) or not _SAFE_PATH.match(path):
        raise ValueError(f"audio {path!r}: a file in the lesson's folder, e.g. suara/a.mp3")
    if not path.lower().endswith(AUDIO_SUFFIXES):
        raise ValueError(f"audio {path!r}: must be one of {', '.join(AUDIO_SUFFIXES)}")
    return widgets.HTML(
        f'<audio class="nk-audio" preload="none" src="{escape(lesson_file_url(path))}"></audio>'
    )


class DisplayToggles(widgets.HBox):
    """Two checkboxes, "Huruf besar" and "Kontras tinggi", that style `target` (the lesson) and
    save the choice for every device."""

    def __init__(self, target: widgets.DOMWidget):
        self.target = target
        self.client = None
        self._quiet = False
        self.boxes = {}
        for name, label in LABELS.items():
            box = widgets.Checkbox(
                description=label, indent=False, layout=widgets.Layout(width="auto")
            )
            box.add_class("nk-toggle")
            box.observe(lambda change, n=name: self._changed(n, change["new"]), "value")
            self.boxes[name] = box
        self.problem = widgets.HTML()
        super().__init__([*self.boxes.values(), self.problem])
        self.add_class("nk-display")

    def load(self, client) -> None:
        """Show the learner's saved preferences (all off when the service cannot be reached)."""
        self.client = client
        try:
            saved = client.preferences()
        except ClientError:
            saved = {}
        self._apply(saved)

    def _apply(self, preferences: dict) -> None:
        self._quiet = True
        try:
            for name, box in self.boxes.items():
                box.value = bool(preferences.get(name))
        finally:
            self._quiet = False
        for name, css in CLASSES.items():
            if preferences.get(name):
                self.target.add_class(css)
            else:
                self.target.remove_class(css)

    def _changed(self, name: str, value: bool) -> None:
        if self._quiet or self.client is None:
            return
        current = {n: box.value for n, box in self.boxes.items()}
        try:
            saved = self.client.set_preferences({name: bool(value)})
            self.problem.value = ""
        except ClientError:
            saved = {**current, name: not value}  # not saved: show it as it still is
            self.problem.value = status("Pengaturan tampilan belum tersimpan. Coba lagi.")
        self._apply(saved)
