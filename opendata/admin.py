"""Read-only admin views of editions and publication calls: editions change only by issuing."""

from django.contrib import admin

from .models import Edition, PublicationAttempt


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Edition)
class EditionAdmin(ReadOnlyAdmin):
    list_display = ["slug", "as_of", "issued_at", "issued_by", "is_visible"]
    list_filter = ["year", "is_visible"]


@admin.register(PublicationAttempt)
class PublicationAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "publication", "method", "status", "http_status"]
    list_filter = ["status", "method"]
