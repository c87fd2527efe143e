"""Scoring pages: the method, the index table and map, the targets. Views only render the computations."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import CreateView, TemplateView
from django_tables2 import RequestConfig
from django_tables2.views import SingleTableMixin

from accounts import policy
from adoption.services import services_with_stages
from dashboards.views import DashboardMixin
from municipalities.models import Municipality

from .filters import IndexFilterSet
from .forms import MethodForm, TargetForm
from .index import NoIndexMethod, load_method, worked_example
from .maps import map_by_band
from .models import IndexMethod, Target, scoring_version
from .panels import municipality_panel, overview_panel
from .peers import ranked_rows
from .served import served_index
from .tables import IndexTable, TargetProgressTable
from .targets import targets_progress, targets_queryset


def method_version(request) -> int | None:
    """`?method=N` names an older version; anything else means the newest."""
    value = request.GET.get("method", "")
    return int(value) if value.isdigit() else None


class MethodView(TemplateView):
    """The method in plain words with a worked example; ministry staff save a new version here."""

    template_name = "scoring/method.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        services = services_with_stages()
        try:
            weights = load_method(method_version(self.request))
        except NoIndexMethod as error:
            raise Http404(str(error)) from error
        can_change = policy.can_change_index_methods(self.request.user)
        stage_names = {stage.id: (s, stage) for s in services for stage in s.stages.all()}
        context.update(
            weights=weights,
            services=services,
            service_rows=[(s, *weights.services[s.code]) for s in services if s.code in weights.services],
            stage_rows=[(s, stage, weights.stages.get(stage.id)) for stage_id, (s, stage) in stage_names.items()],
            example=worked_example(weights, services),
            methods=IndexMethod.objects.select_related("created_by"),
            can_change=can_change,
            form=kwargs.get("form") or (MethodForm(services=services, current=weights) if can_change else None),
        )
        return context

    def post(self, request, *args, **kwargs):
        from .services import new_method

        if not policy.can_change_index_methods(request.user):
            raise PermissionDenied
        services = services_with_stages()
        form = MethodForm(request.POST, services=services)
        if form.is_valid():
            try:
                method = new_method(form.method_input(), services, form.cleaned_data["note"], request.user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Saved as version %(version)s.") % {"version": method.version})
                return redirect(reverse("scoring:method"))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class IndexView(DashboardMixin, SingleTableMixin, TemplateView):
    """Every municipality's index with its band and peer ranks, the map by band and the provinces."""

    template_name = "scoring/index.html"
    dashboard_name = "index"
    every_municipality = True

    def index_table(self):
        if not hasattr(self, "_index"):
            version = method_version(self.request)
            try:
                self._index = served_index(self.as_of, version, self.cache_version())
            except NoIndexMethod as error:
                raise Http404(str(error)) from error
        return self._index

    def page_version(self) -> str:
        """The index also moves with the scoring data (method versions, targets): in the page cache's key."""
        return f"{super().page_version()}:{scoring_version()}"

    def page_modified(self):
        return None  # a new method version changes the page, not the data's date: revalidate by ETag only

    def get_table(self, **kwargs):
        result = self.index_table()
        filterset = IndexFilterSet(self.request.GET, rows=ranked_rows(result))
        self.filter_form = filterset.form
        self.rows = filterset.qs
        table = IndexTable(self.rows, services=result.services)
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        return table

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.index_table()
        context.update(
            index=result,
            map=map_by_band(result),
            filter_form=self.filter_form,
            result_count=len(self.rows),
        )
        return context


class TargetListView(DashboardMixin, SingleTableMixin, TemplateView):
    """Every target's progress on the day shown, its projected date and whether it is on track.

    The screen shows the progress bars of `includes/target_table.html` (shared with the overview);
    `?_export=` downloads `TargetProgressTable`, whose missing list the user's role limits as on screen.
    """

    page_cache = False  # depends on more than the dashboards' data version (methods, targets, cases)

    template_name = "scoring/targets.html"
    dashboard_name = "targets"
    table_pagination = False

    def progress(self):
        if not hasattr(self, "_progress"):
            self._progress = targets_progress(self.as_of)
        return self._progress

    def get_table(self, **kwargs):
        user = self.request.user
        rows = self.progress()
        if not policy.can_view_target_missing(user):
            scope = policy.declarations_scope(user)  # an officer sees their own municipality, if missing
            rows = [replace(p, missing=[m for m in p.missing if scope.includes(municipality_id=m.id)]) for p in rows]
        table = TargetProgressTable(rows)
        RequestConfig(self.request, paginate=False).configure(table)
        return table

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            progress=self.progress(),
            can_change=policy.can_change_index_methods(self.request.user),
            can_view_missing=policy.can_view_target_missing(self.request.user),
        )
        return context


class TargetDetailView(DashboardMixin, TemplateView):
    """One target: progress, the pace's seven points, the projection and the municipalities missing it."""

    page_cache = False  # depends on more than the dashboards' data version (methods, targets, cases)

    template_name = "scoring/target_detail.html"
    dashboard_name = "targets"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = targets_queryset().filter(pk=self.kwargs["pk"]).first()
        if target is None:
            raise Http404
        user = self.request.user
        progress = targets_progress(self.as_of, [target])[0]
        missing = progress.missing
        if not policy.can_view_target_missing(user):
            scope = policy.declarations_scope(user)  # an officer sees their own municipality, if missing
            missing = [m for m in missing if scope.includes(municipality_id=m.id)]
        context.update(
            progress=progress, target=target, missing=missing, can_open_case=policy.can_change_index_methods(user)
        )
        return context


class FragmentMixin:
    """`?fragment=1`: only the panel (the page that includes it loads it after drawing itself);
    without it, the panel as a page of its own (the link for browsers without JavaScript)."""

    request: HttpRequest  # set by the view it is mixed into
    fragment_template = ""
    page_template = ""

    def get_template_names(self) -> list[str]:
        return [self.fragment_template if self.request.GET.get("fragment") else self.page_template]


class OverviewPanelView(FragmentMixin, DashboardMixin, TemplateView):
    """The overview's index map, targets and open cases."""

    page_cache = False  # depends on more than the dashboards' data version (methods, targets, cases)

    fragment_template = "scoring/includes/overview_body.html"
    page_template = "scoring/overview_panel_page.html"
    dashboard_name = "overview"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stamp = scoring_version()
        cached = self.cached
        context.update(
            overview_panel(self.request.user, self.as_of, lambda name, f: cached(name, f, stamp), self.cache_version())
        )
        return context


class MunicipalityPanelView(FragmentMixin, LoginRequiredMixin, TemplateView):
    """A municipality's index, rank among peers, missed targets and cases; 404 to those who may not see it."""

    fragment_template = "scoring/includes/municipality_body.html"
    page_template = "scoring/municipality_panel_page.html"

    def get_context_data(self, **kwargs):
        municipality = get_object_or_404(Municipality.objects.defer("boundary"), code=self.kwargs["code"])
        if not policy.can_view_municipality_index(self.request.user, municipality):
            raise Http404
        panel = municipality_panel(self.request.user, municipality, timezone.localdate())
        return {**super().get_context_data(**kwargs), **panel}


class TargetCreateView(CreateView):
    model = Target
    form_class = TargetForm
    template_name = "scoring/target_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not policy.can_change_index_methods(request.user):
            if not request.user.is_authenticated:
                return redirect(f"{reverse('login')}?next={request.path}")
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_success_url(self) -> str:
        return reverse("scoring:targets")
