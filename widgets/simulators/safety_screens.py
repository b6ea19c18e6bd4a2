"""HTML for the safety simulators' phone screens: chats, calls, web pages, install prompts,
the address bar, strength meters. Plain functions from data to markup; every text is escaped.
"""

from __future__ import annotations

import re

from .. import phishing
from ..safety import Ending, Scene, StrengthReport
from ..text import escape, status
from .base import phone_html

APP_TITLES = {"chat": "Chat", "call": "Telepon", "web": "Browser", "install": "Pasang aplikasi"}

# Small inline pictures (no downloads); decorative, so hidden from screen readers.
FILE_ICON = (
    '<svg aria-hidden="true" width="34" height="40" viewBox="0 0 34 40">'
    '<path d="M2 2h20l10 10v26H2z" fill="#e8efe9" stroke="#1b1b1b" stroke-width="2"/>'
    '<text x="17" y="31" font-size="10" font-weight="700" text-anchor="middle" '
    'fill="#a61b1b">APK</text></svg>'
)
LOCK_ICON = (
    '<svg aria-hidden="true" width="14" height="16" viewBox="0 0 14 16">'
    '<rect x="1" y="7" width="12" height="8" rx="1" fill="#1b6b3a"/>'
    '<path d="M4 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="#1b6b3a" stroke-width="2"/></svg>'
)
CALL_ICON = (
    '<svg aria-hidden="true" width="56" height="56" viewBox="0 0 56 56">'
    '<circle cx="28" cy="28" r="27" fill="#3d4a43"/><path d="M19 15c2-1 4 0 5 2l2 5c1 2 0 3-1 '
    "4l-2 2c2 4 5 7 9 9l2-2c1-1 2-2 4-1l5 2c2 1 3 3 2 5-1 3-4 5-7 4-10-2-18-10-21-20-1-3 0-6 "
    '2-7z" fill="#fff"/></svg>'
)


def lines_html(lines, css: str) -> str:
    return "".join(f'<div class="{css}">{escape(line)}</div>' for line in lines)


def sms_html(sender: str, text: str) -> str:
    """An incoming SMS; a code in it (two groups of three digits) is shown large, unbroken."""
    body = re.sub(r"\b\d{3} \d{3}\b", r'<b class="nk-safety-code">\g<0></b>', escape(text))
    return (
        f'<div class="nk-safety-sms" role="status"><b>SMS dari {escape(sender)}</b>'
        f"<div>{body}</div></div>"
    )


def address_bar(address: str) -> str:
    """The browser's address bar: a padlock only for https, and the whole address, wrapped."""
    secure = address.lower().startswith("https://")
    lock = (
        f'<span class="nk-safety-lock">{LOCK_ICON} https</span>'
        if secure
        else '<span class="nk-safety-lock nk-safety-unlocked">Tidak aman</span>'
    )
    return f'<div class="nk-safety-addr">{lock}<span>{escape(address)}</span></div>'


def scene_html(scene: Scene) -> str:
    """One scene of a scam story drawn as the app it happens in."""
    parts = [sms_html(*scene.sms)] if scene.sms else []
    if scene.screen == "chat":
        parts.append(
            f'<div class="nk-safety-chat-head"><span class="nk-safety-avatar">'
            f"{escape(scene.sender[:1])}</span>{escape(scene.sender)}</div>"
        )
        parts.append(lines_html(scene.lines, "nk-safety-bubble"))
        if scene.file:
            name = escape(scene.file).replace("_", "_<wbr>")
            parts.append(
                # break long names after "_" only, so ".apk" stays whole and visible
                f'<div class="nk-safety-file">{FILE_ICON}<div><b>{name}</b>'
                '<div class="nk-safety-small">3,2 MB</div></div></div>'
            )
        if scene.link:
            title, address = scene.link
            parts.append(
                f'<div class="nk-safety-link"><b>{escape(title)}</b>'
                f'<div class="nk-safety-small">{escape(address)}</div></div>'
            )
    elif scene.screen == "call":
        state = "Sedang menelepon" if scene.lines else "Panggilan masuk"
        speech = lines_html(scene.lines, "nk-safety-speech")
        parts.append(
            f'<div class="nk-safety-call">{CALL_ICON}<div class="nk-safety-caller">'
            f"{escape(scene.sender)}</div><div>{state}</div>{speech}</div>"
        )
    elif scene.screen == "web":
        heading, *rest = scene.lines or ("",)
        parts.append(address_bar(scene.sender))
        parts.append(
            f'<div class="nk-safety-page"><b>{escape(heading)}</b>'
            f"{lines_html(rest, 'nk-safety-page-text')}</div>"
        )
    else:  # install
        ask, *permissions = scene.lines or ("",)
        parts.append(
            f'<div class="nk-safety-dialog"><b>Pasang aplikasi “{escape(scene.sender)}”?</b>'
            f"<div>{escape(ask)}</div>{lines_html(permissions, 'nk-safety-permission')}</div>"
        )
    return phone_html("".join(parts), APP_TITLES.get(scene.screen, "HP"))


def ending_html(ending: Ending) -> str:
    badge = (
        '<div class="nk-safety-badge nk-safety-safe">✔ AMAN</div>'
        if ending.safe
        else '<div class="nk-safety-badge nk-safety-unsafe">✘ TIDAK AMAN</div>'
    )
    return phone_html(
        f"{badge}<p><b>Yang terjadi:</b> {escape(ending.happened)}</p>"
        f"<p><b>Yang sebaiknya dilakukan:</b> {escape(ending.safe_action)}</p>",
        "Hasil pilihan Anda",
    )


def report_html(report: StrengthReport, noun: str) -> str:
    """The strength meter (three bars and a word, so it is not told by colour alone) and the
    reasons, each marked ✔ or ✘."""
    reasons = "".join(
        f'<li class="{"nk-safety-good" if r.good else "nk-safety-bad"}">'
        f"{'✔' if r.good else '✘'} {escape(r.text)}</li>"
        for r in report.reasons
    )
    if report.level is None:
        return status(report.reasons[0].text)
    filled = {"lemah": 1, "sedang": 2, "kuat": 3}[report.level]
    bars = "".join(
        f'<span class="nk-safety-bar{" nk-safety-on-" + report.level if i < filled else ""}">'
        "</span>"
        for i in range(3)
    )
    return (
        f'<div class="nk-safety-meter" role="status">{bars}'
        f"<b>Kekuatan {escape(noun)}: {report.level.upper()}</b></div>"
        f'<ul class="nk-safety-reasons">{reasons}</ul>'
    )


def owner_html(report: phishing.AddressReport) -> str:
    """The host with its owner part marked, which is what a careful reader looks for."""
    if not report.host:
        return ""
    host, owner = report.host, report.owner
    front = host[: -len(owner)] if owner and host.endswith(owner) else host
    marked = f"<mark>{escape(owner)}</mark>" if front != host else ""
    return (
        "<p>Nama situs (yang ditandai adalah pemiliknya):</p>"
        f'<p class="nk-safety-owner">{escape(front)}{marked}</p>'
    )
