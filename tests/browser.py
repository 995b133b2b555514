"""Shared pieces for tests that drive Debian's Chromium with Playwright."""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parent / "e2e" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def require_chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM}: run make test")


def axe_violations(page) -> list[str]:
    """Run axe with the WCAG 2.2 AA tags; return one readable line per violating node."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    lines = []
    for violation in results.response.get("violations", []):
        for node in violation["nodes"]:
            lines.append(f"{violation['id']}: {node['target']} — {violation['help']}")
    return lines


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80]
