"""Where the warehouse is: the default file and the environment variable that overrides it.

Kept free of heavy imports (no duckdb, no pandas) so the command line can read it at start
and ``supportstats --help`` stays fast. :mod:`supportstats.db` re-exports these names.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "supportstats.duckdb"
ENV_DB = "SUPPORTSTATS_DB"


def default_db_path() -> Path:
    """The warehouse path: ``$SUPPORTSTATS_DB`` or ``supportstats.duckdb`` in the working dir."""
    return Path(os.environ.get(ENV_DB) or DEFAULT_DB)


# How long a command waits for a warehouse another process holds (an import writing, or a
# reader while an import wants to write) before it gives up: --wait, else this variable.
ENV_WAIT = "SUPPORTSTATS_WAIT"
DEFAULT_WAIT_S = 300.0
