"""Debian's chromium under Playwright, the one browser every browser test drives (never a
downloaded one), started the same way everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from tests.conftest import missing_service

CHROMIUM = "/usr/bin/chromium"
# No sandbox (the tests run as root in containers), and no requests of the browser's own
# (sync, updates, first-run pages) mixed into what a page asks for.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """A running chromium, closed after the block; without one the test fails under
    CONVENE_REQUIRE_SERVICES and is skipped otherwise."""
    if not Path(CHROMIUM).exists():
        missing_service(f"no chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
