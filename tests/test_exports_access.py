"""An export holds only what the view's get_queryset lets the user see, by either writer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from exports.models import ExportJob

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.exports_urls")]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def codes(data: bytes) -> list[str]:
    return [line.split(",")[0] for line in data.decode().splitlines()[1:]]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("officer_varna", ["VAR06"]), ("officer_other", ["VAR01"]), ("analyst", []), ("anonymous", [])],
)
def test_an_officer_exports_only_their_municipality(as_persona, persona, expected):
    response = as_persona(persona).get(reverse("scoped-municipalities"), {"_export": "csv"})
    assert response.status_code == 200
    assert codes(body(response)) == expected


def test_ministry_staff_export_every_municipality(as_persona):
    response = as_persona("ministry_user").get(reverse("scoped-municipalities"), {"_export": "csv"})
    assert len(codes(body(response))) == 265


def test_the_copy_writer_keeps_the_views_scoping_and_the_plain_csv_bytes(as_persona, officer_varna):
    from municipalities.models import Municipality

    population = Municipality.objects.get(code="VAR06").population
    response = as_persona("officer_varna").get(reverse("scoped-copy", kwargs={"flag": "x"}), {"_export": "csv"})
    assert body(response) == f"Код,Име,Население\nVAR06,Варна,{population}\n".encode()


def test_the_copy_writer_makes_csv_for_excel_too(as_persona):
    response = as_persona("ministry_user").get(
        reverse("scoped-copy", kwargs={"flag": "x"}), {"_export": "excel", "q": "бяла"}
    )
    data = body(response)
    assert data.startswith("\ufeffКод;Име;Население\r\n".encode())
    lines = data.decode("utf-8-sig").split("\r\n")
    assert [line.split(";")[:2] for line in lines[1:-1]] == [
        ["RSE04", "Бяла"],
        ["VAR05", "Бяла"],
        ["VRC08", "Бяла Слатина"],
    ]
    assert lines[-1] == ""
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_the_copy_writer_filters_with_the_pages_filterset(as_persona):
    response = as_persona("ministry_user").get(
        reverse("scoped-copy", kwargs={"flag": "x"}), {"_export": "csv", "province": "VAR"}
    )
    assert len(codes(body(response))) == 12


def test_a_background_export_is_scoped_to_its_owner_too(as_persona, officer_varna, settings, tmp_path):
    settings.EXPORT_ASYNC_THRESHOLD_ROWS = 0
    settings.EXPORT_STORAGE_DIR = tmp_path
    for name in ("scoped-municipalities", "scoped-copy"):
        kwargs = {"flag": "y"} if name == "scoped-copy" else {}
        response = as_persona("officer_varna").get(reverse(name, kwargs=kwargs), {"_export": "csv"})
        job = ExportJob.objects.get(source=name)
        assert response.status_code == 302
        assert job.arguments == kwargs
        assert job.status == "done", job.error
        assert job.row_count == 1
        assert codes(job.path.read_bytes()) == ["VAR06"]
