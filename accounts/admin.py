from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "email", "role", "municipality", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality"]
    fieldsets = (*(UserAdmin.fieldsets or ()), (_("Role"), {"fields": ("role", "municipality")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("Role"), {"fields": ("role", "municipality")}))
