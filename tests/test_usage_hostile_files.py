"""The probes of issue 11 as tests: hostile files end in linear time and bounded memory, keep the valid
rows around the bad ones, and every failure reads as a sentence with the file's own line number."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.usage_support import PERSON, import_file, import_text, usage_storage, write  # noqa: F401
from usage.choices import Status
from usage.models import ImportBatch, RegixDailyUsage, SeosDailyUsage

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
HEADER = "date,municipality,operation,requests\n"
ROW = f"2024-03-04,VAR06,{PERSON},5\n"


def _rows(count: int) -> str:
    """`count` valid rows on distinct days (so every one is a key of its own)."""
    import datetime as dt

    start = dt.date(2015, 1, 1)
    return "".join(
        f"{start + dt.timedelta(days=n % 3000):%Y-%m-%d},VAR06,{PERSON},{n // 3000 + 1}\n" for n in range(count)
    )


def _gzip_bomb(path: Path, head: bytes, unit: bytes, size: int, tail: bytes) -> Path:
    """`size` bytes of `unit` between head and tail, as gzip members of 1 MiB each compressed once: a
    ~1 MB file that expands to a gigabyte, made in a second."""
    block = unit * ((1 << 20) // len(unit))
    member = gzip.compress(block, compresslevel=9)
    with path.open("wb") as out:
        out.write(gzip.compress(head))
        for _ in range(size // len(block)):
            out.write(member)
        out.write(gzip.compress(tail))
    return path


def _reasons(batch: ImportBatch) -> list[tuple[int, str]]:
    return list(batch.rejected_rows.order_by("line").values_list("line", "reason"))


# -- quotes -------------------------------------------------------------------------------------------


def test_a_stray_quote_rejects_only_its_line_and_keeps_the_rows_after_it(tmp_path):
    text = HEADER + ROW + '2024-03-05,VAR06,Pers"on,5\n' + ROW.replace("03-04", "03-06")
    batch = import_text(tmp_path, text)
    assert (batch.status, batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (Status.SUCCEEDED, 3, 2, 1)
    [(line, reason)] = _reasons(batch)
    assert line == 3
    assert "кавичк" in reason


def test_an_unterminated_quote_rejects_its_line_and_reading_resynchronises(tmp_path):
    text = HEADER + ROW + f'2024-03-05,VAR06,"{PERSON},5\n' + _rows(50)
    batch = import_text(tmp_path, text)
    assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (52, 51, 1)
    [(line, reason)] = _reasons(batch)
    assert line == 3
    assert "65 536" in reason


def test_a_quoted_field_may_still_run_over_two_lines(tmp_path):
    text = 'date,municipality,sent,received,note\n2024-03-04,VAR06,1,2,"two\nlines"\n"2024-03-05","VAR06","3","4",""\n'
    batch = import_text(tmp_path, text)
    assert (batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (2, 2, 0)
    assert SeosDailyUsage.objects.count() == 2


@pytest.mark.parametrize("kind", ["unterminated", "stray"])
def test_quote_damage_costs_linear_time(tmp_path, kind):
    """The 400k-line file takes at most 3 × the 200k-line one (the quadratic reader took 54 s and 138 s).

    Measured in this process's CPU time (the reader's time is all in this process; PostgreSQL's share is
    linear in the rows anyway), the smaller of two imports of each file: another process's burst on a
    shared machine can still slow one import through the caches, never both the same way."""
    bad = f'2024-03-05,VAR06,"{PERSON},5\n' if kind == "unterminated" else '2024-03-05,VAR06,Pe"rson,5\n'
    seconds = {}
    for lines in (200_000, 400_000):
        path = write(tmp_path, f"{kind}-{lines}.csv", HEADER + bad + ROW * lines)
        samples = []
        for _ in range(2):
            started, cpu = time.perf_counter(), time.process_time()
            batch = import_file(path)
            wall = time.perf_counter() - started
            samples.append(time.process_time() - cpu)
            assert (batch.status, batch.rows_read, batch.rows_rejected) == (Status.SUCCEEDED, lines + 1, 1)
            assert _reasons(batch)[0][0] == 2
            assert wall < 60
        seconds[lines] = min(samples)
    assert seconds[400_000] < 3 * seconds[200_000], seconds


# -- bombs, in a subprocess that measures its own peak memory --------------------------------------------

IMPORT_IN_SUBPROCESS = """
import json, re, sys, time
import django
django.setup()
from usage import processing
from usage.models import ImportBatch
started = time.perf_counter()
processing.process(int(sys.argv[1]))
batch = ImportBatch.objects.get(pk=int(sys.argv[1]))
print(json.dumps({
    "seconds": time.perf_counter() - started,
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report the parent's (pytest's) peak.
    "peak_mb": int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1]) / 1024,
    "status": batch.status, "error": batch.error, "read": batch.rows_read, "rejected": batch.rows_rejected,
}))
"""


def _import_in_subprocess(path: Path, settings) -> dict:
    """Import the kept file as the worker would, in a fresh process, and report its peak RSS."""
    from usage import services
    from usage.choices import Door

    batch = services.receive_path(path, door=Door.CLI, queue=False)
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov_portal.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "EGOV_VAR_DIR": str(Path(settings.MEDIA_ROOT).parent),
        "PYTHONPATH": str(ROOT),
    }
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-c", IMPORT_IN_SUBPROCESS, str(batch.pk)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert output.returncode == 0, output.stderr[-3000:]
    return json.loads(output.stdout.strip().splitlines()[-1])


@pytest.fixture
def media_for_subprocess(reference_data, settings, tmp_path):
    """The subprocess finds the kept files where the test put them (EGOV_VAR_DIR/media)."""
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    return settings


def test_a_gigabyte_line_is_one_rejected_row_in_bounded_time_and_memory(media_for_subprocess, tmp_path):
    head = (HEADER + ROW + "2024-03-05,VAR06,").encode()
    path = _gzip_bomb(tmp_path / "line.csv.gz", head, b"a", 1 << 30, (",5\n" + ROW.replace("03-04", "03-06")).encode())
    assert path.stat().st_size < 2 << 20
    result = _import_in_subprocess(path, media_for_subprocess)
    assert (result["status"], result["read"], result["rejected"]) == (Status.SUCCEEDED, 3, 1), result
    assert result["peak_mb"] < 150, result
    assert result["seconds"] < 60, result
    batch = ImportBatch.objects.get()
    [row] = batch.rejected_rows.all()
    assert row.line == 3
    assert "1 073 741 843" in row.reason
    assert len(row.raw) < 1200  # the stored text is cut, its length noted
    assert "1 073 741 843" in row.raw
    assert RegixDailyUsage.objects.count() == 2


def test_a_gigabyte_of_blank_lines_is_refused_at_once(media_for_subprocess, tmp_path):
    path = _gzip_bomb(tmp_path / "blank.csv.gz", (HEADER + ROW).encode(), b"\n", 1 << 30, ROW.encode())
    result = _import_in_subprocess(path, media_for_subprocess)
    assert result["status"] == Status.FAILED, result
    assert "10 000 000" in result["error"]
    assert result["seconds"] < 10, result
    assert result["peak_mb"] < 150, result


def test_many_distinct_long_values_do_not_fill_the_importers_memory(media_for_subprocess, tmp_path):
    """1,500 lines whose municipality is a distinct 60 KB value (90 MB): each is rejected, none is kept."""
    lines = (f"2024-03-04,VAR06{n:05d}{'x' * 60_000},{PERSON},5\n" for n in range(1500))
    data = (HEADER + "".join(lines) + ROW).encode()
    path = tmp_path / "long-values.csv.gz"
    path.write_bytes(gzip.compress(data, compresslevel=1))
    result = _import_in_subprocess(path, media_for_subprocess)
    assert (result["status"], result["read"], result["rejected"]) == (Status.SUCCEEDED, 1501, 1500), result
    assert result["peak_mb"] < 150, result
    reason = ImportBatch.objects.get().rejected_rows.order_by("line").first().reason
    assert len(reason) < 1200


# -- bytes that are not text, anywhere ------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True])
def test_a_nul_byte_after_the_first_mebibyte_fails_with_the_files_own_line(tmp_path, compress):
    rows = _rows(30_000)  # ~2.6 MB
    data = (HEADER + rows).encode() + b"2024-03-04,VAR06,x\x00,5\n" + ROW.encode()
    path = tmp_path / ("late.csv.gz" if compress else "late.csv")
    path.write_bytes(gzip.compress(data) if compress else data)
    batch = import_file(path)
    assert batch.status == Status.FAILED
    assert "ред 30002" in batch.error, batch.error
    assert "NUL" in batch.error, batch.error
    early = import_text(tmp_path, HEADER + "2024-03-04,VAR06,x\x00,5\n", name="early.csv")
    assert early.error.split("(")[0] == batch.error.split("(")[0].replace("30002", "2")  # the same words
    assert not RegixDailyUsage.objects.exists()


def test_undecodable_bytes_late_in_the_file_name_their_line(tmp_path):
    data = (HEADER + _rows(20_000)).encode() + b"2024-03-04,VAR06,\xe0\x98,5\n"
    path = tmp_path / "late-bytes.csv"
    path.write_bytes(data)
    batch = import_file(path)
    assert batch.status == Status.FAILED
    assert "ред 20002" in batch.error, batch.error


def test_a_database_error_never_reaches_a_person(tmp_path, monkeypatch):
    from usage import ingest

    def broken(*args, **kwargs):
        raise RuntimeError('COPY usage_stage, line 8459: invalid byte sequence for encoding "UTF8": 0x00')

    monkeypatch.setattr(ingest, "_apply", broken)
    with pytest.raises(RuntimeError):
        import_text(tmp_path, HEADER + ROW)
    batch = ImportBatch.objects.get()
    assert batch.status == Status.FAILED
    assert "usage_stage" not in batch.error
    assert "0x00" not in batch.error
    assert str(batch.pk) in batch.error  # the reference to the logged cause


def test_ingest_usage_wait_exits_non_zero_and_prints_the_reason_when_the_batch_fails(tmp_path):
    data = (HEADER + _rows(15_000)).encode() + b"2024-03-04,VAR06,x\x00,5\n"
    path = tmp_path / "nul.csv"
    path.write_bytes(data)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest_usage", str(path), "--wait", stdout=out)
    assert "NUL" in out.getvalue()
    assert "15002" in out.getvalue()
    assert "pending" not in out.getvalue()


# -- JSON Lines, counts, plausibility ---------------------------------------------------------------------


def _jsonl(*records: dict) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def test_json_lines_are_checked_one_object_at_a_time(tmp_path):
    base = {"date": "2024-03-04", "municipality": "VAR06", "operation": PERSON}
    text = _jsonl(
        {**base, "municipality": "VAR01", "requests": 1},  # `errors` absent from the first object
        {**base, "requests": 5, "errors": 2},  # ... present later: accepted
        {"date": "2024-03-05", "municipality": "VAR06", "requests": 3},  # a required key missing: this row only
        {**base, "date": "2024-03-06", "REQUESTS": 4, "extra": "x"},
    )
    batch = import_text(tmp_path, text, name="usage.jsonl")
    assert (batch.status, batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (Status.SUCCEEDED, 4, 3, 1)
    [(line, reason)] = _reasons(batch)
    assert line == 3
    assert "operation" in reason
    assert RegixDailyUsage.objects.get(date="2024-03-04", municipality__code="VAR06").errors == 2
    assert any("extra" in warning for warning in batch.warnings)


@pytest.mark.parametrize("kind", ["regix", "seos"])
def test_the_json_lines_fast_path_stages_every_line_as_the_full_rules_do(tmp_path, kind, settings):
    """The hot loop for JSON Lines takes a line only when its values were seen valid before: every
    stage line, count, rejection and warning is the one the full rules give, line for line."""
    from django.utils import timezone

    from usage.reader import Limits, Lookups, UsageFileReader

    base = (
        {"date": "2024-03-04", "municipality": "VAR06", "operation": PERSON, "requests": 5, "errors": 1}
        if kind == "regix"
        else {"date": "2024-03-04", "municipality": "VAR06", "sent": 5, "received": 1}
    )
    count = "requests" if kind == "regix" else "sent"
    variants = [
        {},
        {"date": " 2024-03-04"},
        {"date": "04.03.2024"},
        {"date": 20240304},
        {"date": None},
        {"date": ["2024-03-04"]},
        {"municipality": "var06"},
        {"municipality": {"code": "VAR06"}},
        {count: "7"},
        {count: 7.0},
        {count: True},
        {count: -1},
        {count: 2**63},
        {count: 10**12},  # above the plausible maximum: accepted and listed
        {"Date": "2024-03-05"},
        {"extra": 1},
    ]
    if kind == "regix":
        variants += [{"errors": 9}, {"operation": "Nope"}, {"errors": None}]
    lines = [json.dumps({**base, **variant}) for variant in variants]
    lines += ["[1, 2]", '{"date": ', "", json.dumps({k: v for k, v in base.items() if k != "date"})]
    text = "\n".join(lines * 2) + "\n"  # twice: the second time every value is in the caches
    path = tmp_path / f"{kind}.jsonl"
    path.write_text(text, encoding="utf-8")

    def staged(fast: bool):
        reader = UsageFileReader(
            path, kind, Lookups.load(), timezone.localdate(), Limits(), settings.USAGE_PLAUSIBLE_DAILY_MAX
        )
        reader.open()
        out = "".join(reader.stage_chunks(7)) if fast else "".join(reader.stage_rows())
        info = reader.info
        reader.close()
        return out, (info.rows_read, info.rows_rejected, info.implausible, info.implausible_count, info.warnings)

    assert staged(fast=True) == staged(fast=False)


def test_a_first_json_object_missing_a_required_key_rejects_only_itself(tmp_path):
    text = _jsonl(
        {"date": "2024-03-04", "municipality": "VAR06", "requests": 3},
        {"date": "2024-03-04", "municipality": "VAR06", "operation": PERSON, "requests": 3},
    )
    batch = import_text(tmp_path, text, name="usage.jsonl")
    assert (batch.status, batch.rows_accepted, batch.rows_rejected) == (Status.SUCCEEDED, 1, 1)
    assert _reasons(batch)[0][0] == 1


@pytest.mark.parametrize("name", ["usage.csv", "usage.jsonl"])
def test_counts_of_16_to_19_digits_are_accepted_up_to_the_bigint_range(tmp_path, name, settings):
    counts = ["1234567890123456", "12345678901234567", "123456789012345678", "9223372036854775807"]
    if name.endswith(".csv"):
        # One a month: even two of them would add up beyond a bigint in the month's rollup.
        text = HEADER + "".join(
            f"2024-{month:02d}-04,VAR06,{PERSON},{count}\n" for month, count in enumerate(counts, 1)
        )
        text += f"2024-09-04,VAR06,{PERSON},9223372036854775808\n"
    else:
        records = [
            {"date": f"2024-{month:02d}-04", "municipality": "VAR06", "operation": PERSON, "requests": int(count)}
            for month, count in enumerate(counts, 1)
        ]
        records.append({"date": "2024-09-04", "municipality": "VAR06", "operation": PERSON, "requests": 2**63})
        text = _jsonl(*records)
    batch = import_text(tmp_path, text, name=name)
    assert (batch.rows_accepted, batch.rows_rejected) == (4, 1), _reasons(batch)
    assert _reasons(batch)[0][0] == 6 if name.endswith(".csv") else 5
    stored = sorted(RegixDailyUsage.objects.values_list("requests", flat=True))
    assert stored == sorted(int(count) for count in counts)


def test_counts_that_add_up_beyond_a_bigint_fail_in_plain_words(tmp_path):
    text = HEADER + f"2024-03-04,VAR06,{PERSON},9223372036854775807\n2024-03-05,VAR06,{PERSON},9223372036854775807\n"
    batch = import_text(tmp_path, text)
    assert batch.status == Status.FAILED
    assert "9 223 372 036 854 775 807" in batch.error
    assert "bigint" not in batch.error
    assert "out of range" not in batch.error


@pytest.mark.parametrize("name", ["seos.csv", "seos-quoted.csv"])
def test_an_implausible_day_is_accepted_and_listed_as_a_warning(tmp_path, settings, name):
    settings.USAGE_PLAUSIBLE_DAILY_MAX = {"regix": 1_000_000, "seos": 100_000}
    quote = '"' if "quoted" in name else ""
    rows = [f"2024-03-{day:02d},VAR06,{quote}10{quote},20" for day in range(1, 8)]
    rows[4] = f"2024-03-05,VAR06,51000000,{quote}3{quote}"
    text = "date,municipality,sent,received\n" + "\n".join(rows) + "\n2024-03-09,VAR01,5,999999999\n"
    batch = import_text(tmp_path, text, name=name)
    assert (batch.status, batch.rows_accepted, batch.rows_rejected) == (Status.SUCCEEDED, 8, 0)
    [warning] = [warning for warning in batch.warnings if "100 000" in warning]
    assert "ред 6 (sent 51 000 000)" in warning, warning
    assert "ред 9 (received 999 999 999)" in warning, warning
    assert SeosDailyUsage.objects.get(date="2024-03-05").sent == 51_000_000


def test_a_usual_file_has_no_implausibility_warning(tmp_path):
    batch = import_text(tmp_path, HEADER + ROW)
    assert batch.status == Status.SUCCEEDED
    assert batch.warnings == []


def test_the_reader_is_not_fooled_by_a_deeply_nested_json_line(tmp_path):
    text = _jsonl({"date": "2024-03-04", "municipality": "VAR06", "operation": PERSON, "requests": 1})
    text += "[" * 100_000 + "\n"
    batch = import_text(tmp_path, text, name="usage.jsonl")
    assert (batch.status, batch.rows_accepted, batch.rows_rejected) == (Status.SUCCEEDED, 1, 1)


def test_a_json_lines_file_of_the_other_kind_is_refused_whole(tmp_path):
    text = _jsonl({"date": "2024-03-04", "municipality": "VAR06", "sent": 1, "received": 2})
    batch = import_text(tmp_path, text, name="seos.jsonl", kind="regix")
    assert batch.status == Status.FAILED
    assert "Грешен вид" in batch.error
