"""The real dashboard in a real browser: ``streamlit run`` on a free port, headless Debian
Chromium through Playwright (Playwright's own browser download is not used)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _streamlit_server import streamlit_run

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian Chromium not installed at /usr/bin/chromium (make browser installs it)",
    ),
]


@pytest.fixture
def server(sample_db: Path, tmp_path: Path) -> Iterator[str]:
    """``streamlit run`` against the sample warehouse, given on the command line."""
    with streamlit_run(sample_db, tmp_path) as (url, _port):
        yield url


def test_scorecard_then_agents_in_chromium(server: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server)
            tiles = page.locator('[data-testid="stMetric"]')
            tiles.first.wait_for(timeout=60_000)
            page.get_by_text("Customers at risk / month").wait_for(timeout=60_000)
            labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
            for label in ("Average wait", "CSAT", "Resolution rate", "Abandonment"):
                assert any(label in text for text in labels), labels
            assert page.get_by_text("Team scorecard").is_visible()
            page.screenshot(path=str(tmp_path / "scorecard.png"), full_page=True)

            page.get_by_role("link", name="Agents").click()
            page.get_by_role("heading", name="Agents").wait_for(timeout=60_000)
            page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
            assert "/agents" in page.url
            assert not page.locator('[data-testid="stException"]').count()
            shot = tmp_path / "agents.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
