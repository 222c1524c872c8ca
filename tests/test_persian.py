from grader.persian import normalize_digits, normalize_number_text, normalize_text


def test_persian_and_arabic_indic_digits_become_ascii() -> None:
    assert normalize_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert normalize_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert normalize_digits("۳٫۵") == "3.5"


def test_letter_forms_zwnj_and_spacing_are_unified() -> None:
    assert normalize_text("نرمال‌سازي دسته‌اي") == normalize_text("نرمالسازی دستهای")
    assert normalize_text("می شود") == normalize_text("می‌شود") == "میشود"
    assert normalize_text("لایه ها") == normalize_text("لایه‌ها")
    assert normalize_text("كاهش") == normalize_text("کاهش")
    assert normalize_text("  Batch   NORM ") == "batch norm"


def test_numbers_with_separators() -> None:
    assert normalize_number_text("۱٬۷۹۲") == "1792"
    assert normalize_number_text("1,792") == "1792"
    assert normalize_number_text("204 864") == "204864"
