"""Debian's headless Chromium under Playwright, as the browser tests use it
(never a browser download; flags that keep it off this closed network)."""

import contextlib
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 900}


@contextlib.contextmanager
def chromium_context(viewport=VIEWPORT):
    """A Playwright browser context on a fresh user-data-dir."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run `make browser` (apt-get install -y chromium)"
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="convnets-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport=viewport,
        )
        try:
            yield context
        finally:
            context.close()
