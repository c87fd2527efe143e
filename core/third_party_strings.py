"""Strings of third-party templates that ship no Bulgarian translation (django-tables2's pager).

Listed here only so that makemessages puts them in core's catalogue.
"""

from django.utils.translation import gettext_noop

THIRD_PARTY_STRINGS = [gettext_noop("previous"), gettext_noop("next")]
