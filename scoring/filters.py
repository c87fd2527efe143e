"""The index table's FilterSet, shared by the page, its download and the API.

The index is computed, not a column to filter on: the FilterSet narrows the index's ranked rows
(a list), which `qs` returns. A filter's label is the page's; its help_text is the API's
description of the query parameter (drf-spectacular reads it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.choices import PopulationBand
from municipalities.filters import POPULATION_BAND, province_choices
from municipalities.models import Municipality

from .choices import Band, PeerScope
from .peers import RankedRow


class IndexFilterForm(forms.Form):
    def clean_peers_of(self) -> str:
        return (self.cleaned_data.get("peers_of") or "").strip().upper()


class IndexFilterSet(django_filters.FilterSet):
    """Filters of the index table; `peers_of` keeps that municipality's peer group (country or province).

    Always bound, as the page's GET is; with an invalid filter `qs` is every row (the page shows the
    errors, the API answers 400 with them)."""

    province = django_filters.ChoiceFilter(
        label=_("Province"),
        field_name="province__code",  # what it matches (typed as a code in the schema); filter_rows applies it
        choices=province_choices,
        empty_label=_("All provinces"),
        help_text="Province NSI code, e.g. VAR.",
    )
    population_band = django_filters.ChoiceFilter(
        label=_("Population band (peer group)"),
        choices=PopulationBand.choices,
        empty_label=_("Any population"),
        help_text=POPULATION_BAND,
    )
    band = django_filters.ChoiceFilter(
        label=_("Index band"),
        choices=Band.choices,
        empty_label=_("Any band"),
        help_text="Index band: low (0–39), middle (40–69) or high (70–100).",
    )
    peers_of = django_filters.CharFilter(
        label=_("Peers of (NSI code)"),
        max_length=5,
        help_text="Only this municipality's peer group (its NSI code, e.g. VAR06).",
    )
    peer_scope = django_filters.ChoiceFilter(
        label=_("Peer group"),
        choices=PeerScope.choices,
        empty_label=None,
        help_text="national (the default) or province: the peer group of peers_of, in the country or its province.",
    )

    class Meta:
        model = Municipality  # what a row is; the rows themselves are the index's (`rows`)
        fields = ["province", "population_band", "band", "peers_of", "peer_scope"]
        form = IndexFilterForm

    def __init__(self, data: Any = None, *, rows: Iterable[RankedRow] = (), **kwargs: Any) -> None:
        super().__init__(data if data is not None else {}, **kwargs)
        self.rows = list(rows)

    @property
    def qs(self) -> list[RankedRow]:
        if not hasattr(self, "_qs"):
            self._qs = self.filter_rows(self.rows, self.form.cleaned_data) if self.is_valid() else self.rows
        return self._qs

    @staticmethod
    def filter_rows(rows: list[RankedRow], data: dict[str, Any]) -> list[RankedRow]:
        if data.get("province"):
            rows = [r for r in rows if r.province_code == data["province"]]
        if data.get("population_band"):
            rows = [r for r in rows if r.population_band == data["population_band"]]
        if data.get("band"):
            rows = [r for r in rows if r.band == data["band"]]
        anchor = next((r for r in rows if r.code == data.get("peers_of")), None) if data.get("peers_of") else None
        if data.get("peers_of"):
            if anchor is None:
                return []
            rows = [r for r in rows if r.population_band == anchor.population_band]
            if data.get("peer_scope") == "province":
                rows = [r for r in rows if r.province_code == anchor.province_code]
        return rows
