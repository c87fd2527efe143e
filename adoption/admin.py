"""Admin: services and stages are editable reference data; declarations and history are read-only.

Declarations change only through the portal's forms and API (services.py), which append to
the history; the admin may look but never add, change or delete them.
"""

from typing import TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import Adoption, AdoptionChange, MunicipalityContact, Service, Stage


class StageInline(admin.TabularInline[Stage, Service]):
    model = Stage
    extra = 0
    fields = ["order", "code", "name_bg", "name_en", "counts_as_adopted"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    list_display = ["code", "name_bg", "name_en", "order"]
    search_fields = ["code", "name_bg", "name_en"]
    inlines = [StageInline]

    def has_delete_permission(self, request: HttpRequest, obj: Service | None = None) -> bool:
        # Other apps key usage by service code; a service is retired by renaming, not deleted.
        return False


_M = TypeVar("_M", bound=Model)


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


@admin.register(Adoption)
class AdoptionAdmin(ReadOnlyAdmin[Adoption]):
    list_display = ["municipality", "service", "stage", "since", "verification", "set_by", "set_at"]
    list_filter = ["service", "verification"]
    list_select_related = ["municipality", "service", "stage", "set_by"]
    search_fields = ["municipality__name_bg", "municipality__code"]


@admin.register(AdoptionChange)
class AdoptionChangeAdmin(ReadOnlyAdmin[AdoptionChange]):
    list_display = ["municipality", "service", "kind", "from_stage", "to_stage", "effective_date", "user", "created_at"]
    list_filter = ["service", "kind"]
    list_select_related = ["municipality", "service", "from_stage", "to_stage", "user"]
    search_fields = ["municipality__name_bg", "municipality__code", "comment"]


@admin.register(MunicipalityContact)
class MunicipalityContactAdmin(admin.ModelAdmin[MunicipalityContact]):
    list_display = ["municipality", "responsible_person", "phone", "email", "updated_at"]
    list_select_related = ["municipality"]
    search_fields = ["municipality__name_bg", "municipality__code", "responsible_person", "email"]
    autocomplete_fields = ["municipality"]
