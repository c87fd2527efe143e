"""Passwords of staff accounts (ministry, administrators): long and not a common one in disguise.

Django's validators apply to everybody; staff roles (`policy.needs_strong_password`) must also
use at least 12 characters, and neither a common password nor one with digits or symbols
stuck around it ("Sofia2026": "sofia" is in Django's list of 20,000 common passwords).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import policy

_AROUND_LETTERS = re.compile(r"^[\W\d_]+|[\W\d_]+$")


class StaffPasswordValidator:
    def __init__(self, min_length: int = 12) -> None:
        self.min_length = min_length
        self.common = CommonPasswordValidator()

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not policy.needs_strong_password(user):
            return
        if len(password) < self.min_length:
            raise ValidationError(
                _("Staff accounts need a password of at least %(min_length)d characters.")
                % {"min_length": self.min_length},
                code="staff_password_too_short",
            )
        lowered = password.lower().strip()
        core = _AROUND_LETTERS.sub("", lowered)
        if lowered in self.common.passwords or (len(core) >= 4 and core in self.common.passwords):
            raise ValidationError(
                _("This password is a common one with digits or symbols around it; choose another."),
                code="staff_password_common",
            )

    def get_help_text(self) -> str:
        return _("Staff accounts: at least %(min_length)d characters, and not a common password.") % {
            "min_length": self.min_length
        }
