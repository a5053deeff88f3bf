"""Look at an input file before loading it: format, compression, encoding, delimiter, header.

:func:`probe` reads only the first megabyte; DuckDB's native readers parse the whole file
later. The rest of this module is what needs more of a file, kept off the common path: the
UTF-8 copy DuckDB reads when it cannot read the file as it is (:func:`prepared_copy`), whether
a file with bytes that are not UTF-8 holds UTF-8 text elsewhere (:func:`has_utf8_text`), a
second reading after the first failed (:func:`second_attempt`), and where each record
starts (:func:`csv_units`, :func:`text_lines`) for the physical line numbers of rejects.

Encodings (docs/import_format.md, "Encodings and line endings"):

* a byte-order mark says UTF-8, UTF-16 or UTF-32; UTF-16 without one is recognised by the
  zero bytes of its ASCII characters. UTF-16 and UTF-32 files are read from a UTF-8 copy;
  one that does not decode is refused with the line and byte where it breaks.
* a file that is valid UTF-8 is UTF-8.
* a file with bytes that are not UTF-8 and no line of multi-byte UTF-8 anywhere is cp1252
  throughout (read from a UTF-8 copy; the five bytes cp1252 leaves undefined as latin-1).
* a file with both is mixed: its UTF-8 lines load, and each line that is not UTF-8 is
  rejected by DuckDB's reader, with its line number and how its bytes read as cp1252
  (:func:`describe_not_utf8`). Nothing is decoded by a guess.
"""

from __future__ import annotations

import codecs
import csv
import errno
import gzip
import hashlib
import io
import itertools
import json
import os
import re
import stat
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from supportstats.errors import InputFileError

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 1 << 22
DELIMITERS = (",", ";", "\t", "|")
_DECIMAL_COMMA = re.compile(r"(?:^|[;\t|])\s*-?\d+,\d+\s*(?=[;\t|]|$)", re.M)
# Byte-order marks, longest first (UTF-32 LE starts with UTF-16 LE's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings DuckDB reads as they are (with a UTF-8 BOM only in CSV files).
NATIVE = ("utf-8", "utf-8-sig")
# Where the CSV reader gives up on a file whose line endings are mixed (CR LF and LF, or a
# lone CR): read again from a copy with LF throughout.
_MIXED_NEWLINES = "state machine reached an invalid state"


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
    # utf-8 | utf-8-sig | cp1252 | utf-16 | utf-32 (with a BOM) | utf-16-le | utf-16-be
    encoding: str
    text: str  # decoded sample (empty for parquet)
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    decimal_comma: bool = False
    crlf: bool = False
    # The sample holds multi-byte UTF-8: bytes elsewhere that are not UTF-8 make the file
    # mixed (those lines are rejected), never cp1252.
    utf8_text: bool = False
    # Set for a second reading (second_attempt): read a copy whose every CR LF and lone CR
    # is LF; read JSON Lines leniently (a line that does not parse becomes a reject).
    newlines_lf: bool = False
    lenient_json: bool = False
    # Set for a second reading after the first ran out of memory on a huge JSON Lines record:
    # records longer than this many bytes are rejected, the others read.
    record_cap: int | None = None

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


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_path(path: Path) -> None:
    try:
        mode = path.stat().st_mode  # follows symbolic links
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputFileError(
                f"{path}: symlink loop (the link leads back to itself through other links)",
                "point the link at the real file (ls -l shows where each link goes), or "
                "import the file itself",
            ) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR) and path.is_symlink():
            raise InputFileError(
                f"{path}: broken symlink (it points to {os.readlink(path)}, which does not exist)",
                "point the link at the real file, or import the file itself",
            ) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise InputFileError(
                f"{path}: file not found", "check the path; quote names with spaces or wildcards"
            ) from None
        raise _unreadable(path, exc) from None
    if stat.S_ISDIR(mode):
        raise InputFileError(
            f"{path} is a directory, not a file",
            f"import the files inside it, e.g. supportstats import {path}/*.csv",
        )
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _NOT_REGULAR if test(mode)), "not a file")
        raise InputFileError(
            f"{path}: not a regular file ({kind})",
            "save the data to a file and import that file (an import reads a file more "
            "than once, which a pipe or device cannot give)",
        )


def _unreadable(path: Path, exc: OSError) -> InputFileError:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return InputFileError(
            f"{path}: cannot be read (permission denied)",
            "check the file's permissions (ls -l); give your user read access, e.g. chmod u+r FILE",
        )
    return InputFileError(
        f"{path}: cannot be read ({exc.strerror or exc})",
        "check that the file is on a mounted, readable disk and try again",
    )


def _read_sample(path: Path) -> tuple[bytes, str]:
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
    except OSError as exc:
        raise _unreadable(path, exc) from None
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


def _wide_encoding(sample: bytes) -> str | None:
    """UTF-16 or UTF-32 by its byte-order mark, or UTF-16 without one by the zero byte of
    each ASCII character (every other byte zero, on the same side)."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return None if name == "utf-8-sig" else name
    window = sample[:4096]
    half = len(window) // 2
    if half < 8:
        return None
    even, odd = window[0::2].count(0), window[1::2].count(0)
    if odd >= 0.7 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.7 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _encoding_label(encoding: str) -> str:
    return encoding.upper().replace("-LE", "").replace("-BE", "").replace("-SIG", "")


def _decode(path: Path, sample: bytes, compression: str) -> tuple[str, str, bool]:
    """(text of the sample, the file's encoding, whether the sample holds multi-byte UTF-8)."""
    wide = _wide_encoding(sample)
    if wide:
        try:
            text = codecs.getincrementaldecoder(wide)().decode(sample, final=False)
        except UnicodeDecodeError as exc:
            raise _not_decodable(path, wide, sample[: exc.start], exc.start) from None
        return text.removeprefix("\ufeff"), wide, False
    bom = sample.startswith(codecs.BOM_UTF8)
    body = sample[len(codecs.BOM_UTF8) :] if bom else sample
    encoding = "utf-8-sig" if bom else "utf-8"
    try:
        # A multi-byte character may be cut at the end of the sample; ignore only that tail.
        text = codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
        return text, encoding, bom or not body.isascii()
    except UnicodeDecodeError:
        pass
    # Bytes that are not UTF-8: the file is cp1252 throughout unless it holds UTF-8 text
    # too (a byte-order mark, or a line of multi-byte UTF-8); then it is mixed, and the
    # reader rejects each line that is not UTF-8.
    if bom or has_utf8_text(path, compression):
        return body.decode("utf-8", errors="replace"), encoding, True
    return body.decode("cp1252", errors="supportstats_latin1"), "cp1252", False


def _not_decodable(path: Path, encoding: str, before: bytes | str, offset: int) -> InputFileError:
    """The error for a UTF-16/32 file that does not decode, at ``offset`` after ``before``."""
    if isinstance(before, bytes):
        before = before.decode(encoding, errors="replace")
    label = _encoding_label(encoding)
    return InputFileError(
        f"{path}: not valid {label} at line {before.count(chr(10)) + 1} (byte {offset}): the "
        "file is cut or damaged there",
        f"export the file again, or save it as UTF-8 (e.g. Excel: Save As > CSV UTF-8); "
        f"iconv -f {label} -t UTF-8 FILE shows where it breaks",
    )


def _open_bytes(path: Path, compression: str) -> BinaryIO:
    return gzip.open(path, "rb") if compression == "gzip" else path.open("rb")  # type: ignore[return-value]


def _blocks(path: Path, compression: str) -> Iterator[bytes]:
    """The file's (uncompressed) bytes in 4 MB blocks; a truncated gzip stream ends early
    (DuckDB's reader reports it)."""
    with _open_bytes(path, compression) as handle:
        while True:
            try:
                block = handle.read(CHUNK_BYTES)
            except (EOFError, OSError, zlib.error):
                return
            if not block:
                return
            yield block


def _line_blocks(path: Path, compression: str) -> Iterator[bytes]:
    """Blocks of whole lines (a line longer than 64 MB is given in parts)."""
    carry = b""
    for block in _blocks(path, compression):
        block = carry + block
        cut = block.rfind(b"\n") + 1
        if cut == 0 and len(block) < 16 * CHUNK_BYTES:
            carry = block
            continue
        cut = cut or len(block)
        carry = block[cut:]
        yield block[:cut]
    if carry:
        yield carry


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def has_utf8_text(path: Path, compression: str) -> bool:
    """Whether the file holds a line of valid UTF-8 with a multi-byte character.

    Reads until it finds one: a UTF-8 file stops early, a cp1252 one is read through.
    """
    for block in _line_blocks(path, compression):
        if block.isascii():
            continue
        if _is_utf8(block):
            return True
        if any(not line.isascii() and _is_utf8(line) for line in block.split(b"\n")):
            return True
    return False


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
    wide = _wide_encoding(sample)
    if not wide and _looks_binary(sample):
        raise InputFileError(
            f"{path}: looks like a binary file, not CSV, JSON or Parquet",
            "export the data as CSV, JSON, JSON Lines or Parquet (optionally .gz)",
        )
    text, encoding, utf8_text = _decode(path, sample, compression)
    if not text.strip():
        raise InputFileError(f"{path}: file is empty", "export the data again; nothing to import")
    kind = _kind_from_name(path)
    first = text.lstrip()[:1]
    if first in "[{" and kind != "csv":
        kind = _json_kind(text) if kind not in ("json", "jsonl") else kind
        if kind == "json" and _json_kind(text) == "jsonl":
            kind = "jsonl"
        return FileProbe(path, size, compression, kind, encoding, text, utf8_text=utf8_text)
    if kind in ("json", "jsonl"):
        raise InputFileError(
            f"{path}: does not start with a JSON object or array",
            "check that the file is JSON; if it is CSV, rename it to .csv",
        )
    lines = text.splitlines()
    if len(lines) > 1 and len(sample) >= SAMPLE_BYTES - 4:
        lines = lines[:-1]  # the last sampled line may be cut
    if not lines[0].strip():
        raise InputFileError(
            f"{path}: the first line is empty; a CSV file starts with its header (the column "
            "names)",
            "delete the empty lines before the header and import again",
        )
    delimiter = _sniff_delimiter(lines)
    header = next(csv.reader(io.StringIO(lines[0]), delimiter=delimiter), [])
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
        utf8_text=utf8_text,
    )


# ------------------------------------------------------------ reading a file a second way


def needs_copy(file_probe: FileProbe) -> bool:
    """Whether DuckDB must read a prepared UTF-8 copy instead of the file."""
    return (
        file_probe.encoding not in NATIVE
        or file_probe.newlines_lf
        # read_json cannot take a byte-order mark (CSV can)
        or (file_probe.encoding == "utf-8-sig" and file_probe.file_kind in ("json", "jsonl"))
    )


def prepared_copy(file_probe: FileProbe, workdir: Path) -> Path | None:
    """Write the UTF-8 copy of the file DuckDB should read, and return its path; None when
    DuckDB reads the file as it is (:func:`needs_copy`).

    The copy is decoded from the file's encoding (a UTF-8 file keeps its bytes, so a line
    that is not UTF-8 is still rejected by the reader), without a byte-order mark, with
    every CR LF and lone CR made LF when ``newlines_lf`` is set. Streams in 4 MB blocks.
    """
    if not needs_copy(file_probe):
        return None
    target = workdir / (file_probe.path.name + ".utf8")
    source = _blocks(file_probe.path, file_probe.compression)
    with target.open("wb") as out:
        if file_probe.encoding in NATIVE:
            _copy_utf8(source, out, file_probe.newlines_lf)
        else:
            _copy_decoded(file_probe, source, out)
    return target


def _copy_utf8(blocks: Iterator[bytes], out: BinaryIO, newlines_lf: bool) -> None:
    carry = b""
    first = True
    for block in blocks:
        if first:
            block = block.removeprefix(codecs.BOM_UTF8)
            first = False
        if newlines_lf:
            block = carry + block
            # A CR at the block's end waits for the next block to see whether an LF follows.
            carry = b"\r" if block.endswith(b"\r") else b""
            block = (block[:-1] if carry else block).replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        out.write(block)
    out.write(b"\n" if carry else b"")


def _copy_decoded(file_probe: FileProbe, blocks: Iterator[bytes], out: BinaryIO) -> None:
    encoding = file_probe.encoding
    errors = "supportstats_latin1" if encoding == "cp1252" else "strict"
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    done = 0  # bytes decoded so far
    lines = 0  # line breaks written so far
    carry = ""
    first = True
    for block in itertools.chain(blocks, [b""]):
        final = not block
        try:
            text = decoder.decode(block, final=final)
        except UnicodeDecodeError as exc:
            offset = done + exc.start
            partial = carry + exc.object[: exc.start].decode(encoding, errors="replace")
            raise _not_decodable(
                file_probe.path, encoding, "\n" * lines + partial, offset
            ) from None
        done += len(block)
        if first:
            text = text.removeprefix("\ufeff")
            first = False
        if file_probe.newlines_lf:
            text = carry + text
            carry = "\r" if text.endswith("\r") and not final else ""
            text = (text[:-1] if carry else text).replace("\r\n", "\n").replace("\r", "\n")
        lines += text.count("\n")
        out.write(text.encode("utf-8", errors="surrogatepass"))


def second_attempt(file_probe: FileProbe, error: BaseException) -> FileProbe | None:
    """How to read the file again after ``error`` stopped the first reading; None when a
    second reading cannot help.

    A CSV file whose line endings are mixed (DuckDB's strict reader stops at the first line
    ending that differs) is read from a copy with LF throughout. JSON with bytes that are
    not UTF-8 and no UTF-8 text at all is read as cp1252 (:func:`late_encoding`). JSON Lines
    with a line that does not parse, or one longer than the first buffers, are read
    leniently: each broken line becomes a reject with its line number
    (supportstats.importers._rejects). JSON Lines whose reading ran out of memory (a vendor
    importer parses a record once per field: a 70 MB record takes gigabytes) are read again
    with records past :data:`RECORD_CAP` rejected. Each way is tried once: a probe that has it set
    gives None.
    """
    text = str(error)
    if file_probe.file_kind == "csv" and not file_probe.newlines_lf and _MIXED_NEWLINES in text:
        return replace(file_probe, newlines_lf=True)
    if file_probe.file_kind in ("json", "jsonl") and "invalid UTF-8" in text:
        cp1252 = late_encoding(file_probe, 1)
        if cp1252 is not None:
            return cp1252
    if file_probe.file_kind == "jsonl" and file_probe.record_cap is None:
        if "Out of Memory" in text:
            return replace(file_probe, lenient_json=True, record_cap=RECORD_CAP)
    if file_probe.file_kind == "jsonl" and not file_probe.lenient_json:
        if "Malformed JSON" in text or "maximum_object_size" in text:
            return replace(file_probe, lenient_json=True)
    return None


def could_be_cp1252(file_probe: FileProbe) -> bool:
    """Whether lines rejected as not UTF-8 may mean the whole file is cp1252: it was read as
    UTF-8 and its first megabyte held no multi-byte UTF-8 text."""
    return file_probe.encoding == "utf-8" and not file_probe.utf8_text


def late_encoding(file_probe: FileProbe, not_utf8_rows: int) -> FileProbe | None:
    """The probe to read the file again with when its reading rejected ``not_utf8_rows``
    lines as not UTF-8 and the file holds no UTF-8 text at all: it is cp1252 throughout,
    past an ASCII first megabyte. None when the rejects stand (a mixed file)."""
    if not not_utf8_rows or not could_be_cp1252(file_probe):
        return None
    if has_utf8_text(file_probe.path, file_probe.compression):
        return None
    return replace(file_probe, encoding="cp1252")


# ------------------------------------------------------------ what a reject's line holds

_FIELD_EDGE = re.compile(rb'[,;\t|"]')


def describe_not_utf8(line: bytes) -> tuple[str, str]:
    """(reason, raw text) for a line of a mixed file that is not UTF-8: the first byte
    that is not, the value around it as cp1252 reads it, and the line with each such byte
    written as \\xNN (nothing is decoded by a guess)."""
    line = line.rstrip(b"\r\n")
    try:
        line.decode("utf-8")
        at = 0
    except UnicodeDecodeError as exc:
        at = exc.start
    starts = [m.end() for m in _FIELD_EDGE.finditer(line, 0, at)]
    start = starts[-1] if starts else 0
    end_match = _FIELD_EDGE.search(line, at)
    end = end_match.start() if end_match else len(line)
    value = line[start:end].decode("cp1252", errors="supportstats_latin1").strip()
    if len(value) > 60:
        value = value[:57] + "..."
    byte = f"0x{line[at]:02X}" if at < len(line) else "at the end"
    reason = (
        f"not valid UTF-8 (byte {byte}; as cp1252 the value reads '{value}') in a file "
        "that is otherwise UTF-8: save this line as UTF-8, or the whole file as UTF-8 if it "
        "is cp1252 throughout"
    )
    return reason, line.decode("utf-8", errors="backslashreplace")


# The largest JSON Lines record read after a first reading ran out of memory. A support record
# (a ticket with its comments, a chat with its messages) past this holds inlined attachments.
RECORD_CAP = 16 << 20
# What a reject keeps of a record too large to read.
_RAW_HEAD = 1000


def describe_broken_json(line: bytes, cap: int | None = None) -> tuple[str, str]:
    """(reason, raw text) for a line of a JSON Lines file that does not parse, or that is
    longer than ``cap`` bytes."""
    line = line.rstrip(b"\r\n")
    if cap is not None and len(line) > cap:
        head = line[:_RAW_HEAD].decode("utf-8", errors="replace")
        return (
            f"a record of {len(line) / 1e6:,.1f} MB, more than the {cap >> 20} MB one record "
            "may take (reading it ran out of memory); a ticket or chat that large holds "
            "inlined files: export it without attachments",
            f"{head}... ({len(line):,} bytes)",
        )
    if not _is_utf8(line):
        reason, raw = describe_not_utf8(line)
        return reason.replace("in a file that is otherwise UTF-8: ", "JSON must be UTF-8: "), raw
    text = line.decode("utf-8")
    try:
        json.loads(text)
    except ValueError as exc:
        message = getattr(exc, "msg", str(exc))
        column = getattr(exc, "colno", None)
        where = f", column {column}" if column else ""
        ended = "; the line ends early: cut off?" if getattr(exc, "pos", 0) >= len(text) else ""
        return f"not valid JSON ({message}{where}{ended})", text
    return "not valid JSON (the reader could not parse this line)", text


# ------------------------------------------------------------ where records start


def text_lines(path: Path, compression: str) -> Iterator[bytes]:
    """The file's physical lines as bytes (LF, CR LF or a lone CR ends a line)."""
    carry = b""
    for block in _line_blocks(path, compression):
        block = carry + block
        carry = b""
        if b"\r" in block:
            # A lone CR ends a line too; a CR at the block's end may be half of a CR LF.
            if block.endswith(b"\r"):
                block, carry = block[:-1], b"\r"
            block = block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        yield from block.splitlines(keepends=True)
    if carry:
        yield b"\n"


def physical_lines(path: Path, compression: str) -> int:
    """How many lines an editor shows for the file (a last line without LF counts)."""
    count, last = 0, b""
    for block in _blocks(path, compression):
        count += block.count(b"\n")
        last = block[-1:]
    return count + (1 if last and last != b"\n" else 0)


def csv_units(path: Path, compression: str, delimiter: str) -> Iterator[tuple[int, int, bool]]:
    """(first line, last line, blank) of each record or blank line of a CSV file, in order:
    the units DuckDB's reader numbers its lines by (a record whose quoted values hold line
    breaks is one unit spanning several physical lines)."""
    number = 0
    lines = (line.decode("latin-1") for line in text_lines(path, compression))
    for line in lines:
        number += 1
        if line.count('"') % 2 == 0:
            yield number, number, line.strip("\r\n") == ""
            continue
        # A quoted value runs past this line: the csv module finds where the record ends.
        start = number
        reader = csv.reader(itertools.chain([line], lines), delimiter=delimiter)
        try:
            next(reader)
        except (csv.Error, StopIteration):
            pass
        number = start + max(reader.line_num, 1) - 1
        yield start, number, False
