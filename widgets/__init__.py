"""naikkelas.widgets: the lesson toolkit (ipywidgets) that every lesson is made of.

    from naikkelas.widgets import Lesson, SingleChoice

Names load on first use, so command-line tools that only need `qris` or `checking` don't pay for
importing ipywidgets.
"""

from importlib import import_module

_EXPORTS = {
    "Lesson": ".lesson",
    "Screen": ".lesson",
    "SingleChoice": ".questions",
    "MultipleSelect": ".questions",
    "TrueFalse": ".questions",
    "FillIn": ".questions",
    "FreeText": ".questions",
    "NumberAnswer": ".questions",
    "Ordering": ".questions",
    "Matching": ".questions",
    "ImageRegion": ".questions",
    "Scenario": ".questions",
    "Reveal": ".activities",
    "SelfCheck": ".activities",
    "preview": ".client",
    "Simulator": ".simulators",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
