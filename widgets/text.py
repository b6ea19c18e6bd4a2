"""Turning lesson text into safe HTML for widgets.

Authors write Markdown; anything that came from a learner or a roster is escaped. `widgets.HTML`
renders raw HTML, so every string reaching one goes through here.
"""

from __future__ import annotations

import html

import mistune

# escape=True: raw HTML in Markdown is shown as text, so no author or learner text becomes markup.
_markdown = mistune.create_markdown(escape=True, plugins=["strikethrough", "table"])


def markdown(text: str) -> str:
    """Markdown (from a lesson author) as HTML, with any raw HTML escaped."""
    return _markdown(text or "")


def escape(text: object) -> str:
    """Plain text (from anyone) as HTML text."""
    return html.escape(str(text), quote=True)


def status(message: str, *, correct: bool | None = None) -> str:
    """A feedback line screen readers announce (a polite live region)."""
    mark = {True: "nk-right", False: "nk-wrong", None: "nk-info"}[correct]
    icon = {True: "✔ ", False: "✘ ", None: ""}[correct]
    return (
        f'<div class="nk-feedback {mark}" role="status" aria-live="polite">'
        f"{icon}{escape(message)}</div>"
    )
