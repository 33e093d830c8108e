"""The HTML review report in a real browser: Debian's Chromium, driven by Playwright.

Each page is opened from its file with every other request intercepted and refused (and
counted: none may leave), the console watched for errors (a CSP violation is one), and the
visible text compared with the JSON report of the same run. Screenshots go to
``$TA1CHECK_ARTIFACTS`` (else ``test-artifacts/``, ignored by git) for CI to keep.

Without Chromium these tests are skipped on a developer's machine and fail in CI (``CI`` set),
where ``.ci/run`` installs it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, marked_runs, require_tool
from review_run import thousand_claims
from ta1check.findings import Status
from ta1check.report import get_reporter

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("TA1CHECK_ARTIFACTS") or ROOT / "test-artifacts")
#: What the machine's closed network needs of Chromium: no background requests at start.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = require_tool("chromium", "for the HTML report's browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Page:
    """An open report, and what it tried to fetch and said on the console."""

    page: Any
    left: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def visible_claims(self) -> int:
        """Claims drawn on the page (not hidden by a filter, a stylesheet or print)."""
        return int(
            self.page.evaluate(
                "[...document.querySelectorAll('article.claim')]"
                ".filter(a => a.getClientRects().length > 0).length"
            )
        )

    def shot(self, name: str, *, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def overflow(self) -> int:
        """How far the page is wider than the window (0: no horizontal scroll)."""
        return int(
            self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
        )


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def _open(path: Path, *, width: int = 1100, javascript: bool = True) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        opened = Page(page)
        own = path.resolve().as_uri()

        def route(r: Any) -> None:
            if r.request.url == own:
                r.continue_()
            else:
                opened.left.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on("request", lambda req: req.url == own or opened.left.append(req.url))
        page.on("console", lambda m: m.type == "error" and opened.errors.append(m.text))
        page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
        page.goto(own)
        page.wait_for_load_state("load")
        return opened

    yield _open
    for context in contexts:
        context.close()


def _counts(page: Page) -> dict[str, int]:
    shown: dict[str, int] = {}
    for item in page.page.locator("#summary li").all():
        number, _, name = item.inner_text().strip().partition(" ")
        shown[name.strip()] = int(number)
    return shown


def test_the_repositorys_claims_as_an_editor_sees_them(run, emulator, tmp_path, open_page):
    html, doc = tmp_path / "review.html", tmp_path / "review.json"
    out = run(
        "check", str(ROOT / "claims.toml"), "--report", f"html={html}", "--report", f"json={doc}"
    )
    assert out.code in (0, 1, 3), out.stderr
    report = json.loads(doc.read_text())
    page = open_page(html)
    summary = report["summary"]
    assert _counts(page) == {
        "claims": summary["claims"],
        **{s.value: summary[s.value] for s in Status},
    }
    order = {s: i for i, s in enumerate(("error", "unverified", "warning", "ok"))}
    expected = sorted(report["results"], key=lambda r: order[r["status"]])
    first = page.page.locator("article.claim").first
    assert first.locator(".label").inner_text() == expected[0]["id"]
    if expected[0]["findings"]:
        message = expected[0]["findings"][0]["message"]
        assert first.locator(".message").first.inner_text() == message
        assert first.locator(".message").first.is_visible()
    labels = page.page.locator("article.claim .label").all_text_contents()
    assert labels == [r["id"] for r in expected]
    page.shot("review-desktop.png")
    assert page.left == [] and page.errors == []

    phone = open_page(html, width=375)
    assert phone.overflow() == 0
    phone.shot("review-phone.png")
    assert phone.left == [] and phone.errors == []


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, float]:
    folder = tmp_path_factory.mktemp("thousand")
    run = thousand_claims(folder)
    path = folder / "review.html"
    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        get_reporter("html").render(run, out)
    return path, run, time.perf_counter() - started


def test_a_thousand_claims_stay_usable(thousand, open_page):
    path, run, _seconds = thousand
    summary = run.summary
    assert summary.total == 1000
    started = time.perf_counter()
    page = open_page(path)
    page.page.wait_for_selector("#f-shown:has-text('claims shown')")
    loaded = time.perf_counter() - started
    assert _counts(page) == {"claims": 1000, **{s.value: summary.by_status[s] for s in Status}}
    assert page.visible_claims() == 1000
    assert page.page.locator("#f-shown").inner_text() == "1000 of 1000 claims shown"

    # every stated figure is highlighted in its sentence, and only it
    passages = [p for r in run.results for p in r.evidence if p.spans]
    assert len(passages) > 200
    drawn = page.page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('article.claim')].map(a => [
            a.querySelector(".label").textContent,
            [...a.querySelectorAll('.passage')].map(p => ({
                text: p.querySelector('.ptext').textContent,
                marks: [...p.querySelectorAll('mark')].map(m => m.textContent),
                shown: [...p.querySelectorAll('mark')].some(m => m.getClientRects().length > 0),
            })),
        ]))"""
    )
    for result in run.results:
        assert drawn[result.claim.label] == [
            {"text": p.text, "marks": marked_runs(p.text, p.spans), "shown": bool(p.spans)}
            for p in result.evidence
        ]

    # the status filter
    page.page.locator("#filters input[value=ok]").uncheck()
    page.page.wait_for_function(
        "n => document.querySelectorAll('article.claim:not([hidden])').length === n",
        arg=1000 - summary.by_status[Status.OK],
    )
    assert page.page.locator("section.group.s-ok").is_hidden()
    page.page.locator("#filters input[value=ok]").check()
    # the code filter
    code, with_code = next(iter(summary.by_code.items()))
    claims_with_code = sum(1 for r in run.results if any(f.code.slug == code for f in r.findings))
    page.page.locator("#f-code").select_option(code)
    page.page.wait_for_function(
        "n => document.querySelectorAll('article.claim:not([hidden])').length === n",
        arg=claims_with_code,
    )
    assert with_code >= claims_with_code > 0
    page.page.locator("#f-code").select_option("")
    # the text search: a PMID, then a word of one claim's sentence
    some = next(r for r in run.results if r.record is not None)
    page.page.locator("#f-text").fill(str(some.claim.pmid))
    page.page.wait_for_function(
        "() => document.querySelectorAll('article.claim:not([hidden])').length >= 1"
        " && document.querySelectorAll('article.claim:not([hidden])').length < 1000"
    )
    visible = page.page.locator("article.claim:not([hidden]) .label").all_text_contents()
    assert some.claim.label in visible
    # printing shows every claim, filtered or not, and no filter
    page.page.emulate_media(media="print")
    assert page.visible_claims() == 1000
    assert page.page.locator("#filters").is_hidden()
    page.page.emulate_media(media="screen")
    # the README's picture: a faulty claim with its highlighted evidence, found by search
    shown = next(r for r in run.results if r.status is Status.ERROR and r.evidence)
    page.page.locator("#f-text").fill(shown.claim.label)
    page.page.wait_for_function(
        "() => document.querySelectorAll('article.claim:not([hidden])').length === 1"
    )
    page.page.set_viewport_size({"width": 900, "height": 760})
    page.shot("review-search.png")
    page.page.locator("#f-text").fill("")
    page.page.set_viewport_size({"width": 1100, "height": 900})
    page.shot("thousand-desktop.png")
    assert page.left == [] and page.errors == []

    phone = open_page(path, width=375)
    assert phone.overflow() == 0
    phone.shot("thousand-phone.png")
    assert phone.left == [] and phone.errors == []
    (ARTIFACTS / "thousand-timing.txt").write_text(
        f"size {path.stat().st_size} bytes; render {_seconds:.2f} s; load {loaded:.2f} s\n"
    )


def test_without_javascript_every_claim_shows_and_no_filter(thousand, open_page):
    path, run, _ = thousand
    page = open_page(path, javascript=False)
    assert page.visible_claims() == run.summary.total
    assert page.page.locator("#filters").is_hidden()
    assert page.left == [] and page.errors == []
