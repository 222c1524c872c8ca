"""Handing files to the child never writes through a link the student's code planted."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from grader.sandbox import handover


def test_files_are_written_read_only_for_others_in_a_new_folder(tmp_path: Path) -> None:
    folder = handover.write_files(tmp_path, {"a.csv": b"x,y\n", "images/b.png": b"png"}, prefix="t_")
    assert folder.parent == tmp_path and folder.name.startswith("t_")
    assert (folder / "a.csv").read_bytes() == b"x,y\n" and (folder / "images" / "b.png").read_bytes() == b"png"
    assert stat.S_IMODE((folder / "a.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((folder / "images").stat().st_mode) == 0o755
    assert handover.write_files(tmp_path, {"a.csv": b""}, prefix="t_") != folder  # never reused


@pytest.mark.parametrize("name", ["../escape.csv", "/etc/x", "images/../../x", "a//b", "./a"])
def test_names_that_leave_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="not a plain relative path"):
        handover.write_files(tmp_path, {name: b""}, prefix="t_")


@pytest.mark.parametrize("planted", ["dataset.csv", "images"])
def test_a_planted_link_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, planted: str) -> None:
    """As if student code had won the race for the new folder's name and put a link in it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "authorized_keys"
    victim.write_bytes(b"keep me")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    folder = scratch / "t_fixed"
    folder.mkdir()
    os.symlink(victim if planted == "dataset.csv" else outside, folder / planted)
    monkeypatch.setattr(handover.tempfile, "mkdtemp", lambda **_: str(folder))
    with pytest.raises(handover.HandoverError):
        handover.write_files(scratch, {"dataset.csv": b"evil", "images/b.png": b"evil"}, prefix="t_")
    assert victim.read_bytes() == b"keep me" and sorted(p.name for p in outside.iterdir()) == ["authorized_keys"]
