from django.contrib import admin

from .models import Case, Delivery, Subscription


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["municipality", "kind", "contacted_on", "owner", "follow_up_on", "status"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["municipality"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "municipality", "province", "role", "paused"]
    list_filter = ["role", "paused"]
    raw_id_fields = ["municipality", "user"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["period", "email", "status", "sent_at"]
    list_filter = ["status", "period"]
    readonly_fields = ["subscription", "period", "email", "status", "claimed_at", "sent_at", "error"]
