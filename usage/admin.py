from django.contrib import admin

from .models import ImportBatch, ObservedAdoption

# Rejected rows are not an inline: a bad file may have a million of them. The batch page pages them.


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = ["id", "kind", "file_name", "status", "rows_read", "rows_accepted", "rows_rejected", "created_at"]
    list_filter = ["kind", "status", "door"]
    search_fields = ["file_name", "sha256"]
    readonly_fields = [field.name for field in ImportBatch._meta.fields]


@admin.register(ObservedAdoption)
class ObservedAdoptionAdmin(admin.ModelAdmin[ObservedAdoption]):
    list_display = ["municipality", "service", "first_day", "last_day"]
    list_filter = ["service"]
    list_select_related = ["municipality", "service"]
