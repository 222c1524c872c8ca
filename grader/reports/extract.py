"""The written answers of one submission, read from whatever the student handed in.

Reports are found in sorted path order: Word (.docx) first, then PDF (a PDF
that is an export of a .docx beside it is skipped: its text layer is damaged
and the .docx is not), Markdown and text, and last the markdown cells of
notebooks. The first source that answers a field wins; a later source that
gives a different value for a typed field is noted beside it. A file that
cannot be read is reported with the reason and what to do, and the rest is
still read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.answer_sheet import AnswerSheet, RawAnswer, Source
from grader.persian import normalize_text
from grader.reports.document import Document, UnreadableReport
from grader.reports.fields import ExtractedField, read_question, start_markers
from grader.reports.found_values import find_student
from grader.reports.read_docx import read_docx
from grader.reports.read_outputs import read_notebook_outputs
from grader.reports.read_pdf import read_pdf
from grader.reports.read_text import read_markdown, read_notebook_markdown
from grader.reports.segment import segment
from grader.results import Bilingual
from grader.sheet_schema import FIELDS_BY_PATH

MAX_REPORT_BYTES = 100_000_000
_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", "site-packages", "node_modules", "venv", ".venv", "env"}
_READERS: dict[str, tuple[int, Callable[[Path, str], Document]]] = {
    ".docx": (0, read_docx),
    ".pdf": (1, read_pdf),
    ".md": (2, read_markdown),
    ".txt": (2, read_markdown),
    ".ipynb": (3, read_notebook_markdown),
}
_UNSUPPORTED = {".doc": "Word 97-2003", ".odt": "OpenDocument", ".rtf": "RTF", ".pages": "Pages", ".hwp": "HWP"}
_NOT_ANSWERS = re.compile(r"^(readme|license|requirements)", re.IGNORECASE)
_QUESTION_IN_NAME = re.compile(r"(?:^|[^a-z])(?:q|question|سوال)[\s_\-]*([1-7])(?!\d)", re.IGNORECASE)


@dataclass
class Extraction:
    fields: dict[str, ExtractedField] = field(default_factory=dict)
    read: list[str] = field(default_factory=list)  # files the answers came from
    notes: list[Bilingual] = field(default_factory=list)


def report_files(root: Path) -> list[Path]:
    """Candidate report files, in the order they are read (Word, PDF, text, notebooks), each in path order."""
    found = []
    for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix()):
        parts = path.relative_to(root).parts
        if any(p.startswith(".") or p in _SKIP_DIRS for p in parts):
            continue
        if path.is_symlink() or not path.is_file():
            continue
        if path.suffix.lower() in _READERS or path.suffix.lower() in _UNSUPPORTED:
            found.append(path)
    return sorted(found, key=lambda p: (_READERS.get(p.suffix.lower(), (9, None))[0], p.relative_to(root).as_posix()))


def _read(path: Path, relative: str) -> Document:
    with path.open("rb") as stream:
        data_start = stream.read(8)
    suffix = path.suffix.lower()
    if data_start.startswith(b"%PDF") and suffix != ".pdf":
        document = read_pdf(path, relative)  # a PDF renamed .docx: read it as what it is
        document.notes.append(Bilingual(f"{relative} is a PDF file with another extension; it was read as a PDF",
                                        f"{relative} در واقع فایل PDF است با پسوندی دیگر؛ به صورت PDF خوانده شد"))  # fmt: skip
        return document
    if data_start.startswith(b"PK") and suffix == ".pdf":
        document = read_docx(path, relative)
        document.notes.append(Bilingual(f"{relative} is a Word file with a .pdf extension; it was read as Word",
                                        f"{relative} در واقع فایل Word است با پسوند .pdf؛ به صورت Word خوانده شد"))  # fmt: skip
        return document
    return _READERS[suffix][1](path, relative)


def _words(document: Document) -> set[str]:
    return set(re.findall(r"\w{3,}", normalize_text(document.text)))


def _same_report(a: Document, b: Document) -> bool:
    """Whether two documents hold the same report (a PDF export of a .docx): most of the words of each are shared.

    Over the larger vocabulary: a short PDF holding one question shares most of its words with a long report on
    the same homework, and is no copy of it."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / max(len(wa), len(wb)) >= 0.6


def extract(root: Path) -> Extraction:
    """Every answer-sheet field the submission's reports answer, with where each was read."""
    result = Extraction()
    read: list[Document] = []
    markers = start_markers()
    for path in report_files(root):
        relative = path.relative_to(root).as_posix()
        suffix = path.suffix.lower()
        if suffix in _UNSUPPORTED:
            result.notes.append(Bilingual(
                f"{relative}: {_UNSUPPORTED[suffix]} files cannot be read; save the report as .docx or PDF",
                f"{relative}: فایل {_UNSUPPORTED[suffix]} قابل خواندن نیست؛ گزارش را به صورت ‎.docx‎ یا PDF ذخیره کنید"))  # fmt: skip
            continue
        if suffix in (".md", ".txt") and _NOT_ANSWERS.match(path.name):
            continue
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            result.notes.append(Bilingual(
                f"{relative}: {size:,} bytes is over the {MAX_REPORT_BYTES:,}-byte limit for a report; not read "
                "(compress its pictures, or export it again)",
                f"{relative}: حجم {size:,} بایت بیش از سقف {MAX_REPORT_BYTES:,} بایت برای گزارش است؛ خوانده نشد "
                "(تصاویر آن را فشرده کنید یا دوباره خروجی بگیرید)"))  # fmt: skip
            continue
        try:
            document = _read(path, relative)
        except UnreadableReport as problem:
            result.notes.append(problem.message)
            continue
        except Exception as error:  # a reader's bug or a file it did not expect: this file only, said
            result.notes.append(_not_read(relative, error))
            continue
        result.notes.extend(document.notes)
        twin = next(
            (d for d in read if d.kind == "docx" and document.kind == "pdf" and _same_report(d, document)), None
        )
        if twin is not None:
            result.notes.append(Bilingual(
                f"{relative} is the same report as {twin.file}; the Word file was read (its text is exact)",
                f"{relative} همان گزارش {twin.file} است؛ فایل Word خوانده شد (متن آن دقیق است)"))  # fmt: skip
            continue
        read.append(document)
        _merge(result, document, markers)
    for path in report_files(root):  # last: what the notebooks' own runs printed
        if path.suffix.lower() == ".ipynb" and path.stat().st_size <= MAX_REPORT_BYTES:
            relative = path.relative_to(root).as_posix()
            try:
                outputs, question = read_notebook_outputs(path, relative)
            except UnreadableReport:
                continue  # already reported with its markdown
            except Exception as error:
                result.notes.append(_not_read(relative, error))
                continue
            result.notes.extend(outputs.notes)
            _merge_outputs(result, outputs, _default_question(relative) or question)  # the file name says it best
    return result


def _not_read(relative: str, error: Exception) -> Bilingual:
    kind = type(error).__name__
    return Bilingual(f"{relative}: could not be read ({kind}); the rest of the submission is graded, a TA should "
                     "read this file",
                     f"{relative}: خوانده نشد ({kind})؛ بقیهٔ کار تصحیح می‌شود و دستیار آموزشی باید این فایل را بخواند")  # fmt: skip


_SAVED = Bilingual("from the notebook's saved output, not reproduced by the grader",
                   "از خروجی ذخیره‌شدهٔ نوت‌بوک، که تصحیح‌گر آن را بازتولید نکرده است")  # fmt: skip


def _merge_outputs(result: Extraction, document: Document, question: str | None) -> None:
    """Typed answers (accuracies, the comparison table) a notebook printed, where nothing else answered them."""
    if question is None or not document.blocks:
        return
    segmentation = segment(document.blocks, {}, question)
    used = False
    for found in (f for q in segmentation.questions.values() for f in read_question(q)):
        if found.needs_reading or found.dotted in result.fields or not _typed(found.dotted):
            continue
        note = _SAVED if found.note is None else found.note + _SAVED
        result.fields[found.dotted] = replace(found, confidence=min(found.confidence, 0.6), note=note)
        used = True
    if used:
        result.read.append(f"{document.file} (saved outputs)")


def _typed(dotted: str) -> bool:
    from grader.sheet_schema import FIELDS_BY_PATH

    field_ = FIELDS_BY_PATH.get(tuple(dotted.split(".")))
    return field_ is not None and field_.kind not in ("text",)


def _default_question(file: str) -> str | None:
    match = _QUESTION_IN_NAME.search(Path(file).stem)
    return f"q0{match.group(1)}" if match else None


def _merge(result: Extraction, document: Document, markers: dict[str, list[re.Pattern[str]]]) -> None:
    segmentation = segment(document.blocks, markers, _default_question(document.file))
    found = [
        ExtractedField(f"student.{key}", value.text, (value.block.where,), value.confidence, value.block.text)
        for key, value in sorted(find_student(segmentation.preamble).items())
    ]
    if not segmentation.questions and document.kind != "notebook" and document.text.strip():
        result.notes.append(Bilingual(
            f"{document.file}: no question headings found («سوال ۱», «Q1)», ...); its answers could not be "
            "told apart — a TA must read it",
            f"{document.file}: هیچ عنوان سوالی («سوال ۱»، «Q1)»، ...) پیدا نشد؛ پاسخ‌ها از هم جدا نشدند — "
            "دستیار آموزشی باید آن را بخواند"))  # fmt: skip
    found += [field for question in segmentation.questions.values() for field in read_question(question)]
    cap = 0.6 if document.kind == "notebook" else 1.0  # notebooks also hold the hand-out's own instructions
    used = False
    for field_ in found:
        if field_.confidence > cap:
            field_ = replace(field_, confidence=cap)
        earlier = result.fields.get(field_.dotted)
        if earlier is None or (earlier.needs_reading and not field_.needs_reading):
            result.fields[field_.dotted] = field_
            used = True
        elif not field_.needs_reading and _differs(earlier, field_):
            note = Bilingual(f"{field_.where[0].describe().en} gives another answer: {field_.excerpt}",
                             f"{field_.where[0].describe().fa} پاسخ دیگری می‌دهد: {field_.excerpt}")  # fmt: skip
            result.fields[field_.dotted] = replace(earlier, confidence=min(earlier.confidence, 0.5),
                                                   note=note if earlier.note is None else earlier.note + note)  # fmt: skip
    if used:
        result.read.append(document.file)


def _differs(a: ExtractedField, b: ExtractedField) -> bool:
    """Two answers to one typed field that disagree (free text from two files is not compared)."""
    if not _typed(a.dotted) or "\n" in a.text or len(a.text) > 80 or len(b.text) > 80:
        return False
    return normalize_text(a.text) != normalize_text(b.text)


def fill_sheet(sheet: AnswerSheet, extraction: Extraction) -> list[str]:
    """Put the report's answers into the sheet's empty fields (a typed YAML answer wins); the fields filled."""
    filled = []
    for dotted, found in sorted(extraction.fields.items()):
        path = tuple(dotted.split("."))
        if path not in FIELDS_BY_PATH or path[0] in sheet.broken_sections:
            continue
        existing = sheet.raw.get(path)
        if existing is not None and existing.text.strip():
            continue
        source = Source(found.where, found.excerpt, found.confidence, found.context, found.note, found.needs_reading)
        sheet.raw[path] = RawAnswer(found.text, 0, source)
        filled.append(dotted)
    return filled
