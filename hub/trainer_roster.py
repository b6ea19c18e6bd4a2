"""Roster upload for trainers and operators: upload, preview with every problem marked, confirm.

    GET  pelatih/roster               the upload form
    POST pelatih/roster               upload a .csv/.xlsx: checked and previewed, nothing written
    POST pelatih/roster/konfirmasi    import the previewed file, in one transaction

The same reader and planner as `naikkelas roster import` (`roster.plan_import`, then
`roster.apply_import`, which writes the `roster_import` audit entry). Between preview and confirm
the file waits in a private folder of the data directory (`uploads/<random token>/`), readable by
the service only and bound to the uploader; confirm plans it again against the database as it is
then, so nothing stale is written, and removes it. A trainer imports only into their own cohort:
the cohort is theirs whatever the file says (a row naming another cohort is a problem), and a row
that names an existing learner of another cohort is refused. New learners' PINs are shown once on
the result page, for their cards.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import shutil
import time
from pathlib import Path

from tornado import web

from .accounts import Role, get_account
from .roster import RosterError, apply_import, plan_import
from .roster_read import RowProblem, check_cohort
from .roster_words import indonesian as roster_words
from .trainer import TrainerHandler

MAX_UPLOAD = 2 * 1024 * 1024  # bytes: a roster of thousands of learners is a few hundred kB
# A preview not confirmed within this time is deleted (it holds names: keep them no longer
# than the work needs); confirming later asks for the file again.
PREVIEW_SECONDS = 60 * 60


def prune_previews(uploads: Path, now: float | None = None) -> None:
    """Delete the folders of previews older than PREVIEW_SECONDS."""
    now = time.time() if now is None else now
    if not uploads.is_dir():
        return
    for folder in uploads.iterdir():
        try:
            if now - folder.stat().st_mtime > PREVIEW_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            continue  # removed by a request beside this one


SUFFIXES = (".csv", ".xlsx")
TOKEN = re.compile(r"^[0-9a-f]{32}$")
ACTIONS = {"create": "baru", "update": "diperbarui", "unchanged": "tetap"}


class RosterPage(TrainerHandler):
    def account(self):
        self.cohorts()  # trainers and operators only (403 otherwise)
        return get_account(self.engine, self.current_user["name"])

    @property
    def uploads(self) -> Path:
        return self.nk.data_path / "uploads"

    def form(self, error: str = "", status: int = 200) -> None:
        account = self.account()
        self.set_status(status)
        self.render(
            "roster_upload.html",
            error=error,
            own_cohort=account.cohort if account.role is Role.TRAINER else "",
            max_kb=MAX_UPLOAD // 1024,
            xsrf=self.xsrf_form_html(),
        )

    def cohort_for(self, account, asked: str) -> str | None:
        """The cohort every row goes to: a trainer's own; an operator's choice (or the file's
        cohort column when left empty)."""
        if account.role is Role.TRAINER:
            if not account.cohort:
                raise web.HTTPError(403, "Anda belum menjadi pelatih sebuah kelas.")
            return account.cohort
        return asked.strip() or None

    def plan(self, account, path: Path, cohort: str | None):
        plan = plan_import(self.engine, path, cohort=cohort)
        if account.role is Role.TRAINER:
            for p in plan.learners:
                if p.moved_from:
                    plan.problems.append(
                        RowProblem(
                            p.row.row,
                            f"{p.username} adalah peserta kelas {p.moved_from}, bukan kelas Anda",
                        )
                    )
            plan.problems.sort(key=lambda p: p.row)
        return plan

    @web.authenticated
    def get(self):
        self.form()


class UploadHandler(RosterPage):
    @web.authenticated
    async def post(self):
        account = self.account()
        files = self.request.files.get("berkas") or []
        if not files:
            self.form("Pilih berkas daftar peserta (.csv atau .xlsx) dulu.", 400)
            return
        upload = files[0]
        name = Path(upload["filename"] or "").name
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            self.form(
                "Berkas harus .csv atau .xlsx (simpan dari Excel sebagai salah satunya).", 400
            )
            return
        if len(upload["body"]) > MAX_UPLOAD:
            self.form(f"Berkas terlalu besar: paling besar {MAX_UPLOAD // 1024} kB.", 413)
            return
        try:
            cohort = self.cohort_for(account, self.get_body_argument("kelas", ""))
            if cohort:
                check_cohort(cohort)
        except ValueError:
            self.form("Nama kelas hanya boleh huruf kecil, angka, - dan _.", 400)
            return
        prune_previews(self.uploads)
        token = secrets.token_hex(16)
        folder = self.uploads / token
        folder.mkdir(mode=0o700, parents=True)
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).stem)[:60] or "daftar"
        path = folder / f"{safe}{suffix}"
        path.write_bytes(upload["body"])
        meta = {"owner": account.username, "cohort": cohort}
        (folder / "meta.json").write_text(json.dumps(meta))
        try:
            plan = await asyncio.to_thread(self.plan, account, path, cohort)
        except RosterError as e:
            shutil.rmtree(folder, ignore_errors=True)
            self.form(f"Berkas tidak bisa dipakai: {roster_words(str(e)) or e}", 400)
            return
        if plan.problems:
            shutil.rmtree(folder, ignore_errors=True)
        self.render(
            "roster_preview.html",
            plan=plan,
            bad_rows=len({p.row for p in plan.problems}),
            actions=ACTIONS,
            token=token,
            file=name,
            xsrf=self.xsrf_form_html(),
        )


class ConfirmHandler(RosterPage):
    @web.authenticated
    async def post(self):
        account = self.account()
        prune_previews(self.uploads)  # an expired preview is refused like an unknown one
        token = self.get_body_argument("token", "")
        folder = self.uploads / token
        meta_file = folder / "meta.json"
        if not TOKEN.match(token) or not meta_file.is_file():
            self.form("Pratinjau ini sudah tidak berlaku. Unggah berkasnya lagi.", 400)
            return
        meta = json.loads(meta_file.read_text())
        if meta["owner"] != account.username:
            raise web.HTTPError(403, "Pratinjau ini milik orang lain.")
        (path,) = [p for p in folder.iterdir() if p.suffix in SUFFIXES]
        try:
            plan = await asyncio.to_thread(self.plan, account, path, meta["cohort"])
            if plan.problems:
                raise RosterError("isi database berubah sejak pratinjau; unggah berkasnya lagi")
            result = await asyncio.to_thread(
                apply_import,
                self.engine,
                plan,
                pin_length=self.nk.pin_length,
                actor=account.username,
            )
        except RosterError as e:
            self.form(f"Tidak ada yang diimpor: {roster_words(str(e)) or e}", 409)
            return
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        created = [(p.row.name, p.username, result.created[p.username]) for p in plan.created]
        self.render(
            "roster_done.html",
            counts=plan.counts(),
            created=created,
            hub=self.nk.public_base_url,
        )


def roster_routes(prefix: str, args: dict) -> list:
    return [
        (f"{prefix}pelatih/roster/?", UploadHandler, args),
        (f"{prefix}pelatih/roster/konfirmasi", ConfirmHandler, args),
    ]
