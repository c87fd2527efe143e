"""The dashboards' rendered pages cached per data version: revalidation, isolation between users, warming."""

from __future__ import annotations

import gzip
import io
import re
from datetime import date, timedelta

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from core.tokenpage import CSRF_SENTINEL
from tests.adoption_helpers import history
from tests.dashboard_helpers import PERSON, days, load_regix
from tests.factories import UserFactory
from usage import services
from usage.choices import Door, Status
from usage.models import ImportBatch


@pytest.fixture(autouse=True)
def empty_cache(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def usage(db):
    history("VAR06", "regix", [(date(2018, 3, 1), "production")])
    load_regix([(d, "VAR06", PERSON, 10) for d in days(date(2018, 3, 1), date(2018, 8, 31), 7)])


def test_a_second_visit_is_answered_304_without_a_body(client, ministry_user, usage):
    client.force_login(ministry_user)
    first = client.get(reverse("dashboards:provinces"), {"as_of": "2018-08-31"})
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-cache" or set(first["Cache-Control"].split(", ")) == {
        "private",
        "no-cache",
    }
    assert first["Last-Modified"]
    again = client.get(reverse("dashboards:provinces"), {"as_of": "2018-08-31"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_revalidation_by_date_alone_is_answered_304_until_the_data_changes(client, ministry_user, usage):
    """Last-Modified names whole seconds while the data's last change has a fraction of one: the date the
    browser sends back must still match (it did not: every such revalidation got the whole page)."""
    finished = (timezone.now() + timedelta(seconds=1)).replace(microsecond=500_000)
    ImportBatch.objects.filter(status=Status.SUCCEEDED).update(finished_at=finished)
    client.force_login(ministry_user)
    url, params = reverse("dashboards:provinces"), {"as_of": "2018-08-31"}
    first = client.get(url, params)
    again = client.get(url, params, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    load_regix([(date(2018, 8, 20), "VAR01", PERSON, 5)], name="later.csv")
    assert client.get(url, params, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 200


def test_a_new_import_changes_the_etag_and_the_page(client, ministry_user, usage):
    client.force_login(ministry_user)
    url = reverse("dashboards:municipalities")
    params = {"as_of": "2018-08-31", "q": "Аврен", "show": "regix"}
    first = client.get(url, params)
    assert "1 234 567" not in first.content.decode()
    load_regix([(date(2018, 8, 20), "VAR01", PERSON, 1234567)], name="late.csv")
    again = client.get(url, params, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "1\xa0234\xa0567" in again.content.decode() or "1 234 567" in again.content.decode()


def test_the_cached_part_is_shared_but_the_shell_is_each_users_own(client, ministry_user, administrator, usage):
    url = reverse("dashboards:overview")
    client.force_login(ministry_user)
    mine = client.get(url, {"as_of": "2018-08-31"})
    assert "summary" in mine.context  # rendered from the figures
    client.force_login(administrator)
    theirs = client.get(url, {"as_of": "2018-08-31"})
    assert "summary" not in theirs.context  # the same role variant: the cached part
    body = theirs.content.decode()
    assert "administrator" in body
    assert ">ministry<" not in body
    assert theirs["ETag"] != mine["ETag"]
    assert client.get(url, {"as_of": "2018-08-31"}, HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 200


def test_a_users_repeated_visit_renders_no_template_and_carries_their_own_token(usage, ministry_user):
    """The whole page is kept per user in the process (dashboards/pagecache.py): from the third visit on
    (the first renders the part, the second the shell around the cached part) nothing is rendered, and
    each response still carries a token the CSRF check accepts, masked afresh."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(ministry_user)
    url, params = reverse("dashboards:provinces"), {"as_of": "2018-08-31"}
    client.get(url, params)
    second = client.get(url, params)
    assert second.templates  # the shell, rendered around the cached part
    third, fourth = client.get(url, params), client.get(url, params)
    assert (third.status_code, third.templates, fourth.templates) == (200, [], [])
    tokens = []
    for response in (third, fourth):
        body = response.content.decode()
        assert CSRF_SENTINEL not in body
        assert ">ministry<" in body
        assert body.count('name="csrfmiddlewaretoken"') == 2  # the language and the sign-out forms
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1))
    assert tokens[0] != tokens[1]
    switched = client.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": tokens[1]})
    assert switched.status_code == 302


def test_a_kept_whole_page_is_never_another_users(usage, ministry_user):
    """Two ministry users share the role variant (the cached part) but never the whole page."""
    other = UserFactory(username="ministry_two", role=Role.MINISTRY)
    url, params = reverse("dashboards:provinces"), {"as_of": "2018-08-31"}
    first, second = Client(), Client()
    first.force_login(ministry_user)
    second.force_login(other)
    for _ in range(3):
        first.get(url, params)
    theirs = [second.get(url, params) for _ in range(3)]
    for response in theirs:
        body = response.content.decode()
        assert ">ministry_two<" in body
        assert ">ministry<" not in body
    gzipped = second.get(url, params, HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped["Content-Encoding"] == "gzip"
    assert ">ministry_two<" in gzip.decompress(gzipped.content).decode()


def test_a_waiting_message_is_shown_although_the_page_is_kept_whole(client, ministry_user, usage):
    client.force_login(ministry_user)
    url, params = reverse("dashboards:provinces"), {"as_of": "2018-08-31"}
    for _ in range(3):
        client.get(url, params)
    storage = CookieStorage(HttpRequest())
    storage.add(messages.SUCCESS, "Промяната е записана.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[CookieStorage.cookie_name] = carrier.cookies[CookieStorage.cookie_name].value
    shown = client.get(url, params)
    assert "Промяната е записана." in shown.content.decode()
    assert "Промяната е записана." not in client.get(url, params).content.decode()  # shown once


def test_an_officer_never_gets_the_ministrys_variant(client, ministry_user, officer_varna, usage):
    url = reverse("dashboards:overview")
    client.force_login(ministry_user)
    assert reverse("dashboards:municipalities") + "?as_of" in client.get(url, {"as_of": "2018-08-31"}).content.decode()
    client.force_login(officer_varna)
    response = client.get(url, {"as_of": "2018-08-31"})
    assert "summary" in response.context  # its own variant, rendered for it
    assert reverse("dashboards:municipalities") not in response.content.decode()


def test_exports_are_never_answered_from_the_page_cache(client, ministry_user, usage):
    client.force_login(ministry_user)
    client.get(reverse("dashboards:provinces"), {"as_of": "2018-08-31"})
    export = client.get(reverse("dashboards:provinces"), {"as_of": "2018-08-31", "_export": "csv"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")


def test_html_is_compressed_for_browsers_that_accept_gzip(client, ministry_user, usage):
    import gzip

    client.force_login(ministry_user)
    response = client.get(reverse("dashboards:provinces"), {"as_of": "2018-08-31"}, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    assert "Варна" in html
    assert len(response.content) < len(html.encode()) / 3
    svg = client.get(reverse("dashboards:map-svg"), {"as_of": "2018-08-31"}, HTTP_ACCEPT_ENCODING="gzip")
    assert svg["Content-Encoding"] == "gzip"


def test_the_api_and_exports_are_not_compressed(client, ministry_user, usage):
    client.force_login(ministry_user)
    api = client.get("/api/municipalities/", HTTP_ACCEPT_ENCODING="gzip")
    assert api.status_code == 200
    assert not api.has_header("Content-Encoding")
    export = client.get(reverse("dashboards:provinces"), {"_export": "csv"}, HTTP_ACCEPT_ENCODING="gzip")
    assert export.status_code == 200
    assert not export.has_header("Content-Encoding")


@pytest.mark.django_db(transaction=True)
def test_an_import_warms_every_common_view_so_no_visitor_renders_one(
    client, reference_data, settings, django_user_model, django_assert_max_num_queries
):
    """With warming on (a worker's job; eager here), the import's success renders the pages: the next
    visitor's request reads only the session, the user and the data version."""
    from accounts.choices import Role

    settings.DASHBOARD_WARM = True
    call_command("seed_services", stdout=io.StringIO())  # a transactional test starts from a flushed database
    user = django_user_model.objects.create_user(username="min", password="x-secret-123", role=Role.MINISTRY)
    client.force_login(user)
    text = "date,municipality,operation,requests,errors\n" + f"{timezone.localdate().isoformat()},VAR06,{PERSON},5,0\n"
    batch = services.receive_file(io.BytesIO(text.encode()), file_name="today.csv", door=Door.CLI, kind="regix")
    assert ImportBatch.objects.get(pk=batch.pk).status == Status.SUCCEEDED
    for page in ("dashboards:overview", "dashboards:municipalities", "dashboards:trends", "dashboards:map"):
        with django_assert_max_num_queries(5):
            response = client.get(reverse(page))
        assert response.status_code == 200
        assert "summary" not in response.context  # not rendered for this request
        assert "table" not in response.context


def test_warming_renders_each_page_language_and_variant(db):
    from dashboards import warm

    # 6 pages × 2 languages for the ministry's variant, 3 pages × 2 languages for an officer's.
    assert warm.warm() == 18


def test_a_declaration_schedules_one_warming_however_many_entries(settings, db, django_capture_on_commit_callbacks):
    from unittest import mock

    settings.DASHBOARD_WARM = True
    with mock.patch("dashboards.tasks.warm_dashboards.apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            history("VAR06", "regix", [(date(2018, 3, 1), "production")])
            history("VAR01", "regix", [(date(2018, 3, 1), "production")])
    assert queued.call_count == 1


def test_the_map_is_a_file_kept_by_the_browser_until_the_data_changes(client, ministry_user, usage):
    client.force_login(ministry_user)
    page = client.get(reverse("dashboards:overview"), {"as_of": "2018-08-31"})
    src = page.context["map_src"]
    assert f'data="{src.replace("&", "&amp;")}"' in page.content.decode()
    svg = client.get(src)
    assert svg.status_code == 200
    assert "immutable" in svg["Cache-Control"]
    assert svg.content.decode().count("<path ") == 265
    load_regix([(date(2018, 8, 20), "VAR01", PERSON, 5)], name="late.csv")
    stale = client.get(src)  # an address of the previous data version: answered, but not to be kept
    assert "no-cache" in stale["Cache-Control"]
    cache.clear()
    assert client.get(reverse("dashboards:overview"), {"as_of": "2018-08-31"}).context["map_src"] != src


def test_an_officer_gets_the_overview_map_but_not_the_declared_stages_map(client, officer_varna, usage):
    client.force_login(officer_varna)
    url = reverse("dashboards:map-svg")
    assert client.get(url, {"as_of": "2018-08-31", "map": "overview"}).status_code == 200
    assert client.get(url, {"as_of": "2018-08-31", "map": "stage", "service": "regix"}).status_code == 403
    client.logout()
    assert client.get(url, {"as_of": "2018-08-31", "map": "overview"}).status_code == 302


def test_officers_of_two_municipalities_never_share_a_cached_part(officer_varna, officer_other, ministry_user, analyst):
    from dashboards import pagecache

    assert pagecache.variant(officer_varna) != pagecache.variant(officer_other)  # each their own municipality
    assert pagecache.variant(ministry_user) != pagecache.variant(analyst)  # only staff see the case form
