"""What the dashboards add to a municipality's page: monthly usage charts, top query types, peers."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.municipality import municipality_usage
from municipalities.models import Municipality
from tests.adoption_helpers import history
from tests.dashboard_helpers import MARRIAGE, PERSON, load_regix, load_seos

PAGE = reverse("municipalities:detail", kwargs={"code": "VAR06"})
USAGE = reverse("dashboards:municipality-usage", kwargs={"code": "VAR06"})


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    from django.core.cache import cache

    cache.clear()  # the trends' cache is keyed by data version; rolled-back tests could reuse one
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def usage(db):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    history("VAR06", "regix", [(date(2018, 3, 1), "production")])
    history("VAR01", "seos", [(date(2018, 1, 10), "real")])
    load_regix(
        [
            (this_month, "VAR06", PERSON, 30),
            (last_month, "VAR06", PERSON, 20),
            (last_month, "VAR06", MARRIAGE, 5),
            (last_month, "VAR01", PERSON, 7),
        ]
    )
    load_seos([(last_month, "VAR06", 4, 6)])
    return this_month, last_month


def test_the_usage_is_monthly_with_the_top_query_types(usage):
    this_month, last_month = usage
    result = municipality_usage(Municipality.objects.get(code="VAR06"), timezone.localdate())
    assert len(result.usage.months) == 36
    assert result.usage.months[-1] == this_month
    assert result.usage.regix_requests[-2:] == [25, 30]
    assert (result.usage.seos_sent[-2], result.usage.seos_received[-2]) == (4, 6)
    assert [(t.operation, t.requests) for t in result.top_query_types] == [
        ("PersonDataSearch", 50),
        ("MarriageSearch", 5),
    ]


def test_the_peers_are_of_similar_population_in_the_same_province(usage):
    varna = Municipality.objects.get(code="VAR06")
    result = municipality_usage(varna, timezone.localdate())
    codes = [p.code for p in result.peers]
    assert len(codes) == 6
    assert "VAR06" in codes
    assert all(code.startswith("VAR") for code in codes)
    others = Municipality.objects.filter(province__code="VAR").exclude(code__in=codes).exclude(code="VAR06")
    # Every municipality left out is farther from Варна's population (by ratio) than every peer chosen.
    import math

    def ratio(m):
        return abs(math.log(m.population / varna.population))

    chosen = [m for m in Municipality.objects.filter(code__in=codes) if m.code != "VAR06"]
    assert max(ratio(m) for m in chosen) <= min(ratio(m) for m in others)
    me = next(p for p in result.peers if p.is_self)
    assert me.stages["regix"] == "В реална употреба"
    assert me.adopted["regix"]
    assert me.regix_per_1000 == pytest.approx(55 * 1000 / varna.population)


def test_signed_in_users_see_the_usage_section_and_anonymous_do_not(client, ministry_user, usage):
    assert 'id="usage"' not in client.get(PAGE).content.decode()
    assert client.get(USAGE).status_code == 302
    client.force_login(ministry_user)
    page = client.get(PAGE).content.decode()
    assert f'data-fragment="{USAGE}?fragment=1"' in page
    assert f'href="{USAGE}"' in page  # without JavaScript, a link
    fragment = client.get(USAGE, {"fragment": "1"}).content.decode()
    assert "<html" not in fragment
    body = client.get(USAGE).content.decode()
    assert "<html" in body
    assert "municipality-peers" in body
    assert "municipality-top-query-types" in body
    assert "chart-VAR06-regix-data" in body
    assert reverse("dashboards:municipality-chart", args=["VAR06", "seos"]) in body


def test_officers_do_not_see_their_peers_stages(client, officer_other, ministry_user, usage):
    client.force_login(officer_other)
    response = client.get(USAGE)
    assert response.context["dashboard_peer_stages"] is False
    assert "В реална употреба" not in response.content.decode().split('id="municipality-peers"')[1]
    client.force_login(ministry_user)
    assert client.get(USAGE).context["dashboard_peer_stages"] is True


def test_a_municipality_chart_downloads_as_csv(client, ministry_user, usage):
    this_month, last_month = usage
    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:municipality-chart", args=["VAR06", "regix"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Месец", "заявки"]
    assert rows[-1] == [this_month.strftime("%Y-%m"), "30"]
    assert rows[-2] == [last_month.strftime("%Y-%m"), "25"]
    assert client.get(reverse("dashboards:municipality-chart", args=["VAR06", "nope"])).status_code == 404
    client.logout()
    assert client.get(reverse("dashboards:municipality-chart", args=["VAR06", "regix"])).status_code == 302


def test_the_usage_section_does_a_fixed_number_of_queries(client, ministry_user, usage, django_assert_max_num_queries):
    client.force_login(ministry_user)
    with django_assert_max_num_queries(13):
        client.get(USAGE, {"fragment": "1"})
    load_regix([(date(2024, 1, 2), "VAR06", qt, 1) for qt in [PERSON, MARRIAGE]], name="more.csv")
    with django_assert_max_num_queries(13):
        client.get(USAGE, {"fragment": "1"})
