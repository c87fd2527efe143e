"""The streaming pass's longest line (usage/reader/detect.py `_Tally`): it measures only the lines that
may pass the limit, and must still tell exactly whether some line does, wherever the chunks cut."""

from __future__ import annotations

import random

import pytest

from usage.reader.base import Limits
from usage.reader.detect import _Tally


def longest_line(data: bytes) -> int:
    """Bytes of the longest line, its line end included; an unterminated last line without one."""
    *ended, tail = data.split(b"\n")
    return max([len(line) + 1 for line in ended] + [len(tail)])


@pytest.mark.parametrize("seed", range(4))
def test_a_line_over_the_limit_is_found_wherever_the_chunks_cut(seed):
    rng = random.Random(seed)
    for _ in range(800):
        limit = rng.choice([4, 5, 8, 16, 33])
        sizes = [0, 1, limit - 2, limit - 1, limit, limit + 1, 2 * limit, rng.randrange(3 * limit)]
        data = b"\n".join(b"x" * rng.choice(sizes) for _ in range(rng.randrange(1, 30)))
        data += b"\n" if rng.random() < 0.5 else b""
        tally = _Tally(Limits(line_chars=limit))
        step = rng.choice([1, 3, 7, 64, 1000])
        for start in range(0, len(data), step):
            chunk = data[start : start + step]
            tally._measure_lines(chunk, chunk.count(b"\n"))
        truth = longest_line(data)
        assert (tally.longest > limit) == (truth > limit), (limit, step, data)
        assert tally.longest <= truth
