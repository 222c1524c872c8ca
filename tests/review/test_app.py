"""The review's routes on a graded class of 20: the queue, a check page, decisions, corrections, protections."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from grader.review.app import create_app
from grader.review.ledger import TaFiles, student_entries
from tests.review.classroom import SCRIPT

CHECK = "/student/400120/q06.d_batch_size_one"


def _client(results: Path, **options: Any) -> FlaskClient:
    return create_app(results, **options).test_client()


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _page(client: FlaskClient, url: str) -> str:
    reply = client.get(url)
    assert reply.status_code == 200, (url, reply.status_code)
    return reply.get_data(as_text=True)


def _gradebook(results: Path) -> dict[str, dict[str, str]]:
    text = (results.parent / "grades.csv").read_text(encoding="utf-8")
    return {row["id"]: row for row in csv.DictReader(text.splitlines())}


def _check(results: Path, student: str, check_id: str) -> dict[str, Any]:
    data = json.loads((results / f"{student}.json").read_text(encoding="utf-8"))
    return next(c for c in data["questions"][check_id[:3]]["checks"] if c["id"] == check_id)  # type: ignore[no-any-return]


def test_the_queue_lists_every_waiting_check_with_counts_and_filters(results: Path) -> None:
    client = _client(results)
    page = _page(client, "/")
    waiting = [(s, c) for s in (p.stem for p in results.glob("4*.json"))
               for c in [c["id"] for q in json.loads((results / f"{s}.json").read_text())["questions"].values()
                         for c in q["checks"] if c["manual_review"] and c["override"] is None]]  # fmt: skip
    total = int(re.search(r"<h1>(\d+) checks wait for a TA</h1>", page).group(1))  # type: ignore[union-attr]
    assert total == len(waiting) > 10
    assert len(re.findall(r'class="open" href="/student/', page)) == total
    assert (
        f'<option value="q06.d_batch_size_one">q06.d_batch_size_one ({sum(c == "q06.d_batch_size_one" for _, c in waiting)})'
        in page
    )
    only = _page(client, "/?check=q06.d_batch_size_one&student=400120")
    assert len(re.findall(r'class="open" href="', only)) == 1 and "check=q06.d_batch_size_one" in only


def test_a_check_page_shows_the_answer_where_it_was_read_and_escapes_it(results: Path) -> None:
    page = _page(_client(results), CHECK)
    assert "report.md, line 9" in page and "(d) The problems of batch normalization with batch size 1" in page
    assert SCRIPT not in page and "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "What the grader found" in page and "Found: the statistics of a single example" in page
    persian = _page(_client(results), CHECK + "?lang=fa")
    assert '<html lang="fa" dir="rtl">' in persian and "پاسخ دانشجو" in persian and "خوانده‌شده از" in persian


def test_a_decision_is_written_recorded_and_applied_and_the_check_leaves_the_queue(results: Path) -> None:
    client = _client(results)
    page = _page(client, CHECK)
    before, suggested = _gradebook(results)["400120"], _check(results, "400120", "q06.d_batch_size_one")["score"]
    assert suggested == 1.5  # one idea, one in part, one missing
    reply = client.post(CHECK + "/decide", data={"csrf": _csrf(page), "version": "", "score": "۳",
                                                 "reason": "همهٔ نکته‌ها را گفته است", "by": "Sara"})  # fmt: skip
    assert reply.status_code == 302 and "/student/" in reply.headers["Location"]
    entry = student_entries(results.parent / "overrides.yaml", "400120")["q06.d_batch_size_one"]
    assert entry == {"score": 3, "reason": "همهٔ نکته‌ها را گفته است", "by": "Sara"}
    audit = [json.loads(line) for line in (results.parent / "overrides.audit.jsonl").read_text().splitlines()]
    assert audit[-1]["by"] == "Sara" and audit[-1]["old"] == suggested and audit[-1]["new"] == 3
    check = _check(results, "400120", "q06.d_batch_size_one")
    assert check["score"] == 3 and check["override"]["reason"].endswith("— Sara") and check["auto_score"] == 1.5
    after = _gradebook(results)["400120"]
    assert float(after["total"]) == float(before["total"]) + 1.5 and float(after["q06"]) == float(before["q06"]) + 1.5
    assert 'href="/student/400120/q06.d_batch_size_one' not in _page(client, "/?student=400120")
    undone = client.post(CHECK + "/decide", data={"csrf": _csrf(page), "version": _version(client, CHECK),
                                                  "action": "undo", "by": "Sara"})  # fmt: skip
    assert undone.status_code == 302 and _gradebook(results)["400120"]["total"] == before["total"]
    assert _check(results, "400120", "q06.d_batch_size_one")["override"] is None


def _version(client: FlaskClient, url: str) -> str:
    match = re.search(r'name="version" value="([^"]*)"', _page(client, url))
    assert match
    return match.group(1)


def test_accepting_the_suggestion_takes_one_key_and_fills_the_reason(results: Path) -> None:
    client = _client(results, reviewer="Ali")
    page = _page(client, CHECK)
    reply = client.post(CHECK + "/decide", data={"csrf": _csrf(page), "version": "", "action": "accept", "by": "Ali"})
    assert reply.status_code == 302
    check = _check(results, "400120", "q06.d_batch_size_one")
    assert check["score"] == check["auto_score"] == 1.5 and "suggested score is right" in check["override"]["reason"]


def test_the_same_decision_goes_to_identical_answers(results: Path) -> None:
    client = _client(results)
    url = "/student/400117/q06.d_batch_size_one"
    page = _page(client, url)
    assert re.findall(r'name="same" value="(\d+)"', page) == ["400118", "400119"]
    client.post(url + "/decide", data={"csrf": _csrf(page), "version": "", "score": "2.5", "reason": "تقریباً کامل",
                                       "by": "Sara", "same": ["400118", "400119", "400120"]})  # fmt: skip
    for student in ("400117", "400118", "400119"):
        assert _check(results, student, "q06.d_batch_size_one")["score"] == 2.5
    assert _check(results, "400120", "q06.d_batch_size_one")["override"] is None  # a different answer: never


def test_a_decision_made_meanwhile_by_another_ta_is_shown_not_overwritten(results: Path) -> None:
    first, second = _client(results), _client(results)
    page = _page(second, CHECK)  # Sara opens the page ...
    token = _csrf(_page(first, CHECK))
    first.post(CHECK + "/decide", data={"csrf": token, "version": "", "score": "1", "reason": "weak", "by": "Ali"})
    reply = second.post(
        CHECK + "/decide", data={"csrf": _csrf(page), "version": "", "score": "3", "reason": "full", "by": "Sara"}
    )  # fmt: skip  ... and saves after Ali did
    text = reply.get_data(as_text=True)
    assert reply.status_code == 409 and "Ali changed this while you were looking at it: now 1 (weak)" in text
    assert 'value="3"' in text  # what Sara typed is kept on the page
    assert _check(results, "400120", "q06.d_batch_size_one")["score"] == 1


@pytest.mark.parametrize(("form", "message"), [
    ({"score": "4", "reason": "x", "by": "Sara"}, "The score must be a number from 0 to 3."),
    ({"score": "خوب", "reason": "x", "by": "Sara"}, "The score must be a number from 0 to 3."),
    ({"score": "2", "reason": " ", "by": "Sara"}, "A reason is required"),
    ({"score": "2", "reason": "x", "by": ""}, "Give your name"),
])  # fmt: skip
def test_a_bad_decision_is_refused_with_the_reason_and_nothing_is_written(results: Path, form: dict[str, str],
                                                                          message: str) -> None:  # fmt: skip
    client = _client(results)
    reply = client.post(CHECK + "/decide", data={"csrf": _csrf(_page(client, CHECK)), "version": "", **form})
    assert reply.status_code == 422 and message in reply.get_data(as_text=True)
    assert not (results.parent / "overrides.yaml").exists()


def test_a_corrected_reading_regrades_the_checks_that_read_it_without_code(results: Path) -> None:
    """The seed student's Q5 table is handwriting read by OCR: every cell waits for a TA, who reads one."""
    client = _client(results)
    url = "/student/400116/q05.layer_table"
    page = _page(client, url)
    assert "q05.layers.2.output" in page and "report.md, line" in page
    before = _check(results, "400116", "q05.layer_table")["score"]
    reply = client.post(url + "/correct", data={"csrf": _csrf(page), "field": "q05.layers.2.output",
                                                "value": "(124, 124, 32)", "reason": "read from the handwriting",
                                                "by": "Sara", "version:q05.layers.2.output": ""})  # fmt: skip
    assert reply.status_code == 302
    after = _check(results, "400116", "q05.layer_table")
    assert after["score"] > before
    source = next(s for s in after["details"]["sources"] if s["field"] == "q05.layers.2.output")
    assert source["corrected_by"] == "Sara" and source["excerpt"] == "(124, 124, 32)"
    assert "as corrected by Sara" in after["feedback"]["en"]
    follow = _page(client, reply.headers["Location"])
    assert "Graded again without running code: q05.layer_table" in follow and "corrected by Sara" in follow
    files = TaFiles(results.parent / "overrides.yaml")
    assert student_entries(files.corrections, "400116")["q05.layers.2.output"]["value"] == "(124, 124, 32)"
    assert float(_gradebook(results)["400116"]["q05"]) == after["score"]


def test_forms_without_the_csrf_token_or_from_another_site_are_refused(results: Path) -> None:
    client = _client(results)
    token = _csrf(_page(client, CHECK))
    form = {"version": "", "score": "3", "reason": "x", "by": "Eve"}
    assert client.post(CHECK + "/decide", data=form).status_code == 400
    assert client.post(CHECK + "/decide", data={**form, "csrf": "guess"}).status_code == 400
    assert client.post(CHECK + "/decide", data={**form, "csrf": token},
                       headers={"Sec-Fetch-Site": "cross-site"}).status_code == 400  # fmt: skip
    assert client.post(CHECK + "/decide", data={**form, "csrf": token},
                       headers={"Origin": "http://evil.example"}).status_code == 400  # fmt: skip
    assert not (results.parent / "overrides.yaml").exists()


def test_only_this_machines_names_are_answered(results: Path) -> None:
    client = _client(results)
    assert client.get("/", headers={"Host": "evil.example:8000"}).status_code == 400  # DNS rebinding
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200


def test_served_beyond_loopback_every_request_needs_the_token(results: Path) -> None:
    client = _client(results, hosts=None, token="s3cret-token")
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    reply = client.get("/?token=s3cret-token&lang=fa")
    assert reply.status_code == 302 and reply.headers["Location"] == "/?lang=fa"
    assert "HttpOnly" in reply.headers["Set-Cookie"] and "SameSite=Strict" in reply.headers["Set-Cookie"]
    assert client.get("/").status_code == 200  # the cookie now
    with pytest.raises(ValueError, match="needs a token"):
        create_app(results, hosts=None)


def test_urls_cannot_reach_outside_the_results(results: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text((results / "400101.json").read_text(encoding="utf-8"), encoding="utf-8")
    (results / "evil.json").symlink_to(secret)
    client = _client(results)
    for url in ("/student/..%2F..%2Fsecret/q06.d_batch_size_one", "/student/../secret/q06.c_epsilon",
                f"/student/{tmp_path}/secret/q06.c_epsilon", "/student/%2Fetc%2Fpasswd", "/student/evil",
                "/student/evil/q06.c_epsilon", "/student/_class", "/student/400120/..%2F..%2Fq06.c_epsilon",
                "/student/400120/q99.nothing", "/static/../grader/cli.py", "/static/%2E%2E/review.css",
                "/static/fonts/../../answers/q05.yaml"):  # fmt: skip
        assert client.get(url, follow_redirects=True).status_code == 404, url
    assert "evil" not in _page(client, "/")
    assert client.get("/static/review.css").status_code == 200


def test_every_page_forbids_inline_script_and_framing(results: Path) -> None:
    reply = _client(results).get(CHECK)
    policy = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_q05_cells_and_q07_heatmaps_are_drawn_as_the_pdf_report_draws_them(tmp_path: Path) -> None:
    from grader.render.json_out import render
    from tests.render.pdf_samples import sample_report

    folder = tmp_path / "old_results"  # no manifest: results from before the class run recorded one
    folder.mkdir()
    (folder / "400301.json").write_text(render(sample_report()), encoding="utf-8")
    client = _client(folder)
    table = _page(client, "/student/400301/q05.layer_table")
    assert 'class="bad">✗ 126x126x32</td><td class="expected shown">(124, 124, 32)' in table
    heatmaps = _page(client, "/student/400301/q07.gradcam_functional")
    assert (
        '<td class="good">0.97</td>' in heatmaps and "/student/400301/q07.gradcam_functional/heatmaps.png" in heatmaps
    )
    pytest.importorskip("matplotlib", reason="the heatmaps are drawn with matplotlib (the pdf or tf extra)")
    image = client.get("/student/400301/q07.gradcam_functional/heatmaps.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG") and image.mimetype == "image/png"
    assert "(not recorded by this class run)" in _page(client, "/")
