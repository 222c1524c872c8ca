"""Typed answers found in prose and tables: accuracies, choices, statements, counts, Q5 and Q2 tables."""

from __future__ import annotations

from grader.reports.document import Block, Location
from grader.reports.found_tables import find_comparison, find_comparison_prose, find_layer_table
from grader.reports.found_values import (
    find_accuracy,
    find_choice,
    find_count,
    find_layer_name,
    find_relation,
    find_true_statements,
)


def lines(*texts: str) -> list[Block]:
    return [Block("text", t, Location("r.md", paragraph=i)) for i, t in enumerate(texts, start=1)]


def rows(*cells: tuple[str, ...]) -> list[Block]:
    return [Block("row", " | ".join(c), Location("r.docx", table=1, row=i), c) for i, c in enumerate(cells, start=1)]


VAL = ["val_?acc", "validation", "اعتبار\\s*سنجی"]
TEST = ["\\btest\\b", "تست", "ازمون"]


def test_accuracies_in_every_notation_next_to_their_cue() -> None:
    text = lines("Trial 9 Complete val_accuracy: 0.5418", "Best val_accuracy So Far: 0.9918000102043152",
                 "دقت مدل روی داده‌های آزمون ۹۹٫۲ درصد شد")  # fmt: skip
    best = find_accuracy(text, VAL, TEST, prefer=["best|بهترین"])
    assert best is not None and best.text == "0.9918000102043152" and best.confidence == 0.9  # as written
    test = find_accuracy(text, TEST, VAL)
    assert test is not None and test.text == "0.992"


def test_a_cue_after_the_number_counts_within_its_own_clause() -> None:
    test = ["\\btest\\b", "تست", "ازمون"]
    found = find_accuracy(lines("با مدل خواسته‌شده به دقت ۹۸.۹۷ درصد روی داده‌ی تست رسیدم."), test)
    assert found is not None and found.text == "0.9897"
    found = find_accuracy(lines("an accuracy of 98.2 % on the test set"), test)
    assert found is not None and found.text == "0.982"
    # the test set belongs to the next accuracy, not to the training one before it
    found = find_accuracy(lines("دقت آموزش به ۱۰۰٪ رسید اما دقت آزمون ۹۹ درصد شد"), test)
    assert found is not None and found.text == "0.99"
    assert find_accuracy(lines("train accuracy 100 % while the test set was not used"), test) is None


def test_two_different_values_lower_the_confidence_and_say_so() -> None:
    found = find_accuracy(lines("test accuracy 0.98", "after retraining the test accuracy is 0.99"), TEST, VAL)
    assert found is not None and found.text == "0.99" and found.confidence == 0.5
    assert found.note is not None and "0.98, 0.99" in found.note.en


def test_the_tuner_used_and_the_better_backbone() -> None:
    tuners = {"hyper\\s*band": "hyperband", "random\\s*search": "random_search"}
    verbs = ["(استفاده|انتخاب)\\s*(کردم|میکنم)", "\\bi\\b.{0,20}\\bused\\b"]
    used = find_choice(lines("RandomSearch سریع است.", "من از Hyperband استفاده کردم چون سریع است."), tuners, verbs)
    assert used is not None and used.text == "hyperband"
    models = {"vgg": "vgg16", "res\\s*-?net": "resnet50"}
    better = ["بهتر|better|ضعیف\\s*تر|worse"]
    worse = ["ضعیف\\s*تر|worse"]
    assert find_choice(lines("VGG عملکرد بهتری نسبت به resnet داشت"), models, better, worse).text == "vgg16"  # type: ignore[union-attr]
    assert find_choice(lines("VGG was worse than ResNet50."), models, better, worse).text == "resnet50"  # type: ignore[union-attr]


def test_statements_as_students_write_them() -> None:
    found = find_true_statements(lines("عبارت اول: نادرست است، زمان می‌برد.", "عبارت دوم: درست است.",
                                       "عبارت سوم: نادرست است."))  # fmt: skip
    assert found is not None and found.text == "2" and found.confidence == 0.9
    # Only the true ones listed: the others are read as false, as a TA reads them.
    listed = find_true_statements(lines("Statement 2 is true and statement 3 is true."))
    assert listed is not None and listed.text == "2, 3" and listed.confidence == 0.9
    assert find_true_statements(lines("عبارت‌های ۲ و ۳ درست هستند.")).text == "2, 3"  # type: ignore[union-attr]
    assert find_true_statements(lines("فقط عبارت ۲ درست است.")).text == "2"  # type: ignore[union-attr]
    assert find_true_statements(lines("هیچ‌کدام از عبارت‌ها درست نیست.")).text == "none"  # type: ignore[union-attr]
    partial = find_true_statements(lines("Statement 1 is false."))
    assert partial is not None and partial.text == "none" and partial.confidence == 0.6


def test_the_final_count_of_a_calculation() -> None:
    assert find_count(lines("10*20+20 = 220 و 2*20 = 40، پس در کل ۲۶۰ پارامتر داریم")).text == "260"  # type: ignore[union-attr]
    assert find_count(lines("لایه خروجی ۲۰ است و ۲۰*۲ برابر با ۴۰ پارامتر داریم.")).text == "40"  # type: ignore[union-attr]
    assert find_count(lines("بدون عدد")) is None
    # a worked total beats a trainable count stated on the way; the count a sentence opens with is its answer
    worked = "BN گاما و بتا دارد که میشود 40 پارامتر قابل آموزش. جمعا 220 + 40 = 260."
    assert find_count(lines(worked)).text == "260"  # type: ignore[union-attr]
    opened = "تعداد پارامترهای قابل آموزش ۲۲۲ است: لایه‌ی Dense ۱۰×۲۰+۲۰=۲۲۰ پارامتر دارد و BN یک گاما و یک بتا."
    assert find_count(lines(opened)).text == "222"  # type: ignore[union-attr]


def test_layer_name_and_padding_relation() -> None:
    assert find_layer_name(lines("heatmaps = generate_gradcam(model, images, labels, 'conv2d_5')")).text == "conv2d_5"  # type: ignore[union-attr]
    assert find_relation(lines("برای ثابت ماندن اندازه:", "P = (F-1)/2")).text == "p = (F-1)/2"  # type: ignore[union-attr]
    sentence = lines("For stride 1 the output is n - f + 2p + 1, so p = (f - 1) / 2.")
    assert find_relation(sentence).text == "p = (f - 1) / 2"  # type: ignore[union-attr]
    latex = lines("با stride=1 داریم `n - f + 2p + 1 = n` پس $p = \\frac{f-1}{2}$ (برای f فرد).")
    assert find_relation(latex).text == "p = (f-1)/(2)"  # type: ignore[union-attr]
    derivation = lines("برای اینکه n_out = n شود: 2p − f + 1 = 0 ⟹ 2p = f − 1 ⟹ p = (f − 1)/2")
    assert find_relation(derivation).text == "p = (f − 1)/2"  # type: ignore[union-attr]


def test_q5_from_a_word_table_with_arithmetic_and_persian_digits() -> None:
    table = rows(("لایه", "ابعاد خروجی", "تعداد پارامتر"), ("1", "(256, 256, 64)", "(3×3×3+1)×64 = 1792"),
                 ("3", "۶۲×۶۲×۳۲", "ندارد"), ("8", "قابل اعمال نیست", "—"))  # fmt: skip
    cells, garbled = find_layer_table(table, 9)
    assert garbled is None
    assert cells[(1, "output")].text == "(256, 256, 64)" and cells[(1, "params")].text == "(3×3×3+1)×64 = 1792"
    assert cells[(3, "output")].text == "(62, 62, 32)" and cells[(3, "params")].text == "0"
    assert cells[(8, "output")].text == "n/a"


def test_q5_from_lines_of_text() -> None:
    text = lines("Layer 1: (256,256,64)  params = (3x3x3+1)x64 = 1792", "لایه ۳: خروجی ۶۲×۶۲×۳۲ و پارامتر ندارد",
                 "لایه ۹: معنا ندارد")  # fmt: skip
    cells, _ = find_layer_table(text, 9)
    assert cells[(1, "output")].text == "(256, 256, 64)" and cells[(1, "params")].text == "(3x3x3+1)x64 = 1792"
    assert cells[(3, "params")].text == "0"
    assert cells[(9, "output")].text == "n/a"
    worked = lines("لایه 6: 0  (11,11,64)", "لایه 8: (5x5x256+1)x128 = 819328 ولی خروجی منفی میشه ((11-33)/2+1 < 0)"
                   " پس این لایه قابل اعمال نیست")  # fmt: skip
    cells, _ = find_layer_table(worked, 9)
    assert cells[(6, "params")].text == "0" and cells[(6, "output")].text == "(11, 11, 64)"
    assert cells[(8, "output")].text == "n/a" and cells[(8, "params")].text == "(5x5x256+1)x128 = 819328"


def test_ocr_of_handwriting_goes_to_a_ta() -> None:
    text = lines("Pigolet Layer 1: Layer 2: Cacin output size mat size Altersize poddin John Stride sorges",
                 "Cishel Tupo Dirir dialate Prish mustin Louger Faul Mirdialik epoli")  # fmt: skip
    _, garbled = find_layer_table(text, 9)
    assert garbled is not None and "a TA must read it" in garbled.en


def test_q2_comparison_table_with_a_header_row() -> None:
    table = rows(("مدل", "تعداد داده آموزش", "تعداد داده آزمون", "دقت آموزش", "دقت آزمون", "زمان", "پارامترها"),
                 ("VGG16", "16262", "4065", "0.81", "0.78", "1520", "17,926,338"),
                 ("ResNet50", "16262", "4065", "0.70", "0.66", "1710", "23,850,370"))  # fmt: skip
    found = find_comparison(table)
    assert found[("vgg16", "test_accuracy")].text == "0.78"
    assert found[("resnet50", "parameters")].text == "23,850,370"
    assert found[("vgg16", "train_count")].text == "16262"


def test_q2_accuracies_in_prose_in_every_percent_notation() -> None:
    found = find_comparison_prose(lines("دقت تست VGG16 برابر ۷۹٪ و ResNet50 برابر 61 percent بود."))
    assert found[("vgg16", "test_accuracy")].text == "0.79" and found[("resnet50", "test_accuracy")].text == "0.61"
