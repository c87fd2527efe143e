"""Choices of the municipalities app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.IntegerChoices):
    """NSI municipality category (0 = the capital, 5 = the smallest)."""

    CAPITAL = 0, _("0 – the capital")
    LARGE = 1, _("1 – large city")
    MEDIUM = 2, _("2 – medium town")
    SMALL = 3, _("3 – small town")
    VERY_SMALL = 4, _("4 – very small town")
    VILLAGES = 5, _("5 – villages only")


class PopulationBand(models.TextChoices):
    """Population bands used by filters; bounds are [low, high)."""

    UNDER_5K = "lt5k", _("under 5,000")
    FROM_5K = "5k-20k", _("5,000 – 20,000")
    FROM_20K = "20k-100k", _("20,000 – 100,000")
    OVER_100K = "gt100k", _("100,000 and over")


POPULATION_BAND_BOUNDS: dict[str, tuple[int, int | None]] = {
    PopulationBand.UNDER_5K: (0, 5_000),
    PopulationBand.FROM_5K: (5_000, 20_000),
    PopulationBand.FROM_20K: (20_000, 100_000),
    PopulationBand.OVER_100K: (100_000, None),
}
