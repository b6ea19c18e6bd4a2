"""The demo accounts of DESIGN.md, for `naikkelas run --demo`."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from .accounts import Role, upsert_account

DEMO_COHORT = "demo"

DEMO_ACCOUNTS = (
    ("peserta1", Role.LEARNER, "123456", "Ibu Siti Aminah"),
    ("peserta2", Role.LEARNER, "123456", "Bapak Made Wirawan"),
    ("peserta3", Role.LEARNER, "123456", "Ibu Rina Marlina"),
    ("pelatih", Role.TRAINER, "pelatih-demo", "Pelatih Demo"),
    ("pejabat", Role.OFFICIAL, "pejabat-demo", "Pejabat Demo"),
    ("admin", Role.ADMIN, "admin-demo", "Admin Demo"),
)


def seed_demo_accounts(engine: Engine) -> None:
    for username, role, secret, name in DEMO_ACCOUNTS:
        cohort = DEMO_COHORT if role in (Role.LEARNER, Role.TRAINER) else ""
        upsert_account(engine, username, role, secret, display_name=name, cohort=cohort)


def banner(url: str) -> str:
    rows = "\n".join(
        f"  {username:<10} {'PIN' if role is Role.LEARNER else 'password':<8} {secret:<14} "
        f"{role.value}"
        for username, role, secret, _ in DEMO_ACCOUNTS
    )
    return f"NaikKelas demo is starting on {url}\nDemo accounts:\n{rows}\n"
