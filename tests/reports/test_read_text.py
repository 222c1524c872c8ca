"""Plain-text reports in the encodings Persian students save them in."""

from __future__ import annotations

import pytest

from grader.reports.document import UnreadableReport
from grader.reports.read_text import _decode


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1256"])
def test_a_persian_text_reads_in_every_encoding_students_save_it_in(encoding: str) -> None:
    text = "سوال ۶ (ج): اپسیلون از تقسیم بر صفر جلوگیری می‌کند\n"
    if encoding == "cp1256":
        text = text.replace("۶", "6").replace("ی", "ي")  # Windows-1256 has no Persian digits and only Arabic ي
    assert _decode(text.encode(encoding), "report.txt") == text


def test_a_binary_file_is_refused_with_what_to_do() -> None:
    junk = bytes(range(256)) * 40  # every byte decodes as Windows-1256: it must still not pass for text
    with pytest.raises(UnreadableReport, match="not UTF-8 text; save it as UTF-8"):
        _decode(junk, "report.txt")
