"""End to end in a real browser: Debian's Chromium, headless, driven by Playwright, on a class of 20.

A TA opens the queue, filters it, decides a check from the keyboard (with the same decision for the
identical answers), sees the total change in the gradebook, accepts a suggestion with one key,
corrects a Q5 cell read wrong from a Word report, switches the page to Persian, and opens an answer
that holds a script. Skipped, with the reason, only where no browser can be run. With
HW4_REVIEW_SCREENSHOTS=docs/img the screenshots of the README are written there.
"""

from __future__ import annotations

import csv
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.review.app import create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    if not Path(CHROMIUM).is_file():
        pytest.skip("no Chromium to drive (apt-get install chromium; .ci/run installs it where it can)")
    with sync_api.sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as error:  # a browser that cannot start here (missing libraries): say why
            pytest.skip(f"Chromium did not start: {str(error).splitlines()[0]}")
        yield launched
        launched.close()


@pytest.fixture
def server(results: Path) -> Iterator[str]:
    from werkzeug.serving import make_server

    app = create_app(results, reviewer="")
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    http.server_close()


def _shot(page: Any, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("HW4_REVIEW_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    page.screenshot(path=str(target))
    try:  # a palette PNG is a quarter of the size and looks the same for a page like this
        from PIL import Image

        with Image.open(target) as image:
            image.convert("RGB").quantize(colors=128).save(target, optimize=True)
    except ImportError:
        pass
    assert target.stat().st_size > 5_000


def _total(results: Path, student: str) -> float:
    rows = csv.DictReader((results.parent / "grades.csv").read_text(encoding="utf-8").splitlines())
    return float(next(r for r in rows if r["id"] == student)["total"])


def test_a_ta_reviews_the_class_in_the_browser(browser: Any, server: str, results: Path, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1180, "height": 820})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/")
    heading = page.locator("h1").inner_text()
    waiting = int(heading.split()[0])
    assert heading.endswith("checks wait for a TA") and waiting > 10
    _shot(page, "review-queue-en.png", tmp_path)

    # Filter the queue to one check, from the form.
    page.select_option("#filter-check", "q06.d_batch_size_one")
    with page.expect_navigation():
        page.click("#filters button[type=submit]")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == int(page.locator("#shown").inner_text().split()[0]) >= 4

    # An answer holding a script is shown as text and runs nothing.
    page.goto(server + "/student/400120/q06.d_batch_size_one")
    assert "<script>" in page.locator("#answer-1 mark").inner_text()
    assert page.title() != "pwned" and dialogs == [] and page.locator("#answer-1 img").count() == 0

    # Decide a check from the keyboard; the identical answers get the same decision.
    before = _total(results, "400117")
    page.goto(server + "/student/400117/q06.d_batch_size_one?check=q06.d_batch_size_one")
    assert page.locator("input[name=same]").count() == 2
    _shot(page, "review-check-en.png", tmp_path)
    page.fill("#by", "Sara")
    page.fill("#reason", "تفاوت آموزش و استنتاج را هم به زبان خودش گفته است")
    page.keyboard.press("Escape")
    page.keyboard.press("s")
    page.keyboard.type("3")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Saved: 400117, q06.d_batch_size_one: 2.5 → 3." in page.locator(".flash.ok").first.inner_text()
    assert _total(results, "400117") == before + 0.5 and _total(results, "400118") == _total(results, "400117")
    assert "q06.d_batch_size_one" in page.url and "400117" not in page.url  # on to the next one

    # The next one: accept the suggestion with one key; the name is remembered.
    suggested = page.locator("#suggested-value").get_attribute("value")
    student = page.url.split("/student/")[1].split("/")[0]
    same = page.locator("input[name=same]").count()  # identical answers, ticked by default
    with page.expect_navigation():
        page.keyboard.press("a")
    assert f"{student}, q06.d_batch_size_one: {suggested} → {suggested}" in page.locator(".flash.ok").first.inner_text()
    page.goto(server + "/")
    assert int(page.locator("h1").inner_text().split()[0]) == waiting - 3 - 1 - same

    # Read a cell of a handwritten Q5 table (the seed student's, OCR noise): Q5 is graded again, the total moves.
    before = _total(results, "400116")
    page.goto(server + "/student/400116/q05.layer_table")
    assert page.locator("table.readings tbody tr").count() == 18  # the 18 cells the layer table reads, all for a TA
    page.select_option("#field", "q05.layers.2.output")
    page.fill("#value", "(124, 124, 32)")
    page.fill("#correct input[name=by]", "Sara")
    with page.expect_navigation():
        page.click("#save-correction")
    assert "Graded again without running code: q05.layer_table" in page.content()
    assert _total(results, "400116") > before
    assert page.locator("#total").inner_text().startswith(f"{_total(results, '400116'):g}")

    # The same pages in Persian, right to left with the bundled font.
    with page.expect_navigation():
        page.click("#lang-fa")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h3").first.inner_text() == "پاسخ دانشجو"
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    page.goto(server + "/student/400113/q06.d_batch_size_one")
    assert page.locator("h3").first.inner_text() == "پاسخ دانشجو"
    _shot(page, "review-check-fa.png", tmp_path)
    page.goto(server + "/")
    assert page.locator("h1").inner_text().endswith("بررسی در انتظار دستیار آموزشی است")
    _shot(page, "review-queue-fa.png", tmp_path)

    # Keyboard navigation through the queue.
    page.goto(server + "/?lang=en&question=q06")
    with page.expect_navigation():
        page.locator("a.open").first.click()
    first = page.url
    with page.expect_navigation():
        page.keyboard.press("n")
    assert page.url != first and "/student/" in page.url
    with page.expect_navigation():
        page.keyboard.press("p")
    assert page.url == first
    page.close()
