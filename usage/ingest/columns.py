"""The fresh path's reading of a plain CSV or of JSON Lines: a chunk of lines at a time, checked and
translated column by column with operations that run in C (split, slices, a regular expression's
`findall`, `map` over dictionary look-ups) instead of a Python loop per row, into COPY text for the
daily facts. A row not accepted as it is by the reader's rules raises `NotPlain`, and the general path
then imports the file with those rules row by row.

JSON Lines are taken here only in their plainest form: each line one object with exactly the kind's
keys, in the order `REQUIRED + OPTIONAL` names them (as `json.dumps` writes a dict built in that
order), strings without escapes and counts written as JSON integers. Such a line means the same as a
CSV row of its values, so the same checks apply. Any other line (keys in another order or case,
escapes, a count as text or with a fraction, a blank line) sends the file to the reader's rules."""

from __future__ import annotations

import codecs
import datetime as dt
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from operator import contains
from weakref import WeakKeyDictionary

from ..choices import Kind
from ..reader import EARLIEST_DATE, OPTIONAL, PLAUSIBLE_COUNTS, UsageFileReader
from .sql import COUNT_COLUMNS


class NotPlain(Exception):
    """A row the fresh path does not accept as it is: the general path reads the file."""


@dataclass(frozen=True)
class Spellings:
    """Every valid spelling of a date (-> its ISO day), a municipality and an operation (-> its id):
    the same candidates as the SQL lookups of the general path. The municipalities and operations are
    judged by the reader's own rules; the dates are spelled as that rule accepts them (`day_spellings`)."""

    dates: dict[str, str]
    iso_days: frozenset[str]
    municipalities: dict[str, str]
    operations: dict[str, str]

    @classmethod
    def judged_by(cls, reader: UsageFileReader) -> Spellings:
        """The candidates: every day from the earliest accepted one to today in both forms, every
        municipality code as stored and in lower case, every catalogued operation (~13,000 in all);
        made once per reader (the fresh path and the plain staging may both ask)."""
        judged = _JUDGED.get(reader)
        if judged is None:
            judged = _JUDGED[reader] = cls._judge(reader)
        return judged

    @classmethod
    def _judge(cls, reader: UsageFileReader) -> Spellings:
        iso_days = day_spellings(reader.today)
        dates = dict(zip(iso_days, iso_days, strict=True))
        dates.update(zip([f"{iso[8:]}.{iso[5:7]}.{iso[:4]}" for iso in iso_days], iso_days, strict=True))
        codes = {spelling for code in reader.lookups.municipality_ids for spelling in (code, code.lower())}
        return cls(
            dates=dates,
            iso_days=frozenset(iso_days),
            municipalities={raw: pk for raw in codes if (pk := reader._municipality(raw)[0]) is not None},
            operations={
                raw: pk for raw in reader.lookups.operation_ids if (pk := reader._operation(raw)[0]) is not None
            },
        )


def day_spellings(today: dt.date) -> list[str]:
    """Every day from the earliest accepted one to today, in ISO form. Each of them and its DD.MM.YYYY
    spelling is a date the reader's rule (`_parse_date`) accepts as it is; spelled here rather than
    judged one by one (12,000 calls to the rule cost 0.05 s, a seventh of a day's file's import).
    A test keeps these spellings equal to the rule's judgement and to the SQL ones."""
    first = EARLIEST_DATE.toordinal()
    return [dt.date.fromordinal(day).isoformat() for day in range(first, today.toordinal() + 1)]


# Each reader's spellings, while the reader lives.
_JUDGED: WeakKeyDictionary[UsageFileReader, Spellings] = WeakKeyDictionary()


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A chunk makes ~10^5 lists and strings, none in a cycle: the cyclic collector, triggered by
    those allocations, only costs time (it doubled the splitting). Reference counting frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class FreshRows:
    """COPY text of the daily facts (date, municipality, [query type,] count a, count b) read from a
    plain CSV, counting its rows and collecting the days seen (for the group totals)."""

    def __init__(self, reader: UsageFileReader, spellings: Spellings):
        self.reader = reader
        self.spellings = spellings
        self.rows = 0
        self.days: set[str] = set()
        self.kind = kind = Kind(reader.info.kind)
        columns = reader.info.columns
        self.width = len(columns)
        self.operation = "operation" if kind == Kind.REGIX else None
        self.counts = COUNT_COLUMNS[kind]
        self.at = {name: columns.index(name) for name in ("date", "municipality", *self.counts) if name in columns}
        if self.operation:
            self.at[self.operation] = columns.index(self.operation)
        self.jsonl = reader.info.container == "jsonl"
        self.objects = _plain_objects(columns, self.counts) if self.jsonl else None

    def first_day(self) -> str | None:
        """The ISO day of the first data row, or None when it is not plainly valid."""
        for text in self._texts():
            line = text.split("\n", 1)[0]
            if self.objects is not None:
                found = self.objects.fullmatch(line)
                return self.spellings.dates.get(found.group(self.at["date"] + 1)) if found else None
            fields = line.removesuffix("\r").split(self.reader.info.delimiter)
            return self.spellings.dates.get(fields[self.at["date"]]) if len(fields) == self.width else None
        return None

    def chunks(self) -> Iterator[str]:
        with _no_cyclic_gc():
            for text in self._texts():
                yield self._translate(text)
        lines = self.reader.scan.lines - (0 if self.jsonl else 1)  # a CSV's first line is its header
        if self.rows != lines:
            raise NotPlain(f"{self.rows} rows read, {lines} lines")

    def _translate(self, text: str) -> str:
        """1. the chunk's columns (`_split`); 2. each checked and translated as a whole; 3. the
        columns interleaved back into COPY lines."""
        fields = self._split(text) if self.objects is None else self._objects(text, self.objects)
        rows = len(fields[0])
        columns = [self._days(fields[self.at["date"]])]
        columns.append(self._ids(fields[self.at["municipality"]], self.spellings.municipalities))
        if self.operation:
            columns.append(self._ids(fields[self.at[self.operation]], self.spellings.operations))
        for name in self.counts:
            values = fields[self.at[name]] if name in self.at else ["0"] * rows
            if name in OPTIONAL[self.kind] and "" in values:
                values = [value or "0" for value in values]  # an empty optional count is 0
            columns.append(self._counts(values))
        self._note_implausible(fields)
        self.rows += rows
        out: list[str] = [""] * (2 * len(columns) * rows)
        step = 2 * len(columns)
        for index, column in enumerate(columns):
            out[2 * index :: step] = column
            out[2 * index + 1 :: step] = ["\n" if index == len(columns) - 1 else "\t"] * rows
        return "".join(out)

    @staticmethod
    def _objects(text: str, objects: re.Pattern[str]) -> list[list[str]]:
        """The chunk's columns from JSON Lines in their plainest form; NotPlain unless every line is."""
        found = objects.findall(text)
        if len(found) != text.count("\n") + 1:
            raise NotPlain("a JSON line not in the plainest form")
        return [list(column) for column in zip(*found, strict=True)]

    def _split(self, text: str) -> list[list[str]]:
        """The chunk's columns, each a list of the rows' values; NotPlain unless every line has the
        header's number of fields.

        Split at the delimiter only, a line's last field and the next line's first come as one
        piece with a line end inside: every line has its fields exactly when there are (width - 1)
        delimiters per line and each such joined piece (at every (width - 1)th place) holds a line
        end. Cheaper than splitting the lines and counting each one's delimiters (-15%)."""
        delimiter, width = self.reader.info.delimiter, self.width
        if "\r" in text:  # as the reader, one carriage return at the end of each line is dropped
            text = text.replace("\r\n", "\n").removesuffix("\r")
        parts = text.split(delimiter)
        rows, extra = divmod(len(parts) - 1, width - 1)
        joined = parts[width - 1 :: width - 1]
        if extra or text.count("\n") != rows - 1 or not all(map(contains, joined[:-1], repeat("\n"))):
            raise NotPlain("a line without the header's number of fields")
        ends = "\n".join(joined).split("\n")  # last field, first field of the next line, last field, ...
        return [[parts[0], *ends[1::2]], *(parts[at :: width - 1] for at in range(1, width - 1)), ends[0::2]]

    def _days(self, values: list[str]) -> list[str]:
        seen = set(values)
        if not seen <= self.spellings.iso_days:
            values = self._ids(values, self.spellings.dates)
            seen = set(values)
        self.days |= seen
        return values

    @staticmethod
    def _ids(values: list[str], ids: dict[str, str]) -> list[str]:
        found = list(map(ids.get, values))
        if None in found:
            raise NotPlain("a date, municipality or operation not plainly valid")
        return found  # type: ignore[return-value]  # no None left

    @staticmethod
    def _counts(values: list[str]) -> list[str]:
        """Digits only, as the reader's rule wants. The range (a bigint) and errors <= requests are
        checked by the daily facts' column types and check constraint, on the COPY itself."""
        joined = "".join(values)
        if "" in values or not (joined.isascii() and joined.isdigit()):
            raise NotPlain("a count not written with digits only")
        return values

    def _note_implausible(self, fields: list[list[str]]) -> None:
        """Rows with a count above the kind's plausible maximum, noted by the reader's rule. A chunk
        without a count as long as the maximum costs one pass over the column's lengths."""
        limit = self.reader.plausible_max.get(self.reader.info.kind)
        if limit is None:
            return
        digits = len(str(limit))
        long: set[int] = set()
        for name in PLAUSIBLE_COUNTS[self.kind]:
            if name in self.at and max(map(len, column := fields[self.at[name]])) >= digits:
                long.update(row for row, value in enumerate(column) if len(value) >= digits)
        for row in sorted(long):
            self.reader._check_plausible(self.rows + row + 2, [column[row] for column in fields])

    def _texts(self) -> Iterator[str]:
        """The file's data lines, decoded, a chunk of whole lines at a time (row n is line n + 1)."""
        decoder = codecs.getincrementaldecoder(self.reader.info.encoding)()
        carry, header = "", not self.jsonl  # JSON Lines have no header line
        for chunk in self.reader.raw_bytes():
            text = carry + decoder.decode(chunk)
            end = text.rfind("\n")
            carry, text = text[end + 1 :], text[: max(end, 0)]
            if header and end >= 0:
                header, text = False, text.partition("\n")[2] if "\n" in text else ""
            if text:
                yield text
        carry += decoder.decode(b"", final=True)
        if carry and not header:
            yield carry.removesuffix("\r")


def _plain_objects(columns: list[str], counts: tuple[str, ...]) -> re.Pattern[str]:
    """A line holding one JSON object with exactly `columns` as keys, in that order, as `json.dumps`
    writes it (optional spaces after `,` and `:`): strings without escapes or control characters,
    counts as JSON integers (no sign, fraction or leading zero). One group per column."""
    string, integer = r'"([^"\\\x00-\x1f]*)"', r"(0|[1-9][0-9]*)"
    members = [f'"{re.escape(name)}": ?{integer if name in counts else string}' for name in columns]
    return re.compile(r"^\{" + ", ?".join(members) + r"\}$", re.MULTILINE)
