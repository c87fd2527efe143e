"""Dashboard pages: each takes `?as_of=`, asks a query function, and renders what it returns."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig
from django_tables2.views import SingleTableMixin

from accounts import policy
from adoption.choices import ServiceCode
from adoption.models import Service
from core.tokenpage import CSRF_SENTINEL
from municipalities.models import Municipality, Province

from . import maps, pagecache
from .cache import DataState, cached, data_state
from .charts import Chart, Series
from .forms import AsOfForm, MunicipalityFilterForm, TopUsageForm
from .queries import (
    MunicipalityFilter,
    MunicipalityTable,
    adoption_summary,
    filter_rows,
    import_freshness,
    municipality_table,
    national_figures,
    province_table,
)
from .snapshots import USAGE_ROLLUPS
from .svgfile import svg_file_response
from .tables import SHOW_ALL, MunicipalityAdoptionTable, ProvinceAdoptionTable, short_name, stage_legend
from .trends import adoption_trend, discrepancies, monthly_volumes, top_usage

T = TypeVar("T")

if TYPE_CHECKING:
    # The mixins below stand in front of a TemplateView (MapSvgView's a View): typed as one, their
    # super() calls and render_to_response are checked. At run time they add no base class.
    _PageView = TemplateView
else:
    _PageView = object


class DashboardMixin(LoginRequiredMixin, _PageView):
    """Signed-in users only; reads and validates `?as_of=` (a bad date renders the page's error, 400).

    `every_municipality` pages show each municipality's declaration: only for the roles that may
    see every municipality's declarations (accounts/policy.py).
    """

    as_of: date
    as_of_form: AsOfForm
    request: HttpRequest
    dashboard_fragment_key: str
    _data_state: DataState
    dashboard_name = ""
    every_municipality = False
    # The page's own part is cached per data version (pagecache.py). Pages whose content also depends
    # on other data (the index's methods, targets, outreach cases) turn it off and cache their figures.
    page_cache = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not policy.can_view_dashboards(user):
            raise PermissionDenied
        if user.is_authenticated and self.every_municipality and not policy.can_view_every_municipality(user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.as_of_form = AsOfForm(request.GET)
        if not self.as_of_form.is_valid():
            context = self.base_context()
            return self.render_to_response(context, status=400)
        self.as_of = self.as_of_form.cleaned_data["as_of"]
        chart_key = request.GET.get("csv")
        if chart_key:
            return self.chart_csv(chart_key)
        if not self.page_cache or settings.DASHBOARD_CACHE_SECONDS <= 0 or "_export" in request.GET:
            return super().get(request, *args, **kwargs)
        return self.cached_page(request, *args, **kwargs)

    def cached_page(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The page from the cache when this data version has it, else rendered and kept: this user's
        whole page from this process's memory, or the shared part from Redis inside a shell rendered
        now; `304 Not Modified` when the browser already holds this very page (see pagecache.py)."""
        key = pagecache.fragment_key(type(self).__name__, request, self.as_of, self.page_version())
        refresh = getattr(request, "dashboard_refresh", False)
        whole_key = None if refresh else pagecache.whole_page_key(key, request)
        whole = pagecache.get_whole(whole_key) if whole_key else None
        fragment = None
        if whole is None:
            fragment = None if refresh else pagecache.get(key)
            if fragment is None:
                self.dashboard_fragment_key = key
                response = cast(TemplateResponse, super().get(request, *args, **kwargs))  # a TemplateView's
                response.render()
                fragment = getattr(request, "dashboard_fragment", None)
                if fragment is None:  # a page whose template has no cached part
                    return response
                return self.revalidation_headers(response, fragment.digest)
        digest = whole.digest if whole is not None else cast(pagecache.Fragment, fragment).digest
        changed = self.page_modified()
        modified = int(changed.timestamp()) if changed else None  # whole seconds, as HTTP dates
        not_modified = get_conditional_response(request, etag=pagecache.etag(digest, request), last_modified=modified)
        if not_modified is not None:
            return self.revalidation_headers(not_modified, digest)
        if whole is None:
            context = {**self.base_context(), "dashboard_fragment": fragment}
            if whole_key is None:
                return self.revalidation_headers(self.render_to_response(context), digest)
            rendered = cast(TemplateResponse, self.render_to_response({**context, "csrf_token": CSRF_SENTINEL}))
            whole = pagecache.store_whole(whole_key, digest, rendered.render().content.decode())
        return self.revalidation_headers(whole.page.response(request, get_token(request)), digest)

    def revalidation_headers(self, response: HttpResponse, digest: str) -> HttpResponse:
        response["ETag"] = pagecache.etag(digest, self.request)
        changed = self.page_modified()
        if changed is not None:
            response["Last-Modified"] = http_date(changed.timestamp())
        patch_cache_control(response, private=True, no_cache=True)
        return response

    def page_version(self) -> str:
        """What the page's cached part depends on besides its address, date, language and role variant."""
        return self.data_state().version

    def page_modified(self) -> datetime | None:
        """When that last changed, for Last-Modified; None when unknown (browsers then revalidate by ETag)."""
        return self.data_state().modified

    def cache_version(self) -> str | None:
        """The data version the cache keys hold; without the cache, None (and no query for it)."""
        return self.data_state().version if settings.DASHBOARD_CACHE_SECONDS > 0 else None

    def map_version(self) -> str:
        """The data version in a map file's address."""
        return self.cache_version() or "uncached"

    def data_state(self) -> DataState:
        if not hasattr(self, "_data_state"):
            self._data_state = data_state()
        return self._data_state

    def base_context(self) -> dict[str, Any]:
        as_of = getattr(self, "as_of", None)
        return {
            "view": self,
            "as_of_form": self.as_of_form,
            "as_of": as_of,
            "as_of_is_today": as_of == timezone.localdate(),
            "dashboard_name": self.dashboard_name,
            "can_see_discrepancies": policy.can_view_discrepancies(self.request.user),
            "can_see_every_municipality": policy.can_view_every_municipality(self.request.user),
            "dashboard_fragment_key": getattr(self, "dashboard_fragment_key", None),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The printed page's header names the data's freshness (templates/includes/print_header.html).
        # A callable: resolved (one query) only where the template shows it; the overview has its own.
        freshness = partial(self.cached, "import_freshness", import_freshness)
        return {**super().get_context_data(**kwargs), **self.base_context(), "print_freshness": freshness}

    def charts(self) -> list[Chart]:
        return []

    def cached(self, name: str, compute: Callable[[], T], *parts: object) -> T:
        """`compute()` for this page's date, cached per data version (see cache.py)."""
        if settings.DASHBOARD_CACHE_SECONDS <= 0:
            return compute()
        return cached(name, (self.as_of, *parts), compute, self.data_state().version)

    def chart_csv(self, key: str) -> HttpResponse:
        for chart in self.charts():
            if chart.key == key:
                return chart.csv_response(f"-{self.as_of.isoformat()}")
        raise Http404("No such chart on this page.")


class HomeView(TemplateView):
    """The front page: the public country figures, or the national overview once signed in."""

    template_name = "dashboards/home.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if policy.can_use_municipality_start_page(user):
            return HttpResponseRedirect(reverse("adoption:mine"))  # an officer's start page
        if policy.can_view_dashboards(user):
            # as_view() is typed as any response; the overview's are pages, redirects and CSV files.
            return cast(HttpResponse, OverviewView.as_view()(request, *args, **kwargs))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "figures": national_figures()}


class OverviewView(DashboardMixin, TemplateView):
    """Declared and observed adoption per service, RegiX and SEOS on the map, data freshness."""

    template_name = "dashboards/overview.html"
    dashboard_name = "overview"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        table = self.cached("municipality_table", lambda: municipality_table(self.as_of))
        context.update(
            figures=self.cached("national_figures", national_figures),
            summary=self.cached("adoption_summary", lambda: adoption_summary(self.as_of)),
            map=maps.map_regix_and_seos(table),
            map_src=map_src(self.as_of, self.map_version(), map="overview"),
        )
        context["print_freshness"] = context["summary"].freshness
        return context


COLOURINGS = ("stage", "agreement", "intensity")


def choose_map(table: MunicipalityTable, colour: str, code: str) -> tuple[maps.NationalMap, str, Service, bool]:
    """The map page's map for `?colour=&service=`: (map, colouring, service, whether RegiX stood in)."""
    services = table.services
    by_code = {s.code: s for s in services}
    colour = colour if colour in COLOURINGS else "stage"
    service = by_code.get(code) or by_code.get(ServiceCode.REGIX) or services[0]
    substituted = colour == "agreement" and service.code not in USAGE_ROLLUPS
    if substituted:  # only RegiX and SEOS have usage reports to compare with
        service = by_code[ServiceCode.REGIX]
    if colour == "stage":
        national = maps.map_by_stage(table, service)
    elif colour == "agreement":
        national = maps.map_by_agreement(table, service)
    else:
        national = maps.map_by_intensity(table)
    return national, colour, service, substituted


def map_src(as_of: date, version: str, **params: str) -> str:
    """The address of a map's SVG file: versioned by the data, so a browser keeps it until the data changes."""
    digest = hashlib.sha256(version.encode()).hexdigest()[:12]
    query = urlencode({"as_of": as_of.isoformat(), **params, "lang": get_language(), "v": digest})
    return f"{reverse('dashboards:map-svg')}?{query}"


class MapView(DashboardMixin, TemplateView):
    """The national map coloured by a service's stage, by declared-vs-observed, or by RegiX intensity."""

    template_name = "dashboards/map.html"
    dashboard_name = "map"
    every_municipality = True
    COLOURINGS = COLOURINGS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        table = self.cached("municipality_table", lambda: municipality_table(self.as_of))
        national, colour, service, substituted = choose_map(
            table, self.request.GET.get("colour", "stage"), self.request.GET.get("service", ServiceCode.REGIX)
        )
        context.update(
            map=national,
            map_src=map_src(self.as_of, self.map_version(), map=colour, service=service.code),
            substituted=substituted,
            colour=colour,
            service=service,
            services=table.services,
            reported_services=[s for s in table.services if s.code in USAGE_ROLLUPS],
        )
        return context


def shown_service(request: HttpRequest, services: Sequence[Service], default: str = "") -> str:
    """`?show=`: a service's code or SHOW_ALL; by default the filtered service, else the first one."""
    codes = [service.code for service in services]
    show = request.GET.get("show", "")
    if show == SHOW_ALL or show in codes:
        return show
    return default if default in codes else (codes[0] if codes else "")


class MapSvgView(DashboardMixin, View):
    """A national map as an SVG file, rendered once per map, date, language and data version.

    `?map=overview` is the overview's map (every dashboard user); `?map=stage|agreement|intensity`
    with `&service=` the map page's (the roles that see every municipality). `v` names the data
    version: while it is the current one the browser may keep the file for good.
    """

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AsOfForm(request.GET)
        if not form.is_valid():
            messages = (str(message) for message in form.errors.get("as_of", []))
            return HttpResponseBadRequest("; ".join(messages), content_type="text/plain")
        self.as_of = form.cleaned_data["as_of"]
        kind = request.GET.get("map", "overview")
        if kind != "overview" and not policy.can_view_every_municipality(request.user):
            raise PermissionDenied
        version = self.data_state().version
        params = (kind, request.GET.get("service", ServiceCode.REGIX))
        svg = self.cached("map_svg", lambda: self.render_svg(*params), *params)
        current = request.GET.get("v") == hashlib.sha256(version.encode()).hexdigest()[:12]
        return svg_file_response(svg, current=current)

    def render_svg(self, kind: str, service: str) -> str:
        table = self.cached("municipality_table", lambda: municipality_table(self.as_of))
        if kind == "overview":
            national = maps.map_regix_and_seos(table)
        else:
            national = choose_map(table, kind, service)[0]
        return maps.svg_document(national, static("css/portal.css"))


class ShownServiceMixin(_PageView):
    """The service picker's context for the two wide tables (templates/dashboards/includes/show_picker.html)."""

    show: str
    shown_services: list[Service]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # builds the table, which sets show and shown_services
        return {
            **context,
            "show": self.show,
            "show_all": SHOW_ALL,
            "show_services": self.shown_services,
            "stage_legend": stage_legend(),
        }


class ProvinceTableView(ShownServiceMixin, DashboardMixin, SingleTableMixin, TemplateView):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    """28 provinces: municipalities, adopters per service (declared, observed) and the share."""

    template_name = "dashboards/provinces.html"
    dashboard_name = "provinces"
    table_pagination = False

    def get_table(self, **kwargs: Any) -> ProvinceAdoptionTable:
        result = self.cached("province_table", lambda: province_table(self.as_of))
        self.result = result
        self.shown_services, self.show = result.services, shown_service(self.request, result.services)
        table = ProvinceAdoptionTable(
            result.rows, services=result.services, observed_codes=set(USAGE_ROLLUPS), total=result.total, show=self.show
        )
        RequestConfig(self.request, paginate=False).configure(table)
        return table


class MunicipalityTableView(ShownServiceMixin, DashboardMixin, SingleTableMixin, TemplateView):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    """Every municipality with a column per service; filters; `?_export=...` gives the filtered table."""

    template_name = "dashboards/municipalities.html"
    dashboard_name = "municipalities"
    every_municipality = True

    def get_table(self, **kwargs: Any) -> MunicipalityAdoptionTable:
        result = self.cached("municipality_table", lambda: municipality_table(self.as_of))
        services = result.services
        self.filter_form = MunicipalityFilterForm(
            self.request.GET, services=services, provinces=Province.objects.only("code", "name_bg", "name_en")
        )
        rows = result.rows
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            rows = filter_rows(
                rows, MunicipalityFilter(**{k: data.get(k) or "" for k in MunicipalityFilter.__annotations__})
            )
        self.rows = rows
        self.window = result.window
        chosen: str = self.filter_form.cleaned_data["service"] if self.filter_form.is_valid() else ""
        self.shown_services, self.show = services, shown_service(self.request, services, default=chosen)
        table = MunicipalityAdoptionTable(rows, services=services, observed_codes=set(USAGE_ROLLUPS), show=self.show)
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        return table

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(filter_form=self.filter_form, result_count=len(self.rows), window=self.window)
        return context


class TrendsView(DashboardMixin, TemplateView):
    """Adoption per month since 2016 (declared and observed), RegiX per register, SEOS documents, tops."""

    template_name = "dashboards/trends.html"
    dashboard_name = "trends"
    _charts: list[Chart]

    def charts(self) -> list[Chart]:
        if hasattr(self, "_charts"):
            return self._charts
        trend = self.cached("adoption_trend", lambda: adoption_trend(self.as_of))
        volumes = self.cached("monthly_volumes", lambda: monthly_volumes(self.as_of))
        month = _("Month")
        charts = [
            Chart(
                key="declared",
                title=_("Municipalities at an adopted stage (declared), per service"),
                x_title=month,
                y_title=_("municipalities"),
                x=trend.months,
                series=[Series(short_name(s), s.declared) for s in trend.services],
            )
        ]
        for service in trend.services:
            if service.observed is None:
                continue
            charts.append(
                Chart(
                    key=f"adoption-{service.code}",
                    title=_("%(service)s: declared and observed adoption") % {"service": short_name(service)},
                    x_title=month,
                    y_title=_("municipalities"),
                    x=trend.months,
                    series=[Series(_("declared"), service.declared), Series(_("observed"), service.observed)],
                )
            )
        charts.append(
            Chart(
                key="regix-registers",
                title=_("RegiX queries per month by register"),
                x_title=month,
                y_title=_("queries"),
                x=volumes.months,
                series=[Series(name, values) for _code, name, values in volumes.registers]
                + ([Series(_("other registers"), volumes.others)] if any(volumes.others) else []),
                kind="bar",
                stacked=True,
            )
        )
        charts.append(
            Chart(
                key="seos-documents",
                title=_("SEOS documents per month"),
                x_title=month,
                y_title=_("documents"),
                x=volumes.months,
                series=[Series(_("sent"), volumes.seos_sent), Series(_("received"), volumes.seos_received)],
                kind="bar",
                stacked=True,
            )
        )
        self._charts = charts
        return charts

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        period = TopUsageForm(self.request.GET, as_of=self.as_of)
        first, last = period.period()
        charts = self.charts()
        top = self.cached("top_usage", lambda: top_usage(first, last), first, last)
        context.update(charts=charts, period_form=period, top=top)
        return context


class DiscrepanciesView(DashboardMixin, TemplateView):
    """Declared-but-not-observed and observed-but-not-declared, with the figures behind each flag."""

    template_name = "dashboards/discrepancies.html"
    dashboard_name = "discrepancies"
    every_municipality = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["result"] = self.cached("discrepancies", lambda: discrepancies(self.as_of))
        return context


def municipality_usage_context(request: HttpRequest, municipality: Municipality) -> dict[str, Any]:
    """Usage charts, top query types and peers of one municipality; the peers' stages only for users
    who see every municipality's declarations."""
    from .municipality import municipality_usage

    today = timezone.localdate()
    result = cached("municipality_usage", (municipality.code, today), lambda: municipality_usage(municipality, today))
    usage = result.usage
    charts = [
        Chart(
            key=f"{municipality.code}-{ServiceCode.REGIX}",
            title=_("RegiX queries per month"),
            x_title=_("Month"),
            y_title=_("queries"),
            x=usage.months,
            series=[Series(_("queries"), usage.regix_requests)],
            kind="bar",
            csv_url=reverse("dashboards:municipality-chart", args=[municipality.code, ServiceCode.REGIX]),
        ),
        Chart(
            key=f"{municipality.code}-{ServiceCode.SEOS}",
            title=_("SEOS documents per month"),
            x_title=_("Month"),
            y_title=_("documents"),
            x=usage.months,
            series=[Series(_("sent"), usage.seos_sent), Series(_("received"), usage.seos_received)],
            kind="bar",
            stacked=True,
            csv_url=reverse("dashboards:municipality-chart", args=[municipality.code, ServiceCode.SEOS]),
        ),
    ]
    return {
        "municipality": municipality,
        "dashboard_usage": result,
        "dashboard_charts": charts,
        "dashboard_peer_stages": policy.can_view_every_municipality(request.user),
    }


class MunicipalityUsageView(LoginRequiredMixin, TemplateView):
    """The use of the services by one municipality, shown on its page.

    The municipality page (municipalities app) loads this with `?fragment=1` after it has drawn, so
    its own answer stays small and public; without JavaScript the link opens it as a page.
    """

    def get_template_names(self) -> list[str]:
        if self.request.GET.get("fragment"):
            return ["dashboards/municipality_usage.html"]
        return ["dashboards/municipality_usage_page.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        municipality = get_object_or_404(Municipality.objects.select_related("province"), code=self.kwargs["code"])
        if not policy.can_view_municipality_usage(self.request.user, municipality):
            raise PermissionDenied
        return {**super().get_context_data(**kwargs), **municipality_usage_context(self.request, municipality)}


class MunicipalityChartCsvView(LoginRequiredMixin, View):
    """A municipality's usage chart as CSV."""

    def get(self, request: HttpRequest, code: str, chart: str) -> HttpResponse:
        municipality = get_object_or_404(Municipality, code=code)
        if not policy.can_view_municipality_usage(request.user, municipality):
            raise PermissionDenied
        context = municipality_usage_context(request, municipality)
        charts: list[Chart] = context["dashboard_charts"]
        for item in charts:
            if item.key == f"{code}-{chart}":
                return item.csv_response(f"-{context['dashboard_usage'].as_of.isoformat()}")
        raise Http404("No such chart.")
