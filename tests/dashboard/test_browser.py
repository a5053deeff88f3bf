"""The real dashboard in a real browser: ``streamlit run`` on a free port, headless Debian
Chromium through Playwright (Playwright's own browser download is not used)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
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


@pytest.fixture(scope="module")
def server(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run`` against the sample warehouse, given on the command line; one server
    for the module (each test opens its own page, so its own Streamlit session)."""
    with streamlit_run(sample_db, tmp_path_factory.mktemp("streamlit")) as (url, _port):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's headless Chromium, one for the module (each test gets a fresh context)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def opened(browser, **options: object) -> Iterator[object]:
    """A page in a fresh browser context (no cookies or storage from another test)."""
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_scorecard_then_agents_in_chromium(server: str, browser, tmp_path: Path) -> None:
    with opened(browser, viewport={"width": 1400, "height": 1000}) as page:
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


def test_a_shared_url_opens_with_its_filters_and_follows_changes(
    server: str, browser, sample_db: Path, tmp_path: Path
) -> None:
    """Open a link someone shared (issue 16, item 1): its filters are in the sidebar, the agents
    table holds the numbers `supportstats report agents` prints for the same flags; a change
    of filter shows in the address bar, and a page switch keeps the filters there."""
    from urllib.parse import parse_qs, urlparse

    import pandas as pd
    from typer.testing import CliRunner

    from supportstats.cli import app as cli_app

    flags = {"from": "2026-01-08", "to": "2026-01-14", "channel": "email",
             "agent": "agent_02@example.com"}  # fmt: skip
    cli = CliRunner().invoke(
        cli_app,
        ["report", "agents", *[a for k, v in flags.items() for a in (f"--{k}", v)],
         "--db", str(sample_db), "--format", "csv"],
        catch_exceptions=False,
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    expected = pd.read_csv(pd.io.common.StringIO(cli.stdout))
    assert expected["conversations"].tolist()[0] > 0

    def query() -> dict[str, list[str]]:
        return parse_qs(urlparse(page.url).query)

    with opened(browser, viewport={"width": 1400, "height": 1000}) as page:
        page.goto(f"{server}/agents?" + "&".join(f"{k}={v}" for k, v in flags.items()))
        page.get_by_role("heading", name="Agents").wait_for(timeout=60_000)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
        # the address now carries the filters as the dashboard writes them (keys)
        page.wait_for_function("() => location.search.includes('agent=generic')")
        assert urlparse(page.url).path.endswith("/agents")
        assert query()["agent"] == ["generic:agent_02"]
        assert query()["channel"] == ["email"]
        assert (query()["from"], query()["to"]) == (["2026-01-08"], ["2026-01-14"])
        # the widgets show them (once the rerun that wrote the address is over)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stApp\"]')"
            "?.getAttribute('data-test-script-state') === 'notRunning'",
            timeout=60_000,
        )
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Luis Pérez").first.wait_for(timeout=60_000)
        text = sidebar.inner_text()
        assert "Luis Pérez" in text and "email" in text, text
        period = sidebar.locator('[data-testid="stDateInput"] input')
        shown_period = [period.nth(i).input_value() for i in range(period.count())]
        assert shown_period == ["2026-01-08", "2026-01-14"], shown_period
        assert not page.locator('[data-testid="stException"]').count()
        page.screenshot(path=str(tmp_path / "shared.png"), full_page=True)

        # a figure: the agents table, downloaded, equals the CLI's for the same flags
        with page.expect_download() as download:
            page.locator('[data-testid="stDownloadButton"] button').first.click()
        shown = pd.read_csv(download.value.path())
        assert shown["agent_key"].tolist() == expected["agent_key"].tolist()
        assert shown["conversations"].tolist() == expected["conversations"].tolist()

        # change a filter: the address follows
        channel = sidebar.locator('[data-testid="stMultiSelect"]').first
        channel.click()
        page.keyboard.type("chat")
        page.keyboard.press("Enter")
        page.wait_for_function("() => location.search.includes('channel=chat')")
        assert query()["channel"] == ["email", "chat"]
        page.keyboard.press("Escape")

        # a page switch keeps the filters in the address
        page.get_by_role("link", name="Volume").click()
        page.get_by_role("heading", name="Volume").wait_for(timeout=60_000)
        page.wait_for_function(
            "() => location.pathname.endsWith('/volume') && location.search.includes('chat')"
        )
        assert query()["channel"] == ["email", "chat"]
        assert query()["agent"] == ["generic:agent_02"]
        assert not page.locator('[data-testid="stException"]').count()


def test_drill_down_from_an_agent_to_their_conversations_and_download(
    server: str, browser, sample_db: Path, tmp_path: Path
) -> None:
    """Issue 16, item 2: pick an agent's row on the Agents page, land on the Conversations
    page filtered by that agent (the address says so), download the CSV and read it back: the
    rows of `supportstats metrics --by conversation` with the same flags."""
    from urllib.parse import parse_qs, urlparse

    import pandas as pd
    from typer.testing import CliRunner

    from supportstats.cli import app as cli_app

    period = {"from": "2026-01-08", "to": "2026-01-14"}
    with opened(browser, viewport={"width": 1400, "height": 1000}, accept_downloads=True) as page:
        page.goto(f"{server}/agents?from={period['from']}&to={period['to']}")
        page.get_by_role("heading", name="Agents").wait_for(timeout=60_000)
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.wait_for(timeout=60_000)
        page.wait_for_timeout(1_000)  # the canvas draws its rows
        box = grid.bounding_box()
        assert box is not None
        # the row-selection box of the first row (header 35 px, rows 35 px)
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
        page.wait_for_url("**/conversations?**", timeout=60_000)
        page.get_by_role("heading", name="Conversations").wait_for(timeout=60_000)
        query = parse_qs(urlparse(page.url).query)
        assert query["from"] == [period["from"]] and query["to"] == [period["to"]]
        [agent] = query["agent"]
        button = page.get_by_role("button", name="Download CSV")
        button.wait_for(timeout=60_000)
        with page.expect_download(timeout=60_000) as info:
            button.click()
        download = info.value
        safe_agent = agent.replace(":", "-")
        assert download.suggested_filename == (
            f"conversations_{period['from']}_{period['to']}_agent-{safe_agent}.csv"
        )
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        page.screenshot(path=str(tmp_path / "conversations.png"), full_page=True)
        assert not page.locator('[data-testid="stException"]').count()
    got = pd.read_csv(target)
    result = CliRunner().invoke(
        cli_app,
        ["metrics", "--by", "conversation", "--from", period["from"], "--to", period["to"],
         "--agent", agent, "--db", str(sample_db), "--format", "csv"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0
    cli = pd.read_csv(io.StringIO(result.stdout))
    assert len(got) == len(cli) > 0
    assert set(got["agent_key"]) == {agent}
    assert got["conversation_id"].tolist() == cli["conversation_id"].tolist()


def test_a_bar_of_the_volume_chart_drills_down_to_its_conversations(
    server: str, browser, sample_db: Path, tmp_path: Path
) -> None:
    """Issue 16, item 2 ("every chart ... drills down"): click a bar of the Volume page's
    contacts per day and channel, land on the Conversations page filtered by that day and
    channel with the other filters kept; its count is `supportstats metrics --by
    conversation` with the same flags."""
    from urllib.parse import parse_qs, urlparse

    import pandas as pd
    from typer.testing import CliRunner

    from supportstats.cli import app as cli_app

    period = {"from": "2026-01-08", "to": "2026-01-14"}
    with opened(browser, viewport={"width": 1400, "height": 1000}) as page:
        page.goto(f"{server}/volume?from={period['from']}&to={period['to']}&queue=Web+chat"
                  "&queue=Email&clock=business")  # fmt: skip
        page.get_by_role("heading", name="Volume").wait_for(timeout=60_000)
        chart = page.locator('[data-testid="stPlotlyChart"]').filter(
            has_text="Contacts per day by channel"
        )
        bars = chart.locator(".barlayer .point path")
        bars.first.wait_for(timeout=60_000)
        page.wait_for_timeout(500)  # plotly binds its click handlers
        # as a user clicks: on the bar, through plotly's drag layer above it
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        box = bars.nth(2).bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url("**/conversations?**", timeout=60_000)
        page.get_by_role("heading", name="Conversations").wait_for(timeout=60_000)
        tile = page.locator('[data-testid="stMetric"]').filter(has_text="Conversations")
        tile.wait_for(timeout=60_000)
        shown = int(tile.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))
        query = parse_qs(urlparse(page.url).query)
        page.screenshot(path=str(tmp_path / "drilled.png"), full_page=True)
        assert not page.locator('[data-testid="stException"]').count()
    [day] = query["from"]
    assert query["to"] == [day] and period["from"] <= day <= period["to"]
    [channel] = query["channel"]
    # the other filters stay: the queues (as keys) and the definition option
    assert query["queue"] == ["generic:Web chat", "generic:Email"]
    assert query["clock"] == ["business"]
    result = CliRunner().invoke(
        cli_app,
        ["metrics", "--by", "conversation", "--from", day, "--to", day, "--channel", channel,
         "--queue", "Web chat", "--queue", "Email", "--option", "clock=business",
         "--db", str(sample_db), "--format", "csv"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    cli = pd.read_csv(io.StringIO(result.stdout))
    assert shown == len(cli) > 0
    assert set(cli["channel"]) == {channel}
