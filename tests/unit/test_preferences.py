"""Display preferences: defaults, saving, and bad input that changes nothing."""

import pytest

from naikkelas.hub.db import engine_for
from naikkelas.hub.preferences import PreferenceError, get_preferences, set_preferences


@pytest.fixture
def engine(tmp_path):
    return engine_for(f"sqlite:///{tmp_path / 'nk.sqlite'}")


def test_all_off_until_the_learner_chooses(engine):
    assert get_preferences(engine, "sari") == {"large_text": False, "high_contrast": False}


def test_a_choice_is_kept_and_touches_nobody_else(engine):
    assert set_preferences(engine, "sari", {"large_text": True}) == {
        "large_text": True,
        "high_contrast": False,
    }
    set_preferences(engine, "sari", {"high_contrast": True})
    set_preferences(engine, "sari", {"large_text": False})
    assert get_preferences(engine, "sari") == {"large_text": False, "high_contrast": True}
    assert get_preferences(engine, "budi") == {"large_text": False, "high_contrast": False}


@pytest.mark.parametrize(
    "bad",
    [
        {"large_text": "ya"},
        {"large_text": 1},
        {"large_text": True, "font": "comic"},
        {},
        ["large_text"],
        None,
    ],
)
def test_bad_input_is_refused_in_indonesian_and_changes_nothing(engine, bad):
    set_preferences(engine, "sari", {"high_contrast": True})
    with pytest.raises(PreferenceError) as e:
        set_preferences(engine, "sari", bad)
    assert any(w in e.value.message for w in ("tidak", "harus"))
    assert get_preferences(engine, "sari") == {"large_text": False, "high_contrast": True}
