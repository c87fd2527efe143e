"""The physical lines of a decoded usage file, each at most a bounded length, numbered as in the file.

Python's own line iteration holds a whole line in memory however long it is (a 1 GB line, 1 GB); this
reads the text in chunks and splits it itself, so a line longer than the limit is counted, skipped and
reported as one overlong line while memory stays at one chunk. A line can be pushed back: the CSV
records use it to resynchronise at the line after an unterminated quote.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from .base import CHUNK


class Overlong(str):
    """The start of a line longer than the limit (the rest was skipped), with its full length."""

    length: int

    def __new__(cls, start: str, length: int) -> Overlong:
        line = super().__new__(cls, start)
        line.length = length
        return line


class Lines:
    """Iterate to get `(line number, line without its end)`; an overlong line comes as `Overlong`."""

    def __init__(self, text: IO[str], limit: int):
        self.limit = limit
        self.line_no = 0  # the number of the last line handed out
        self._pushed: list[tuple[int, str]] = []
        self._lines = self._read(text)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return self

    def __next__(self) -> tuple[int, str]:
        if self._pushed:
            number, line = self._pushed.pop()
        else:
            number, line = next(self._lines)
        self.line_no = number
        return number, line

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        """Hand these lines out again, in order, before reading on."""
        self._pushed.extend(reversed(lines))

    def _read(self, text: IO[str]) -> Iterator[tuple[int, str]]:
        limit = self.limit
        number = 0
        carry = ""  # the start of a line whose end is in a later chunk (at most `limit` characters)
        skipped = 0  # > 0: the length so far of an overlong line being skipped
        while chunk := text.read(CHUNK):
            parts = chunk.split("\n")
            last = parts.pop()  # the line not yet ended at the chunk's end
            if parts:
                first = parts[0]
                if skipped:
                    number += 1
                    yield number, Overlong(carry, skipped + len(first))
                    carry, skipped = "", 0
                    parts = parts[1:]
                elif carry:
                    parts[0] = carry + first
                    carry = ""
                for line in parts:
                    number += 1
                    if len(line) > limit:
                        yield number, Overlong(line[:limit], len(line))
                    else:
                        yield number, line[:-1] if line.endswith("\r") else line
            if skipped:
                skipped += len(last)
            elif len(carry) + len(last) > limit:
                skipped = len(carry) + len(last)
                carry = (carry + last[: limit - len(carry)])[:limit]
            else:
                carry += last
        if skipped:
            yield number + 1, Overlong(carry, skipped)
        elif carry:
            yield number + 1, carry[:-1] if carry.endswith("\r") else carry
