"""Q2: checking a student's own data pipeline on the grader's small dataset.

The notebook hands out its pipeline (`train_generator` / `val_generator`); a student who
rewrote it (for Keras 3, tf.data, augmentation...) can hand it in as
`make_generators(data_dir) -> (train_generator, val_generator)` (see the template). The
grader writes a dataset in the GRAZPEDWRI-DX layout into the sandbox's scratch folder:
`dataset.csv` (filestem, fracture_visible empty for no fracture, as in the real CSV, and a
few other columns) and `images/<filestem>.png`, 8-bit grayscale PNGs of different sizes.
Every image is one flat grey level, a different one for each image (fractures bright,
the others dark), so the median of an image in a batch says which image it is, whatever
the order, scaling or augmentation: the checks can then verify the labels, the split
and its overlap image by image. probe_batches.py describes the batches; judging is here.
"""

from __future__ import annotations

import csv
import inspect
import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grader.context import QuestionContext
from grader.results import Bilingual
from grader.sandbox import probe_batches
from grader.sandbox.client import student
from grader.sandbox.failures import StudentCodeFailure
from grader.sandbox.handover import HandoverError, write_files

PROBE, PROBE_SOURCE = "batches", inspect.getsource(probe_batches)
NAMES = ("make_generators", "create_generators", "get_generators")  # not load_data: Q1 code uses it too
TIMEOUT = 120.0  # TensorFlow's import (~5 s) when the pipeline is the first Keras code to run
IMAGES, POSITIVES = 100, 40
SIZE, CHANNELS, BATCH, VALIDATION = 224, 3, 64, 0.2  # the sheet's pipeline
MAX_BATCHES = 8  # one epoch here is 2 training and 1 validation batch of 64
SEED = 7
# Grey levels: fractures 150, 152, ..., 228; no fracture 6, 8, ..., 124 (2 apart, so a level
# is still recognised after float32 averaging or a resize that blurs the edges a little).
LEVELS = np.concatenate([150 + 2 * np.arange(POSITIVES), 6 + 2 * np.arange(IMAGES - POSITIVES)])
CAFFE_MEANS = np.array([103.939, 116.779, 123.68])  # BGR, keras.applications.{vgg16,resnet50}.preprocess_input


@dataclass(frozen=True)
class Dataset:
    folder: Path
    stems: tuple[str, ...]
    fracture: np.ndarray  # label of image i (1: fracture visible)


def _png(pixels: np.ndarray) -> bytes:
    """An 8-bit grayscale PNG (no dependency: the format is a few zlib-compressed rows)."""
    height, width = pixels.shape
    raw = b"".join(b"\x00" + pixels[row].astype(np.uint8).tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def write_dataset(scratch: Path) -> Dataset:
    """The grader's GRAZPEDWRI-DX-like dataset, seeded (rows in a shuffled order, images of various sizes),
    in a new folder of `scratch` (see handover: student code can write there too)."""
    rng = np.random.default_rng(SEED)
    order = rng.permutation(IMAGES)
    stems = tuple(f"{1000 + i:04d}_{1297860395 + 7919 * i}_0{1 + i % 3}_WRI-{'LR'[i % 2]}{1 + i % 2}_M{10 + i % 9:03d}"
                  for i in range(IMAGES))  # fmt: skip
    fracture = (np.arange(IMAGES) < POSITIVES).astype(np.int64)
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(
        ["filestem", "patient_id", "gender", "age", "laterality", "projection", "fracture_visible", "metal"]
    )
    files: dict[str, bytes] = {}
    for i in order:
        height, width = (int(v) for v in rng.integers(72, 160, 2))
        files[f"images/{stems[i]}.png"] = _png(np.full((height, width), LEVELS[i]))
        writer.writerow([stems[i], 2000 + i, "MF"[i % 2], int(rng.integers(2, 18)), "LR"[i % 2], 1 + i % 2,
                         "1" if fracture[i] else "", "1" if i % 17 == 0 else ""])  # fmt: skip
    files["dataset.csv"] = table.getvalue().encode("utf-8")
    folder = write_files(scratch, files, prefix="q02_xray_")
    return Dataset(folder, stems, fracture)


def find(ctx: QuestionContext) -> Any:
    for name in NAMES:
        found = ctx.find(name)
        if found is not None and found.definition.required is not None and len(found.definition.required) == 1:
            return found.definition
    return None


def describe(ctx: QuestionContext) -> tuple[Dataset, dict[str, Any]] | None:
    """The student's pipeline run on the grader's dataset (remembered); None when there is none."""

    def run() -> tuple[Dataset, dict[str, Any]] | None:
        definition = find(ctx)
        if definition is None:
            return None
        assert ctx.sandbox is not None
        try:
            dataset = write_dataset(ctx.sandbox.scratch)
        except HandoverError as error:
            raise StudentCodeFailure("crashed", Bilingual(
                f"the grader's images could not be written: something in the scratch folder got in the way ({error})",
                f"تصاویر تصحیح‌گر نوشته نشد: چیزی در پوشهٔ کاری مانع شد ({error})")) from None  # fmt: skip
        reply = ctx.sandbox.probe(PROBE, PROBE_SOURCE, "describe_pipeline", student(definition),
                                  str(dataset.folder), MAX_BATCHES, SEED, timeout=TIMEOUT).value  # fmt: skip
        return dataset, dict(reply)

    return ctx.remember("q02_pipeline", run)


# -- recognising the images ----------------------------------------------------------------
# How a pipeline may map a grey level g to pixel values, per channel: the sheet's 0..1, and the
# alternatives students use, which are recognised so that the feedback can name them.
SCALINGS: dict[str, Any] = {
    "0..1": lambda m: m * 255.0,
    "0..255 (not scaled)": lambda m: m,
    "-1..1": lambda m: (m + 1.0) * 127.5,
    "caffe": lambda m: m + CAFFE_MEANS[: m.shape[-1]] if m.shape[-1] == 3 else m + CAFFE_MEANS.mean(),
}


def recognise(medians: np.ndarray) -> tuple[str, np.ndarray] | None:
    """The scaling under which every image's channel medians are one of LEVELS, and each image's index."""
    for name, to_level in SCALINGS.items():
        levels = to_level(medians)
        per_image = levels.mean(axis=1)
        if np.ptp(levels, axis=1).max(initial=0) > 1.0:
            continue  # channels that disagree: not a grey image under this scaling
        nearest = np.abs(per_image[:, None] - LEVELS[None, :]).argmin(axis=1)
        if np.all(np.abs(per_image - LEVELS[nearest]) < 0.75):
            return name, nearest
    return None


# -- judging -------------------------------------------------------------------------------
@dataclass
class Judgement:
    findings: list[Bilingual]  # what is wrong, each a clause naming the fix
    verified: list[Bilingual]  # what was checked and is right


@dataclass
class _Part:
    name: Bilingual
    finished: bool
    images: int
    index: np.ndarray | None = None  # which of the grader's images each batch row is
    labels: np.ndarray | None = None
    scaling: str | None = None


def _part(name: Bilingual, described: dict[str, Any], problems: list[Bilingual]) -> _Part | None:
    """One source's epoch; what is wrong with it goes to `problems` (without its name: see judge)."""
    batches = described["batches"]
    if not batches:
        problems.append(Bilingual("the source yielded no batch", "منبع هیچ دسته‌ای نداد"))
        return None
    broken = next((b["problem"] for b in batches if "problem" in b), None)
    if broken is not None:
        problems.append(Bilingual(str(broken), str(broken)))
        return None
    part = _Part(name, bool(described["finished"]), sum(int(b["x_shape"][0]) for b in batches))
    first = batches[0]
    shape = tuple(first["x_shape"][1:])
    if shape != (SIZE, SIZE, CHANNELS):
        en = fa = ""
        if len(shape) == 3 and shape[2] == 1:
            en = ": one channel; repeat the grey one for the backbones (color_mode='rgb', grayscale_to_rgb)"
            fa = ": یک کانال؛ کانال خاکستری را برای مدل پایه تکرار کنید (color_mode='rgb'، grayscale_to_rgb)"
        problems.append(Bilingual(f"images have shape {shape}, the sheet's pipeline gives (224, 224, 3){en}",
                                  f"تصاویر شکل {shape} دارند، pipeline برگه (224, 224, 3) می‌دهد{fa}"))  # fmt: skip
    if first["x_dtype"] != "float32":
        problems.append(Bilingual(f"images are {first['x_dtype']}, the sheet asks for float32",
                                  f"تصاویر از نوع {first['x_dtype']} هستند، برگه float32 می‌خواهد"))  # fmt: skip
    y_shape = tuple(first["y_shape"][1:])
    if y_shape != (2,):
        problems.append(Bilingual(
            f"labels have shape {y_shape or '()'} per image: Dense(2, softmax) with categorical_crossentropy "
            "needs one-hot labels of 2 columns (class_mode='categorical')",
            f"برچسب‌ها برای هر تصویر شکل {y_shape or '()'} دارند: Dense(2, softmax) با "
            "categorical_crossentropy برچسب one-hot با ۲ ستون لازم دارد (class_mode='categorical')"))  # fmt: skip
    if "medians" not in first:
        return part
    found = recognise(np.concatenate([np.asarray(b["medians"]) for b in batches]))
    if found is None:
        problems.append(Bilingual(
            "the grader's images could not be recognised in the batches (an unusual scaling or an augmentation "
            "that changes brightness): a TA will look",
            "تصاویر تصحیح‌گر در دسته‌ها شناخته نشدند (مقیاس‌بندی غیرمعمول یا افزایش داده‌ای که روشنایی را تغییر "
            "می‌دهد): دستیار آموزشی بررسی می‌کند"))  # fmt: skip
        return part
    part.scaling, part.index = found
    if y_shape == (2,):
        part.labels = np.concatenate([np.asarray(b["labels"]) for b in batches])
    return part


TRAIN = Bilingual("training", "آموزش")
VALIDATION_NAME = Bilingual("validation", "اعتبارسنجی")


def judge(dataset: Dataset, described: dict[str, Any]) -> Judgement:
    if "problem" in described:
        text = str(described["problem"])
        return Judgement([Bilingual(text, text)], [])
    parts: list[_Part] = []
    said: dict[Bilingual, list[Bilingual]] = {}  # each problem once, with the sources that have it
    for name, key in ((TRAIN, "train"), (VALIDATION_NAME, "validation")):
        problems: list[Bilingual] = []
        part = _part(name, described[key], problems)
        if part is not None:
            parts.append(part)
        for problem in problems:
            said.setdefault(problem, []).append(name)
    findings = [Bilingual(f"{problem.en} ({' and '.join(n.en for n in names)})",
                          f"{problem.fa} ({' و '.join(n.fa for n in names)})") for problem, names in said.items()]  # fmt: skip
    kinds = " / ".join(dict.fromkeys(_kind(described[name]["kind"]) for name in ("train", "validation")))
    verified = [Bilingual(f"run on the grader's {IMAGES} images ({kinds})",
                          f"روی {IMAGES} تصویر تصحیح‌گر اجرا شد ({kinds})")]  # fmt: skip
    if not findings:
        verified.append(Bilingual("224x224x3 float32 images", "تصاویر 224x224x3 از نوع float32"))
    train = next((p for p in parts if p.name is TRAIN), None)
    if train is not None and train.images > BATCH and described["train"]["batches"][0]["x_shape"][0] != BATCH:
        size = described["train"]["batches"][0]["x_shape"][0]
        findings.append(Bilingual(f"batches of {size} images, the sheet says {BATCH}",
                                  f"دسته‌های {size} تصویری، برگه {BATCH} می‌گوید"))  # fmt: skip
    elif train is not None and train.images > BATCH:
        verified.append(Bilingual(f"batches of {BATCH}", f"دسته‌های {BATCH} تایی"))
    recognised = [p for p in parts if p.index is not None]
    _judge_scaling(recognised, findings, verified)
    _judge_labels(dataset, recognised, findings, verified)
    _judge_split(dataset, parts, findings, verified)
    return Judgement(findings, verified)


def _kind(name: str) -> str:
    """tf.data's classes are private (_BatchDataset, _PrefetchDataset...): name the public one."""
    return "tf.data.Dataset" if name.startswith("_") and name.endswith("Dataset") else name


def _judge_scaling(parts: list[_Part], findings: list[Bilingual], verified: list[Bilingual]) -> None:
    for scaling in dict.fromkeys(p.scaling for p in parts):
        if scaling == "0..1":
            verified.append(Bilingual("pixels scaled to 0..1, the same grey in every channel",
                                      "پیکسل‌ها در بازهٔ ۰ تا ۱، خاکستری یکسان در همهٔ کانال‌ها"))  # fmt: skip
        elif scaling == "caffe":
            verified.append(Bilingual(
                "pixels prepared by the backbone's own preprocess_input instead of the sheet's 0..1 (accepted: "
                "better for ImageNet weights, as the key explains)",
                "پیکسل‌ها به جای بازهٔ ۰ تا ۱ برگه با preprocess_input خود مدل پایه آماده شده‌اند (پذیرفته است: "
                "برای وزن‌های ImageNet بهتر است، همان‌طور که پاسخ‌نامه توضیح می‌دهد)"))  # fmt: skip
        else:
            findings.append(Bilingual(f"pixel values are on the {scaling} scale, the sheet scales them to 0..1 "
                                      "(rescale=1./255)",
                                      f"مقدار پیکسل‌ها در مقیاس {scaling} است، برگه آن‌ها را به بازهٔ ۰ تا ۱ می‌برد "
                                      "(rescale=1./255)"))  # fmt: skip


def _judge_labels(dataset: Dataset, parts: list[_Part], findings: list[Bilingual], verified: list[Bilingual]) -> None:
    labelled = [p for p in parts if p.labels is not None and p.index is not None]
    if not labelled:
        return
    index = np.concatenate([p.index for p in labelled if p.index is not None])
    classes = np.concatenate([p.labels for p in labelled if p.labels is not None]).argmax(axis=1)
    truth = dataset.fracture[index]
    fracture_column = int(np.bincount(classes[truth == 1], minlength=2).argmax()) if (truth == 1).any() else 1
    wrong = classes != np.where(truth == 1, fracture_column, 1 - fracture_column)
    if wrong.any():
        example = int(index[np.argmax(wrong)])
        empty = "empty" if not dataset.fracture[example] else "1"
        findings.append(Bilingual(
            f"{int(wrong.sum())} of {len(wrong)} images have the wrong label (e.g. {dataset.stems[example]}, whose "
            f"fracture_visible is {empty})",
            f"{int(wrong.sum())} تصویر از {len(wrong)} تصویر برچسب نادرست دارند (مثلاً {dataset.stems[example]} که "
            f"fracture_visible آن {'خالی' if empty == 'empty' else '1'} است)"))  # fmt: skip
        return
    column = f"column {fracture_column}"
    verified.append(Bilingual(f"one-hot labels, all {len(wrong)} correct (fracture = {column})",
                              f"برچسب‌های one-hot، هر {len(wrong)} درست (شکستگی = ستون {fracture_column})"))  # fmt: skip


def _judge_split(dataset: Dataset, parts: list[_Part], findings: list[Bilingual], verified: list[Bilingual]) -> None:
    if len(parts) != 2 or any(p.index is None for p in parts):
        return
    endless = [p.name for p in parts if not p.finished]
    if endless:
        names = Bilingual.join(endless, " / ")
        verified.append(Bilingual(f"the split was not counted: the {names.en} source never ends (one epoch "
                                  f"is more than {MAX_BATCHES} batches)",
                                  f"تقسیم داده شمرده نشد: منبع {names.fa} تمام نمی‌شود (یک دوره بیش از "
                                  f"{MAX_BATCHES} دسته است)"))  # fmt: skip
        return
    train, validation = (set(int(i) for i in p.index) for p in parts if p.index is not None)
    both = train & validation
    if both:
        findings.append(Bilingual(
            f"{len(both)} images are in both the training and the validation data (e.g. a dataset shuffled "
            "again on every pass before take/skip): the validation scores are not honest",
            f"{len(both)} تصویر هم در داده‌های آموزش و هم در اعتبارسنجی هستند (مثلاً داده‌ای که پیش از take/skip در "
            "هر بار پیمایش دوباره بُر می‌خورد): نتیجهٔ اعتبارسنجی قابل اعتماد نیست"))  # fmt: skip
    missing = sorted(set(range(IMAGES)) - train - validation)
    if missing:
        if not dataset.fracture[missing].any():
            why = Bilingual("all of them without a fracture, i.e. an empty fracture_visible, which means 0: fill it "
                            "instead of dropping the rows",
                            "همه بدون شکستگی، یعنی با fracture_visible خالی که به معنای ۰ است: آن را پر کنید به جای "
                            "حذف سطرها")  # fmt: skip
        else:
            why = Bilingual(f"e.g. {dataset.stems[missing[0]]}", f"مثلاً {dataset.stems[missing[0]]}")
        findings.append(Bilingual(f"{len(missing)} of the {IMAGES} images are in neither part ({why.en})",
                                  f"{len(missing)} تصویر از {IMAGES} تصویر در هیچ‌کدام از دو بخش نیستند ({why.fa})"))  # fmt: skip
    used = len(train | validation)  # the share of the images the pipeline used (dropped ones are said above)
    share = len(validation) / max(used, 1)
    if abs(len(validation) - VALIDATION * used) > 1:
        findings.append(Bilingual(f"{len(validation)} of the {used} images used ({share:.0%}) are for validation, "
                                  f"the sheet holds out {VALIDATION:.0%}",
                                  f"{len(validation)} تصویر از {used} تصویر استفاده‌شده ({share:.0%}) برای "
                                  f"اعتبارسنجی است، برگه {VALIDATION:.0%} را کنار می‌گذارد"))  # fmt: skip
    elif not both and not missing:
        verified.append(Bilingual(f"{len(train)} training and {len(validation)} validation images, none in both",
                                  f"{len(train)} تصویر آموزش و {len(validation)} تصویر اعتبارسنجی، بدون تصویر مشترک"))  # fmt: skip
