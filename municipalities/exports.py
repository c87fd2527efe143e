"""The municipalities list's download, registered with the exports app."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

import exports

from .filters import MunicipalityFilterSet
from .models import Municipality
from .tables import MunicipalityTable


@exports.register
class MunicipalityListExport(exports.TableExport):
    """The public list: everybody may download it, as everybody may read it."""

    page = "municipalities:list"
    title = _("municipalities")
    login_required = False
    table_class = MunicipalityTable
    filterset_class = MunicipalityFilterSet

    def get_queryset(self):
        return Municipality.objects.select_related("province").defer("boundary", "province__boundary")

    def name_parts(self) -> list[str]:
        """общини-област-варна-…: the file name says which filters made the table."""
        parts = super().name_parts()
        data = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        if data.get("province"):
            parts.append(f"{gettext('Province')} {data['province'].name}")
        if data.get("q"):
            parts.append(data["q"])
        return parts
