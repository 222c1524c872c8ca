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


def test_the_matching_form_unifies_how_students_type_persian() -> None:
    from grader.persian import normalize_for_matching as form

    # half-space, space or nothing before «می», and the spoken form: one word
    assert form("می‌شود") == form("می شود") == form("میشود") == form("میشه") == "میشود"
    assert form("نمی‌شود") == form("نمیشه") == "نمیشود"
    # a half-space separates words (so «کم‌واریانس» holds the word «واریانس»); suffixes join their word
    assert form("نرمال‌سازی") == form("نرمال سازی") == "نرمال سازی"
    assert form("لایه‌ها") == form("لایه ها") == form("لایهها") == "لایهها"
    assert form("اندازه‌ی دسته") == form("اندازه ی دسته") == "اندازهی دسته"
    # Arabic yeh and kaf, colloquial words, Persian digits, contractions
    assert form("يك عدد كوچيك") == "یک عدد کوچک"
    assert form("یه عدد") == "یک عدد"
    assert form("۱۲۴×۱۲۴") == "124×124"
    assert form("It doesn't; it can't") == "it does not; it cannot"
    assert form("constant") == "constant"  # a word that ends in "nt" is no contraction
