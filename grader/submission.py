"""Finding a student's files and turning them into units the child can load.

Discovery is deterministic: every .py and .ipynb under the submission folder,
sorted by path. Hidden folders, caches, virtual environments and symbolic
links are skipped (and the skip is reported). A notebook becomes one unit of
code cells, loaded definitions-only by default; a .py file is loaded whole.
Reading JSON and text is all the parent does with them: parsing and running
the code happens in the child.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.results import Bilingual, SubmissionNote

MAX_SOURCE_BYTES = 2_000_000  # a .py file, or the code of one notebook
MAX_NOTEBOOK_BYTES = 200_000_000  # outputs included
_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", "site-packages", "node_modules", "venv", ".venv", "env"}
_MAGIC = re.compile(r"^(\s*)([%!].*)$")


@dataclass(frozen=True)
class Cell:
    index: int | None  # None for a .py file
    source: str
    shell: tuple[str, ...] = ()  # its IPython shell lines (!pip install ...), commented out: not run


@dataclass(frozen=True)
class Unit:
    file: str  # path relative to the submission, posix
    module: str
    cells: tuple[Cell, ...]
    mode: str  # "full" (a .py file), "execute" (a notebook run top to bottom) or "definitions"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "module": self.module,
            "mode": self.mode,
            "cells": [{"index": c.index, "source": c.source} for c in self.cells],
        }


@dataclass
class Submission:
    root: Path
    units: list[Unit] = field(default_factory=list)
    notes: list[SubmissionNote] = field(default_factory=list)

    def note(self, kind: str, en: str, fa: str) -> None:
        self.notes.append(SubmissionNote(kind, Bilingual(en, fa)))


def _module_name(relative: str, taken: set[str]) -> str:
    stem = re.sub(r"\W", "_", Path(relative).with_suffix("").as_posix().replace("/", "__"), flags=re.ASCII)
    name = f"student_{stem}".strip("_") or "student"
    base, n = name, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


_SHELL_VALUE = re.compile(r"^(\s*[\w.]+\s*=\s*)([!%].*)$")  # files = !ls


def comment_out_magics(source: str) -> str:
    """IPython lines (%matplotlib, !pip install, files = !ls) become comments so that the cell still parses."""
    lines = []
    for line in source.splitlines():
        line = _MAGIC.sub(r"\1# \2", line)
        lines.append(_SHELL_VALUE.sub(r"\1None  # \2", line))
    return "\n".join(lines)


def shell_lines(source: str) -> list[str]:
    """The shell commands of a notebook cell (!pip install, !unzip ...), which the grader does not run."""
    return [
        m.group(2).strip() for line in source.splitlines() if (m := _MAGIC.match(line)) and m.group(2).startswith("!")
    ]


def _notebook_cells(path: Path, relative: str, submission: Submission) -> list[Cell] | None:
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        submission.note("skipped", f"{relative}: notebook of {size:,} bytes is over the limit; not read",
                        f"{relative}: حجم نوت‌بوک ({size:,} بایت) بیش از حد مجاز است؛ خوانده نشد")  # fmt: skip
        return None
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        raw_cells = data["cells"] if isinstance(data, dict) else None
        if not isinstance(raw_cells, list):
            raise ValueError("no list of cells")
    except (ValueError, KeyError, UnicodeDecodeError, RecursionError) as error:
        submission.note("unreadable", f"{relative}: not a readable notebook ({str(error)[:120]}); skipped",
                        f"{relative}: نوت‌بوک قابل خواندن نیست ({str(error)[:120]})؛ کنار گذاشته شد")  # fmt: skip
        return None
    cells: list[Cell] = []
    for index, cell in enumerate(raw_cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(s) for s in source)
        cells.append(Cell(index, comment_out_magics(str(source)), tuple(shell_lines(str(source)))))
    if sum(len(c.source) for c in cells) > MAX_SOURCE_BYTES:
        submission.note("skipped", f"{relative}: over {MAX_SOURCE_BYTES:,} characters of code; not read",
                        f"{relative}: بیش از {MAX_SOURCE_BYTES:,} نویسه کد دارد؛ خوانده نشد")  # fmt: skip
        return None
    return cells


def _python_cells(path: Path, relative: str, submission: Submission) -> list[Cell] | None:
    data = path.read_bytes()
    if len(data) > MAX_SOURCE_BYTES:
        submission.note("skipped", f"{relative}: {len(data):,} bytes is over the limit for a .py file; not read",
                        f"{relative}: حجم فایل ({len(data):,} بایت) بیش از حد مجاز است؛ خوانده نشد")  # fmt: skip
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        submission.note("unreadable", f"{relative}: line {line} is not UTF-8 text; save the file as UTF-8",
                        f"{relative}: خط {line} متن UTF-8 نیست؛ فایل را با کدگذاری UTF-8 ذخیره کنید")  # fmt: skip
        return None
    return [Cell(None, text)]


def discover(root: Path, notebook_mode: str = "definitions") -> Submission:
    """Every .py/.ipynb under root, in sorted order, as loadable units."""
    submission = Submission(root)
    taken: set[str] = set()
    paths: list[Path] = []
    for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix()):
        relative = path.relative_to(root).as_posix()
        parts = path.relative_to(root).parts
        if any(p.startswith(".") or p in _SKIP_DIRS for p in parts[:-1]):
            continue
        if path.suffix not in (".py", ".ipynb"):
            continue
        if path.is_symlink():
            submission.note("skipped", f"{relative}: a symbolic link; only real files are graded",
                            f"{relative}: پیوند نمادین است؛ فقط فایل‌های واقعی تصحیح می‌شوند")  # fmt: skip
            continue
        if any(parent.is_symlink() for parent in path.parents if root in parent.parents):
            continue
        if path.is_file():
            paths.append(path)
    for path in paths:
        relative = path.relative_to(root).as_posix()
        if path.suffix == ".ipynb":
            cells = _notebook_cells(path, relative, submission)
            mode = notebook_mode
        else:
            cells = _python_cells(path, relative, submission)
            mode = "full"
        if cells is None:
            continue
        if not any(c.source.strip() for c in cells):
            submission.note("empty", f"{relative}: empty file", f"{relative}: فایل خالی است")
            continue
        submission.units.append(Unit(relative, _module_name(relative, taken), tuple(cells), mode))
    return submission
