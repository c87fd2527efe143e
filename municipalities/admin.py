from django.contrib import admin

from .models import Municipality, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_bg", "name_en", "nuts2"]
    search_fields = ["code", "name_bg", "name_en"]
    exclude = ["boundary"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_bg", "name_en", "province", "category", "population"]
    list_filter = ["province"]
    list_select_related = ["province"]
    search_fields = ["code", "name_bg", "name_en"]
    exclude = ["boundary"]
