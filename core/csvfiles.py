"""Reading reference CSV files with errors that name the file, the line and the field."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path


class DataFileError(Exception):
    """A reference file is missing or malformed; says which file, line and field."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}" if line is None else f"{self.path}, line {line}"
        super().__init__(f"{where}: {message}")


def read_csv_rows(path: Path, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a UTF-8 CSV file that must have the required columns."""
    if not path.is_file():
        raise DataFileError(path, "file not found")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in (reader.fieldnames or [])]
            missing = [name for name in required if name not in header]
            if missing:
                raise DataFileError(path, f"missing column(s): {', '.join(missing)}", line=1)
            reader.fieldnames = header
            for row in reader:
                if None in row:
                    raise DataFileError(path, "more fields than the header has", reader.line_num)
                if any(value is None for value in row.values()):
                    raise DataFileError(path, "fewer fields than the header has", reader.line_num)
                yield reader.line_num, {key: value.strip() for key, value in row.items()}
    except UnicodeDecodeError as error:
        raise DataFileError(path, f"not valid UTF-8 ({error.reason} at byte {error.start})") from None
    except csv.Error as error:
        raise DataFileError(path, f"malformed CSV: {error}") from None
