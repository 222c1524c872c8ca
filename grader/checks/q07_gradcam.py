"""Q7 checks: the sheet's network, the student's Grad-CAM on the grader's trained model, the written parts.

The student's create_model() is built in the sandbox and described layer by
layer. Their Grad-CAM function is called on the grader's trained network
(weights from reference/artifacts/q07/, as a Functional and as a Sequential
model) with ten committed test digits, and its heatmaps are compared with the
reference ones by correlation (see _q07_heatmaps for the metric and the
measured thresholds). The expected heatmaps never leave this process.
"""

from __future__ import annotations

import base64
import copy
from fractions import Fraction

import numpy as np

from grader.checks._q07_calls import (
    CONV_POSITIONS,
    GradcamFunction,
    GradcamRun,
    find_gradcam,
    find_model_factory,
    run_gradcam,
    student_model,
)
from grader.checks._q07_heatmaps import AGREE, RELATED, agreement, normalise, reference_maps, resize_bilinear
from grader.checks._q07_model import (
    compare_layers,
    expected_layers,
    loss_is_categorical,
    normalised_layers,
    restore_compiled_activation,
)
from grader.context import QuestionContext, rubric_verdict, sheet_verdict
from grader.registry import Verdict, check
from grader.results import Bilingual
from grader.values import parse_number
from reference import q07_gradcam as ref

PARAMETERS = 130_890  # the sheet's network; tests/reference checks it with count_params()
NO_MODEL = Bilingual("Not answered yet: no create_model() (a function without parameters that returns the model) and "
                     "no model of the sheet's shape built in a notebook.",
                     "هنوز پاسخ داده نشده است: نه تابع create_model() (بدون پارامتر، که مدل را برمی‌گرداند) پیدا شد و "
                     "نه مدلی به شکل خواسته‌شده که در نوت‌بوک ساخته شده باشد.")  # fmt: skip
NO_GRADCAM = Bilingual("Not answered yet: no Grad-CAM function (e.g. generate_gradcam(model, images, labels, "
                       "target_layer)).", "هنوز پاسخ داده نشده است: تابع Grad-CAM (مثلاً generate_gradcam(model, "
                       "images, labels, target_layer)) پیدا نشد.")  # fmt: skip
VARIANT_NAMES = {
    "linear:conv2d": Bilingual("Grad-CAM of the FIRST conv layer (conv2d): it only sees edges; use the last one",
                               "Grad-CAM اولین لایهٔ کانولوشنی (conv2d): فقط لبه‌ها را می‌بیند؛ از آخرین لایه استفاده کنید"),
    "linear:conv2d_1": Bilingual("Grad-CAM of the SECOND conv layer (conv2d_1), not the last",
                                 "Grad-CAM دومین لایهٔ کانولوشنی (conv2d_1)، نه آخرین"),
    "softmax:conv2d_2": Bilingual("Grad-CAM of the softmax probability: the softmax was not replaced by a linear "
                                  "output (ReplaceToLinear), so saturated gradients distort the maps",
                                  "Grad-CAM احتمال softmax: softmax با خروجی خطی (ReplaceToLinear) جایگزین نشده "
                                  "است و گرادیان‌های اشباع‌شده نقشه‌ها را خراب می‌کنند"),
}  # fmt: skip


def _model(ctx: QuestionContext) -> tuple[dict[str, object], Bilingual | None] | Verdict:
    found = find_model_factory(ctx)
    if found is None:
        return Verdict(Fraction(0), NO_MODEL)
    described = copy.deepcopy(student_model(ctx, found))  # the remembered description stays as the run left it
    notes = [n for n in (found.note(), restore_compiled_activation(described)) if n is not None]
    if found.definition.kind == "model":
        notes.insert(0, Bilingual(f"(graded: the model `{found.definition.name}` your notebook built and trained)",
                                  f"(تصحیح‌شده: مدل `{found.definition.name}` که نوت‌بوک شما ساخت و آموزش داد)"))  # fmt: skip
    return described, Bilingual.join(notes) if notes else None


def _cat(*parts: Bilingual) -> Bilingual:
    return Bilingual.join(list(parts), sep="")


def _with_note(verdict: Verdict, note: Bilingual | None) -> Verdict:
    return verdict if note is None else Verdict(verdict.fraction, verdict.feedback + note, verdict.manual_review,
                                                verdict.details, verdict.crashed)  # fmt: skip


@check("q07.model_layers", points=5, en="the sheet's network, layer by layer", fa="شبکهٔ خواسته‌شده، لایه به لایه")
def model_layers(ctx: QuestionContext) -> Verdict:
    got = _model(ctx)
    if isinstance(got, Verdict):
        return got
    described, note = got
    layers = normalised_layers(list(described["layers"]))  # type: ignore[call-overload]
    comparison = compare_layers(layers, expected_layers(ref.SPEC))
    fraction = Fraction(comparison.fraction).limit_denominator(100)
    summary = " -> ".join(layer["type"] for layer in layers)
    if not comparison.problems:
        return _with_note(Verdict(Fraction(1), Bilingual(f"All 9 layers as the sheet asks: {summary}.",
                                                         f"هر ۹ لایه همان‌طور که خواسته شده است: {summary}.")), note)  # fmt: skip
    feedback = _cat(Bilingual(f"{comparison.correct} of 9 layers right ({summary}): ",
                              f"{comparison.correct} لایه از ۹ لایه درست است ({summary}): "),
                    Bilingual("; ".join(p.en for p in comparison.problems) + ".",
                              "؛ ".join(p.fa for p in comparison.problems) + "."))  # fmt: skip
    return _with_note(Verdict(fraction, feedback), note)


@check("q07.model_parameters", points=1, en="parameter count (130,890)", fa="تعداد پارامترها (۱۳۰٬۸۹۰)")
def model_parameters(ctx: QuestionContext) -> Verdict:
    got = _model(ctx)
    if isinstance(got, Verdict):
        return got
    count = got[0].get("parameters")
    if count == PARAMETERS:
        return Verdict(Fraction(1), Bilingual(f"{PARAMETERS:,} parameters, as the sheet's network has.",
                                              f"{PARAMETERS:,} پارامتر، همان‌قدر که شبکهٔ خواسته‌شده دارد."))  # fmt: skip
    shown = f"{count:,}" if isinstance(count, int) else "?"
    return Verdict(Fraction(0), Bilingual(f"your model has {shown} parameters; the sheet's network has {PARAMETERS:,}",
                                          f"مدل شما {shown} پارامتر دارد؛ شبکهٔ خواسته‌شده {PARAMETERS:,} پارامتر دارد"))  # fmt: skip


@check("q07.model_compile", points=1, en="compiled with categorical cross-entropy and Adam",
       fa="کامپایل با آنتروپی متقاطع دسته‌ای و Adam")  # fmt: skip
def model_compile(ctx: QuestionContext) -> Verdict:
    got = _model(ctx)
    if isinstance(got, Verdict):
        return got
    described = got[0]
    if not described.get("compiled"):
        return Verdict(Fraction(0), Bilingual("create_model() returns the model uncompiled; compile it with "
                                              "CategoricalCrossentropy and Adam", "create_model() مدل را کامپایل‌نشده "
                                              "برمی‌گرداند؛ آن را با CategoricalCrossentropy و Adam کامپایل کنید"))  # fmt: skip
    loss, optimizer = described.get("loss"), described.get("optimizer")
    categorical = loss_is_categorical(str(loss) if loss else None)
    fraction = Fraction(1, 2) * (optimizer == "Adam") + Fraction(1, 2) * (categorical is True)
    if categorical is False:
        fraction += Fraction(1, 4)  # sparse labels: equivalent, but not what the sheet asks
    parts = [f"loss {loss}", f"optimizer {optimizer}"]
    message = Bilingual(", ".join(parts) + (" as the sheet asks." if fraction == 1 else
                                            "; the sheet asks for CategoricalCrossentropy (one-hot labels) and Adam."),
                        "، ".join(parts) + ("، همان‌طور که خواسته شده است." if fraction == 1 else
                                            "؛ خواستهٔ سوال CategoricalCrossentropy (برچسب one-hot) و Adam است."))  # fmt: skip
    return Verdict(fraction, message)


@check("q07.test_accuracy", points=1, en="reported test accuracy", fa="دقت آزمون گزارش‌شده")
def test_accuracy(ctx: QuestionContext) -> Verdict:
    def grade(value: float) -> Verdict:
        value = value / 100 if value > 1 else value
        if 0.98 <= value <= 1.0:
            return Verdict(Fraction(1), Bilingual(f"{value:.4f}: plausible for this network (the reference reached "
                                                  "0.9904).", f"{value:.4f}: برای این شبکه پذیرفتنی است (مرجع به "
                                                  "0.9904 رسید)."))  # fmt: skip
        if 0.95 <= value < 0.98:
            return Verdict(Fraction(1, 2), Bilingual(f"{value:.4f}: low for this network after 15 epochs (the "
                                                     "reference reached 0.9904); check the scaling and the labels",
                                                     f"{value:.4f}: برای این شبکه پس از ۱۵ epoch کم است (مرجع به "
                                                     "0.9904 رسید)؛ مقیاس‌بندی و برچسب‌ها را بررسی کنید"))  # fmt: skip
        return Verdict(Fraction(0), Bilingual(f"{value:.4f} is not a plausible test accuracy for this network "
                                              "(the reference reached 0.9904)", f"{value:.4f} دقت آزمون پذیرفتنی "
                                              "برای این شبکه نیست (مرجع به 0.9904 رسید)"))  # fmt: skip

    return sheet_verdict(ctx, "q07.test_accuracy", parse_number, grade)


def _gradcam(ctx: QuestionContext) -> GradcamFunction | Verdict:
    found = find_gradcam(ctx)
    if found is None:
        return Verdict(Fraction(0), NO_GRADCAM)
    if isinstance(found, Bilingual):
        return Verdict(Fraction(0), found)
    return found


def _target() -> np.ndarray:
    _, _, cams = ref.load_probe_set()
    return reference_maps(cams[f"linear:{ref.LAST_CONV}"])


def _shape_problem(run: GradcamRun) -> Bilingual | None:
    maps = run.maps
    if maps.ndim != 3 or len(maps) != 10:
        return Bilingual(f"returned an array of shape {maps.shape} for 10 images; expected one 2-D heatmap per image",
                         f"برای ۱۰ تصویر آرایه‌ای با شکل {maps.shape} برگرداند؛ برای هر تصویر یک نقشهٔ دوبعدی لازم است")  # fmt: skip
    return None


def _compare(run: GradcamRun, flavour: str) -> Verdict:
    problem = _shape_problem(run)
    if problem is not None:
        return Verdict(Fraction(0), problem)
    if not np.all(np.isfinite(run.maps)):
        return Verdict(Fraction(0), Bilingual("the heatmaps contain NaN or infinite values",
                                              "نقشه‌ها مقدار NaN یا بی‌نهایت دارند"))  # fmt: skip
    score = agreement(run.maps, _target())
    lowest = min(score.per_image)
    detail = Bilingual(
        f"{flavour} model: median correlation with the reference heatmaps {score.median:.3f} (lowest {lowest:.3f}; "
        f"full credit from {AGREE}, half from {RELATED})",
        f"مدل {flavour}: میانهٔ همبستگی با نقشه‌های مرجع {score.median:.3f} (کمترین {lowest:.3f}؛ نمرهٔ کامل از "
        f"{AGREE} و نیمی از نمره از {RELATED})",
    )
    for note in run.notes + ([Bilingual("called with one-hot labels", "با برچسب‌های one-hot فراخوانی شد")]
                             if run.labels == "one-hot" else []):  # fmt: skip
        detail = _cat(detail, Bilingual(f"; {note.en}", f"؛ {note.fa}"))
    details = (("correlations", list(score.per_image)), ("labels", run.labels), ("maps", encode_maps(run.maps)))
    if score.median >= AGREE:
        return Verdict(Fraction(1), _cat(detail, Bilingual(".", ".")), details=details)
    diagnosis = _diagnose(run.maps)
    fraction = Fraction(1, 2) if score.median >= RELATED else Fraction(0)
    return Verdict(fraction, _cat(detail, Bilingual(f". {diagnosis.en}.", f". {diagnosis.fa}.")), details=details)


def encode_maps(maps: np.ndarray) -> dict[str, object]:
    """The student's maps, compact enough for every result file: [0, 1] quantised to 0..255, base64.

    (A list of floats would add ~200 kB of JSON per check.) The PDF report draws them
    beside the reference; `decode_maps` reverses this.
    """
    quantised = np.round(np.clip(np.nan_to_num(maps, nan=0.0), 0.0, 1.0) * 255).astype(np.uint8)
    return {"shape": list(quantised.shape), "uint8_base64": base64.b64encode(quantised.tobytes()).decode("ascii")}


def decode_maps(encoded: object) -> np.ndarray | None:
    if not isinstance(encoded, dict) or "uint8_base64" not in encoded:
        return None
    data = np.frombuffer(base64.b64decode(str(encoded["uint8_base64"])), dtype=np.uint8)
    return data.reshape([int(n) for n in encoded["shape"]]).astype(np.float64) / 255.0


def _diagnose(maps: np.ndarray) -> Bilingual:
    """Name the mistake the maps resemble, if one of the measured variants matches."""
    if all(np.ptp(m) <= 1e-6 for m in maps):
        return Bilingual("Every heatmap is constant (no contrast)", "همهٔ نقشه‌ها ثابت‌اند (بدون تضاد)")
    _, _, cams = ref.load_probe_set()
    best, name = -1.0, ""
    for variant, raw in cams.items():
        if variant in VARIANT_NAMES:
            median = agreement(maps, normalise(resize_bilinear(raw))).median
            if median > best:
                best, name = median, variant
    if best >= AGREE:
        return VARIANT_NAMES[name]
    return Bilingual("The maps do not match Grad-CAM of the last conv layer for the given class",
                     "نقشه‌ها با Grad-CAM آخرین لایهٔ کانولوشنی برای کلاس داده‌شده جور نیستند")  # fmt: skip


@check("q07.gradcam_functional", points=5, en="Grad-CAM heatmaps match the reference (Functional model)",
       fa="نقشه‌های Grad-CAM با مرجع جورند (مدل Functional)")  # fmt: skip
def gradcam_functional(ctx: QuestionContext) -> Verdict:
    found = _gradcam(ctx)
    if isinstance(found, Verdict):
        return found
    return _with_note(_compare(run_gradcam(ctx, found, "functional"), "Functional"), found.note)


@check("q07.gradcam_sequential", points=2, en="the same on a Sequential model", fa="همین روی یک مدل Sequential")
def gradcam_sequential(ctx: QuestionContext) -> Verdict:
    found = _gradcam(ctx)
    if isinstance(found, Verdict):
        return found
    return _compare(run_gradcam(ctx, found, "sequential"), "Sequential")


@check("q07.gradcam_output", points=1, en="heatmaps 28x28 (or the last conv layer's 7x7) with values in [0, 1]",
       fa="نقشه‌ها ۲۸×۲۸ (یا ۷×۷ آخرین لایهٔ کانولوشنی) با مقادیر در [0, 1]")  # fmt: skip
def gradcam_output(ctx: QuestionContext) -> Verdict:
    found = _gradcam(ctx)
    if isinstance(found, Verdict):
        return found
    run = run_gradcam(ctx, found, "functional")
    problem = _shape_problem(run)
    if problem is not None:
        return Verdict(Fraction(0), problem)
    maps, fraction, problems = run.maps, Fraction(1), []
    # 28x28 (the image) or 7x7 (the last conv layer's own grid, which keras.io's make_gradcam_heatmap returns
    # and its display step upsamples): both are Grad-CAM's output. Any other size comes from another layer.
    if maps.shape[1:] not in ((28, 28), (7, 7)):
        fraction -= Fraction(1, 2)
        problems.append(Bilingual(f"the heatmaps are {maps.shape[1]}x{maps.shape[2]}: the last conv layer's grid is "
                                  "7x7, upsampled to the image it is 28x28", f"نقشه‌ها {maps.shape[1]}×{maps.shape[2]} "
                                  "هستند: شبکهٔ آخرین لایهٔ کانولوشنی ۷×۷ است و پس از بزرگ‌کردن به اندازهٔ تصویر ۲۸×۲۸"))  # fmt: skip
    finite = np.isfinite(maps)
    if not finite.all() or maps[finite].min() < -1e-6 or maps[finite].max() > 1 + 1e-6:
        fraction -= Fraction(1, 2)
        low, high = (float(maps[finite].min()), float(maps[finite].max())) if finite.any() else (np.nan, np.nan)
        problems.append(Bilingual(f"values from {low:.3g} to {high:.3g}{' with NaN' if not finite.all() else ''}; "
                                  "min-max scale each heatmap to [0, 1]", f"مقادیر از {low:.3g} تا {high:.3g}"
                                  f"{' همراه با NaN' if not finite.all() else ''}؛ هر نقشه را با min-max به [0, 1] "
                                  "ببرید"))  # fmt: skip
    if not problems:
        size = f"{maps.shape[1]}x{maps.shape[2]}"
        return Verdict(Fraction(1), Bilingual(f"10 heatmaps of {size}, values in [0, 1].",
                                              f"۱۰ نقشهٔ {size} با مقادیر در [0, 1]."))  # fmt: skip
    feedback = problems[0] if len(problems) == 1 else _cat(problems[0], Bilingual("; ", "؛ "), problems[1])
    return Verdict(max(fraction, Fraction(0)), feedback)


@check("q07.gradcam_constant", points=1, en="a constant Grad-CAM gives no NaN", fa="Grad-CAM ثابت NaN نمی‌دهد")
def gradcam_constant(ctx: QuestionContext) -> Verdict:
    found = _gradcam(ctx)
    if isinstance(found, Verdict):
        return found
    run = run_gradcam(ctx, found, "functional", zero_head=True)
    problem = _shape_problem(run)
    if problem is not None:
        return Verdict(Fraction(0), problem)
    setup = Bilingual("On a model whose class scores ignore the image (every Grad-CAM is all zeros),",
                      "روی مدلی که امتیاز کلاس‌هایش به تصویر بستگی ندارد (همهٔ Grad-CAMها صفرند)،")  # fmt: skip
    if not np.all(np.isfinite(run.maps)):
        return Verdict(Fraction(0), setup + Bilingual(
            "your heatmaps contain NaN: the min-max scaling divides 0 by 0; guard it (e.g. return zeros when "
            "max == min, or add a small epsilon).",
            "نقشه‌های شما NaN دارند: مقیاس‌بندی min-max صفر را بر صفر تقسیم می‌کند؛ از آن محافظت کنید (مثلاً "
            "وقتی max == min صفر برگردانید یا یک اپسیلون کوچک اضافه کنید)."))  # fmt: skip
    return Verdict(Fraction(1), setup + Bilingual("your heatmaps stay finite.", "نقشه‌های شما متناهی می‌مانند."))


def _layer_position(name: str, ctx: QuestionContext) -> int | None:
    """Position (in the sheet's 9 layers) of a layer name: the student's own names, or Keras' automatic ones."""
    described = ctx.memo.get("model")
    if isinstance(described, dict):
        names = [layer.get("name") for layer in described.get("layers", [])]
        if name in names and len(names) == 9:
            return names.index(name)
    kinds = {"conv2d": CONV_POSITIONS, "max_pooling2d": (1, 3, 5), "flatten": (6,), "dense": (7, 8)}
    base, _, suffix = name.rpartition("_")
    if not suffix.isdigit():
        base, suffix = name, "0"
    if base in kinds:
        positions = kinds[base]
        return positions[int(suffix) % len(positions)]
    return None


@check("q07.target_layer", points=1, en="Grad-CAM on the last conv layer", fa="Grad-CAM روی آخرین لایهٔ کانولوشنی")
def target_layer(ctx: QuestionContext) -> Verdict:
    def grade(name: str) -> Verdict:
        name = name.strip().strip("'\"`")
        position = _layer_position(name, ctx)
        if position == CONV_POSITIONS[-1]:
            text = Bilingual(f"{name}: the last conv layer.", f"{name}: آخرین لایهٔ کانولوشنی.")
            if name != "conv2d_2" and name.startswith("conv2d"):
                text = Bilingual(f"{name}: the last conv layer ({name} is an automatic name from a session where the "
                                 "model was built more than once: its third conv layer).", f"{name}: آخرین لایهٔ "
                                 f"کانولوشنی ({name} نامی خودکار از نشستی است که مدل بیش از یک بار ساخته شده است: سومین "
                                 "لایهٔ کانولوشنی آن).")  # fmt: skip
            return Verdict(Fraction(1), text)
        if position is None:
            return Verdict(Fraction(1, 2), Bilingual(f"{name!r}: cannot tell which layer this is; a TA will check",
                                                     f"{name!r}: معلوم نیست کدام لایه است؛ دستیار آموزشی بررسی می‌کند"),
                           manual_review=True)  # fmt: skip
        kind = ref.SPEC[position][0]
        return Verdict(Fraction(0), Bilingual(
            f"{name} is layer {position + 1} ({kind}); Grad-CAM belongs on the LAST conv layer (conv2d_2), which "
            "keeps the positions and the most class-specific features",
            f"{name} لایهٔ {position + 1} ({kind}) است؛ Grad-CAM باید روی آخرین لایهٔ کانولوشنی (conv2d_2) باشد که "
            "هم مکان‌ها و هم اختصاصی‌ترین ویژگی‌های کلاس را نگه می‌دارد"))  # fmt: skip

    return sheet_verdict(ctx, "q07.target_layer", str, grade)


@check("q07.analysis", points=2, en="what Grad-CAM shows (written)", fa="آنچه Grad-CAM نشان می‌دهد (تشریحی)")
def analysis(ctx: QuestionContext) -> Verdict:
    return rubric_verdict(ctx, "analysis", "analysis")
