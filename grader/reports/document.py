"""What a reader makes of one report file: blocks of text, each with where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.results import Bilingual


@dataclass(frozen=True)
class Location:
    """Where a block sits in its file; the most specific coordinates the format has."""

    file: str  # relative to the submission, posix
    page: int | None = None  # PDF pages, 1-based
    paragraph: int | None = None  # DOCX body paragraphs, Markdown lines, 1-based
    table: int | None = None  # DOCX tables, 1-based
    row: int | None = None  # 1-based, within the table
    cell: int | None = None  # notebook cells, 1-based

    def describe(self) -> Bilingual:
        """'Report.docx, paragraph 41' / 'Report.pdf, page 3' / 'HW4.ipynb, cell 7'."""
        en: list[str] = [self.file]
        fa: list[str] = [self.file]
        if self.page is not None:
            en.append(f"page {self.page}")
            fa.append(f"صفحهٔ {self.page}")
        if self.cell is not None:
            en.append(f"cell {self.cell}")
            fa.append(f"سلول {self.cell}")
        if self.table is not None:
            en.append(f"table {self.table}" + (f", row {self.row}" if self.row is not None else ""))
            fa.append(f"جدول {self.table}" + (f"، سطر {self.row}" if self.row is not None else ""))
        elif self.paragraph is not None:
            en.append(f"{'line' if self.file.endswith(('.md', '.txt')) else 'paragraph'} {self.paragraph}")
            fa.append(f"{'خط' if self.file.endswith(('.md', '.txt')) else 'بند'} {self.paragraph}")
        return Bilingual(", ".join(en), "، ".join(fa))

    def to_json(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Block:
    """One paragraph, table row, heading or image of a report, in reading order."""

    kind: str  # "text" | "heading" | "row" | "image"
    text: str  # for a row: its cells joined by " | "; for an image: "" (or a caption)
    where: Location
    cells: tuple[str, ...] = ()  # a table row's cells


@dataclass
class Document:
    """A report as blocks in reading order, and what the reader noticed on the way."""

    file: str
    kind: str  # "docx" | "pdf" | "markdown" | "notebook"
    blocks: list[Block] = field(default_factory=list)
    notes: list[Bilingual] = field(default_factory=list)
    image_only_pages: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.text)


class UnreadableReport(Exception):
    """A report file that cannot be read at all; the message says why and what to do."""

    def __init__(self, message: Bilingual) -> None:
        super().__init__(message.en)
        self.message = message
