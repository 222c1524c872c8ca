"""Handing data files to the child: a new folder in its scratch, written without ever following a link.

The scratch folder is writable by student code, which may still be running (a thread left
behind) while the grader writes there. A grader that wrote through paths could be sent
elsewhere by a symlink planted in advance: `dataset.csv -> ~/.ssh/authorized_keys`, resolved
in the grader's own view of the disk. So: a folder with a new random name (mkdtemp: created,
never reused), then every directory and file created relative to a descriptor of its parent,
with O_EXCL | O_NOFOLLOW (an existing name or a link makes the call fail instead of being
followed). Permissions end read-only for others (the child may run as another user).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


class HandoverError(OSError):
    """The scratch folder changed under the grader while it wrote there (a link or a name appeared)."""


def write_files(scratch: Path, files: Mapping[str, bytes], prefix: str) -> Path:
    """Write `files` (relative POSIX paths -> bytes) into a new folder of `scratch`; return the folder."""
    for name in files:
        parts = name.split("/")
        if name.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"not a plain relative path: {name!r}")
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=scratch))
    opened: dict[str, int] = {}
    try:
        opened[""] = os.open(folder, _DIRECTORY)
        for name, data in sorted(files.items()):
            *dirs, leaf = name.split("/")
            parent = opened[""]
            for depth in range(1, len(dirs) + 1):
                key = "/".join(dirs[:depth])
                if key not in opened:
                    os.mkdir(dirs[depth - 1], 0o700, dir_fd=parent)
                    opened[key] = os.open(dirs[depth - 1], _DIRECTORY, dir_fd=parent)
                parent = opened[key]
            fd = os.open(leaf, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                os.fchmod(handle.fileno(), 0o644)
        for fd in opened.values():
            os.fchmod(fd, 0o755)
    except OSError as error:
        raise HandoverError(f"could not hand files to the student's code in {folder}: {error}") from error
    finally:
        for fd in opened.values():
            os.close(fd)
    return folder
