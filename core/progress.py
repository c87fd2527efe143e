"""Progress of long commands: one redrawn bar on a terminal, one plain line per item elsewhere.

`ingest_usage` over many files and `generate_demo_usage` use it, so the quick start shows how far it
is (files, rows, rate, time left) instead of pages of log lines, while a log file or CI still gets a
line per file that can be read afterwards.
"""

from __future__ import annotations

import shutil
import time

from django.core.management.base import OutputWrapper

BAR_WIDTH = 24


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _number(value: float) -> str:
    """Bulgarian grouping (a space every three digits), as on the portal's pages."""
    return f"{round(value):,}".replace(",", " ")


class Progress:
    """Count items (files) and rows; `weight` (bytes, say) drives the estimate of the time left."""

    def __init__(self, out: OutputWrapper, total: int, *, total_weight: float = 0, unit: str = "files") -> None:
        self.out = out
        self.tty = out.isatty()
        self.total, self.total_weight, self.unit = total, total_weight or total, unit
        self.done = self.rows = 0
        self.weight = 0.0
        self.started = time.monotonic()
        self._drawn = False

    def advance(self, line: str | None, *, rows: int = 0, weight: float = 1) -> None:
        """One item finished: its line (if any) is printed off a terminal; on one, the bar moves."""
        self.done += 1
        self.rows += rows
        self.weight += weight
        if self.tty:
            self._draw()
        elif line is not None:
            self.out.write(line)

    def note(self, line: str) -> None:
        """Something worth keeping on screen (a failure, a warning): printed where the bar was; the
        bar comes back below it with the next item."""
        if self.tty and self._drawn:
            self._clear()
        self.out.write(line)

    def finish(self) -> None:
        if self.tty and self._drawn:
            self._clear()

    def status(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        parts = [f"{self.done}/{self.total} {self.unit}", f"{_number(self.rows)} rows"]
        parts.append(f"{_number(self.rows / elapsed)} rows/s")
        if 0 < self.weight < self.total_weight:
            parts.append(f"{_duration(elapsed * (self.total_weight - self.weight) / self.weight)} left")
        else:
            parts.append(f"{_duration(elapsed)} elapsed")
        return " · ".join(parts)

    def _draw(self) -> None:
        share = min(self.weight / self.total_weight, 1.0) if self.total_weight else 1.0
        filled = round(share * BAR_WIDTH)
        text = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%} {self.status()}"
        self._raw("\r" + text[: self._width()].ljust(self._width()))
        self._drawn = True

    def _clear(self) -> None:
        self._raw("\r" + " " * self._width() + "\r")

    def _raw(self, text: str) -> None:
        self.out.write(text, ending="")  # a Django OutputWrapper (a command's self.stdout)
        self.out.flush()

    @staticmethod
    def _width() -> int:
        return shutil.get_terminal_size((100, 20)).columns - 1
