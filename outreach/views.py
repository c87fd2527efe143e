"""Outreach pages: cases (open, detail, close), the effect of outreach, subscriptions and scorecards."""

from __future__ import annotations

import django_tables2 as tables
from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DetailView, TemplateView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin, SingleTableView

from accounts import policy
from dashboards.views import DashboardMixin
from municipalities.models import Municipality

from . import scorecards
from .cases import close_case, outreach_effect
from .choices import CaseStatus
from .filters import CaseFilterSet
from .forms import CaseForm, CloseForm, SubscriptionForm
from .models import Case, Delivery, Subscription
from .tables import CaseTable, DeliveryTable, SubscriptionTable


class ManagerRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Ministry pages: anonymous users sign in first, everybody else gets 403."""

    request: HttpRequest  # set by the view it is mixed into

    def test_func(self) -> bool:
        return policy.can_manage_outreach(self.request.user)

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied
        return super().handle_no_permission()


class ReaderRequiredMixin(ManagerRequiredMixin):
    def test_func(self) -> bool:
        return policy.can_read_all_cases(self.request.user)


class CaseListView(ReaderRequiredMixin, SingleTableMixin, FilterView):
    """Cases by owner and due date; open ones unless another status is asked for."""

    table_class = CaseTable
    filterset_class = CaseFilterSet
    template_name = "outreach/case_list.html"

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = (kwargs.get("data") or self.request.GET).copy()
        if "status" not in data:
            data["status"] = CaseStatus.OPEN
        kwargs["data"] = data
        return kwargs

    def get_queryset(self):
        return (
            Case.objects.visible_to(self.request.user)
            .select_related("municipality", "owner", "agreed_stage")
            .defer("municipality__boundary")
            .order_by("owner__username", "follow_up_on", "id")
        )


class CaseCreateView(ManagerRequiredMixin, CreateView):
    """Open a case, from a municipality's page, a target's missing list or a discrepancy (`?municipality=`)."""

    model = Case
    form_class = CaseForm
    template_name = "outreach/case_form.html"

    def get_initial(self):
        initial = {"contacted_on": timezone.localdate(), "owner": self.request.user}
        code = self.request.GET.get("municipality")
        if code:
            initial["municipality"] = Municipality.objects.filter(code=code).first()
        if self.request.GET.get("target", "").isdigit():
            initial.update(target=int(self.request.GET["target"]), source="target")
        if self.request.GET.get("source") in {"discrepancy", "municipality"}:
            initial["source"] = self.request.GET["source"]
        return initial

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        messages.success(self.request, _("The case is open."))
        return super().form_valid(form)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CaseDetailView(LoginRequiredMixin, DetailView):
    """A case; outsiders get 404, the internal note only for the ministry."""

    template_name = "outreach/case_detail.html"

    def get_queryset(self):
        return Case.objects.visible_to(self.request.user).select_related(
            "municipality", "owner", "agreed_stage", "service", "target"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            can_manage=policy.can_manage_outreach(self.request.user),
            show_internal=policy.can_see_internal_notes(self.request.user),
            close_form=kwargs.get("close_form") or CloseForm(),
        )
        return context


class CaseCloseView(ManagerRequiredMixin, View):
    def post(self, request, pk: int):
        case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                close_case(request.user, case, form.cleaned_data["close_reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The case is closed."))
                return redirect(case.get_absolute_url())
        view = CaseDetailView(request=request, kwargs={"pk": pk}, object=case)
        response = view.render_to_response(view.get_context_data(object=case, close_form=form))
        response.status_code = 400
        return response


class EffectTable(tables.Table):
    municipality = tables.Column(verbose_name=_("Municipality"))
    code = tables.Column(verbose_name=_("Code"))
    contacted_on = tables.DateColumn(verbose_name=_("Contacted on"), format="d.m.Y")
    until = tables.DateColumn(verbose_name=_("Until"), format="d.m.Y")
    index_before = tables.Column(verbose_name=_("Index at contact"), attrs={"td": {"class": "num"}})
    index_after = tables.Column(verbose_name=_("Index after"), attrs={"td": {"class": "num"}})
    index_change = tables.Column(verbose_name=_("Change"), attrs={"td": {"class": "num"}})
    peers_index_change = tables.Column(verbose_name=_("Uncontacted peers' change"), attrs={"td": {"class": "num"}})
    adopted_change = tables.Column(verbose_name=_("Services adopted since"), attrs={"td": {"class": "num"}})
    peers_adopted_change = tables.Column(
        verbose_name=_("Peers: services adopted since"), attrs={"td": {"class": "num"}}
    )
    peers = tables.Column(verbose_name=_("Uncontacted peers"), attrs={"td": {"class": "num"}})

    class Meta:
        orderable = True
        order_by = ("-contacted_on",)


class EffectView(DashboardMixin, SingleTableMixin, TemplateView):
    """Contacted municipalities against comparable uncontacted ones over the following 90 days."""

    page_cache = False  # depends on more than the dashboards' data version (methods, targets, cases)

    template_name = "outreach/effect.html"
    dashboard_name = "effect"
    every_municipality = True

    def get_table(self, **kwargs):
        self.effect = outreach_effect(self.as_of)
        table = EffectTable(self.effect.rows)
        RequestConfig(self.request, paginate={"per_page": 50}).configure(table)
        return table

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "effect": self.effect}


class SubscriptionListView(ManagerRequiredMixin, SingleTableView):
    """Every scorecard subscription: pause, resume, preview."""

    table_class = SubscriptionTable
    template_name = "outreach/subscription_list.html"

    def get_queryset(self):
        return Subscription.objects.select_related("municipality", "province").defer(
            "municipality__boundary", "province__boundary"
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "period": scorecards.previous_period(timezone.localdate()),
            "form": kwargs.get("form") or SubscriptionForm(),
        }

    def post(self, request, *args, **kwargs):
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            form.save()
            messages.success(request, _("Subscribed."))
            return redirect("outreach:subscriptions")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SubscriptionToggleView(ManagerRequiredMixin, View):
    def post(self, request, pk: int):
        subscription = get_object_or_404(Subscription, pk=pk)
        pause = request.POST.get("action") == "pause"
        subscription.paused = pause
        subscription.paused_reason = _("Paused by %(user)s") % {"user": request.user} if pause else ""
        subscription.save(update_fields=["paused", "paused_reason"])
        messages.success(request, _("Paused.") if pause else _("Resumed."))
        return redirect("outreach:subscriptions")


# The preview shows the e-mail as sent, whose HTML part carries its styles inline (mail clients need
# them); the sandboxed frame inherits the page's policy, so this page alone allows inline styles.
@method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")
class ScorecardPreviewView(ManagerRequiredMixin, TemplateView):
    """Any subscription's scorecard for any period (`?period=2026-11`), as it would be sent."""

    template_name = "outreach/scorecard_preview.html"

    def get_context_data(self, **kwargs):
        subscription = get_object_or_404(
            Subscription.objects.select_related("municipality", "province"), pk=self.kwargs["pk"]
        )
        text = self.request.GET.get("period") or f"{scorecards.previous_period(timezone.localdate()):%Y-%m}"
        try:
            period = scorecards.parse_period(text)
        except ValueError as error:
            raise Http404(str(error)) from error
        card = scorecards.preview(subscription, period)
        return {**super().get_context_data(**kwargs), "subscription": subscription, "period": period, "card": card}


class DeliveryListView(ReaderRequiredMixin, SingleTableView):
    table_class = DeliveryTable
    template_name = "outreach/delivery_list.html"

    def get_queryset(self):
        return Delivery.objects.select_related("subscription__municipality", "subscription__province").defer(
            "subscription__municipality__boundary", "subscription__province__boundary"
        )


class UnsubscribeView(TemplateView):
    """The link in every scorecard: no sign-in, that subscription alone (a signed token names it)."""

    template_name = "outreach/unsubscribe.html"

    def dispatch(self, request, *args, **kwargs):
        self.subscription = scorecards.subscription_from_token(kwargs["token"])
        if self.subscription is None:
            raise Http404(_("This unsubscribe link is not valid."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "subscription": self.subscription}

    def post(self, request, *args, **kwargs):
        Subscription.objects.filter(pk=self.subscription.pk).update(
            paused=True,
            paused_reason=_("Unsubscribed by the recipient on %(date)s")
            % {"date": timezone.localdate().strftime("%d.%m.%Y")},
        )
        self.subscription.refresh_from_db()
        return self.render_to_response({**self.get_context_data(), "done": True})


def case_create_url(code: str, source: str = "municipality") -> str:
    return reverse("outreach:case-create") + f"?municipality={code}&source={source}"
