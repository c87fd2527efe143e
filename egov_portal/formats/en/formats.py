"""English formats: Django's own with ISO-like short dates, as the ministry's analysts expect."""

from django.conf.locale.en.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "Y-m-d"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
