"""The wide tables' body written in one pass (core/tablebody.py) is django-tables2's own HTML:
each table rendered with both templates, sorted and paged as a visitor would, compared tag for tag."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import RequestFactory
from django_tables2 import RequestConfig

from dashboards.queries import municipality_table, province_table
from dashboards.snapshots import USAGE_ROLLUPS
from dashboards.tables import SHOW_ALL, MunicipalityAdoptionTable, ProvinceAdoptionTable
from municipalities.models import Municipality
from municipalities.tables import MunicipalityTable
from tests.adoption_helpers import history
from tests.dashboard_helpers import PERSON, days, load_regix, load_seos

AS_OF = date(2018, 8, 31)


@pytest.fixture
def adoption(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    history("VAR06", "regix", [(date(2018, 3, 1), "production")])
    history("VAR01", "regix", [(date(2018, 1, 10), "access_granted")])
    history("SOF46", "seos", [(date(2018, 1, 10), "real")])
    load_regix([(d, "VAR06", PERSON, 1234) for d in days(date(2018, 6, 1), date(2018, 8, 31), 7)])
    load_seos([(d, "SOF46", 2, 3) for d in days(date(2018, 6, 1), date(2018, 8, 30), 5)])


def both_ways(make, query: str) -> tuple[str, str]:
    """The table rendered by django-tables2's template and by the one-pass body, same request."""
    rendered = []
    for template in ("django_tables2/table.html", "core/fast_table.html"):
        request = RequestFactory().get("/t/" + query)
        table = make(template)
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
        rendered.append(re.sub(r">\s+<", "><", table.as_html(request)).strip())
    return rendered[0], rendered[1]


@pytest.mark.parametrize("show", ["", "regix", "seos", SHOW_ALL])
@pytest.mark.parametrize("query", ["", "?sort=-population&page=2", "?sort=stage_regix", "?sort=-regix_requests"])
def test_the_municipality_table_body_is_django_tables2s_own(adoption, show, query):
    table = municipality_table(AS_OF)

    def make(template):
        return MunicipalityAdoptionTable(
            table.rows, services=table.services, observed_codes=set(USAGE_ROLLUPS), show=show, template_name=template
        )

    expected, fast = both_ways(make, query)
    assert "<tbody" in fast
    assert fast.count("<tr") > 40
    assert "\xa0" in fast  # figures grouped the Bulgarian way (populations)
    assert fast == expected


@pytest.mark.parametrize("show", ["", "regix", SHOW_ALL])
def test_the_province_table_body_is_django_tables2s_own(adoption, show):
    table = province_table(AS_OF)

    def make(template):
        return ProvinceAdoptionTable(
            table.rows,
            services=table.services,
            observed_codes=set(USAGE_ROLLUPS),
            total=table.total,
            show=show,
            template_name=template,
        )

    expected, fast = both_ways(make, "")
    assert fast.count("<tr") == 28 + 2  # the header, 28 provinces, the footer
    assert fast == expected


@pytest.mark.django_db
def test_model_records_and_links_are_left_to_django_tables2_with_the_same_result():
    def make(template):
        return MunicipalityTable(Municipality.objects.select_related("province"), template_name=template)

    expected, fast = both_ways(make, "?page=3")
    assert "<a href=" in fast
    assert fast == expected


def test_an_empty_table_says_so_as_django_tables2_does(db):
    def make(template):
        return MunicipalityAdoptionTable(
            [], services=[], observed_codes=set(), empty_text="Няма общини.", template_name=template
        )

    expected, fast = both_ways(make, "")
    assert "Няма общини." in fast
    assert fast == expected
