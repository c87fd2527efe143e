from django.contrib import admin

from .models import QueryType, Register


class QueryTypeInline(admin.TabularInline):
    model = QueryType
    extra = 0
    fields = ["operation", "name_bg", "name_en", "is_active", "valid_from", "valid_to"]


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):
    list_display = ["code", "name_bg", "owner"]
    search_fields = ["code", "name_bg", "name_en", "owner"]
    inlines = [QueryTypeInline]


@admin.register(QueryType)
class QueryTypeAdmin(admin.ModelAdmin):
    list_display = ["operation", "register", "is_active", "valid_from", "valid_to"]
    list_filter = ["is_active", "register"]
    list_select_related = ["register"]
    search_fields = ["operation", "name_bg", "name_en"]
