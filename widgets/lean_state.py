"""Lean widget state for lesson pages: `request_states` without the values a page already knows.

When a lesson page connects, it asks the kernel for every widget's state (ipywidgets' control
comm, `request_states`), and ipywidgets answers with every attribute of every widget
(`get_state(drop_defaults=False)`): for the demo lesson 273 widgets, ~217 KiB of JSON, most of
it nulls of `Layout`s and styles, and module names and versions the page's model classes already
have as their defaults. On a 1.6 Mbit/s link that is over a second before the lesson appears.

`install()` (called by the lesson kernel, `naikkelas.hub.lesson_kernel`) replaces the handler of
that request with one that leaves out every value equal to the default of the page's model class,
which the page then takes from the class (~65 KiB for the demo lesson). What "the page's default"
is comes from ipywidgets' own classes (`stock_defaults`), never from a lesson's subclass (a
subclass may change a default the page does not know about), minus the attributes where
ipywidgets' Python and JavaScript defaults differ (`KEEP`; e.g. a Dropdown's `index` is None in
Python and "" in the page). `tests/browser/test_widget_defaults.py` compares every remaining
default with the page's own model classes, so an upgrade of ipywidgets that changes one fails
there, not in a learner's lesson.

Everything else is ipywidgets' own: updates after the page connected, buffers, other methods.
"""

from __future__ import annotations

from functools import cache

# (model name, attribute): the stock Python default differs from the JavaScript default of the
# page's model class (ipywidgets 8.1 with @jupyter-widgets/controls 5.0 and base 6.0), or the
# JavaScript class does not have it; such values are always sent.
KEEP = frozenset(
    {
        ("BoundedFloatTextModel", "step"),
        ("ButtonModel", "tooltip"),
        *(("ButtonStyleModel", f"font_{k}") for k in ("family", "size", "style", "variant")),
        ("ButtonStyleModel", "font_weight"),
        ("ButtonStyleModel", "text_color"),
        ("ButtonStyleModel", "text_decoration"),
        ("CheckboxModel", "disabled"),
        ("CheckboxModel", "value"),
        ("ColorPickerModel", "disabled"),
        ("ComboboxModel", "ensure_option"),
        ("DatePickerModel", "disabled"),
        ("DatePickerModel", "max"),
        ("DatePickerModel", "min"),
        ("DatePickerModel", "step"),
        ("DropdownModel", "index"),
        ("FileUploadModel", "description"),
        ("FileUploadModel", "description_allow_html"),
        ("FloatSliderModel", "step"),
        *((f"{kind}SliderModel", "behavior") for kind in ("Float", "FloatLog", "Int", "Selection")),
        ("FloatTextModel", "step"),
        ("IntTextModel", "step"),
        ("RadioButtonsModel", "index"),
        ("SelectModel", "index"),
        ("SelectMultipleModel", "index"),
        ("SelectMultipleModel", "rows"),
        ("SelectionSliderModel", "index"),
        ("SliderStyleModel", "description_width"),
        ("ToggleButtonModel", "tooltip"),
        ("ToggleButtonsModel", "button_style"),
        ("ToggleButtonsModel", "icons"),
        ("ToggleButtonsModel", "index"),
        ("ToggleButtonsModel", "tooltips"),
        ("ToggleButtonsStyleModel", "button_width"),
        ("ToggleButtonsStyleModel", "description_width"),
    }
)
# Models whose JavaScript class is another one's (a range slider's is the plain slider's in
# `defaults()`), or that are abstract or tag inputs: sent whole.
KEEP_MODELS = frozenset(
    {
        "ColorsInputModel",
        "DOMWidgetModel",
        "FloatRangeSliderModel",
        "FloatsInputModel",
        "IntRangeSliderModel",
        "IntsInputModel",
        "SelectionRangeSliderModel",
        "TagsInputModel",
        "WidgetModel",
    }
)
PAGE_MODULES = ("@jupyter-widgets/base", "@jupyter-widgets/controls")
_PLAIN = (str, int, float, bool, type(None))


def _plain(value):
    """`value` as JSON would give it back (tuples become lists), or raise TypeError."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    raise TypeError(type(value).__name__)


@cache
def stock_defaults() -> dict[str, dict[str, object]]:
    """model name -> {attribute: default} of ipywidgets' own widget classes: plain JSON values
    only (never a widget reference), the same for every class of that model name, not in KEEP."""
    import ipywidgets
    from ipywidgets.widgets.widget import Widget

    seen: dict[str, dict[str, object]] = {}
    for name in dir(ipywidgets):
        cls = getattr(ipywidgets, name)
        if not (isinstance(cls, type) and issubclass(cls, Widget)):
            continue
        model = cls.class_traits()["_model_name"].default_value
        module = cls.class_traits()["_model_module"].default_value
        if not model or module not in PAGE_MODULES or model in KEEP_MODELS:
            continue
        defaults = {}
        for key, trait in cls.class_traits(sync=True).items():
            if (model, key) in KEEP or "to_json" in trait.metadata:
                continue
            try:
                defaults[key] = _plain(trait.default_value)
            except TypeError:
                continue
        if model in seen:  # two classes of one model: only what both say
            both = seen[model]
            defaults = {k: v for k, v in defaults.items() if k in both and both[k] == v}
        seen[model] = defaults
    return seen


def lean_state(widget) -> dict:
    """`widget.get_state()` without the values equal to its page model's defaults."""
    state = widget.get_state()
    defaults = stock_defaults().get(widget._model_name, {})
    lean = {}
    for key, value in state.items():
        if key in defaults:
            try:
                if _plain(value) == defaults[key]:
                    continue
            except TypeError:
                pass
        lean[key] = value
    return lean


def install() -> None:
    """Answer `request_states` with lean states in this process (the lesson kernel)."""
    from ipywidgets.widgets import widget as widget_module

    original = widget_module.Widget._handle_control_comm_msg.__func__
    if getattr(original, "lean", False):
        return

    def _handle_control_comm_msg(cls, msg):
        if msg["content"]["data"].get("method") != "request_states" or cls._control_comm is None:
            return original(cls, msg)
        # ipywidgets' own reply (widget.py), with lean states, and without its first call to
        # get_manager_state(), whose result it throws away.
        states = {
            widget.model_id: {
                "model_name": widget._model_name,
                "model_module": widget._model_module,
                "model_module_version": widget._model_module_version,
                "state": lean_state(widget),
            }
            for widget in list(widget_module._instances.values())
        }
        states, buffer_paths, buffers = widget_module._remove_buffers(states)
        cls._control_comm.send(
            {"method": "update_states", "states": states, "buffer_paths": buffer_paths},
            buffers=buffers,
        )

    _handle_control_comm_msg.lean = True
    widget_module.Widget._handle_control_comm_msg = classmethod(_handle_control_comm_msg)
