"""The web app in Debian's Chromium (Playwright with the system browser), against `make run`'s stack."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.runtime import PROJECT_ROOT
from tests.integration.conftest import LocalStackProcess, start_local_stack

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root, in a closed network: no sandbox, and none of Chromium's own calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# `make screenshots` points this at docs/screenshots; other runs keep theirs out of the tracked files.
SCREENSHOTS = Path(os.environ.get("BOXOFFICE_SCREENSHOTS") or PROJECT_ROOT / ".screenshots")


@pytest.fixture(scope="session")
def web_stack() -> Iterator[LocalStackProcess]:
    if not (PROJECT_ROOT / "web" / "dist" / "index.html").exists():
        subprocess.run(["make", "web"], cwd=PROJECT_ROOT, check=True)
    # Every test registers its customers from this machine's one address: more than an hour's default allows.
    stack = start_local_stack("--params", "MaxRegistrationsPerAddress=1000")
    yield stack
    assert stack.stop() == 0, stack.log()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (`apt-get install chromium`; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


_OPEN_PAGES = pytest.StashKey[list[tuple[Any, LocalStackProcess]]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    """A failed browser test reports what each of its pages showed and what the stack logged last: a timeout
    alone ("not visible in 60 s") says nothing of why, and CI keeps nothing else."""
    report = yield
    if report.when == "call" and report.failed:
        for index, (page, stack) in enumerate(item.stash.get(_OPEN_PAGES, [])):
            report.sections.append((f"page {index}", _what_the_page_shows(page)))
            report.sections.append((f"the stack behind page {index}, last lines", "".join(stack.output[-60:])))
    return report


def _what_the_page_shows(page: Any) -> str:
    try:
        if page.is_closed():
            return "(closed)"
        text = page.evaluate("() => document.body ? document.body.innerText : '(no body)'")
        return f"url: {page.url}\n{text[:3000]}"
    except Exception as error:  # a crashed page still lets the other sections be reported
        return f"(unreadable: {error!r})"


@pytest.fixture
def new_page(browser, request):
    """A page in a browser context of its own (its own session), opened on the app: `web_stack`'s unless the
    test names another stack."""
    contexts = []

    def open_page(
        viewport: dict[str, int] | None = None, *, enforce_csp: bool = False, stack: LocalStackProcess | None = None
    ) -> Any:
        stack = stack or request.getfixturevalue("web_stack")
        # axe-core is injected as a script of the test's own, which the page's policy rightly refuses: the
        # policy is enforced where a test says so (test_the_app_runs_under_its_strict_content_security_policy).
        context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 900}, base_url=stack.url, bypass_csp=not enforce_csp
        )
        contexts.append(context)
        page = context.new_page()
        request.node.stash.setdefault(_OPEN_PAGES, []).append((page, stack))  # reported if the test fails
        page.set_default_timeout(60_000)  # a busy machine answers slowly; nothing here measures time
        page.goto("/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
