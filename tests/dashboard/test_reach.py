"""Who can open the dashboard: this computer only, unless the user shares it on purpose
(issue 14, item 14). The pages show customer names and messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from _dashboard_warehouse import APP
from _streamlit_server import streamlit_run
from streamlit import config
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="reads the listening sockets from /proc/net"
)


def listening_addresses(port: int) -> set[str]:
    """Local addresses (IPv4 dotted, IPv6 hex) with a socket listening on ``port``."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) != port or fields[3] != "0A":  # 0A: LISTEN
                continue
            if width == 8:
                found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
            else:
                found.add(address)
    return found


def test_the_documented_command_answers_this_computer_only(sample_db: Path, tmp_path: Path):
    # as docs/dashboard.md says to start it: no address option, from another directory
    with streamlit_run(sample_db, tmp_path) as (_url, port):
        assert listening_addresses(port) == {"127.0.0.1"}


def test_sharing_is_a_choice_the_user_makes(sample_db: Path, tmp_path: Path):
    with streamlit_run(sample_db, tmp_path, "--server.address", "0.0.0.0") as (_url, port):
        assert listening_addresses(port) == {"0.0.0.0"}


@pytest.mark.parametrize(
    ("address", "shared"), [("127.0.0.1", False), ("0.0.0.0", True), (None, True)]
)
def test_the_sidebar_says_who_can_open_the_dashboard(
    sample_db: Path, use_db, address: str | None, shared: bool
) -> None:  # noqa: ANN001
    use_db(sample_db)
    before = config.get_option("server.address")
    config.set_option("server.address", address)
    try:
        at = AppTest.from_file(str(APP), default_timeout=120).run()
    finally:
        config.set_option("server.address", before)
    warnings = [w.value for w in at.sidebar.warning]
    captions = [c.value for c in at.sidebar.caption]
    if shared:
        assert any("Anyone on your network" in w for w in warnings), warnings
    else:
        assert not warnings
        assert any("Only this computer" in c for c in captions), captions
