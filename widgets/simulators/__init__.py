"""Simulators: practice apps (QRIS checkout, marketplace, scam phone, public-service forms) that a
lesson embeds on a screen like any question.

A simulator draws a phone mock-up marked as practice and leads the learner through its screens.
Its logic lives in plain functions in its own module (tested on their own); the widget only draws
and routes taps. When the learner reaches an outcome (paid the right merchant, spotted the fake
sticker, refused to share the OTP) the simulator calls `done(outcome)`, which is graded exactly
like a `Scenario` ending: the lesson's KEY says which outcomes are right and what to tell the
learner for each::

    KEY = {"bayar": {"type": "scenario", "answer": ["paid"],
                     "feedback": {"wrong_amount": "Nominalnya tidak sama ..."}}}

A simulator built with ``question_id=None`` is ungraded practice (a calculator to play with): it is
not a question of the lesson and records nothing.

    from naikkelas.widgets.simulators import QrisCheckout
"""

from __future__ import annotations

from importlib import import_module

from .base import PRACTICE_BANNER, Simulator, phone_html

# name -> module, loaded on first use (each simulator adds its line)
_EXPORTS: dict[str, str] = {
    "ScamPhone": ".safety",
    "PasswordCheck": ".safety",
    "TwoStepSetup": ".safety",
    "PhishingAddress": ".safety",
    "QrisCheckout": ".qris",
    "FakeSticker": ".qris",
    "StickerCheck": ".qris",
    "PaymentNotification": ".qris_merchant",
    "MdrCalculator": ".qris_merchant",
    "ListingBuilder": ".marketplace",
    "PriceCalculator": ".marketplace",
    "OrderFlow": ".marketplace_orders",
    "DukcapilRequest": ".public_services",
    "LaporComplaint": ".public_services",
    "NibRegistration": ".public_services",
    "PuskesmasBooking": ".public_services",
    "TteSigning": ".tte",
}

__all__ = ["PRACTICE_BANNER", "Simulator", "phone_html", *sorted(_EXPORTS)]


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
