"""A roster imported by the operator's command, used on the real hub: learners log in with the
PIN from their card, and the hub remembers that they did (so reprinting cards spares them)."""

from __future__ import annotations

from html import unescape
from urllib.parse import quote

from sqlalchemy import select

from naikkelas.hub.db import engine_for
from naikkelas.hub.profiles import profiles_table
from tests.roster_support import import_roster, naikkelas, unique_name
from tests.support import LearnerClient


def test_imported_learner_logs_in_with_the_pin_from_the_import(hub, tmp_path):
    name = unique_name()
    ((username, (stored_name, pin)),) = import_roster(hub, tmp_path, [name]).items()
    assert stored_name == name and username == name.lower().replace(" ", "")
    client = LearnerClient(hub.url, username)
    assert "Nama pengguna atau PIN salah" in client.login("000000").text
    client = LearnerClient(hub.url, username)
    client.login(pin)
    home = client.wait_for_server()
    assert name in unescape(home.text), "the course home greets the learner by the roster's name"
    assert client.lesson_links(), "the learner sees the lessons released to cohort demo"


def logs_in(hub, username: str, pin: str) -> bool:
    """Whether the hub accepts the PIN (without following the redirect into a server start)."""
    client = LearnerClient(hub.url, username)
    client.get(f"{hub.url}/hub/login")
    r = client.post(
        f"{hub.url}/hub/login",
        data={"username": username, "password": pin, "_xsrf": client.xsrf()},
        allow_redirects=False,
    )
    return r.status_code == 302 and any(c.name == "jupyterhub-hub-login" for c in client.cookies)


def test_reprinting_cards_spares_learners_who_logged_in(hub, tmp_path):
    imported = import_roster(hub, tmp_path, [unique_name(), unique_name()])
    (used, (_, used_pin)), (unused, (_, unused_pin)) = imported.items()
    assert logs_in(hub, used, used_pin)
    engine = engine_for(hub.settings.naikkelas_db_url)
    p = profiles_table.c
    query = select(p.username, p.last_login_at).where(p.username.in_([used, unused]))
    with engine.connect() as conn:
        seen = dict(conn.execute(query).all())
    assert seen[used] is not None and seen[unused] is None, "the hub notes a login"

    pins = tmp_path / "again.csv"
    done = naikkelas(
        hub, "roster", "cards", "--cohort", "demo", "-o", str(tmp_path / "again.pdf"),
        "--pins-csv", str(pins), "--url", hub.url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [line.split(";") for line in pins.read_text("utf-8-sig").splitlines()[1:]]
    reprinted = {line[1]: line[2] for line in lines}
    assert unused in reprinted and used not in reprinted
    assert not {"peserta1", "peserta2", "peserta3"} & set(reprinted), "demo accounts untouched"
    assert logs_in(hub, used, used_pin), "a learner who logged in keeps the PIN on their card"
    assert not logs_in(hub, unused, unused_pin), "the first card of a reprinted learner is void"
    assert logs_in(hub, unused, reprinted[unused])


def test_login_page_fills_the_username_from_the_address_as_text(hub):
    attack = '"><script>alert(1)</script>'
    client = LearnerClient(hub.url, "x")
    page = client.get(f"{hub.url}/hub/login?username={quote(attack)}").text
    assert "<script>alert(1)</script>" not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    page = client.get(f"{hub.url}/hub/login?username=sitiaminah").text
    assert 'value="sitiaminah"' in page
