"""English formats: Django's own with unambiguous short dates (31 Aug 2018), never 08/31/2018."""

from django.conf.locale.en.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
