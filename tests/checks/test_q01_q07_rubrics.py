"""The rubrics of the written answers of Q1 and Q7 (answers/q01.yaml, answers/q07.yaml; docs/rubrics.md).

No TensorFlow: these only load the rubrics and mark text. Each rubric must give its own model
answer full marks, give nothing to an empty or off-topic answer, read Persian typed with Arabic
letters or any ZWNJ habit the same way, credit right answers in other words, and give the seed
student (transcribed from /work/shared/seed/student_answer_sheet.fa.txt) the credit argued below.
The agreement with a TA on many more answers is measured by benchmarks/bench_agreement.py.
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from grader import answers
from grader.registry import collect
from grader.written import Marking, load_rubric, mark

Rubric = tuple[str, str]  # (question, rubric name)

# The check that grades each rubric, and the model answer it must give full marks.
CHECKS: dict[Rubric, str] = {
    ("q01", "keras_tuner"): "q01.a_keras_tuner",
    ("q01", "tuners"): "q01.a_tuners",
    ("q01", "tuner_reason"): "q01.a_tuner_reason",
    ("q01", "mnist"): "q01.b_mnist",
    ("q01", "dropout_pooling_effect"): "q01.b_dropout_pooling",
    ("q01", "filter_size"): "q01.c_filter_size",
    ("q01", "overfitting"): "q01.c_overfitting",
    ("q01", "results_analysis"): "q01.c_results_analysis",
    ("q07", "analysis"): "q07.analysis",
}
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
RUBRICS = sorted(CHECKS)
OFF_TOPIC = ("   ", "I liked this homework", "این تمرین جالب بود", "اين تمرين جالب بود.")


def model_answer(rubric: Rubric, language: str) -> str:
    return str(answers.load(rubric[0])["model_answers"][MODEL_PART[rubric]][language])


def score(rubric: Rubric, text: str) -> Marking:
    return mark(text, load_rubric(*rubric))


def found(rubric: Rubric, text: str) -> set[str]:
    return {e.idea.id for e in score(rubric, text).found}


def arabic_keyboard(text: str, zwnj: str) -> str:
    """The same Persian text typed with Arabic yeh and kaf, and with ZWNJ replaced by `zwnj`."""
    return text.replace("ی", "ي").replace("ک", "ك").replace("\u200c", zwnj)


def rid(rubric: Rubric) -> str:
    return "/".join(rubric)


# --- the rubrics' shape ----------------------------------------------------------------------------


@pytest.mark.parametrize("rubric", RUBRICS, ids=rid)
def test_rubric_points_are_the_checks_points_and_every_idea_is_bilingual(rubric: Rubric) -> None:
    loaded = load_rubric(*rubric)
    specs = {s.check_id: s for q in ("q01", "q07") for s in collect()[q]}
    assert loaded.points == specs[CHECKS[rubric]].points
    assert sum(i.points for i in loaded.ideas if not i.extra) >= loaded.points
    for idea in (*loaded.ideas, *loaded.wrong):
        assert idea.phrasings and idea.text.en.strip() and re.search("[\u0600-\u06ff]", idea.text.fa), idea.id


def test_q01_rubrics_are_exactly_the_listed_ones() -> None:
    assert set(answers.load("q01")["rubrics"]) == {name for question, name in CHECKS if question == "q01"}
    assert set(answers.load("q07")["rubrics"]) == {"analysis"}


@pytest.mark.parametrize("rubric", RUBRICS, ids=rid)
def test_long_repetitive_text_is_marked(rubric: Rubric) -> None:
    texts = ("hyperband " * 3000, "بیز " * 3000, "we use x because " * 1500, "accuracy 3 در " * 2000, "a" * 30000,
             "خیلی خوب. " * 2000)  # fmt: skip
    for text in texts:  # completes (the suite's timeout bounds it), no matter how the text repeats itself
        assert 0 <= score(rubric, text).points <= load_rubric(*rubric).points


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
    assert result.fraction == 1, result.feedback().en


@pytest.mark.parametrize("rubric", RUBRICS, ids=rid)
@pytest.mark.parametrize("text", OFF_TOPIC)
def test_empty_or_off_topic_answer_scores_zero(rubric: Rubric, text: str) -> None:
    result = score(rubric, text)
    assert result.fraction == 0 and not result.found


@pytest.mark.parametrize("rubric", RUBRICS, ids=rid)
@pytest.mark.parametrize("zwnj", ["", " ", "\u200c"], ids=["no-zwnj", "space", "zwnj"])
def test_arabic_letters_and_zwnj_habits_score_like_the_clean_persian(rubric: Rubric, zwnj: str) -> None:
    clean = model_answer(rubric, "fa")
    variant = arabic_keyboard(clean, zwnj)
    assert variant != clean
    assert found(rubric, variant) == found(rubric, clean)
    assert score(rubric, variant).fraction == score(rubric, clean).fraction


# --- tuners: a name is not a description ----------------------------------------------------------

NAMES_ONLY = (
    "KerasTuner offers RandomSearch, Hyperband, BayesianOptimization, GridSearch and the Sklearn tuner.",
    "- RandomSearch\n- Hyperband\n- BayesianOptimization\n- GridSearch\n- SklearnTuner\nWe use Hyperband.",
    "تیونرهای KerasTuner عبارت‌اند از RandomSearch، Hyperband، BayesianOptimization، GridSearch و Sklearn.",
    "انواع tuner: جستجوی تصادفی، هایپرباند، بهینه‌سازی بیزی، جستجوی شبکه‌ای و Sklearn.",
)


@pytest.mark.parametrize("text", NAMES_ONLY)
def test_listing_tuner_names_without_describing_them_earns_about_a_third(text: str) -> None:
    assert score(("q01", "tuners"), text).fraction <= Fraction(1, 2)


def test_each_tuner_described_in_one_sentence_earns_its_own_points() -> None:
    rubric = ("q01", "tuners")
    assert found(rubric, "RandomSearch picks each configuration at random.") == {"random_search"}
    assert found(rubric, "Hyperband gives most epochs to the best trials (successive halving).") == {"hyperband"}
    assert found(rubric, "BayesianOptimization models the score with a Gaussian process.") == {"bayesian"}
    assert found(rubric, "GridSearch همهٔ ترکیب‌های ممکن را امتحان می‌کند.") == {"other_tuner"}
    assert found(rubric, "SklearnTuner برای مدل‌های scikit-learn با اعتبارسنجی متقابل است.") == {"other_tuner"}
    full = {e.idea.id: e.credit for e in score(rubric, "RandomSearch picks each configuration at random.").found}
    names = {e.idea.id: e.credit for e in score(rubric, "RandomSearch, Hyperband, BayesianOptimization.").found}
    assert full == {"random_search": 1} and names["random_search"] < 1  # a name is not a description


def test_swapped_descriptions_are_wrong() -> None:
    swapped = ("تیونرهای KerasTuner عبارتند از: RandomSearch که همه‌ی ترکیب‌های ممکن را یکی‌یکی امتحان می‌کند؛ "
               "Hyperband که با یک شبکه‌ی بیزی بهترین هایپرپارامتر را پیش‌بینی می‌کند.")  # fmt: skip
    result = score(("q01", "tuners"), swapped)
    assert {e.idea.id for e in result.wrong} == {"random_described_as_grid", "hyperband_described_as_bayes"}
    assert result.points < 0.5


def test_the_tuner_named_earns_half_and_its_reason_the_other_half() -> None:
    rubric = ("q01", "tuner_reason")
    assert score(rubric, "We use Hyperband.").fraction == Fraction(1, 2)
    assert score(rubric, "ما Hyperband را انتخاب کردیم.").fraction == Fraction(1, 2)
    # A reason in a tuner's description is not a reason for choosing it; no choice, no points.
    assert (
        score(rubric, "RandomSearch is fast because it samples at random; Hyperband stops bad trials early.").fraction
        == 0
    )
    assert score(rubric, "Hyperband was selected. It stops bad trials early.").fraction == 1
    assert score(rubric, "به دلیل محدودیت زمان و منابع محاسباتی، Hyperband را انتخاب کردیم.").fraction == 1
    # "It is fast", unexplained: half of the reason. A reason that describes another tuner costs.
    assert score(rubric, "من از hyperband استفاده میکنم به دلیل اینکه الگوریتم سریعی هست.").fraction == Fraction(3, 4)
    assert score(rubric, "از Hyperband استفاده کردم چون همه‌ی ترکیب‌ها را امتحان می‌کند.").fraction == Fraction(1, 4)


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


# What each paraphrase leaves out, and so the share of the points it keeps: the Persian KerasTuner
# one ends at "it gives us the best model" (no retraining or test: half of that step), the MNIST one
# has no search on validation data (only "the tuned model was evaluated on the test set"), the
# dropout and pooling one no detail (training only, receptive field, no weights).
SHORT_OF_FULL = {1: Fraction(7, 8), 2: Fraction(1 - 0.3 / 4).limit_denominator(1000), 3: Fraction(17, 20)}


@pytest.mark.parametrize(("rubric", "text"), PARAPHRASES, ids=[f"{rid(r)}-{i}" for i, (r, _) in enumerate(PARAPHRASES)])
def test_a_correct_answer_in_other_words_scores_full_marks(rubric: Rubric, text: str) -> None:
    result = score(rubric, text)
    expected = SHORT_OF_FULL.get(PARAPHRASES.index((rubric, text)), Fraction(1))
    assert result.fraction == expected, result.feedback().en


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

# (rubric, passage, ideas the seed earns, the points I give it as a TA). Why each is fair:
SEED_CASES: list[tuple[Rubric, str, set[str], float]] = [
    # A correct general account: a library for automatic tuning, a search space per hyperparameter, an
    # objective that evaluates each network, the best model chosen; the passage stops before any
    # retraining or test evaluation, so the last step earns half.
    (("q01", "keras_tuner"), SEED_A, {"definition", "search_space", "tuner_objective", "best_model"}, 1.75),
    # RandomSearch (a random search of the space, for a set number of iterations), Hyperband and Bayesian
    # are described; the Sklearn tuner is described wrongly (it tunes scikit-learn models; it does not
    # bring scikit-learn's search algorithms): its name alone earns its third.
    (("q01", "tuners"), SEED_A, {"random_search", "hyperband", "bayesian", "other_tuner"}, 1.96),
    # Hyperband named, "because it is a fast algorithm": a right reason, not explained.
    (("q01", "tuner_reason"), SEED_A, {"chose_hyperband", "reason_hyperband"}, 0.75),
    # The dataset is described well; of the classification only conv and dense layers (no softmax, no
    # preprocessing, no search on validation data; Adam is called a loss function).
    (("q01", "mnist"), SEED_B, {"digits", "split", "size_gray", "tuned_cnn"}, 2.375),
    # Dropout well explained (random deactivation, no needless dependence, less overfitting); pooling as
    # downsampling with fewer parameters and computations, but nothing on shifts or the receptive field.
    (("q01", "dropout_pooling_effect"), SEED_B_BONUS,
     {"dropout_mechanism", "dropout_why", "dropout_effect", "pooling_mechanism", "pooling_cost"}, 3.75),
    # 3x3 chosen for reasons (fewer parameters than larger kernels, finer detail): a reasoned choice.
    (("q01", "filter_size"), SEED_C_FILTER, {"choice", "reason"}, 0.5),
    # Pooling's fewer parameters and dropout's random deactivation against excessive dependence; "the
    # accuracy rises" is only asserted (prevents overfitting), and nothing on shifts.
    (("q01", "overfitting"), SEED_C_BONUS, {"dropout_mechanism", "dropout_why", "pooling_parameters", "accuracy"}, 3.5),
    # The numbers are reported (99% validation, the trial log) with no line of analysis: no credit.
    (("q01", "results_analysis"), SEED_C_RESULTS, set(), 0.0),
    # Two concrete observations (the edge of a 1, the curve at the top of a 9), no general conclusion
    # about the strokes against the background, nothing on the coarse resolution.
    (("q07", "analysis"), SEED_Q7, {"conclusion", "own_maps"}, 1.25),
]  # fmt: skip


@pytest.mark.parametrize(("rubric", "text", "expected", "points"), SEED_CASES, ids=[rid(c[0]) for c in SEED_CASES])
def test_seed_student_gets_the_partial_credit_argued_above(
    rubric: Rubric, text: str, expected: set[str], points: float
) -> None:
    result = score(rubric, text)
    assert {e.idea.id for e in result.found} == expected
    assert result.points == pytest.approx(points)
    feedback = result.feedback()  # it names what is missing, and quotes what earned each point, in both languages
    assert all(i.text.en in feedback.en and i.text.fa in feedback.fa for i in result.missed)
    assert all(f"«{e.sentence.original[:20]}" in feedback.en for e in result.found)


@pytest.mark.parametrize(("rubric", "text", "expected", "points"), SEED_CASES, ids=[rid(c[0]) for c in SEED_CASES])
def test_seed_student_typed_on_an_arabic_keyboard_scores_the_same(
    rubric: Rubric, text: str, expected: set[str], points: float
) -> None:
    assert found(rubric, arabic_keyboard(text, "")) == expected
    assert score(rubric, arabic_keyboard(text, "")).points == pytest.approx(points)
