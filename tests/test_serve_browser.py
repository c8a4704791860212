"""The operator's page in a real browser: Chromium driven by Playwright against a server on a free local port.

Skipped, with the reason, where Playwright or Chromium is missing (CI installs
Debian's chromium and fonts-noto-cjk). Chromium is looked for at
$SHEQUN_CHROMIUM, then /usr/bin/chromium, then on PATH.
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from shequn.cli.main import cli
from shequn.facts.loader import load_facts

pytestmark = pytest.mark.browser

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def chromium() -> str | None:
    for candidate in (os.environ.get("SHEQUN_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server():
    """The page's routes on uvicorn in a thread, on a free port of 127.0.0.1."""
    import uvicorn
    from starlette.applications import Starlette

    import shequn
    from shequn.serve import page

    app = Starlette(routes=page.routes(shequn.Engine()))
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    path = chromium()
    if path is None:
        pytest.skip("no Chromium found (apt-get install chromium fonts-noto-cjk, or set SHEQUN_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=ARGS)
        yield b
        b.close()


def answer_block(pg, typed: dict[str, str]) -> None:
    """Answer every question of the block shown with an answer an operator could give; note what was typed."""
    for fs in pg.locator("fieldset.q").all():
        fact = fs.get_attribute("data-fact")
        text_input = fs.locator("input[type=text]")
        if fact == "community.name":
            text_input.fill("跑步群")
        elif text_input.count():
            is_share = "90%" in (text_input.get_attribute("placeholder") or "")
            value = "90%" if is_share else "120"
            text_input.fill(value)
            typed[fact] = value
        else:
            fs.locator("input[name^='a.']").first.check()        # the first choice: 是, or the first value
            typed[fact] = "first"


def test_an_operator_answers_in_chinese_and_downloads_the_facts(server, browser, tmp_path):
    context = browser.new_context(accept_downloads=True, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.goto(server + "/")
    assert pg.locator("h1").inner_text() == "Community check-up"
    pg.click("#lang-switch")                                      # to Chinese
    assert pg.locator("h1").inner_text() == "社群体检"
    pg.click("#start-blank")
    assert pg.locator("fieldset.q legend").first.inner_text() == "这个社群叫什么名字？"
    assert pg.locator("#score [data-score]").get_attribute("data-score") == "none"
    score_before = pg.locator("#score").inner_text()
    plan_before = pg.locator("#plan").inner_text()

    # the first block: the name, "no" to the first yes/no question, "don't know" to the next
    pg.fill("input[name='a.community.name']", "跑步群")
    yes_no = pg.locator("fieldset.q:has(input[value='no'])")
    yes_no.nth(0).locator("input[value='no']").check()
    yes_no.nth(1).locator("input[value='?']").check()
    for fs in pg.locator("fieldset.q:has(input[type=text]):not([data-fact='community.name'])").all():
        fs.locator("input[type=text]").fill("50")
    pg.click("#next")
    assert pg.locator(".error").count() == 0
    assert pg.locator("#plan").inner_text() != plan_before and pg.locator("#plan li").count() >= 1
    assert pg.locator("#score").inner_text() != score_before     # more rules judged
    assert "跳过 1 项" in pg.locator(".progress").inner_text()

    # answer blocks until a share question comes; type 90% into it
    typed: dict[str, str] = {}
    for _ in range(12):
        if pg.locator("input[placeholder='90%']").count():
            break
        answer_block(pg, typed)
        pg.click("#next")
        assert pg.locator(".error").count() == 0
    share = pg.locator("fieldset.q:has(input[placeholder='90%'])").first
    share_fact = share.get_attribute("data-fact")
    share.locator("input[type=text]").fill("150%")                # a bad value: its error beside the field
    pg.click("#next")
    field = pg.locator(f"fieldset.q[data-fact='{share_fact}']")
    error = field.locator(".error")
    assert error.is_visible() and error.inner_text() == "请填 0% 到 100% 之间的比例，例如 90% 或 0.9。"
    assert field.locator("input[type=text]").input_value() == "150%"        # as typed, to correct it
    field.locator("input[type=text]").fill("90%")
    pg.click("#next")
    assert pg.locator(".error").count() == 0
    pg.locator("details.known summary").click()
    assert "90%" in pg.locator("details.known").inner_text()

    # download the facts file: check reads it back, with the share as 0.9
    with pg.expect_download() as info:
        pg.click("#dl-facts")
    path = tmp_path / "facts.yaml"
    info.value.save_as(path)
    facts = load_facts(path).flat(derived=False)
    assert facts["community.name"] == "跑步群" and facts[share_fact] == 0.9
    result = CliRunner().invoke(cli, ["check", str(path), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    context.close()
