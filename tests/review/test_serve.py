"""`grader review` as a TA starts it: the address it prints, loopback by default, a token beyond it."""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main

START = "from grader.cli import main; main()"


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-c", START, "review", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        found = re.search(r"open (http://\S+)", line)
        if found:
            return process, found.group(1)
    process.kill()
    raise AssertionError("".join(lines))


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=30)
    assert process.stdout is not None
    process.stdout.close()


def test_it_serves_on_loopback_and_prints_its_address(results: Path) -> None:
    process, address = _start(str(results), "--port", "0")
    try:
        assert address.startswith("http://127.0.0.1:") and "token" not in address
        with urllib.request.urlopen(address, timeout=30) as reply:
            assert reply.status == 200 and "checks wait for a TA" in reply.read().decode()
    finally:
        _stop(process)


def test_beyond_loopback_it_needs_the_flag_and_then_a_token(results: Path) -> None:
    refused = CliRunner().invoke(main, ["review", str(results), "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "add --allow-remote" in refused.output
    process, address = _start(str(results), "--port", "0", "--host", "0.0.0.0", "--allow-remote")
    try:
        token = re.search(r"\?token=([\w-]+)$", address)
        assert token and len(token.group(1)) >= 24
        bare = address.split("?")[0].replace("0.0.0.0", "127.0.0.1")
        with pytest.raises(urllib.error.HTTPError) as refusal:
            urllib.request.urlopen(bare, timeout=30)
        assert refusal.value.code == 403
        refusal.value.close()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with browser.open(bare + "?token=" + token.group(1), timeout=30) as reply:  # then the cookie
            assert reply.status == 200 and reply.url == bare
    finally:
        _stop(process)


def test_a_folder_without_results_is_refused_with_what_to_do(tmp_path: Path) -> None:
    outcome = CliRunner().invoke(main, ["review", str(tmp_path)])
    assert outcome.exit_code == 2 and "no student results (<id>.json) here" in outcome.output
    outcome = CliRunner().invoke(main, ["review", str(tmp_path / "missing")])
    assert outcome.exit_code == 2 and "no such folder" in outcome.output
