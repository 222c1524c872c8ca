"""How a submission's notebooks run in the sandbox child, and the data files handed to them before they start."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.sandbox.confine import Confinement


@dataclass(frozen=True)
class RunSetup:
    """A notebook's budget and the data handed to it (see grader/notebook_data.py and sandbox/budget.py)."""

    budget: dict[str, Any] = field(default_factory=dict)  # budget.SETTINGS: epochs, steps, samples, ...
    cell_seconds: float = 90.0  # a notebook cell is stopped after this, and the next one runs (engine.Budget)
    notebook_seconds: float = 300.0  # a notebook that runs longer is loaded definitions-only (engine.Budget)
    files: dict[str, bytes] = field(default_factory=dict)  # path relative to the scratch folder -> bytes
    keras: dict[str, str] = field(default_factory=dict)  # file name get_file asks for -> path in scratch
    mirrors: tuple[str, ...] = ()  # absolute folders made writable for notebooks (Colab's /content)


def hand_over(scratch: Path, mirror_root: Path, plan: Confinement, run: RunSetup) -> None:
    """Write the notebooks' data into the scratch folder: called before any student code exists to interfere.

    Folders and files are given to the child's user (a root grader drops the child to a uid of its own), so
    that a notebook can also save its own files beside them (a model checkpoint under /content) and write over
    a file it was served (`df.to_csv` on the path it read). Colab's /content and Kaggle's /kaggle live under
    `mirror_root`, outside the scratch folder, where the child cannot rename them (see confine.Confinement).
    """
    owner = plan.drop_to
    for mirror in plan.mirrors:
        _folder(mirror_root, mirror_root / mirror.strip("/"), owner)
    for name, data in sorted(run.files.items()):
        first = name.split("/", 1)[0]
        base = mirror_root if "/" + first in plan.mirrors else scratch
        try:
            target = base / name
            if base.resolve() not in target.resolve().parents:
                continue  # never outside its folder
            _folder(base, target.parent, owner)
            target.write_bytes(data)
            target.chmod(0o644)
            if owner is not None:
                os.chown(target, *owner)
        except (OSError, ValueError):  # a path the file system refuses (a NUL byte, a name too long, a file
            continue  # where a folder is): that notebook finds nothing there, as without the grader's data


def _folder(scratch: Path, folder: Path, owner: tuple[int, int] | None) -> None:
    missing = [p for p in (folder, *folder.parents) if scratch in p.parents and not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for path in missing:
        path.chmod(0o755)
        if owner is not None:
            os.chown(path, *owner)
