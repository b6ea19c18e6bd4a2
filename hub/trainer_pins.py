"""Trainers' PIN reset: a learner who forgot their PIN gets a new one from their trainer.

    GET  pelatih/kelas/<cohort>/peserta                      the cohort's learners, a button each
    POST pelatih/kelas/<cohort>/peserta/<username>/pin       a new PIN, shown once, large

A trainer resets PINs of their own cohort's learners only (an operator, of any cohort); learners
and officials are refused, and so is a POST without the page's xsrf token (CSRF). The new PIN is
made and hashed like a card's (`cards.reset_pins`, one transaction, written to the audit log as
`pin_reset` by the trainer); it is shown on the answer page only and never stored in clear. The
old PIN stops working at once.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from tornado import web

from .accounts import Role, accounts_table, get_account
from .cards import reset_pins
from .profiles import profiles_table
from .trainer import NAME, TrainerHandler


class TrainerPinHandler(TrainerHandler):
    def check_cohort(self, cohort: str) -> None:
        if not NAME.match(cohort) or cohort not in self.cohorts():
            raise web.HTTPError(403, "Kelas ini bukan kelas Anda.")

    def learners(self, cohort: str) -> list:
        a, p = accounts_table.c, profiles_table.c
        query = (
            select(a.username, a.display_name, p.last_login_at)
            .select_from(accounts_table.outerjoin(profiles_table, p.username == a.username))
            .where(a.cohort == cohort, a.role == Role.LEARNER.value)
            .order_by(a.display_name, a.username)
        )
        with self.engine.connect() as conn:
            return conn.execute(query).all()


class LearnersPage(TrainerPinHandler):
    @web.authenticated
    def get(self, cohort):
        self.check_cohort(cohort)
        self.render(
            "learners.html",
            cohort=cohort,
            learners=self.learners(cohort),
            xsrf=self.xsrf_form_html(),
        )


class ResetPin(TrainerPinHandler):
    @web.authenticated
    async def post(self, cohort, username):
        self.check_cohort(cohort)
        account = get_account(self.engine, username) if NAME.match(username) else None
        if account is None or account.role is not Role.LEARNER or account.cohort != cohort:
            raise web.HTTPError(404, "Peserta ini tidak ada di kelas ini.")
        (card,) = await asyncio.to_thread(
            reset_pins,
            self.engine,
            cohort,
            [(account.username, account.display_name)],
            pin_length=self.nk.pin_length,
            spare_logged_in=False,
            actor=self.current_user["name"],
            via="trainer page",
        )
        self.render("new_pin.html", cohort=cohort, card=card, hub=self.nk.public_base_url)


def pin_routes(prefix: str, args: dict) -> list:
    name = r"([^/]+)"
    return [
        (f"{prefix}pelatih/kelas/{name}/peserta/?", LearnersPage, args),
        (f"{prefix}pelatih/kelas/{name}/peserta/{name}/pin", ResetPin, args),
    ]
