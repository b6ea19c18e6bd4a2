"""Reading aids of the lesson shell, in process: recorded audio, display toggles."""

import pytest

from naikkelas.widgets import Lesson
from naikkelas.widgets.client import ClientError, LocalClient
from naikkelas.widgets.lesson_tools import audio_part


def test_recorded_audio_is_served_from_beside_the_lesson(monkeypatch):
    monkeypatch.setenv("SCRIPT_NAME", "/user/sari/voila/render/kursus/01-a.ipynb")
    html = audio_part("suara/langkah-1.mp3").value
    assert 'class="nk-audio"' in html
    assert 'src="/user/sari/voila/files/kursus/suara/langkah-1.mp3"' in html


@pytest.mark.parametrize(
    "path",
    ["/etc/passwd.mp3", "../lain/a.mp3", "suara/../../a.mp3", "https://contoh.id/a.mp3",
     "suara/a.exe", 'a".mp3', ""],
)  # fmt: skip
def test_audio_outside_the_lesson_folder_is_refused(path):
    with pytest.raises(ValueError):
        audio_part(path)


def test_a_screen_with_audio_and_the_listen_button():
    lesson = Lesson("Uji")
    lesson.screen("Halo", audio="suara/halo.ogg")
    assert "nk-audio" in lesson.screens[0].box.children[0].value
    assert "nk-listen" in lesson.listen._dom_classes
    assert lesson.listen.description == "Dengarkan"


class Unreachable(LocalClient):
    def set_preferences(self, changes):
        raise ClientError("putus")


def test_display_toggles_style_the_lesson_and_survive_a_lost_connection():
    lesson = Lesson("Uji")
    lesson.screen("Halo")
    client = LocalClient()
    lesson.client = client
    lesson.show()
    lesson.display.boxes["large_text"].value = True
    assert "nk-large" in lesson.root._dom_classes and client.display["large_text"] is True
    lesson.display.boxes["large_text"].value = False
    assert "nk-large" not in lesson.root._dom_classes

    broken = Lesson("Uji")
    broken.screen("Halo")
    broken.client = Unreachable()
    broken.show()
    broken.display.boxes["high_contrast"].value = True
    assert broken.display.boxes["high_contrast"].value is False  # not saved, shown as it is
    assert "nk-contrast" not in broken.root._dom_classes
    assert "belum tersimpan" in broken.display.problem.value
