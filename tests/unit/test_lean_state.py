"""Lean widget state (`naikkelas.widgets.lean_state`): a page connecting gets every value its
model classes do not already have, and nothing else. (The page's own defaults are compared with
these in tests/browser/test_widget_defaults.py.)"""

from __future__ import annotations

import ipywidgets as widgets
from traitlets import Unicode

from naikkelas.widgets.lean_state import install, lean_state, stock_defaults


def test_a_layout_sends_only_what_was_set():
    layout = widgets.Layout(width="100%")
    assert lean_state(layout) == {"width": "100%"}


def test_values_whose_page_default_differs_are_always_sent():
    # ipywidgets: index None in Python, "" in the page's DropdownModel.
    picker = widgets.Dropdown(options=["a", "b"], value=None)
    state = lean_state(picker)
    assert state["index"] is None
    assert state["_options_labels"] == ("a", "b")
    assert "index" not in stock_defaults()["DropdownModel"]


def test_a_lesson_subclass_default_is_sent_since_the_page_does_not_know_it():
    class Primary(widgets.Button):
        button_style = Unicode("primary").tag(sync=True)

    button = Primary(description="Lanjut")
    state = lean_state(button)
    assert state["button_style"] == "primary"
    assert state["description"] == "Lanjut"
    assert "disabled" not in state  # stock default False, the same in the page
    assert state["layout"].startswith("IPY_MODEL_"), "references to other widgets always go"


class ControlComm:
    def __init__(self):
        self.sent = []

    def send(self, data, buffers=None):
        self.sent.append((data, buffers))


def test_request_states_answers_with_lean_states(monkeypatch):
    from ipywidgets.widgets.widget import Widget

    install()
    install()  # idempotent
    label = widgets.HTML("<b>Halo</b>")
    comm = ControlComm()
    monkeypatch.setattr(Widget, "_control_comm", comm)
    Widget._handle_control_comm_msg({"content": {"data": {"method": "request_states"}}})
    [(data, _buffers)] = comm.sent
    assert data["method"] == "update_states"
    entry = data["states"][label.model_id]
    assert entry["model_name"] == "HTMLModel"
    assert entry["state"]["value"] == "<b>Halo</b>"
    assert "_view_name" not in entry["state"] and "placeholder" not in entry["state"]
    layout = data["states"][label.layout.model_id]
    assert layout["state"] == {}
