"""Tables in reports: Q5's nine layers and Q2's comparison, from Word tables or from lines of text.

Students hand Q5 in as a Word table (layer | output | parameters), as lines
such as "Layer 2: (124,124,32)  (5x5x64+1)x32 = 51232" or «لایه ۳: خروجی
۶۲×۶۲×۳۲ و پارامتر ندارد», or as a photo. Cells keep the student's own text
(unevaluated arithmetic included); the value parsers judge it. Text that reads
as an OCR of handwriting (many Latin non-words) is sent to a TA.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from grader.persian import normalize_text
from grader.reports.document import Block
from grader.reports.found_values import FoundValue
from grader.results import Bilingual

# Three sizes: (124, 124, 32), 124x124x32, ۱۲۴×۱۲۴×۳۲ — but not the start of a product such as (3x3x3+1)x64 or 5x5x256 x 2.
_SHAPE = re.compile(
    r"(?<![\d+\-*/×^.])\(?\s*(\d{1,4})\s*[,،x×*]\s*(\d{1,4})\s*[,،x×*]\s*(\d{1,4})\s*\)?(?!\s*[\d+\-*/×^])(?!\s*x\s*\d)"
)
_NOT_APPLICABLE = re.compile(
    r"قابل\s*اعمال\s*نیست|غیر\s*قابل\s*اعمال|معنا\s*ندارد|معنی\s*ندارد|ممکن\s*نیست|امکان\s*پذیر\s*نیست|"
    r"نمیتوان|تعریف\s*نشده|نامعتبر|cannot|can't|not\s*(?:possible|applicable|defined)|impossible|invalid|"
    r"undefined|\bn/?a\b"
)
_NO_PARAMETERS = re.compile(r"پارامتر\s*ندارد|بدون\s*پارامتر|پارامتری\s*ندارد|no\s*(?:trainable\s*)?param|"
                            r"\b0\s*(?:پارامتر|param)|(?:پارامتر|params?|parameters)\s*[:=]?\s*(?:0|صفر|zero)\b")  # fmt: skip
_PARAM_CUE = re.compile(r"(?:پارامتر(?:ها)?|params?|parameters|#\s*param)\s*[:=]?")
# A count or a product, single spaces inside ("(3×3×64+1) × 256"); two spaces end it (a new column).
_EXPRESSION = re.compile(r"[\d(](?:(?:[\d()+\-*/x×^.,]| (?=[\d()+\-*/x×^]))*\d)?\)?(?:\s*=\s*[\d,]+)?")
_LAYER_MARK = re.compile(r"(?:layer|لایه(?:ی)?|لایهٔ)\s*(?:شماره\s*)?(\d)(?!\d)|^\s*(\d)\s*[).:\-](?!\d)")
_HEADER_OUTPUT = re.compile(r"خروجی|output|ابعاد|size|shape")
_HEADER_PARAMS = re.compile(r"پارامتر|param")
_KNOWN_LATIN = {
    "layer", "layers", "conv", "convolution", "dilated", "dilation", "rate", "output", "size", "stride", "strides",
    "padding", "pad", "same", "valid", "max", "pool", "pooling", "maxpool", "kernel", "filter", "filters", "params",
    "param", "parameters", "input", "width", "height", "channels", "the", "and", "of", "is", "with", "out", "in", "w",
    "h", "k", "f", "p", "s", "d", "n", "x", "floor", "ceil", "bias", "total", "not", "applicable", "cannot", "be",
    "applied", "none", "n/a", "na", "relu", "shape", "rgb", "image",
}  # fmt: skip


def _canon(text: str) -> str:
    """Normalised for matching, with wide gaps (a column boundary in a line of text) kept as " | "."""
    return normalize_text(re.sub(r"\t| {2,}", " | ", text))


def _shape_text(canon: str) -> str | None:
    match = _SHAPE.search(canon)
    return f"({match.group(1)}, {match.group(2)}, {match.group(3)})" if match else None


def _params_text(canon: str, shape_span: tuple[int, int] | None, cell: bool = False) -> str | None:
    """The parameter count in a layer's text: after a cue (params =), or a product, or a count in a table cell."""
    if _NO_PARAMETERS.search(canon):
        return "0"
    if shape_span is not None:  # the output size is no parameter count; what follows it is the next column
        canon = canon[: shape_span[0]] + " | " + canon[shape_span[1] :]
    cue = _PARAM_CUE.search(canon)
    rest = canon[cue.end() :] if cue else canon
    found = []
    for match in _EXPRESSION.finditer(rest):
        text = match.group(0).strip(" ,")
        start = match.start() + (cue.end() if cue else 0)
        lone = re.fullmatch(r"[1-9]", text) and cue is None and not cell
        if lone and (shape_span is None or start < shape_span[0]):
            continue  # a lone digit before the size, without a cue, is a layer number or a kernel size
        bare = cue is None and not cell and not re.search(r"[×x*+=]", text) and text != "0"
        if bare and len(re.sub(r"\D", "", text)) < 3:
            continue  # a bare small number in prose is a layer number, a kernel size or a span, not a count
        found.append((start, text))
    if not found:
        return None
    if cue is not None:
        return found[0][1]
    after = [text for start, text in found if shape_span is not None and start >= shape_span[0]]
    return after[-1] if after else found[-1][1]  # the last column of the line: the parameters


def _cell_values(canon: str) -> tuple[str | None, str | None]:
    """(output, parameters) read from the text of one layer."""
    shape = _SHAPE.search(canon)
    output = _shape_text(canon)
    if output is None and _NOT_APPLICABLE.search(canon):
        output = "n/a"
    worked = any("=" in m.group(0) for m in _EXPRESSION.finditer(canon))  # "(5x5x256+1)x128 = 819328"
    if output == "n/a" and not worked and not _PARAM_CUE.search(canon) and not _NO_PARAMETERS.search(canon):
        return output, "n/a"  # the numbers of an explanation («۳۳ از ۱۱ بزرگ‌تر است») are no parameter count
    params = _params_text(canon, shape.span() if shape else None)
    if output == "n/a" and worked and not _PARAM_CUE.search(canon):  # the count worked out, not the explanation
        params = next(m.group(0).strip(" ,") for m in _EXPRESSION.finditer(canon) if "=" in m.group(0))
    if params is None and output == "n/a" and not _NO_PARAMETERS.search(canon):
        params = "n/a"
    return output, params


def find_layer_table(blocks: Sequence[Block], count: int) -> tuple[dict[tuple[int, str], FoundValue], Bilingual | None]:
    """Q5(a): {(layer, "output"|"params"): value}; a note when the text looks like unreadable handwriting."""
    found: dict[tuple[int, str], FoundValue] = {}
    _from_rows([b for b in blocks if b.kind == "row"], count, found)
    _from_lines([b for b in blocks if b.kind != "row"], count, found)
    note = None
    if len(found) < 2 * count and _looks_garbled(blocks):
        note = Bilingual("this part reads like an OCR of handwriting (mostly unreadable); a TA must read it",
                         "این بخش شبیه متن خوانده‌شده از دست‌خط است (بیشتر آن ناخوانا است)؛ دستیار آموزشی باید آن را بخواند")  # fmt: skip
    return found, note


def _from_rows(rows: list[Block], count: int, found: dict[tuple[int, str], FoundValue]) -> None:
    output_column = params_column = None
    data: list[tuple[Block, list[str]]] = []
    for row in rows:
        cells = [normalize_text(c) for c in row.cells]
        if not any(_SHAPE.search(c) for c in cells) and any(_HEADER_OUTPUT.search(c) for c in cells):
            output_column = next((i for i, c in enumerate(cells) if _HEADER_OUTPUT.search(c)), None)
            params_column = next((i for i, c in enumerate(cells) if _HEADER_PARAMS.search(c)), None)
            continue
        if any(_SHAPE.search(c) or _NOT_APPLICABLE.search(c) for c in cells):
            data.append((row, cells))
    numbered = [_row_layer(cells, count) for _, cells in data]
    if all(n is None for n in numbered) and len(data) == count:
        numbered = list(range(1, count + 1))  # rows named "Conv(64)", "Max-pool": the layers in order
    for (row, cells), layer in zip(data, numbered, strict=True):
        if layer is None:
            continue
        if output_column is not None and output_column < len(cells):
            output, _ = _cell_values(cells[output_column])
        else:
            output, _ = _cell_values(" ".join(cells[1:]))
        params: str | None
        if params_column is not None and params_column < len(cells):
            cell = cells[params_column].strip()
            if cell in ("-", "—", "–", "ندارد", ""):
                params = "n/a" if output == "n/a" else "0"  # "nothing": no weights, or no layer at all
            elif _NO_PARAMETERS.search(cell):
                params = "0"
            else:
                params = "n/a" if _NOT_APPLICABLE.search(cell) else _params_text(cell, None, cell=True)
        else:
            _, params = _cell_values(" ".join(c for i, c in enumerate(cells) if i != output_column and i > 0))
        for key, value in (("output", output), ("params", params)):
            if value is not None and (layer, key) not in found:
                found[(layer, key)] = FoundValue(value, row, 0.9)


def _row_layer(cells: list[str], count: int) -> int | None:
    if not cells:
        return None
    mark = _LAYER_MARK.search(cells[0]) or (re.match(r"\s*(\d)(?!\d)", cells[0]) if cells[0] else None)
    if mark is None:
        return None
    number = int(next(g for g in mark.groups() if g))
    return number if 1 <= number <= count else None


def _from_lines(blocks: list[Block], count: int, found: dict[tuple[int, str], FoundValue]) -> None:
    current: int | None = None
    texts: dict[int, list[tuple[str, Block]]] = {}
    for block in blocks:
        canon = _canon(block.text)
        marks = []
        for mark in _LAYER_MARK.finditer(canon):
            number = int(next(g for g in mark.groups() if g))
            if not 1 <= number <= count:
                continue
            if mark.start() > 0 and current is not None and number <= current:
                continue  # «چون لایهٔ ۸ خروجی ندارد» inside layer 9: a reference, not a new layer
            marks.append(mark)
        if not marks:
            if current is not None:
                texts[current].append((canon, block))
            continue
        if marks[0].start() > 0 and current is not None:
            texts[current].append((canon[: marks[0].start()], block))
        for index, mark in enumerate(marks):
            current = int(next(g for g in mark.groups() if g))
            end = marks[index + 1].start() if index + 1 < len(marks) else len(canon)
            texts.setdefault(current, []).append((canon[mark.end() : end], block))
    for layer, pieces in texts.items():
        joined = " ".join(t for t, _ in pieces)
        output, params = _cell_values(joined)
        for key, value in (("output", output), ("params", params)):
            if value is not None and (layer, key) not in found:
                found[(layer, key)] = FoundValue(value, pieces[0][1], 0.75)


def _looks_garbled(blocks: Sequence[Block]) -> bool:
    words = [w.lower() for b in blocks for w in re.findall(r"[A-Za-z]{3,}", b.text)]
    if len(words) < 8:
        return False
    unknown = [w for w in words if w not in _KNOWN_LATIN]
    return len(unknown) / len(words) > 0.4


# -- Q2: the comparison table ---------------------------------------------------------------
_MODELS = {"vgg16": re.compile(r"vgg"), "resnet50": re.compile(r"res\s*-?net")}
_COLUMNS = tuple((name, re.compile(normalize_text(pattern))) for name, pattern in (
    ("train_accuracy", r"(?:دقت|acc).*(?:آموزش|train)|train.*acc"),
    ("test_accuracy", r"(?:دقت|acc).*(?:آزمون|تست|test|val|اعتبار)|(?:test|val).*acc"),
    ("train_count", r"(?:تعداد|داده|number|num|#|count|data).*(?:آموزش|train)|train.*(?:data|count|images|num|size)"),
    ("test_count", r"(?:تعداد|داده|number|num|#|count|data).*(?:آزمون|تست|test|val)|(?:test|val).*(?:data|count|images|num|size)"),
    ("time_seconds", r"زمان|time|مدت"),
    ("parameters", r"پارامتر|param"),
))  # fmt: skip
_SHEET_ORDER = ("train_count", "test_count", "train_accuracy", "test_accuracy", "time_seconds", "parameters")
_TIME_UNITS = ((re.compile(r"ساعت|hour|\bh\b|hr"), 3600.0), (re.compile(r"دقیقه|min"), 60.0))


def find_comparison(blocks: Sequence[Block]) -> dict[tuple[str, str], FoundValue]:
    """Q2: {(model, column): value} from a table with a header row (or lines in the sheet's column order)."""
    found: dict[tuple[str, str], FoundValue] = {}
    header: dict[int, str] | None = None
    for block in blocks:
        cells = [normalize_text(c) for c in block.cells] if block.kind == "row" else _line_cells(block.text)
        if header is None or not any(p.search(" ".join(cells)) for p in _MODELS.values()):
            columns = {i: name for i, c in enumerate(cells) for name, p in _COLUMNS if p.search(c)}
            if len(columns) >= 3 and not any(p.search(" ".join(cells)) for p in _MODELS.values()):
                header = {}
                for i, c in enumerate(cells):  # the first matching column name wins for each cell
                    name = next((n for n, p in _COLUMNS if p.search(c) and n not in header.values()), None)
                    if name:
                        header[i] = name
                continue
        model = next((m for m, p in _MODELS.items() if any(p.search(c) for c in cells[:2])), None)
        if model is None:
            continue
        if header:
            for index, name in header.items():
                value = _cell_number(cells[index], name) if index < len(cells) else None
                if value is not None:
                    found.setdefault((model, name), FoundValue(value, block, 0.85))
        else:
            numbers = [v for c in cells[1:] if (v := _cell_number(c, "")) is not None]
            if len(numbers) == len(_SHEET_ORDER):
                for name, value in zip(_SHEET_ORDER, numbers, strict=True):
                    found.setdefault((model, name), FoundValue(value, block, 0.6))
    return found


def _cell_number(cell: str, column: str) -> str | None:
    """The number in a table cell, times in seconds ("38 min" -> 2280), percentages as they are."""
    text = cell.strip()
    numbers = re.findall(r"-?\d[\d,]*(?:\.\d+)?\s*%?", text)
    if len(numbers) != 1:
        return None
    number = str(numbers[0]).strip()
    if column == "time_seconds":
        for unit, factor in _TIME_UNITS:
            if unit.search(text):
                return f"{float(number.replace(',', '')) * factor:g}"
    return number


def _line_cells(text: str) -> list[str]:
    """A line of a flattened table as cells: split at tabs (a PDF's column gaps), bars or wide spaces."""
    return [normalize_text(p) for p in re.split(r"\s*[|\t]\s*| {2,}", text) if p.strip()]


_ACCURACY_WORD = re.compile(r"دقت|accuracy|acc\b")
_TRAIN_WORD = re.compile(r"اموزش|train")


def find_comparison_prose(blocks: Sequence[Block]) -> dict[tuple[str, str], FoundValue]:
    """Q2 accuracies stated in sentences: «VGG16 بهتر بود (دقت validation حدود ۷۹ درصد در برابر ۶۶ درصد)».

    The models named and the accuracies given are paired in order; a train accuracy is named as
    such, anything else (validation, test) is the test column. Read with less confidence than a table.
    """
    from grader.reports.found_values import _accuracies

    found: dict[tuple[str, str], FoundValue] = {}
    previous: list[str] = []  # «... فقط VGG16 را اجرا کردم. دقت validation آن ۰.۷۸ بود»: "its" is the model before
    for block in blocks:
        for sentence in re.split(r"(?<=[.!؟?])\s+", normalize_text(block.text)):
            named = [m for _, m in sorted((p.search(sentence).start(), m) for m, p in _MODELS.items()  # type: ignore[union-attr]
                                          if p.search(sentence))]  # fmt: skip
            models, previous = named or previous, named or previous
            if not _ACCURACY_WORD.search(sentence):
                continue
            values = [value for _, value, _ in _accuracies(sentence)]  # already on 0..1, whatever the notation
            if not models or len(values) != len(models):
                continue
            column = "train_accuracy" if _TRAIN_WORD.search(sentence) else "test_accuracy"
            for model, value in zip(models, values, strict=True):
                found.setdefault((model, column), FoundValue(f"{value:g}", block, 0.6))
    return found
