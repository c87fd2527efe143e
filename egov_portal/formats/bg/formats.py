"""Bulgarian formats: Django's own, plus digit grouping, which Django's bg locale leaves off.

Bulgarian writes 7 253 828 (BDS, grouped by a non-breaking space) and 24.11.2026.
"""

from django.conf.locale.bg.formats import *  # noqa: F403

NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = "\xa0"
DATE_FORMAT = "j F Y г."
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "j F Y г., H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]
