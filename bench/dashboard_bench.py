"""The dashboard as a manager meets it: a fresh server, a real browser, a year of data.

For each page (Scorecard, Agents, Volume, Staffing, SLA, Conversations, Live queue, Data) a
fresh ``streamlit run`` is started on the warehouse and headless Chromium (Debian's, through
Playwright) opens the page; the time is from the navigation until the page's figures are on
screen (its metric tiles, tables and charts visible, and Streamlit's "running" indicator
gone). Then one filter change (a channel picked in the sidebar) is timed until the rerun
finishes. The floor is a trivial Streamlit page (a metric, one plotly chart, a table) timed
the same way in the same run, and its rerun after a button click. Goals (issue 13): every
page within 2x the trivial page; a filter change within 1 s more than the trivial rerun.

    python bench/dashboard_bench.py --db /tmp/supportstats-facts-bench/1000000_0/year.duckdb
    python bench/dashboard_bench.py --conversations 100000     # builds a warehouse first

The warehouse comes from ``bench/facts_bench.py`` (``--conversations N`` builds it).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboards" / "streamlit_app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TRIVIAL = """
import pandas as pd
import plotly.express as px
import streamlit as st

frame = pd.DataFrame({"hour": range(24), "contacts": [(h * 37) % 50 for h in range(24)]})
st.metric("Contacts", int(frame["contacts"].sum()))
st.plotly_chart(px.bar(frame, x="hour", y="contacts"))
st.dataframe(frame)
st.button("Rerun")
"""
# what each page shows once its figures are there
PAGES = {
    "scorecard": ("/", ['[data-testid="stMetric"]', '[data-testid="stPlotlyChart"]']),
    "agents": ("/agents", ['[data-testid="stDataFrame"]']),
    "volume": ("/volume", ['[data-testid="stPlotlyChart"]', '[data-testid="stDataFrame"]']),
    "staffing": ("/staffing", ['[data-testid="stPlotlyChart"]']),
    "sla": ("/sla", ['[data-testid="stDataFrame"]']),
    "conversations": (
        "/conversations",
        ['[data-testid="stMetric"]', '[data-testid="stDataFrame"]'],
    ),
    "live queue": ("/live_queue", ['[data-testid="stDataFrame"]']),
    "data": ("/warehouse", ['[data-testid="stDataFrame"]']),
}
TRIVIAL_SHOWS = [
    '[data-testid="stMetric"]',
    '[data-testid="stPlotlyChart"]',
    '[data-testid="stDataFrame"]',
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run SCRIPT`` on a free port, until closed."""

    def __init__(self, script: Path, args: list[str], log: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless",
             "true", "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--", *args],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=REPO,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"streamlit did not start: see {log}")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


APP_STATE = (
    "document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state')"
)


def settled(page, selectors: list[str], timeout_ms: int = 120_000) -> None:  # noqa: ANN001
    """Wait until the script run is over (Streamlit's ``data-test-script-state`` on the app
    element) and every selector is visible."""
    page.wait_for_function(f"() => {APP_STATE} === 'notRunning'", timeout=timeout_ms, polling=20)
    for sel in selectors:
        page.locator(sel).first.wait_for(state="visible", timeout=timeout_ms)
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError("the page shows an exception")


def time_page(browser, url: str, selectors: list[str]) -> float:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    started = time.perf_counter()
    page.goto(url)
    settled(page, selectors)
    seconds = time.perf_counter() - started
    page.close()
    return seconds


WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__sawRun = false;
    new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') !== 'notRunning') window.__sawRun = true;
    }).observe(app, {attributes: true});
}"""


def time_rerun(page, action, selectors: list[str]) -> float:  # noqa: ANN001
    """Time from ``action()`` until the rerun it starts has finished."""
    page.evaluate(WATCH_RUNS)
    started = time.perf_counter()
    action()
    page.wait_for_function(
        f"() => window.__sawRun && {APP_STATE} === 'notRunning'", timeout=120_000, polling=20
    )
    settled(page, selectors)
    return time.perf_counter() - started


def pick_channel(page) -> None:  # noqa: ANN001
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option").first.click()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="Warehouse to show (from bench/facts_bench.py).")
    ap.add_argument("--conversations", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2, help="Fresh servers per page.")
    args = ap.parse_args()
    db = args.db
    if db is None:
        db = Path(f"/tmp/supportstats-facts-bench/{args.conversations}_0/year.duckdb")
        if not db.exists():
            subprocess.run([sys.executable, str(REPO / "bench" / "facts_bench.py"),
                            "--conversations", str(args.conversations), "--repeat", "1"],
                           check=True)  # fmt: skip
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    trivial = work / "trivial.py"
    trivial.write_text(TRIVIAL)
    results: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(args.repeat):
                server = Server(trivial, [], work / f"trivial{i}.log")
                try:
                    t = time_page(browser, server.url, TRIVIAL_SHOWS)
                    results["trivial page"] = min(results.get("trivial page", t), t)
                    page = browser.new_page()
                    page.goto(server.url)
                    settled(page, TRIVIAL_SHOWS)
                    r = time_rerun(
                        page, lambda pg=page: pg.get_by_role("button", name="Rerun").click(),
                        TRIVIAL_SHOWS,
                    )  # fmt: skip
                    results["trivial rerun"] = min(results.get("trivial rerun", r), r)
                    page.close()
                finally:
                    server.close()
                for name, (path, selectors) in PAGES.items():
                    server = Server(APP, ["--db", str(db)], work / f"{name}{i}.log")
                    try:
                        t = time_page(browser, server.url + path, selectors)
                        results[f"{name} page"] = min(results.get(f"{name} page", t), t)
                        if name == "agents":  # the filter change, on a page already shown
                            page = browser.new_page(viewport={"width": 1400, "height": 1000})
                            page.goto(server.url + path)
                            settled(page, selectors)
                            r = time_rerun(page, lambda pg=page: pick_channel(pg), selectors)
                            results["agents filter change"] = min(
                                results.get("agents filter change", r), r
                            )
                            page.close()
                    finally:
                        server.close()
        finally:
            browser.close()
    floor, rerun = results["trivial page"], results["trivial rerun"]
    print(f"warehouse {db}; fastest of {args.repeat} fresh servers per line")
    print(f"{'trivial page (floor)':<34} {floor:6.2f} s")
    for name in PAGES:
        t = results[f"{name} page"]
        print(f"{name + ' page':<34} {t:6.2f} s  {t / floor:4.1f}x floor (goal <= 2x)")
    print(f"{'trivial rerun (floor)':<34} {rerun:6.2f} s")
    change = results["agents filter change"]
    print(f"{'agents: channel filter change':<34} {change:6.2f} s  "
          f"+{change - rerun:.2f} s over the floor (goal <= +1 s)")  # fmt: skip


if __name__ == "__main__":
    main()
