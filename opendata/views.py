"""The open site under /open/: no sign-in, Bulgarian with English, served from stored editions.

Each page's content is rendered once per edition, language and address and then cached (an edition
never changes); only the site header around it (language switch, sign-in link) renders per request.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from accounts import policy
from core.tokenpage import CSRF_SENTINEL, TokenPage, messages_waiting
from dashboards.maps import svg_document
from dashboards.svgfile import svg_file_response
from scoring.choices import BAND_COLOURS

from . import presenting, reading
from .catalog import catalog_graph
from .choices import MEDIA_TYPES, FileFormat, Level
from .dictionary import COLUMNS
from .editions import Quarter, issue_edition
from .filters import OpenMunicipalityFilterSet
from .models import Edition, EditionFile, Publication, PublicationAttempt
from .reading import CACHE_SECONDS
from .tasks import publish_pending

PAGE = "opendata/page.html"


def _page(request, edition: Edition | None, key: str, template: str, build, title: str):
    """One open page: its content cached per edition, language and address; for anonymous visitors
    (the open site's audience) the whole page is cached, compressed once (`TokenPage`): only the
    CSRF token differs per response. Both are kept in each process's memory too
    (`reading.remembered`): an edition never changes."""
    scope = f"{edition.pk if edition else '-'}:{get_language()}:{key}"

    def body() -> str:
        return reading.remembered(
            f"opendata:page:{scope}",
            lambda: render_to_string(template, build(), request=request),
            CACHE_SECONDS,
        )

    context = {"edition": edition, "page_title": title}
    if not _cacheable(request):
        return render(request, PAGE, {**context, "body": body()})
    whole = reading.remembered(
        f"opendata:tokenpage:{scope}:{request.get_full_path()}",
        lambda: TokenPage.of(
            render_to_string(PAGE, {**context, "body": body(), "csrf_token": CSRF_SENTINEL}, request=request),
            CSRF_SENTINEL,
        ),
        CACHE_SECONDS,
    )
    return whole.response(request, get_token(request))


def _cacheable(request) -> bool:
    """Anonymous, with no message waiting: the page is the same for every such visitor."""
    return not request.user.is_authenticated and not messages_waiting(request)


def _editions() -> list[Edition]:
    found = cache.get("opendata:editions")
    if found is None:
        found = list(Edition.objects.visible().latest_first().only("slug", "as_of", "version", "note", "issued_at"))
        cache.set("opendata:editions", found, 60)
    return found


def edition_page(request, edition: str = reading.LATEST):
    """The national overview of an edition (/open/ is the latest)."""
    found = reading.latest_edition() if edition == reading.LATEST else reading.resolve(edition)
    if found is None:
        return render(request, "opendata/no_edition.html", status=200)

    def build():
        national = reading.national(found)
        catalogue = presenting.Catalogue.of(national)
        municipalities = list(reading.municipalities_of(found).values_list("payload", flat=True))
        csv_url = reverse("opendata:trend-csv", kwargs={"edition": found.slug})
        return {
            "edition": found,
            "national": national,
            "index": presenting.index_figure(national),
            "services": presenting.service_rows(national),
            "map": presenting.adoption_map(found.slug, national, municipalities),
            "map_src": reverse("opendata:map-svg", kwargs={"edition": found.slug}) + f"?lang={get_language()}",
            "chart": presenting.trend_chart(national, catalogue, csv_url),
            "provinces": _province_rows(found, catalogue),
            "changes": presenting.changes(national, catalogue, found.slug),
            "files": _files(found),
            "editions": _editions(),
        }

    return _page(request, found, f"edition:{edition}", "opendata/edition.html", build, _("Open data"))


def _province_rows(edition: Edition, catalogue) -> list[dict]:
    rows = []
    for p in reading.provinces_of(edition):
        rows.append(
            {
                "code": p["code"],
                "name": presenting.label(p),
                "municipalities": p["municipalities"],
                "population": p["population"],
                "index": presenting.index_figure(p),
                "services": [
                    {"declared": c["declared"], "share": presenting.share(c["declared"], p["municipalities"])}
                    for c in p["services"]
                ],
            }
        )
    return rows


def _files(edition: Edition) -> list[dict]:
    return [
        {"format": fmt, "label": label, "size": size, "url": reverse("opendata:download", args=[edition.slug, fmt])}
        for fmt, label, size in (
            (f, FileFormat(f).label, s)
            for f, s in EditionFile.objects.filter(edition=edition)
            .order_by("format")
            .values_list("format", "byte_size")
        )
    ]


def map_svg(request, edition: str):
    """The edition's map as an SVG file: an edition never changes, so anyone may keep it for good."""
    found = reading.resolve(edition)
    key = f"opendata:map-svg:{found.pk}:{get_language()}"
    svg = cache.get(key)
    if svg is None:
        national = reading.national(found)
        municipalities = list(reading.municipalities_of(found).values_list("payload", flat=True))
        svg = svg_document(presenting.adoption_map(found.slug, national, municipalities), static("css/portal.css"))
        cache.set(key, svg, CACHE_SECONDS)
    return svg_file_response(svg, current=edition != reading.LATEST, public=True)


def trend_csv(request, edition: str):
    found = reading.resolve(edition)
    national = reading.national(found)
    chart = presenting.trend_chart(national, presenting.Catalogue.of(national), "")
    return chart.csv_response(f"-{found.slug}")


def province_page(request, edition: str, code: str):
    found = reading.resolve(edition)
    province = reading.payload(found, Level.PROVINCE, code.upper())

    def build():
        national = reading.national(found)
        catalogue = presenting.Catalogue.of(national)
        rows = reading.municipalities_of(found).filter(payload__province_code=province["code"])
        return {
            "edition": found,
            "national": national,
            "province": province,
            "name": presenting.label(province),
            "index": presenting.index_figure(province),
            "totals": [
                {
                    "name": catalogue.short(c["service"]),
                    "declared": c["declared"],
                    "share": presenting.share(c["declared"], province["municipalities"]),
                    "observed": c["observed"],
                }
                for c in province["services"]
            ],
            "services": [catalogue.short(s["code"]) for s in national["services"]],
            "municipalities": _municipality_rows(found, rows.values_list("payload", flat=True), catalogue),
        }

    return _page(
        request, found, f"province:{province['code']}", "opendata/province.html", build, presenting.label(province)
    )


def _municipality_rows(edition: Edition, payloads, catalogue) -> list[dict]:
    return [
        {
            "code": m["code"],
            "name": presenting.label(m),
            "province": presenting.label(m, "province_"),
            "population": m["population"],
            "index": presenting.index_figure(m),
            "href": presenting.municipality_href(edition.slug, m["code"]),
            "cells": presenting.cells(m, catalogue),
        }
        for m in payloads
    ]


def municipality_list(request, edition: str):
    """Every municipality of an edition, with the same filters as the open API."""
    found = reading.resolve(edition)

    def build():
        filterset = OpenMunicipalityFilterSet(request.GET or None, queryset=reading.municipalities_of(found))
        valid = not filterset.is_bound or filterset.is_valid()
        rows = filterset.qs.values_list("payload", flat=True) if valid else []
        national = reading.national(found)
        catalogue = presenting.Catalogue.of(national)
        return {
            "edition": found,
            "national": national,
            "filter": filterset,
            "services": [catalogue.short(s["code"]) for s in national["services"]],
            "municipalities": _municipality_rows(found, rows, catalogue),
        }

    key = f"municipalities:{request.GET.urlencode()}"
    return _page(request, found, key, "opendata/municipalities.html", build, _("Municipalities"))


def municipality_page(request, edition: str, code: str):
    found = reading.resolve(edition)
    municipality = reading.payload(found, Level.MUNICIPALITY, code.upper())

    def build():
        national = reading.national(found)
        catalogue = presenting.Catalogue.of(national)
        return {
            "edition": found,
            "national": national,
            "municipality": municipality,
            "name": presenting.label(municipality),
            "province": presenting.label(municipality, "province_"),
            "band": presenting.band_label(municipality["population_band"]),
            "cells": presenting.cells(municipality, catalogue),
            "index": presenting.index_figure(municipality),
            "ranks": presenting.peer_ranks(municipality),
            "peers": presenting.peers(national, municipality, catalogue),
            "editions": _editions(),
            "embed_url": request.build_absolute_uri(reverse("opendata:embed", args=[municipality["code"]])),
            "badge_url": request.build_absolute_uri(reverse("opendata:badge", args=[municipality["code"]])),
        }

    return _page(
        request,
        found,
        f"municipality:{municipality['code']}",
        "opendata/municipality.html",
        build,
        presenting.label(municipality),
    )


def editions_list(request):
    return render(request, "opendata/editions.html", {"editions": _editions(), "page_title": _("Editions")})


@cache_control(public=True, max_age=CACHE_SECONDS)
def download(request, edition: str, fmt: str):
    """An edition's file; "latest" redirects to the permanent address of the newest."""
    if fmt not in FileFormat.values:
        raise Http404(_("No such format."))
    found = reading.resolve(edition)
    if edition == reading.LATEST:
        return redirect("opendata:download", edition=found.slug, fmt=fmt)
    stored = EditionFile.objects.filter(edition=found, format=fmt).values_list("content", flat=True).first()
    if stored is None:
        raise Http404(_("No such format."))
    response = HttpResponse(bytes(stored), content_type=MEDIA_TYPES[fmt] + ("; charset=utf-8" if fmt != "xlsx" else ""))
    response["Content-Disposition"] = f'attachment; filename="egov-adoption-{found.slug}.{fmt}"'
    return response


def dictionary_page(request):
    return render(request, "opendata/dictionary.html", {"columns": COLUMNS, "page_title": _("Data dictionary")})


def dictionary_json(request):
    columns = [{"name": c.name, "type": c.type, "description": {"bg": c.bg, "en": c.en}} for c in COLUMNS]
    return JsonResponse({"columns": columns}, json_dumps_params={"ensure_ascii": False})


@cache_control(public=True, max_age=600)
def catalog(request, fmt: str):
    formats = {"jsonld": ("json-ld", "application/ld+json"), "ttl": ("turtle", "text/turtle")}
    if fmt not in formats:
        raise Http404(_("No such format."))
    serializer, media_type = formats[fmt]
    key = f"opendata:catalog:{fmt}:{(reading.latest_edition() or Edition()).pk}:{request.get_host()}"
    body = cache.get(key)
    if body is None:
        body = catalog_graph(request.build_absolute_uri("/")).serialize(format=serializer)
        cache.set(key, body, 600)
    return HttpResponse(body, content_type=f"{media_type}; charset=utf-8")


def accessibility(request):
    context = {
        "page_title": _("Accessibility statement"),
        "reviewed_on": date.fromisoformat(settings.ACCESSIBILITY_REVIEWED_ON),
        "contact_email": settings.OPEN_DATA_CONTACT_EMAIL,
    }
    return render(request, "opendata/accessibility.html", context)


# --- Embeds: no cookie, no session, cached by the browser and by the portal ----------------------


def _embedded(request, code: str, template: str, context_of, content_type: str) -> HttpResponse:
    """An embed of the latest edition, rendered once per edition, language, host and municipality
    (an unknown code is a 404, never remembered)."""
    found = reading.latest_edition()
    if found is None:
        raise Http404(_("No edition has been issued yet."))

    def rendered() -> str:
        municipality = reading.payload(found, Level.MUNICIPALITY, code.upper())
        catalogue = presenting.Catalogue.of(reading.national(found))
        return render_to_string(template, context_of(request, found, municipality, catalogue), request=request)

    content = reading.remembered(
        f"opendata:{template}:{found.pk}:{get_language()}:{request.get_host()}:{code.upper()}", rendered, CACHE_SECONDS
    )
    return HttpResponse(content, content_type=content_type)


def _card(request, found: Edition, municipality: dict, catalogue) -> dict:
    return {
        "edition": found,
        "name": presenting.label(municipality),
        "cells": presenting.cells(municipality, catalogue),
        "index": presenting.index_figure(municipality),
        "ranks": presenting.peer_ranks(municipality),
        "href": request.build_absolute_uri(presenting.municipality_href(found.slug, municipality["code"])),
    }


def _badge(request, found: Edition, municipality: dict, catalogue) -> dict:
    card = _card(request, found, municipality, catalogue)
    adopted = sum(c["adopted"] for c in municipality["services"])
    summary = _("%(adopted)s of %(total)s services adopted") % {
        "adopted": adopted,
        "total": len(municipality["services"]),
    }
    index = card["index"]
    colours = BAND_COLOURS.get(index["band"]) if index else None
    return {**card, "summary": summary, "colours": colours, **presenting.badge_lines(card["cells"], bool(index))}


@cache_control(public=True, max_age=3600)
def embed(request, code: str):
    response = _embedded(request, code, "opendata/embed.html", _card, "text/html; charset=utf-8")
    response["Content-Security-Policy"] = "frame-ancestors *"
    response.xframe_options_exempt = True
    return response


@cache_control(public=True, max_age=3600)
def badge(request, code: str):
    return _embedded(request, code, "opendata/badge.svg", _badge, "image/svg+xml; charset=utf-8")


# --- Ministry staff: issue editions and corrections, watch the publication ----------------------


def manage(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not policy.can_manage_open_data(request.user):
        raise PermissionDenied
    context = {
        "editions": Edition.objects.latest_first().select_related("publication")[:40],
        "calls": PublicationAttempt.objects.select_related("publication__edition")[:50],
        "publications": Publication.objects.select_related("edition")[:20],
        "page_title": _("Editions and publication"),
    }
    return render(request, "opendata/manage.html", context)


@require_POST
def issue(request):
    if not policy.can_manage_open_data(request.user):
        raise PermissionDenied
    try:
        quarter = Quarter.parse(request.POST["quarter"]) if request.POST.get("quarter") else None
        edition = issue_edition(quarter, note=request.POST.get("note", ""), user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("opendata:manage")
    reading.forget_latest()
    transaction.on_commit(publish_pending.delay)
    messages.success(request, _("Edition %(slug)s issued.") % {"slug": edition.slug})
    return redirect("opendata:manage")
