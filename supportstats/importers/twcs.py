"""Customer Support on Twitter (TWCS, Thought Vector / Kaggle): one CSV row per tweet.

Tweets become ``message`` rows (customer when ``inbound`` is True, else agent: the company
account, as ``author_agent_key``), grouped into threads by following
``in_response_to_tweet_id`` up to the first tweet whose parent is not in the file. Each
thread is one ``conversation`` (kind ``thread``, channel ``social``, queue = the company
account that answers in it), so first response time per company comes from the messages.
Company accounts become ``agent`` and ``queue`` rows, customers ``contact`` rows.

Quirks handled: the pandas re-save's leading unnamed index column; ``in_response_to_tweet_id``
written as a float (``3.0``); rows not in time order; a tweet text holding a bare carriage
return without quotes (it is read as a space, on a copy of the file, so the row stays whole).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from supportstats.errors import InputFileError
from supportstats.importers._pipeline import ImportContext
from supportstats.importers._read import FileProbe

SOURCE = "twcs"
DESCRIPTION = "Customer Support on Twitter (TWCS) tweets CSV, from Kaggle"

COLUMNS = (
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
)

_BARE_CR = re.compile(rb"\r(?!\n)")


def sniff(probe: FileProbe) -> float:
    """High confidence for the TWCS columns (with or without the leading index column)."""
    if probe.file_kind == "csv" and set(COLUMNS) <= set(probe.header):
        return 0.9
    return 0.0


def _without_bare_cr(source: Path, target: Path, compression: str) -> None:
    """Copy ``source`` to ``target`` with each CR not followed by LF made a space.

    DuckDB's CSV reader ends a line at a bare CR even with new_line set to LF, which breaks
    a row of the real file in two. Streams in 4 MB blocks; a CR at a block's end waits for
    the next block to see whether an LF follows.
    """
    opener = gzip.open if compression == "gzip" else open
    with opener(source, "rb") as src, target.open("wb") as dst:
        carry = b""
        while block := src.read(1 << 22):
            block = carry + block
            carry = b"\r" if block.endswith(b"\r") else b""
            if carry:
                block = block[:-1]
            dst.write(_BARE_CR.sub(b" ", block))
        dst.write(b" " if carry else b"")


def load(ctx: ImportContext) -> None:
    """Stage the tweets, thread them, then load messages, threads and references."""
    header = ctx.probe.header
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputFileError(
            f"{ctx.probe.path}: not a TWCS tweets file (missing column"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing[:5])})",
            "check the file, or import it with the right --source (supportstats import --help)",
        )
    # The pandas re-save adds an unnamed index column: give every column a usable name.
    names = [h if h else f"_index{i}" for i, h in enumerate(header)]
    cleaned = ctx.workdir / (ctx.probe.path.name + ".lf")
    _without_bare_cr(ctx.probe.path, cleaned, ctx.probe.compression)
    # The pipeline has no public hook for a cleaned copy yet: point its reader at ours.
    ctx.use_read_path(cleaned)
    ctx.entity = "message"
    ctx.stage_csv("stg_raw", names=names)
    ctx.stage("twcs__int_tweet", label="typing tweets")
    ctx.stage("twcs__int_tweet_root", label="threading tweets")
    messages = ctx.stage("twcs__message", label="threading tweets")
    ctx.upsert("message", messages, main=True, id_label="tweet_id")
    threads = ctx.stage("twcs__conversation", label="building threads")
    ctx.upsert("conversation", threads, main=False)
    ctx.run_sql("load/twcs__references.sql")
