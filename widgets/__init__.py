"""naikkelas.widgets: the lesson toolkit (ipywidgets) that every lesson is made of."""

from .choice import SingleChoice

__all__ = ["SingleChoice"]
