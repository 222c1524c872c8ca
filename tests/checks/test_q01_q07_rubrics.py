"""The keyword rubrics for the written answers of Q1 and Q7 (answers/q01.yaml, answers/q07.yaml).

No TensorFlow: these only load the rubrics and score text. Each rubric must give its own model
answer full marks, give nothing to an empty or off-topic answer, read Persian typed with Arabic
letters or any ZWNJ habit the same way, and give the seed student (transcribed from
/work/shared/seed/student_answer_sheet.fa.txt) the partial credit argued below.
"""

from __future__ import annotations

import re
import time
from fractions import Fraction

import pytest

from grader import answers
from grader.persian import normalize_text
from grader.rubric import RubricGroup, RubricScore, load_rubric, score_text

Rubric = tuple[str, str]  # (question, rubric name)

# Total points of each rubric, and a short label for each of its groups, in the yaml's order.
TOTALS: dict[Rubric, float] = {
    ("q01", "keras_tuner"): 2,
    ("q01", "tuners"): 2,
    ("q01", "tuner_reason"): 1,
    ("q01", "mnist"): 4,
    ("q01", "dropout_pooling_effect"): 5,
    ("q01", "filter_size"): 2,
    ("q01", "overfitting"): 5,
    ("q01", "results_analysis"): 2,
    ("q07", "analysis"): 2,
}
LABELS: dict[Rubric, tuple[str, ...]] = {
    ("q01", "keras_tuner"): ("library", "search_space", "trials_objective", "best"),
    ("q01", "tuners"): ("random", "hyperband", "bayesian", "grid", "sklearn"),
    ("q01", "tuner_reason"): ("reason",),
    ("q01", "mnist"): (
        "split",
        "size_grayscale",
        "ten_digits",
        "scaling",
        "channel_labels",
        "conv_features",
        "softmax",
        "validation_test",
    ),
    ("q01", "dropout_pooling_effect"): (
        "dropout_random",
        "regularises",
        "co_adaptation",
        "downsamples",
        "fewer_params",
        "shift_tolerance",
    ),
    ("q01", "filter_size"): ("small_kernel", "input_scale", "stacking", "tuned"),
    ("q01", "overfitting"): ("regularise", "fewer_params", "shift_tolerance", "ensemble", "unseen_accuracy"),
    ("q01", "results_analysis"): ("reported", "compared", "which_mattered", "curves"),
    ("q07", "analysis"): ("discriminative_parts", "background", "coarse", "interpretation"),
}
# Which model answer each rubric grades.
MODEL_PART: dict[Rubric, str] = {
    ("q01", "keras_tuner"): "a",
    ("q01", "tuners"): "a",
    ("q01", "tuner_reason"): "a",
    ("q01", "mnist"): "b",
    ("q01", "dropout_pooling_effect"): "b_bonus",
    ("q01", "filter_size"): "c",
    ("q01", "results_analysis"): "c",
    ("q01", "overfitting"): "c_bonus",
    ("q07", "analysis"): "analysis",
}
RUBRICS = sorted(TOTALS)
OFF_TOPIC = ("", "   ", "I liked this homework", "این تمرین جالب بود", "اين تمرين جالب بود.")


def rubric_groups(rubric: Rubric) -> tuple[RubricGroup, ...]:
    question, name = rubric
    return load_rubric(answers.load(question)["rubrics"][name]["groups"])


def model_answer(rubric: Rubric, language: str) -> str:
    return str(answers.load(rubric[0])["model_answers"][MODEL_PART[rubric]][language])


def score(rubric: Rubric, text: str) -> RubricScore:
    return score_text(text, rubric_groups(rubric))


def matched(rubric: Rubric, text: str) -> set[str]:
    groups = rubric_groups(rubric)
    hits = score_text(text, groups).matched
    return {label for label, group in zip(LABELS[rubric], groups, strict=True) if group in hits}


def arabic_keyboard(text: str, zwnj: str) -> str:
    """The same Persian text typed with Arabic yeh and kaf, and with ZWNJ replaced by `zwnj`."""
    return text.replace("ی", "ي").replace("ک", "ك").replace("\u200c", zwnj)


def rid(rubric: Rubric) -> str:
    return "/".join(rubric)


# --- the rubrics' shape ----------------------------------------------------------------------------


@pytest.mark.parametrize("rubric", RUBRICS, ids=rid)
def test_points_sum_to_the_rubric_total_and_every_group_is_labelled(rubric: Rubric) -> None:
    groups = rubric_groups(rubric)
    assert sum(g.points for g in groups) == pytest.approx(TOTALS[rubric])
    assert len(groups) == len(LABELS[rubric])
    for group in groups:
        assert group.points > 0 and group.patterns
        assert group.idea.en.strip() and re.search("[\u0600-\u06ff]", group.idea.fa), group.idea


def test_q01_rubrics_are_exactly_the_listed_ones() -> None:
    assert set(answers.load("q01")["rubrics"]) == {name for question, name in TOTALS if question == "q01"}
    assert set(answers.load("q07")["rubrics"]) == {"analysis"}


@pytest.mark.parametrize("rubric", RUBRICS, ids=rid)
def test_patterns_are_written_in_the_normalised_form_they_are_matched_against(rubric: Rubric) -> None:
    question, name = rubric
    for group in answers.load(question)["rubrics"][name]["groups"]:
        for pattern in group["any"]:
            re.compile(pattern)
            # Every non-ASCII character must survive normalize_text (no آ, أ, ۀ, ئ, ZWNJ, Persian digits...),
            # and ASCII letters must be lower case outside escapes such as \W or \S.
            unreachable = {ch for ch in pattern if not ch.isascii() and normalize_text(ch) != ch}
            assert not unreachable, (pattern, unreachable)
            assert not re.search("[A-Z]", re.sub(r"\\.", "", pattern)), pattern
            # No unbounded wildcard and no directly nested quantifier: matching stays fast.
            assert ".*" not in pattern and ".+" not in pattern, pattern
            assert not re.search(r"[*+}]\)[*+{]", pattern), pattern


@pytest.mark.parametrize("rubric", RUBRICS, ids=rid)
def test_long_repetitive_text_is_scored_quickly(rubric: Rubric) -> None:
    texts = ("hyperband " * 3000, "بیز " * 3000, "we use x because " * 1500, "accuracy 3 در " * 2000, "a" * 30000)
    for text in texts:
        start = time.perf_counter()
        score(rubric, text)
        assert time.perf_counter() - start < 2, (rubric, text[:20])


# --- model answers, empty and off-topic answers, keyboards ----------------------------------------


def _model_cases() -> list[object]:
    cases: list[object] = []
    for rubric in RUBRICS:
        for language in ("en", "fa"):
            cases.append(pytest.param(rubric, language, id=f"{rid(rubric)}-{language}"))
    return cases


@pytest.mark.parametrize(("rubric", "language"), _model_cases())
def test_model_answer_scores_full_marks(rubric: Rubric, language: str) -> None:
    result = score(rubric, model_answer(rubric, language))
    assert result.fraction == 1, [g.idea.en for g in result.missed]


@pytest.mark.parametrize("rubric", RUBRICS, ids=rid)
@pytest.mark.parametrize("text", OFF_TOPIC)
def test_empty_or_off_topic_answer_scores_zero(rubric: Rubric, text: str) -> None:
    result = score(rubric, text)
    assert result.fraction == 0 and not result.matched


@pytest.mark.parametrize("rubric", RUBRICS, ids=rid)
@pytest.mark.parametrize("zwnj", ["", " ", "\u200c"], ids=["no-zwnj", "space", "zwnj"])
def test_arabic_letters_and_zwnj_habits_score_like_the_clean_persian(rubric: Rubric, zwnj: str) -> None:
    clean = model_answer(rubric, "fa")
    variant = arabic_keyboard(clean, zwnj)
    assert variant != clean
    assert matched(rubric, variant) == matched(rubric, clean)
    assert score(rubric, variant).fraction == score(rubric, clean).fraction


# --- tuners: a name is not a description ----------------------------------------------------------

NAMES_ONLY = (
    "KerasTuner offers RandomSearch, Hyperband, BayesianOptimization, GridSearch and the Sklearn tuner.",
    "- RandomSearch\n- Hyperband\n- BayesianOptimization\n- GridSearch\n- SklearnTuner\nWe use Hyperband.",
    "تیونرهای KerasTuner عبارت‌اند از RandomSearch، Hyperband، BayesianOptimization، GridSearch و Sklearn.",
    "انواع tuner: جستجوی تصادفی، هایپرباند، بهینه‌سازی بیزی، جستجوی شبکه‌ای و Sklearn.",
)


@pytest.mark.parametrize("text", NAMES_ONLY)
def test_listing_tuner_names_without_describing_them_earns_at_most_a_quarter(text: str) -> None:
    assert score(("q01", "tuners"), text).fraction <= Fraction(1, 4)


def test_each_tuner_described_in_one_sentence_earns_its_own_points() -> None:
    rubric = ("q01", "tuners")
    assert matched(rubric, "RandomSearch picks each configuration at random.") == {"random"}
    assert matched(rubric, "Hyperband gives most epochs to the best trials (successive halving).") == {"hyperband"}
    assert matched(rubric, "BayesianOptimization models the score with a Gaussian process.") == {"bayesian"}
    assert matched(rubric, "GridSearch همهٔ ترکیب‌های ممکن را امتحان می‌کند.") == {"grid"}
    assert matched(rubric, "SklearnTuner برای مدل‌های scikit-learn با اعتبارسنجی متقابل است.") == {"sklearn"}


def test_a_tuner_choice_without_a_reason_earns_nothing() -> None:
    rubric = ("q01", "tuner_reason")
    assert score(rubric, "We use Hyperband.").fraction == 0
    assert score(rubric, "ما Hyperband را انتخاب کردیم.").fraction == 0
    # A reason in a tuner's description is not a reason for choosing it.
    assert (
        score(rubric, "RandomSearch is fast because it samples at random; Hyperband stops bad trials early.").fraction
        == 0
    )
    assert score(rubric, "Hyperband was selected. It stops bad trials early.").fraction == 1
    assert score(rubric, "به دلیل محدودیت زمان و منابع محاسباتی، Hyperband را انتخاب کردیم.").fraction == 1


# --- correct answers in other words --------------------------------------------------------------

PARAPHRASES: list[tuple[Rubric, str]] = [
    (("q01", "keras_tuner"),
     "KerasTuner automates hyperparameter optimization for Keras models. A model-building function takes an hp "
     "argument and declares the ranges (hp.Int('units', 32, 256)). The tuner runs many trials, each scored on "
     "val_accuracy, and tuner.get_best_models(1) returns the winning network."),
    (("q01", "keras_tuner"),
     "کراس‌تیونر ابزاری برای بهینه‌سازی خودکار هایپرپارامترهای مدل‌های کراس است. در تابع ساخت مدل با hp.Int و "
     "hp.Choice بازهٔ هر هایپرپارامتر را مشخص می‌کنیم. tuner در هر trial یک مدل می‌سازد، آموزش می‌دهد و دقت "
     "اعتبارسنجی را اندازه می‌گیرد و در نهایت بهترین مدل را به ما می‌دهد."),
    (("q01", "mnist"),
     "MNIST consists of 70k handwritten digit images (60k train, 10k test), each a 28 by 28 grayscale picture. "
     "I divided the pixel values by 255, reshaped to (28, 28, 1) and one-hot encoded the labels. The conv layers "
     "extract features, a final Dense(10, activation='softmax') outputs class probabilities, and the tuned "
     "model was evaluated on the test set."),
    (("q01", "dropout_pooling_effect"),
     "دراپ‌اوت در هر گام آموزش تعدادی از نورون‌ها را به صورت تصادفی حذف می‌کند؛ این کار از بیش‌برازش جلوگیری "
     "می‌کند چون نورون‌ها نمی‌توانند به هم وابسته شوند. لایهٔ ادغام (pooling) ابعاد نقشهٔ ویژگی را کاهش می‌دهد، "
     "تعداد پارامترها و محاسبات را کم می‌کند و نسبت به جابه‌جایی‌های کوچک مقاوم است."),
    (("q01", "filter_size"),
     "I used 3x3 kernels: the digits are small and thin, and two stacked 3x3 convolutions cover the same "
     "receptive field as a 5x5 with fewer parameters. The kernel size was also a hyperparameter: "
     "hp.Choice('kernel_size', [3, 5])."),
    (("q01", "overfitting"),
     "Overfitting means the model memorizes the training set. Dropout acts like training an ensemble of "
     "subnetworks, so no neuron can rely on specific others; pooling reduces the number of parameters and gives "
     "invariance to small translations. Together they improve the validation accuracy."),
    (("q01", "results_analysis"),
     "بهترین trial به دقت اعتبارسنجی ۰٫۹۹۱ رسید و دقت آزمون ۹۹٫۴ درصد شد. در مقایسه با trialهای دیگر، نرخ یادگیری "
     "بیشترین تأثیر را داشت. نمودار دقت آموزش و اعتبارسنجی فاصلهٔ کمی دارد، پس بیش‌برازش کم است."),
    (("q07", "analysis"),
     "Grad-CAM focuses on the loops of 6, 8 and 9 and on the vertical line of 1; the black background gets almost "
     "no weight. The last conv layer is 7x7, so the maps are blurry. For a 4 predicted as 9 the heatmap shows the "
     "model looked at the closed top, which explains the mistake."),
    (("q07", "analysis"),
     "نقشهٔ Grad-CAM روی حلقهٔ بالای ۹ و خط عمودی ۱ متمرکز است و پس‌زمینه تقریباً وزنی نمی‌گیرد. چون خروجی آخرین "
     "لایهٔ کانولوشن ۷×۷ است، نقشه‌ها درشت‌اند. برای نمونه‌هایی که اشتباه دسته‌بندی شده‌اند، نقشه نشان می‌دهد مدل "
     "به کدام بخش توجه کرده است."),
]  # fmt: skip


@pytest.mark.parametrize(("rubric", "text"), PARAPHRASES, ids=[f"{rid(r)}-{i}" for i, (r, _) in enumerate(PARAPHRASES)])
def test_a_correct_answer_in_other_words_scores_full_marks(rubric: Rubric, text: str) -> None:
    result = score(rubric, text)
    assert result.fraction == 1, [g.idea.en for g in result.missed]


# --- the seed student ----------------------------------------------------------------------------
# Short passages transcribed from /work/shared/seed/student_answer_sheet.fa.txt, typos and missing
# ZWNJs kept (the PDF extraction dropped them).

SEED_A = (
    "KerasTuner یک کتابخانه متنباز برای تنظیم خودکار هایپرپارامترهای شبکههای عصبی در کتابخانه Keras میباشد.\n"
    "۲. تعریف فضای هایپرپارامترها: برای هر هایپرپارامتر که قصد تنظیم خودکار آن را دارید، یک فضای جستجو مشخص "
    "میکنید.\n"
    "۳. تعریف تابع هدف: شما باید یک تابع هدف تعریف کنید که عملکرد شبکه را ارزیابی کند.\n"
    "۶. انتخاب بهترین مدل: پس از اتمام جستجوی هایپرپارامترها، میتوانید بهترین مدل را بر اساس عملکرد تابع هدف "
    "انتخاب کنید.\n"
    "در KerasTuner ، چندین تنظیم کننده (tuner) برای جستجوی هایپرپارامترها وجود دارد. نام تنظیم کنندههای معروف "
    "در KerasTuner عبارتند از Kyperband ، RandomSearch، BayesianOptimizationو\n"
    "۱. RandomSearch این تنظیم کننده از طریق تعیین تعداد تکرارها یک جستجوی تصادفی در فضای هایپرپارامترها انجام "
    "می دهد.\n"
    "۲. Hyperband این تنظیم کننده یک الگوریتم براساس توقف آسان (early stopping) است که به طور تصادفی تنظیم "
    "کنندههای جستجوی هایپرپارامترها را میسازد و آنها را به مدل اعمال می کند. سپس مدلهایی که عملکرد ضعیف تری "
    "دارند را حذف می کند و مدلهایی که عملکرد بهتری دارند را نگه می دارد.\n"
    ". BayesianOptimization این تنظیم کننده از الگوریتم بهینهسازی بیزی استفاده می کند تا به طور هوشمندانه در "
    "فضای هایپرپارامترها جستجو کند. این الگوریتم با استفاده از تابع هدف و نتایج قبلی جستجوی هایپرپارامترها را "
    "هدایت می کند و بهترین مقادیر را پیدا می کند.\n"
    "۴. Sklearn این تنظیم کننده به شما امکان می دهد از الگوریتمهای جستجوی هایپرپارامترهای موجود در Scikit-learn "
    "استفاده کنید. این الگوریتمها شامل GridSearch و Scikit-learn می شوند.\n"
    "من از hyperband استفاده میکنم به دلیل اینکه اگوریتم سریعی هست."
)
SEED_B = (
    "MNIST یکی از دیتاستهای پرطرفدار در زمینه بینایی ماشین است. این دیتاست شامل ۶۰,۰۰۰ تصویر سیاه و سفید با "
    "ابعاد ۲۸ در ۲۸پیکسل برای آموزش و ۱۰,۰۰۰ تصویر برای آزمون است. هر تصویر در دیتاست MNIST نمایانگر یک عدد از "
    "۰ تا ۹ است و هدف اصلی در این مسئله، تشخیص و دستهبندی عدد نمایانگر تصویر است.\n"
    "۱. تعریف معماری شبکه :CNN ابتدا باید معماری شبکه CNN را تعریف کنید. این معماری ممکن است شامل لایههای "
    "کانولوشنال، لایههای تراکمی و لایههای کاملاً متصل باشد.\n"
    "۳. آموزش مدل: با استفاده از تنظیم کننده هایپرپارامتر و دادههای آموزش MNIST ، مدل شبکه CNN را آموزش دهید. "
    "برای آموزش می توانید از توابع هزینه مناسبی مانند Adam استفاده کنید.\n"
    "۴. ارزیابی مدل: پس از آموزش مدل، میتوانید از مدل برای ارزیابی عملکرد در دادههای تست استفاده کنید."
)
SEED_B_BONUS = (
    "لایه Dropout به منظور مقابله با مشکل بیشبرازش (overfitting) در شبکههای عصبی استفاده می شود. در لایه "
    "Dropout ، تصادفاً برخی از واحدهای نورونی (نورونها) در هر مرحله آموزش غیرفعال می شوند.\n"
    "- کاهش بیشبرازش: Dropout مانع از یادگیری وابستگیهای غیرضروری میشود و باعث کاهش بیشبرازش مدل میشود.\n"
    "لایههای Pooling برای کاهش ابعاد فضایی و تعداد ویژگیها در شبکههای عصبی استفاده میشوند. این باعث کاهش "
    "پیچیدگی محاسباتی و تعداد پارامترها میشود.\n"
    "- استخراج ویژگی مهم: عملیات Pooling با استفاده از تابعی مانند Max یا Average ، ویژگیهای مهم و قابل تمیز را "
    "استخراج می کند و ویژگیهای غیرضروری را کاهش می دهد."
)
SEED_C_FILTER = (
    "من اندازه فیلترها را ۳ در ۳ در نظر گرفتم به دلایل زیر:\n"
    "۱. 3x3باعث کاهش تعداد پارامترهای قابل آموزش در شبکه میشود نسبت به فیلترهای با ابعاد بزرگتر مانند۵ یا ۷\n"
    "۲. افزایش قابلیت تفسیرپذیری: فیلتر ۳ در ۳به دلیل ابعاد کوچک، قابلیت تفسیرپذیری بیشتری دارد. با استفاده از "
    "فیلترهای کوچکتر، میتوان ویژگیهای جزئیتر را از تصاویر استخراج کرد.\n"
    "۳. افزایش قابلیت تشخیص الگوها: این فیلترها قادر به تشخیص الگوهای ساده تر مانند خطوط و لبهها هستند."
)
SEED_C_RESULTS = (
    "در ابتدا درباره کدی که زدم توضیح می دهم یک تابع build_model تعریف کردم و استراکچر مدل و محدوده سرچ "
    "هاپیرپارامترها را طبق جدول تعیین کردم و در نهایت tuner خود را hyperband انتخاب کردم.\n"
    "و در ادامه سرچ هایپر پارامترها را شروع کردم و بهترین نتیجه دقت ۹۹ درصد برروی داده های validation بودو\n"
    "Trial 9 Complete [00h 02m 48s] val_accuracy: 0.5418500006198883\n"
    "Best val_accuracy So Far: 0.9918000102043152\n"
    "Total elapsed time: 00h 11m 30s\n"
    "Trial 0005 summary Hyperparameters: num_conv_layers: 3 conv_0_filters: 32 learning_rate: 0.001 "
    "Score: 0.9918000102043152"
)
SEED_C_BONUS = (
    "Poolingیک عملیات ساده است که به منظور کاهش ابعاد فضایی ویژگیها در لایههای کانولوشنال استفاده می شود.\n"
    "- کاهش ابعاد فضایی: این کاهش میتواند منجر به کاهش تعداد پارامترها و محاسبات لازم در لایههای بعدی شبکه شود.\n"
    "- ایجاد اهمیت مکانی: با انتخاب بزرگترین عناصر، پولینگ می تواند به شبکه کمک کند تا توجه بیشتری به مکانهای مهم "
    "داشته باشد.\n"
    "Dropout یک روش منتشرکننده است که در مرحله آموزش شبکه استفاده می شود. در هر مرحله آموزش، برخی از واحدهای "
    "نرونی به طور تصادفی غیرفعال می شوند و حذف می شوند.\n"
    "- جلوگیری از overfitting :با غیرفعال کردن برخی از واحدهای نرونی در هر مرحله آموزش، Dropout می تواند از "
    "برداشتن وابستگی بیش از حد و حفظ عمومیت شبکه جلوگیری کند.\n"
    "- افزایش دقت: با اضافه کردن Dropout به شبکه، میزان تنوع ویژگیهای استخراج شده توسیط به طور کلی افزایش می یابد. "
    "این میتواند منجر به افزایش دقت و قابلیت انتقال بهبود یافته در شبکه شود."
)
SEED_Q7 = (  # Arabic kaf, yeh and alef maksura as in the extracted PDF
    "كل كد ها در فايل HW4_Q7 موجود است. نمونه اى از شكل ها خروجي gradcam :\n"
    "مثلا اینجا به لب عدد ۱ توجه کرده.\n"
    "یا مثلا برای عدد ۹ به اون انحنا بالا بیشتر توجه کرده است."
)

# (rubric, passage, groups the seed earns, suggested fraction). Why each is fair:
SEED_CASES: list[tuple[Rubric, str, set[str], Fraction]] = [
    # A correct general account: hyperparameter tuning, a search space, an objective, the best model.
    (("q01", "keras_tuner"), SEED_A, {"library", "search_space", "trials_objective", "best"}, Fraction(1)),
    # Random, Hyperband and Bayesian are described; GridSearch is only named, and the Sklearn tuner is
    # described wrongly (it tunes scikit-learn models; it does not bring scikit-learn's search algorithms).
    (("q01", "tuners"), SEED_A, {"random", "hyperband", "bayesian"}, Fraction(3, 4)),
    # "I use hyperband because it is a fast algorithm": thin, but a reason.
    (("q01", "tuner_reason"), SEED_A, {"reason"}, Fraction(1)),
    # The dataset is described well; no preprocessing, no softmax output and no account of what the conv
    # layers learn; only "evaluate on the test data" of the pipeline (it calls Adam a loss function).
    (("q01", "mnist"), SEED_B, {"split", "size_grayscale", "ten_digits", "validation_test"}, Fraction(1, 2)),
    # Everything but the tolerance to small shifts (its "extracts the important features" is not that).
    (("q01", "dropout_pooling_effect"), SEED_B_BONUS,
     {"dropout_random", "regularises", "co_adaptation", "downsamples", "fewer_params"}, Fraction(9, 10)),
    # 3x3, fewer parameters than larger kernels, finer detail; fixed by hand, not tuned.
    (("q01", "filter_size"), SEED_C_FILTER, {"small_kernel", "input_scale", "stacking"}, Fraction(3, 4)),
    # Pooling's fewer parameters and dropout's broken dependencies; "overfitting" and "accuracy rises" are
    # only asserted, with no mechanism, no shift tolerance, nothing about accuracy on unseen data.
    (("q01", "overfitting"), SEED_C_BONUS, {"fewer_params", "ensemble"}, Fraction(2, 5)),
    # The numbers are reported (99% validation, the trial log), with no analysis of them.
    (("q01", "results_analysis"), SEED_C_RESULTS, {"reported"}, Fraction(1, 4)),
    # Two observations of highlighted parts (the curve at the top of a 9); nothing on the background, the
    # coarse resolution or what the maps say about the model. "شكل ها" (the figures) is not "shape".
    (("q07", "analysis"), SEED_Q7, {"discriminative_parts"}, Fraction(3, 8)),
]  # fmt: skip


@pytest.mark.parametrize(("rubric", "text", "expected", "fraction"), SEED_CASES, ids=[rid(c[0]) for c in SEED_CASES])
def test_seed_student_gets_the_partial_credit_argued_above(
    rubric: Rubric, text: str, expected: set[str], fraction: Fraction
) -> None:
    assert matched(rubric, text) == expected
    result = score(rubric, text)
    assert result.fraction == fraction
    feedback = result.feedback()  # it names what is missing, in both languages
    assert all(g.idea.en in feedback.en and g.idea.fa in feedback.fa for g in result.missed)


@pytest.mark.parametrize(("rubric", "text", "expected", "fraction"), SEED_CASES, ids=[rid(c[0]) for c in SEED_CASES])
def test_seed_student_typed_on_an_arabic_keyboard_scores_the_same(
    rubric: Rubric, text: str, expected: set[str], fraction: Fraction
) -> None:
    assert matched(rubric, arabic_keyboard(text, "")) == expected
    assert score(rubric, arabic_keyboard(text, "")).fraction == fraction
