"""The admin's app config, apart from admin_site.py: INSTALLED_APPS imports it before models load."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Replaces `django.contrib.admin` in INSTALLED_APPS so `admin.site` is the portal's site."""

    default_site = "accounts.admin_site.PortalAdminSite"
