"""Look at an input file before loading it: format, compression, encoding, delimiter, header.

Only the first megabyte is read here; DuckDB's native readers parse the whole file later.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import re
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from supportstats.errors import InputFileError

SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
_DECIMAL_COMMA = re.compile(r"(?:^|[;\t|])\s*-?\d+,\d+\s*(?=[;\t|]|$)", re.M)


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    # cp1252 leaves five bytes undefined; keep them as their latin-1 characters, losing nothing.
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("supportstats_latin1", _latin1_fallback)


@dataclass(frozen=True)
class FileProbe:
    """What the first bytes of a file say about it."""

    path: Path
    size: int
    compression: str  # none | gzip
    file_kind: str  # csv | json | jsonl | parquet
    encoding: str  # utf-8 | utf-8-sig | cp1252
    text: str  # decoded sample (empty for parquet)
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    decimal_comma: bool = False
    crlf: bool = False

    @property
    def name(self) -> str:
        return self.path.name

    def first_json_value(self) -> str:
        """The sample text without leading whitespace (JSON files)."""
        return self.text.lstrip()


def sha256_of(path: Path, chunk: int = 1 << 22, stop: threading.Event | None = None) -> str | None:
    """Hex sha256 of a file's bytes, read in 4 MB chunks; None once ``stop`` is set (an
    import that failed needs no digest, and a big file would keep a core busy for seconds)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            if stop is not None and stop.is_set():
                return None
            digest.update(block)
    return digest.hexdigest()


def _check_path(path: Path) -> None:
    if not path.exists():
        raise InputFileError(
            f"{path}: file not found", "check the path; quote names with spaces or wildcards"
        )
    if path.is_dir():
        raise InputFileError(
            f"{path} is a directory, not a file",
            f"import the files inside it, e.g. supportstats import {path}/*.csv",
        )


def _read_sample(path: Path) -> tuple[bytes, str]:
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head[:2] == b"\x1f\x8b":
        try:
            # A truncated gzip member still yields what it has; decompress what we can.
            data = zlib.decompressobj(wbits=31).decompress(head, SAMPLE_BYTES)
        except zlib.error:
            raise InputFileError(
                f"{path}: gzip data is corrupt",
                "re-download or re-compress the export (gzip -t FILE checks it)",
            ) from None
        return data, "gzip"
    return head, "none"


def _decode(path: Path, sample: bytes) -> tuple[str, str]:
    if sample.startswith(codecs.BOM_UTF8):
        return sample[len(codecs.BOM_UTF8) :].decode("utf-8", errors="ignore"), "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputFileError(
            f"{path}: file is UTF-16 encoded",
            "save it as UTF-8 (e.g. Excel: Save As > CSV UTF-8) and import again",
        )
    try:
        # A multi-byte character may be cut at the end of the sample; ignore only that tail.
        decoder = codecs.getincrementaldecoder("utf-8")()
        return decoder.decode(sample, final=False), "utf-8"
    except UnicodeDecodeError:
        return sample.decode("cp1252", errors="supportstats_latin1"), "cp1252"


def _looks_binary(sample: bytes) -> bool:
    if not sample:
        return False
    window = sample[:8192]
    if b"\x00" in window:
        return True
    control = sum(1 for b in window if b < 9 or 13 < b < 32)
    return control > len(window) * 0.05


def _kind_from_name(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    last = suffixes[-1] if suffixes else ""
    return {
        ".csv": "csv",
        ".tsv": "csv",
        ".txt": "csv",
        ".tab": "csv",
        ".json": "json",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".log": "jsonl",
        ".parquet": "parquet",
        ".pq": "parquet",
    }.get(last)


def _json_kind(text: str) -> str:
    """Tell a JSON document from JSON Lines by whether the first value ends before a newline."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        return "json"
    lines = [line for line in stripped.splitlines()[:3] if line.strip()]
    if len(lines) >= 2 and lines[0].rstrip().endswith("}") and lines[1].lstrip().startswith("{"):
        return "jsonl"
    return "json"


def _sniff_delimiter(lines: list[str]) -> str:
    header = lines[0]
    best, best_score = ",", -1
    for delim in DELIMITERS:
        count = header.count(delim)
        if count == 0:
            continue
        # Prefer a delimiter whose count is stable across the next lines (quotes aside).
        rows = list(csv.reader(io.StringIO("\n".join(lines[:20])), delimiter=delim))
        widths = [len(r) for r in rows if r]
        stable = sum(1 for w in widths if w == widths[0])
        score = stable * 1000 + count
        if score > best_score:
            best, best_score = delim, score
    return best


def probe(path: Path) -> FileProbe:
    """Inspect ``path`` and return a :class:`FileProbe`, or raise a one-line InputFileError."""
    _check_path(path)
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(f"{path}: file is empty", "export the data again; nothing to import")
    sample, compression = _read_sample(path)
    if sample[:4] == b"PAR1":
        return FileProbe(path, size, compression, "parquet", "utf-8", "")
    if compression == "gzip" and not sample:
        raise InputFileError(f"{path}: gzip file holds no data", "export the data again")
    if _looks_binary(sample):
        raise InputFileError(
            f"{path}: looks like a binary file, not CSV, JSON or Parquet",
            "export the data as CSV, JSON, JSON Lines or Parquet (optionally .gz)",
        )
    text, encoding = _decode(path, sample)
    if not text.strip():
        raise InputFileError(f"{path}: file is empty", "export the data again; nothing to import")
    kind = _kind_from_name(path)
    first = text.lstrip()[:1]
    if first in "[{" and kind != "csv":
        kind = _json_kind(text) if kind not in ("json", "jsonl") else kind
        if kind == "json" and _json_kind(text) == "jsonl":
            kind = "jsonl"
        return FileProbe(path, size, compression, kind, encoding, text)
    if kind in ("json", "jsonl"):
        raise InputFileError(
            f"{path}: does not start with a JSON object or array",
            "check that the file is JSON; if it is CSV, rename it to .csv",
        )
    lines = text.splitlines()
    if len(lines) > 1 and len(text) >= SAMPLE_BYTES - 4:
        lines = lines[:-1]  # the last sampled line may be cut
    delimiter = _sniff_delimiter(lines)
    header = next(csv.reader(io.StringIO(lines[0]), delimiter=delimiter))
    header = [h.strip() for h in header]
    body = "\n".join(lines[1:200])
    decimal_comma = delimiter != "," and bool(_DECIMAL_COMMA.search(body))
    return FileProbe(
        path,
        size,
        compression,
        "csv",
        encoding,
        text,
        delimiter=delimiter,
        header=header,
        decimal_comma=decimal_comma,
        crlf="\r\n" in text[:65536],
    )


def transcode_to_utf8(path: Path, target: Path, encoding: str, compression: str) -> None:
    """Write a UTF-8 copy of a non-UTF-8 file, streaming, so DuckDB can read it natively."""
    opener = gzip.open if compression == "gzip" else open
    with opener(path, "rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        reader = codecs.getreader(encoding)(src, errors="supportstats_latin1")
        while chunk := reader.read(1 << 22):
            dst.write(chunk)
