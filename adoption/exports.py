"""The declared-adoption list's download, registered with the exports app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

import exports
from accounts import policy

from .filters import AdoptionFilterSet
from .models import Adoption, AdoptionQuerySet
from .tables import AdoptionTable


@exports.register
class AdoptionListExport(exports.TableExport):
    """Ministry staff and analysts export all municipalities, officers their own; operators 403."""

    page = "adoption:list"
    title = _("declared adoption")
    table_class = AdoptionTable
    filterset_class = AdoptionFilterSet

    def check_access(self) -> None:
        if not policy.can_view_declarations(self.user):
            raise PermissionDenied

    def get_queryset(self) -> AdoptionQuerySet:
        return (
            Adoption.objects.visible_to(self.user)
            .select_related("municipality", "municipality__province", "service", "stage")
            .defer("municipality__boundary", "municipality__province__boundary")
        )
