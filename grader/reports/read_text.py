"""Plain reports: Markdown and text files line by line, and the markdown cells of notebooks."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from grader.reports.document import Block, Document, Location, UnreadableReport
from grader.results import Bilingual


def _decode(data: bytes, relative: str) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text
    # Windows' Arabic code page, which Persian Notepad files sometimes use. It maps every byte, so the text is
    # taken only when it reads as text: Arabic letters, and next to no control characters (a binary file has many).
    text = data.decode("cp1256")
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\r\n\t")
    if re.search(r"[\u0600-\u06ff]", text) and controls <= len(text) // 100:
        return text
    raise UnreadableReport(Bilingual(
        f"{relative}: not UTF-8 text; save it as UTF-8", f"{relative}: متن UTF-8 نیست؛ آن را با UTF-8 ذخیره کنید"))  # fmt: skip


_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")  # Markdown's backslash escapes: conv2d\_5 -> conv2d_5


def _line_block(line: str, where: Location) -> Block | None:
    """One Markdown line as a block: a heading, a table row (cells), a picture, or text; None for nothing."""
    stripped = line.strip()
    if not stripped:
        return None
    if stripped.startswith(("<img", "![")):
        return Block("image", "", where)
    if stripped.startswith("|") and stripped.endswith("|"):
        cells = tuple(c.strip() for c in stripped.strip("|").split("|"))
        if all(set(c) <= set("-: ") for c in cells):
            return None  # the |---|---| rule under a table header
        return Block("row", " | ".join(cells), where, cells)
    return Block("heading" if stripped.startswith("#") else "text", stripped, where)


def read_markdown(path: Path, relative: str) -> Document:
    text = _ESCAPED.sub(r"\1", _decode(path.read_bytes(), relative))
    result = Document(relative, "markdown")
    for number, line in enumerate(text.splitlines(), start=1):
        block = _line_block(line, Location(relative, paragraph=number))
        if block is not None:
            result.blocks.append(block)
    return result


def read_notebook_markdown(path: Path, relative: str) -> Document:
    """The markdown cells of a notebook (its code is graded separately), with their cell numbers."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        cells = data["cells"] if isinstance(data, dict) else None
        if not isinstance(cells, list):
            raise ValueError("no list of cells")
    except (ValueError, KeyError, UnicodeDecodeError, RecursionError) as error:
        raise UnreadableReport(Bilingual(f"{relative}: not a readable notebook ({str(error)[:100]})",
                                         f"{relative}: نوت‌بوک قابل خواندن نیست ({str(error)[:100]})")) from None  # fmt: skip
    result = Document(relative, "notebook")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(s) for s in source)
        for line in _ESCAPED.sub(r"\1", str(source)).splitlines():
            block = _line_block(line, Location(relative, cell=number))
            if block is not None:
                result.blocks.append(block)
    return result
