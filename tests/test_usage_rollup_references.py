"""The monthly rollups' references to municipalities and query types are checked by the database once
per statement (migration 0005), as strictly as the foreign keys they replace: an id with no row is
refused, a referenced row cannot be deleted or renumbered, a rollup's reference cannot change."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from catalog.models import QueryType
from municipalities.models import Municipality
from tests.usage_support import PERSON, import_text, usage_storage  # noqa: F401
from usage.models import RegixMonthlyUsage, SeosMonthlyUsage

pytestmark = pytest.mark.django_db

HEADER = "date,municipality,operation,requests,errors\n"


def refused(statement: str, params: list) -> str:
    """The database's refusal of the statement (IntegrityError), as text; the test goes on after it."""
    with pytest.raises(IntegrityError) as refusal, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(refusal.value)


def unused_id(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def test_a_rollup_of_a_municipality_or_query_type_with_no_row_is_refused_by_statement():
    municipality = Municipality.objects.get(code="VAR06")
    query_type = QueryType.objects.get(operation=PERSON)
    insert = (
        "INSERT INTO usage_regixmonthlyusage (month, municipality_id, query_type_id, requests, errors, active_days) "
        "SELECT '2024-03-01', m, q, 1, 0, 1 FROM unnest(%s::bigint[], %s::bigint[]) AS r(m, q)"
    )
    # One bad row among good ones: the whole statement is refused, and the message names the key.
    message = refused(insert, [[municipality.pk, unused_id(Municipality)], [query_type.pk, query_type.pk]])
    assert "municipalities_municipality" in message
    assert f"(municipality_id)=({unused_id(Municipality)})" in message
    assert "catalog_querytype" in refused(insert, [[municipality.pk], [unused_id(QueryType)]])
    seos = (
        "INSERT INTO usage_seosmonthlyusage (month, municipality_id, sent, received, active_days) "
        "VALUES ('2024-03-01', %s, 1, 1, 1)"
    )
    assert "municipalities_municipality" in refused(seos, [unused_id(Municipality)])
    assert not RegixMonthlyUsage.objects.exists()
    assert not SeosMonthlyUsage.objects.exists()
    with connection.cursor() as cursor:  # good references go in
        cursor.execute(insert, [[municipality.pk], [query_type.pk]])
    assert RegixMonthlyUsage.objects.get().municipality == municipality


def test_a_referenced_municipality_or_query_type_is_kept_and_a_rollup_keeps_its_references(tmp_path):
    import_text(tmp_path, HEADER + f"2024-03-04,VAR06,{PERSON},10,1\n", name="one.csv")
    rollup = RegixMonthlyUsage.objects.get()
    varna, person = rollup.municipality, rollup.query_type
    other = Municipality.objects.exclude(pk=varna.pk).order_by("pk").first()
    assert other is not None
    # Through the ORM, Django's PROTECT refuses first; below it, the database does.
    with pytest.raises(ProtectedError):
        varna.delete()
    assert "still referenced" in refused("DELETE FROM municipalities_municipality WHERE id = %s", [varna.pk])
    assert "still referenced" in refused("DELETE FROM catalog_querytype WHERE id = %s", [person.pk])
    assert "still referenced" in refused(
        "UPDATE municipalities_municipality SET id = %s WHERE id = %s", [unused_id(Municipality), varna.pk]
    )
    assert "changes what a monthly total refers to" in refused(
        "UPDATE usage_regixmonthlyusage SET municipality_id = %s", [other.pk]
    )
    # What refers to nothing can go; a rollup's figures can change.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE usage_regixmonthlyusage SET requests = requests + 1")
        cursor.execute("DELETE FROM usage_observedadoption WHERE municipality_id = %s", [other.pk])
        cursor.execute("DELETE FROM municipalities_municipality WHERE id = %s", [other.pk])
    assert not Municipality.objects.filter(pk=other.pk).exists()
    assert RegixMonthlyUsage.objects.get().requests == 11
