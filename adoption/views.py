"""Pages of declared adoption: the municipality page's section, the stage change form,
confirmation, verification, the ministry's pending queue and the contacts form.

Outsiders (another municipality's officer, operators) get 404 for a municipality they may
not see; readers who may not write (analysts) get 403; anonymous users are sent to sign in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView
from django.views.generic.base import ContextMixin
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import policy
from accounts.permissions import PolicyRequiredMixin
from municipalities.models import Municipality

from . import queue, services
from .attention import needs_attention
from .filters import AdoptionFilterSet, PendingAdoptionFilterSet
from .forms import ConfirmForm, ContactForm, QueueDecisionForm, StageChangeForm, VerifyForm
from .models import Adoption, AdoptionChange, AdoptionQuerySet, MunicipalityContact, Service
from .tables import AdoptionTable, PendingAdoptionTable

if TYPE_CHECKING:
    from accounts.models import User


def municipality_section_context(request: HttpRequest, municipality: Municipality) -> dict[str, Any]:
    """What the municipality page shows of declared adoption to this user (empty if nothing)."""
    user = request.user
    if not policy.can_view_declarations_of(user, municipality):
        return {"adoption_visible": False}
    history = (
        AdoptionChange.objects.filter(municipality=municipality)
        .select_related("service", "from_stage", "to_stage", "user")
        .order_by("-created_at", "-id")
    )
    statuses = services.statuses_for(municipality)
    return {
        "adoption_visible": True,
        "adoption_statuses": statuses,
        "adoption_history": history,
        "adoption_can_edit": policy.can_change_declarations_of(user, municipality),
        "adoption_can_verify": policy.can_verify_changes(user),
        "adoption_verifiable": {
            s.adoption.pk for s in statuses if s.adoption and policy.can_verify_change(user, s.adoption)
        },
        "adoption_contact": MunicipalityContact.objects.filter(municipality=municipality).first(),
        "confirm_form": ConfirmForm(),
        "verify_form": VerifyForm(),
    }


class MunicipalityWriteMixin(LoginRequiredMixin, ContextMixin):
    """Resolves the municipality in the URL: 404 if the user may not see it, 403 if not change it."""

    municipality: Municipality
    user: User  # the signed-in request.user, set by dispatch
    request: HttpRequest
    # No PUT: Django's form views treat it as a POST without a body, which would blank the form.
    http_method_names: Sequence[str] = ["get", "post", "head", "options"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.user = request.user
        self.municipality = get_object_or_404(Municipality.objects.visible_to(request.user), code=kwargs["code"])
        if not self.has_write_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def has_write_permission(self) -> bool:
        return policy.can_change_declarations_of(self.request.user, self.municipality)

    def get_success_url(self) -> str:
        if self.back_to_start_page:
            return reverse("adoption:mine")
        return self.municipality.get_absolute_url() + "#adoption"

    @property
    def back_to_start_page(self) -> bool:
        """Opened from the officer's start page (`next=mine`): go back there afterwards."""
        return "mine" in (self.request.GET.get("next"), self.request.POST.get("next"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, "municipality": self.municipality, "next": "mine" if self.back_to_start_page else ""}


class StageChangeView(MunicipalityWriteMixin, FormView[StageChangeForm]):
    """Declare a new stage of one service for a municipality."""

    form_class = StageChangeForm
    template_name = "adoption/stage_change_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.service = get_object_or_404(Service, code=kwargs["service"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        self.adoption = (
            Adoption.objects.filter(municipality=self.municipality, service=self.service)
            .select_related("stage")
            .first()
        )
        self.current = self.adoption.stage if self.adoption else self.service.first_stage()
        return {**super().get_form_kwargs(), "service": self.service, "current": self.current}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, "service": self.service, "adoption": self.adoption, "current": self.current}

    def form_valid(self, form: StageChangeForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            services.change_stage(
                self.request.user,
                self.municipality,
                self.service,
                data["stage"],
                data["comment"],
                data["evidence"],
                since=data["since"],
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The stage was changed. It is unverified until ministry staff verify it."))
        return super().form_valid(form)


class ConfirmView(MunicipalityWriteMixin, FormView[ConfirmForm]):
    """Confirm a declaration is still current (clears the stale flag). POST only."""

    form_class = ConfirmForm
    http_method_names = ["post"]

    def form_valid(self, form: ConfirmForm) -> HttpResponse:
        adoption = get_object_or_404(Adoption, municipality=self.municipality, service__code=self.kwargs["service"])
        services.confirm(self.request.user, adoption, form.cleaned_data["comment"])
        messages.success(self.request, _("The stage was confirmed as current."))
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: ConfirmForm) -> HttpResponse:
        messages.error(self.request, _("A comment is required."))
        return HttpResponseRedirect(self.get_success_url())


class VerifyView(MunicipalityWriteMixin, FormView[VerifyForm]):
    """Ministry staff verify or reject a declaration with a comment. POST only."""

    form_class = VerifyForm
    http_method_names = ["post"]

    def has_write_permission(self) -> bool:
        return policy.can_verify_changes(self.request.user)

    def get_success_url(self) -> str:
        next_url = self.request.POST.get("next", "")
        if next_url == "pending":
            return reverse("adoption:pending")
        return super().get_success_url()

    def form_valid(self, form: VerifyForm) -> HttpResponse:
        adoption = get_object_or_404(Adoption, municipality=self.municipality, service__code=self.kwargs["service"])
        services.verify(self.request.user, adoption, form.approve, form.cleaned_data["comment"])
        if form.approve:
            messages.success(self.request, _("The declaration was verified."))
        else:
            messages.success(self.request, _("The declaration was rejected."))
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: VerifyForm) -> HttpResponse:
        messages.error(self.request, _("Choose verify or reject and give a comment."))
        return HttpResponseRedirect(self.get_success_url())


class MyMunicipalityView(LoginRequiredMixin, TemplateView):
    """An officer's start page: what their municipality needs from them, one click to act on each."""

    template_name = "adoption/my_municipality.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not policy.can_use_municipality_start_page(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        municipality = get_object_or_404(Municipality.objects.editable_by(self.request.user))
        statuses = services.statuses_for(municipality)
        contact = MunicipalityContact.objects.filter(municipality=municipality).first()
        return {
            **super().get_context_data(**kwargs),
            "municipality": municipality,
            "statuses": statuses,
            "contact": contact,
            "attention": needs_attention(municipality, statuses, contact),
        }


class ContactUpdateView(MunicipalityWriteMixin, FormView[ContactForm]):
    """The municipality's contact details, kept by its officers and ministry staff."""

    form_class = ContactForm
    template_name = "adoption/contact_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        contact = MunicipalityContact.objects.filter(municipality=self.municipality).first()
        return {**super().get_form_kwargs(), "instance": contact or MunicipalityContact(municipality=self.municipality)}

    def form_valid(self, form: ContactForm) -> HttpResponse:
        contact = form.save(commit=False)
        contact.municipality = self.municipality
        contact.updated_by = self.user
        contact.save()
        messages.success(self.request, _("The contact details were saved."))
        return super().form_valid(form)


class AdoptionListView(LoginRequiredMixin, SingleTableMixin, FilterView):  # type: ignore[misc]  # django-tables2 and django-filter ship no types: their classes are Any
    """Every declaration the user may see, filtered; `?_export=excel|csv|xlsx` downloads the view.

    Ministry staff and analysts see all municipalities, officers their own; operators 403.
    """

    table_class = AdoptionTable
    filterset_class = AdoptionFilterSet
    template_name = "adoption/adoption_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not policy.can_view_declarations(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> AdoptionQuerySet:
        return (
            Adoption.objects.visible_to(self.request.user)
            .select_related("municipality", "municipality__province", "service", "stage")
            .defer("municipality__boundary", "municipality__province__boundary")
        )


class PendingVerificationView(PolicyRequiredMixin, SingleTableMixin, FilterView):  # type: ignore[misc]  # django-tables2 and django-filter ship no types: their classes are Any
    """The ministry's work list: declarations waiting for verification, oldest first, filterable."""

    rule = staticmethod(policy.can_verify_changes)

    table_class = PendingAdoptionTable
    filterset_class = PendingAdoptionFilterSet
    template_name = "adoption/pending_list.html"

    def get_queryset(self) -> QuerySet[Adoption]:
        return queue.with_replaced_stage(Adoption.objects.pending_verification_for(self.request.user))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "queue_query": self.request.GET.urlencode()}


class PendingDecisionView(PolicyRequiredMixin, FormView[QueueDecisionForm]):
    """Approve or reject one or several queued declarations, after one confirmation. POST only.

    The first POST (a row's button, or the selection with a bulk button) shows what will happen;
    the confirming POST carries the comment and acts. Either way the ministry returns to the list
    with its filters, order and page (`query`) as they were.
    """

    rule = staticmethod(policy.can_verify_changes)
    form_class = QueueDecisionForm
    template_name = "adoption/pending_confirm.html"
    http_method_names = ["post"]

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        data = kwargs["data"].copy()
        decision, _sep, row = data.get("decide", "").partition(":")
        if decision:
            data["decision"] = decision
        if row:
            data.setlist("ids", [row])
        if not data.get("confirm") and data.get("decision") == VerifyForm.APPROVE:
            data["comment"] = _("Checked against the evidence.")  # an approval's usual comment, editable
        return {**kwargs, "data": data, "queryset": Adoption.objects.pending_verification_for(self.request.user)}

    def get_success_url(self) -> str:
        return queue.back_to_list(self.request.POST.get("query", ""))

    def form_valid(self, form: QueueDecisionForm) -> HttpResponse:
        if not self.request.POST.get("confirm"):
            return self.render_to_response(self.get_context_data(form=form, confirming=True))
        done = queue.decide(self.request.user, form.adoptions, form.approve, form.cleaned_data["comment"])
        if form.approve:
            text = ngettext("%(count)d declaration was approved.", "%(count)d declarations were approved.", done)
        else:
            text = ngettext("%(count)d declaration was rejected.", "%(count)d declarations were rejected.", done)
        messages.success(self.request, text % {"count": done})
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: QueueDecisionForm) -> HttpResponse:
        if not self.request.POST.get("confirm") and not form.adoptions:
            messages.error(self.request, _("Choose at least one declaration first."))
            return HttpResponseRedirect(self.get_success_url())
        return self.render_to_response(self.get_context_data(form=form, confirming=True))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        return {
            **context,
            "items": queue.with_replaced_stage(form.adoptions_queryset),
            "query": self.request.POST.get("query", ""),
            "back_url": self.get_success_url(),
        }


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
