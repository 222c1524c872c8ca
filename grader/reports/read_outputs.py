"""A notebook's saved outputs as evidence: what the student's own run printed (accuracies, tables, logs).

The grader re-runs a notebook under a budget, so its numbers are not the
student's. The outputs saved in the .ipynb are: "Best val_accuracy So Far:
0.9921", the test accuracy printed after fit, the comparison table. They are
read like a report (lowest in precedence, labelled "from the notebook's saved
output, not reproduced") and checked for signs that they do not belong to the
code beside them: cells run out of order (hidden state), or a training log of
15 epochs under code that now asks for 1.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from grader.reports.document import Block, Document, Location, UnreadableReport
from grader.results import Bilingual

_TAGS = re.compile(r"<[^>]+>")
_EPOCHS_CODE = re.compile(r"\bepochs\s*=\s*(\d+)")
_EPOCHS_LOG = re.compile(r"Epoch\s+(\d+)\s*/\s*(\d+)")
# The question a notebook answers, by what its code does (for notebooks named neither Q1 nor HW4_Q7).
_QUESTION_BY_CODE = (
    ("q07", re.compile(r"grad_?cam|make_gradcam_heatmap|Gradcam\(", re.IGNORECASE)),
    ("q01", re.compile(r"Hyperband\(|RandomSearch\(|BayesianOptimization\(|keras_?tuner|kerastuner")),
    ("q02", re.compile(r"VGG16|ResNet50|fracture_visible")),
    ("q03", re.compile(r"LSTM|cons \(m3/unit\)|consumption", re.IGNORECASE)),
)


def _text(source: object) -> str:
    return "".join(str(s) for s in source) if isinstance(source, list) else str(source or "")


def _output_text(output: dict[str, object]) -> str:
    if output.get("output_type") == "stream":
        return _text(output.get("text"))
    data = output.get("data")
    if not isinstance(data, dict):
        return ""
    if "text/html" in data and "<table" in _text(data["text/html"]):  # a DataFrame: its rows as cells
        table = _text(data["text/html"])
        rows = re.findall(r"<tr.*?>(.*?)</tr>", table, flags=re.DOTALL)
        return "\n".join(
            "\t".join(
                html.unescape(_TAGS.sub("", c)).strip() for c in re.findall(r"<t[hd].*?>(.*?)</t[hd]>", r, re.DOTALL)
            )
            for r in rows
        )
    return _text(data.get("text/plain", ""))


def question_of(code: str) -> str | None:
    """The question a notebook's code answers, when it says (Grad-CAM -> q07, a tuner -> q01, ...)."""
    return next((q for q, pattern in _QUESTION_BY_CODE if pattern.search(code)), None)


def read_notebook_outputs(path: Path, relative: str) -> tuple[Document, str | None]:
    """The notebook's saved outputs as a document, and the question its code answers."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        cells = data["cells"] if isinstance(data, dict) else None
        if not isinstance(cells, list):
            raise ValueError("no list of cells")
    except (ValueError, KeyError, UnicodeDecodeError, RecursionError) as error:
        raise UnreadableReport(Bilingual(f"{relative}: not a readable notebook ({str(error)[:100]})",
                                         f"{relative}: نوت‌بوک قابل خواندن نیست ({str(error)[:100]})")) from None  # fmt: skip
    document = Document(relative, "outputs")
    code = "\n".join(_text(c.get("source")) for c in cells if isinstance(c, dict) and c.get("cell_type") == "code")
    counts: list[int] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        if isinstance(cell.get("execution_count"), int):
            counts.append(int(cell["execution_count"]))
        outputs = cell.get("outputs")
        texts = [_output_text(o) for o in (outputs if isinstance(outputs, list) else []) if isinstance(o, dict)]
        output = "\n".join(t for t in texts if t.strip())
        lines = output.splitlines()
        if len(lines) > 400:  # a long training log: its head and its tail (the last epochs, the test score) matter
            lines = lines[:200] + lines[-200:]
        for line in lines:
            if "\t" in line:
                cells_ = tuple(c.strip() for c in line.split("\t"))
                document.blocks.append(Block("row", " | ".join(cells_), Location(relative, cell=number), cells_))
            elif line.strip():
                document.blocks.append(Block("text", line.strip(), Location(relative, cell=number)))
        stale = _stale_log(_text(cell.get("source")), output)
        if stale is not None:
            document.notes.append(Bilingual(
                f"{relative} (cell {number}): its saved output shows {stale[0]} epochs but its code asks for "
                f"{stale[1]}: the outputs are from an earlier version of the code; a TA should compare them",
                f"{relative} (سلول {number}): خروجی ذخیره‌شده‌اش {stale[0]} دوره را نشان می‌دهد ولی کدش {stale[1]} "
                "دوره می‌خواهد: خروجی‌ها مربوط به نسخهٔ قبلی کد هستند؛ دستیار آموزشی باید مقایسه کند"))  # fmt: skip
    if counts != sorted(counts):
        shown = ", ".join(f"[{c}]" for c in counts[:12])
        document.notes.append(Bilingual(
            f"{relative}: cells were run out of order ({shown}): its saved outputs may depend on state the code "
            "does not show; a TA should check them",
            f"{relative}: سلول‌ها به ترتیب اجرا نشده‌اند ({shown}): خروجی‌های ذخیره‌شده ممکن است به حالتی وابسته باشند "
            "که کد نشان نمی‌دهد؛ دستیار آموزشی باید بررسی کند"))  # fmt: skip
    return document, question_of(code)


def _stale_log(source: str, output: str) -> tuple[int, int] | None:
    """(epochs in the log, epochs in the code) when a fit cell's saved log does not match its code."""
    asked = _EPOCHS_CODE.findall(source)
    logged = _EPOCHS_LOG.findall(output)
    if len(asked) != 1 or not logged:
        return None
    shown, wanted = int(logged[-1][1]), int(asked[0])
    return (shown, wanted) if shown != wanted else None
