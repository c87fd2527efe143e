"""The adoption matrix: one row per municipality × service, its filters, scoping, query counts, exports."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.utils import timezone, translation

from accounts.choices import Role
from adoption.choices import Verification
from adoption.models import Adoption, Service
from municipalities.models import Municipality
from reports.queries import usage_window_start
from tests.adoption_helpers import history
from tests.reports_support import observed, query_types, regix, seos

URL = "/reports/adoption-matrix/"


@pytest.fixture
def operator(db, django_user_model):
    return django_user_model.objects.create_user(username="operator", password="secret-pass-123", role=Role.OPERATOR)


@pytest.fixture
def matrix_data(db):
    """Varna: RegiX in production (verified), SEOS applied; usage this month and two years ago."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    long_ago = date(today.year - 2, 1, 1)
    regix_adoption = history(
        "VAR06", "regix", [(date(2024, 3, 1), "access_requested"), (date(2024, 6, 1), "production")]
    )
    Adoption.objects.filter(pk=regix_adoption.pk).update(verification=Verification.VERIFIED)
    history("VAR06", "seos", [(date(2025, 1, 15), "applied")])
    qt = query_types()[0]
    regix("VAR06", qt, this_month, 40)
    regix("VAR06", qt, long_ago, 999)
    seos("VAR06", this_month, 3, 4)
    observed("VAR06", "regix", date(2024, 6, 3), today)
    return {"today": today}


def rows(response) -> list:
    return list(response.context["table"].data)


def row_of(response, code: str, service: str):
    return next(r for r in rows(response) if r.municipality_code == code and r.service == service)


@pytest.mark.django_db
def test_there_is_one_row_per_municipality_and_service(client, analyst):
    client.force_login(analyst)
    response = client.get(URL)
    assert response.context["table"].paginator.count == Municipality.objects.count() * Service.objects.count()


@pytest.mark.django_db
def test_a_row_has_the_declaration_observed_use_and_recent_usage(client, analyst, matrix_data):
    client.force_login(analyst)
    response = client.get(URL, {"q": "VAR06"})
    regix_row = row_of(response, "VAR06", "regix")
    assert (regix_row.municipality_name, regix_row.province) == ("Варна", "VAR")
    assert (regix_row.stage_code, regix_row.since, regix_row.verification) == (
        "production",
        date(2024, 6, 1),
        "verified",
    )
    assert regix_row.counts_as_adopted
    assert (regix_row.first_use, regix_row.last_use) == (date(2024, 6, 3), matrix_data["today"])
    assert regix_row.usage_90_days == 40  # the rollup of two years ago is outside the window
    seos_row = row_of(response, "VAR06", "seos")
    assert (seos_row.stage_code, seos_row.verification, seos_row.usage_90_days) == ("applied", "unverified", 7)
    assert seos_row.first_use is None
    eauth = row_of(response, "VAR06", "eauth")
    assert (eauth.stage_code, eauth.verification, eauth.since) == ("not_integrated", "not_declared", None)
    assert eauth.usage_90_days is None  # no usage files exist for this service


def test_the_usage_window_covers_at_least_90_days_in_whole_months():
    assert usage_window_start(date(2026, 11, 24)) == date(2026, 8, 1)
    assert usage_window_start(date(2026, 3, 31)) == date(2026, 1, 1)
    for day in (date(2026, 1, 1), date(2026, 7, 15), date(2026, 12, 31)):
        start = usage_window_start(day)
        assert start.day == 1
        assert (day - start) >= timedelta(days=89)


@pytest.mark.django_db
def test_it_filters_by_province_service_stage_and_verification(client, analyst, matrix_data):
    client.force_login(analyst)
    varna = rows(client.get(URL, {"province": "VAR", "service": "regix"}))
    assert len(varna) == Municipality.objects.filter(province__code="VAR").count()
    assert {r.service for r in varna} == {"regix"}
    in_production = rows(client.get(URL, {"service": "regix", "stage": "production"}))
    assert [(r.municipality_code, r.stage_code) for r in in_production] == [("VAR06", "production")]
    verified = rows(client.get(URL, {"verification": "verified"}))
    assert [(r.municipality_code, r.service) for r in verified] == [("VAR06", "regix")]
    two_services = rows(client.get(URL, {"q": "VAR06", "service": ["regix", "seos"]}))
    assert {r.service for r in two_services} == {"regix", "seos"}


@pytest.mark.django_db
def test_it_sorts_by_a_column(client, analyst, matrix_data):
    client.force_login(analyst)
    response = client.get(URL, {"province": "VAR", "service": "regix", "sort": "-usage_90_days"})
    assert rows(response)[0].municipality_code == "VAR06"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("analyst", 200),
        ("ministry_user", 200),
        ("administrator", 200),
        ("officer_varna", 200),
        ("officer_other", 200),
        ("operator", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_matrix(client, request, persona, status):
    user = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    assert client.get(URL).status_code == status
    assert client.get(URL, {"_export": "excel"}).status_code == status


@pytest.mark.django_db
def test_an_officer_sees_only_their_own_municipality(client, officer_varna, matrix_data):
    client.force_login(officer_varna)
    response = client.get(URL)
    assert {r.municipality_code for r in rows(response)} == {"VAR06"}
    assert len(rows(response)) == Service.objects.count()
    assert rows(client.get(URL, {"q": "SOF46"})) == []
    body = b"".join(client.get(URL, {"_export": "csv"}).streaming_content).decode()
    assert "VAR06" in body
    assert "VAR01" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "count"), [({"q": "VAR06", "service": "regix"}, 1), ({"province": "PDV"}, 50)])
def test_the_matrix_runs_a_fixed_number_of_queries(client, analyst, django_assert_max_num_queries, params, count):
    client.force_login(analyst)
    with django_assert_max_num_queries(16):
        response = client.get(URL, {**params, "per_page": 50})
    assert response.context["table"].paginator.count >= count
    assert len(response.context["table"].page.object_list) == count


@pytest.mark.django_db
def test_the_matrix_downloads_in_three_flavours(client, analyst, matrix_data):
    client.force_login(analyst)
    params = {"q": "VAR06", "service": "regix"}
    with translation.override("bg"):
        excel = b"".join(client.get(URL, {**params, "_export": "excel"}).streaming_content)
        plain = b"".join(client.get(URL, {**params, "_export": "csv"}).streaming_content)
        xlsx = client.get(URL, {**params, "_export": "xlsx"})
    today = matrix_data["today"].isoformat()
    assert excel.startswith("\ufeffКод на общината;Община;Област;Услуга;".encode())
    assert excel.endswith(f";Проверено;2024-06-03;{today};40\r\n".encode())
    assert "VAR06;Варна;VAR;regix;RegiX (справки от регистрите);production;В реална употреба;да;2024-06-01" in (
        excel.decode("utf-8-sig")
    )
    assert plain.decode().splitlines()[1].startswith("VAR06,Варна,VAR,regix,")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    header, row = list(sheet.iter_rows(values_only=True))
    assert header[:2] == ("Код на общината", "Община")
    assert row[:2] == ("VAR06", "Варна")
    assert row[-1] == 40
    assert xlsx["X-Row-Count"] == "1"
