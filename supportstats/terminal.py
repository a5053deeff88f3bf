"""Text safe to show on a terminal, for the CLI and for the messages the core prints while it
waits (a busy warehouse): data and file paths are never instructions to the terminal."""

from __future__ import annotations

# Control characters are shown as escapes (\x1b), never sent to the terminal: an agent named
# "\x1b[31m..." must not recolour it, a newline in a file name must not add an Error: line.
# So are the bidirectional overrides (text that reads differently than it is stored).
_ESCAPES = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (
        *range(0x00, 0x20),
        0x7F,
        *range(0x80, 0xA0),
        0x200E,
        0x200F,
        0x2028,
        0x2029,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    )
}
_ESCAPES.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"})
_ESCAPES_KEEP_LINES = {k: v for k, v in _ESCAPES.items() if chr(k) not in "\n\t"}


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` safe to print on a terminal: control characters and bidirectional overrides
    become visible escapes (``\\x1b``, ``\\n``); with ``lines``, newlines and tabs are kept."""
    return text.translate(_ESCAPES_KEEP_LINES if lines else _ESCAPES)
