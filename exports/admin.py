from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "filename", "flavour", "status", "row_count", "finished_at"]
    list_filter = ["status", "flavour"]
    list_select_related = ["user"]
    search_fields = ["filename", "user__username", "source"]
    readonly_fields = [field.name for field in ExportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
