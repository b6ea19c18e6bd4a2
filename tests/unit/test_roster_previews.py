"""Roster previews hold names: one not confirmed within an hour is deleted."""

import os
import time

from naikkelas.hub.trainer_roster import PREVIEW_SECONDS, prune_previews


def test_previews_older_than_an_hour_are_deleted_and_newer_ones_kept(tmp_path):
    uploads = tmp_path / "uploads"
    old, new = uploads / "a", uploads / "b"
    for folder in (old, new):
        folder.mkdir(parents=True)
        (folder / "daftar.csv").write_text("Nama;Kelurahan\nSiti Aminah;Sidodadi\n")
    now = time.time()
    os.utime(old, (now - PREVIEW_SECONDS - 5, now - PREVIEW_SECONDS - 5))
    prune_previews(uploads, now=now)
    assert not old.exists() and (new / "daftar.csv").exists()
    prune_previews(tmp_path / "none-yet")  # no uploads folder yet: nothing to do
