"""Admin: methods are read-only (a change is a new version, saved on the method page); targets are editable."""

from django.contrib import admin

from .models import IndexMethod, ServiceWeight, StageWeight, Target


class ServiceWeightInline(admin.TabularInline):
    model = ServiceWeight
    extra = 0
    can_delete = False
    readonly_fields = ["service", "weight", "unobserved_factor"]


class StageWeightInline(admin.TabularInline):
    model = StageWeight
    extra = 0
    can_delete = False
    readonly_fields = ["stage", "score"]


@admin.register(IndexMethod)
class IndexMethodAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "created_by", "note"]
    readonly_fields = ["version", "note", "created_at", "created_by"]
    inlines = [ServiceWeightInline, StageWeightInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name_bg", "service", "measure", "stage", "amount_kind", "amount", "baseline_date", "deadline"]
    list_filter = ["service", "measure"]
