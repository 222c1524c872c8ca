"""A PDF line put back in reading order from where its glyphs sit (inverse of the bidi algorithm)."""

from __future__ import annotations

from grader.reports.pdf_bidi import Glyph, direction, reading_order


def visual(text: str, gaps: dict[int, float] | None = None) -> list[Glyph]:
    """Glyphs laid out left to right as `text` reads on the page (5 units wide; extra gaps after some)."""
    glyphs, x = [], 0.0
    for index, char in enumerate(text):
        glyphs.append(Glyph(char, (x, 0.0, x + 5.0, 10.0), False))
        x += 5.0 + (gaps or {}).get(index, 0.0)
    return glyphs[::-1]  # PDF text layers do not promise any order: the reader sorts by position


def test_a_table_row_of_numbers_reads_as_typed() -> None:
    # Typed «۷ | (11, 11, 256) | (3×3×64+1)×256» in a right-to-left table; displayed (left to right) as below.
    shown = "256×(64+1×3×3)" + "(256 ,11 ,11)" + "۷"  # the cells are apart by wide gaps, not spaces
    gaps = {len("256×(64+1×3×3)") - 1: 40.0, len("256×(64+1×3×3)(256 ,11 ,11)") - 1: 40.0}
    cells = reading_order(visual(shown, gaps), "R").split("\t")
    assert [c.strip() for c in cells] == ["۷", "(11, 11, 256)", "(3×3×64+1)×256"]


def test_latin_words_and_their_digits_stay_whole() -> None:
    # On the page a Persian word's letters run right to left, a Latin word's left to right.
    assert reading_order(visual("هدافتسا conv2d_2 ینعی"), "R") == "یعنی conv2d_2 استفاده"
    assert reading_order(visual("Q1.ipynb لیاف"), "R") == "فایل Q1.ipynb"


def test_a_persian_list_number_is_not_taken_into_the_latin_word_after_it() -> None:
    # «۲. MinMaxScaler ایمپورت شده» is displayed with the number at the right end.
    assert reading_order(visual("هدش تروپمیا MinMaxScaler .۲"), "R") == "۲. MinMaxScaler ایمپورت شده"


def test_a_left_to_right_table_row_is_split_into_cells() -> None:
    shown = "VGG1616262" + "0.80"
    gaps = {4: 30.0, 9: 30.0}
    assert reading_order(visual(shown, gaps), "L").split("\t") == ["VGG16", "16262", "0.80"]


def test_the_direction_of_a_line() -> None:
    assert direction(visual("لایه‌ی کانولوشنی بعد از Dropout")) == "R"
    assert direction(visual("لایه‌ی کانولوشنی Dropout")) is None  # mixed: the page decides
    assert direction(visual("Best val_accuracy So Far: 0.99")) == "L"
    assert direction(visual("VGG16 16262 0.80")) is None  # too few letters: the page decides
