"""A download never lies: one that fails fails before its first byte, with an error page and its
status, never as a 200 with a cut-off body (issue 9). Tested with sources that raise."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.urls import reverse

import exports
from exports.formats import ROWS_PER_CHUNK
from municipalities.exports import MunicipalityListExport
from municipalities.models import Municipality


class Boom(RuntimeError):
    pass


@exports.register
class BrokenAtOnceExport(exports.ExportSource):
    """Its query fails when it runs: the first row never comes."""

    name = "test-broken-at-once"
    login_required = False

    def header(self):
        return ["a", "b"]

    def rows(self):
        raise Boom("the database went away")
        yield  # a generator, as every source's rows


@exports.register
class BrokenLaterExport(BrokenAtOnceExport):
    """Fails after three chunks of rows: still before the first byte of a file this small."""

    name = "test-broken-later"

    def rows(self):
        for n in range(3 * ROWS_PER_CHUNK):
            yield [n, "x"]
        raise Boom("the connection dropped")


@exports.register
class BrokenCopyExport(exports.QueryExport):
    """PostgreSQL's COPY fails while it runs (division by zero in the third row)."""

    name = "test-broken-copy"
    login_required = False
    columns = [("Код", "code"), ("Дял", "share")]

    def get_queryset(self):
        ordered = Municipality.objects.order_by("code")
        return ordered.annotate(share=F("population") / RawSQL("(row_number() over (order by code)) - 3", []))


def download(client, name: str, flavour: str):
    client.raise_request_exception = False
    return client.get(reverse("exports:source", args=[name]), {"_export": flavour})


def assert_failed_before_first_byte(response) -> None:
    assert response.status_code == 500
    assert "Content-Disposition" not in response
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "Изтеглянето не успя" in text  # the portal's page, in the user's language
    assert "нищо не беше изпратено" in text


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", ["csv", "excel", "xlsx"])
@pytest.mark.parametrize("name", ["test-broken-at-once", "test-broken-later"])
def test_a_python_source_that_raises_gives_a_500_page_not_a_200_file(client, name, flavour):
    assert_failed_before_first_byte(download(client, name, flavour))


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", ["csv", "excel", "xlsx"])
def test_a_copy_that_fails_midway_gives_a_500_page_not_a_200_file(client, flavour):
    assert_failed_before_first_byte(download(client, "test-broken-copy", flavour))


@pytest.mark.django_db
def test_a_big_streamed_file_has_run_its_query_and_first_chunk_before_the_status(client, monkeypatch):
    monkeypatch.setattr("exports.downloads.BUFFER_BYTES", 0)  # stream after the first chunk
    assert_failed_before_first_byte(download(client, "test-broken-at-once", "csv"))


@pytest.mark.django_db
def test_a_pages_download_whose_query_fails_is_a_500_page(client, monkeypatch):
    def failing(self):
        return Municipality.objects.annotate(boom=RawSQL("1 / (population - population)", []))

    monkeypatch.setattr(MunicipalityListExport, "get_queryset", failing)
    client.raise_request_exception = False
    for flavour in ("csv", "excel", "xlsx"):
        assert_failed_before_first_byte(client.get(reverse("municipalities:list"), {"_export": flavour}))
    # the page itself is not an export: it is left to the view (and its own error handling)
    monkeypatch.undo()
    assert client.get(reverse("municipalities:list"), {"_export": "csv"}).status_code == 200
