"""CSV records with quotes, read in time linear in the file whatever its quoting (RFC 4180).

A field either is wholly enclosed in quotes (a quote inside doubled: `""`) or contains no quote at all.
A quoted field may run over several lines; such a record is read on only while its quote is open and
for at most the line-length limit. Then:

- a line with a quote in the middle of an unquoted field (a stray quote) is that line's rejection;
- a quote that is never closed within the limit rejects its first line only, and reading goes on at
  the next line, so the valid rows after it are kept;
- a record that closes but is not well formed likewise rejects its first line only.

Every check is one regular expression over the record (no backtracking: a field's first character
decides whether it is quoted), and each line is read at most twice, so the cost stays linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _

from .lines import Lines, Overlong


@dataclass(frozen=True)
class _Patterns:
    whole: re.Pattern[str]  # a complete, well-formed record
    open: re.Pattern[str]  # complete fields, then a quoted field still open at the end
    field: re.Pattern[str]  # one field at a time, for splitting a well-formed record


@cache
def _patterns(delimiter: str) -> _Patterns:
    d = re.escape(delimiter)
    quoted = r'"(?:[^"]|"")*"'
    plain = rf'[^"{d}]*'
    field = rf"(?:{quoted}|{plain})"
    return _Patterns(
        whole=re.compile(rf"{field}(?:{d}{field})*", re.DOTALL),
        open=re.compile(rf'(?:{field}{d})*"(?:[^"]|"")*', re.DOTALL),
        field=re.compile(rf"({quoted}|{plain})(?:{d}|$)", re.DOTALL),
    )


def split_record(record: str, delimiter: str) -> list[str]:
    """The fields of a well-formed record, quotes removed and doubled quotes undone."""
    fields = []
    for match in _patterns(delimiter).field.finditer(record):
        value = match.group(1)
        fields.append(value[1:-1].replace('""', '"') if value.startswith('"') else value)
        if match.end() == len(record) and not match.group(0).endswith(delimiter):
            break
    return fields


def read_quoted(first: str, line_no: int, lines: Lines, delimiter: str) -> tuple[int, str, list[str] | str]:
    """The record that starts with `first`, a line with a quote: (line, raw text, fields or the reason
    the line is rejected). Lines read ahead and not part of the record are pushed back."""
    patterns = _patterns(delimiter)
    if patterns.whole.fullmatch(first):
        return line_no, first, split_record(first, delimiter)
    if not patterns.open.fullmatch(first):
        return (
            line_no,
            first,
            _(
                'A quote (") in the middle of a field: a field with quotes must be wholly enclosed in quotes, '
                'with any quote inside it doubled (""). Only this line is rejected.'
            ),
        )
    # A quoted field runs on to the next line: read on while it is open, within the limit.
    ahead: list[tuple[int, str]] = []
    size, quotes = len(first), first.count('"')
    for number, line in lines:
        ahead.append((number, line))
        if isinstance(line, Overlong):
            break
        size += len(line) + 1
        if size > lines.limit:
            break
        quotes += line.count('"')
        if quotes % 2 == 0:
            record = "\n".join([first, *(text for _number, text in ahead)])
            if patterns.whole.fullmatch(record):
                return line_no, record, split_record(record, delimiter)
            break
    lines.push_back(ahead)
    return (
        line_no,
        first,
        _(
            'An opening quote (") has no proper closing quote on this line nor within the next %(limit)s '
            "characters: only this line is rejected, and reading goes on at the next line."
        )
        % {"limit": f"{lines.limit:,}".replace(",", " ")},
    )
