"""Sign-in throttling by username + address, and by address across usernames (django-axes).

axes counts failures per combination of `AXES_LOCKOUT_PARAMETERS` and locks when the largest count
reaches one limit. The address alone must get a larger allowance than one username at one address
(an office behind one NAT address shares it), so the limit is computed here: a request is locked
when its username at its address failed `AXES_FAILURE_LIMIT` times, or its address failed
`AXES_ADDRESS_FAILURE_LIMIT` times whatever the usernames.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
    """The limit axes compares with the address's failures (the larger of its two counts)."""
    username = get_client_username(request, credentials)
    address = get_client_ip_address(request)
    attempts = AccessAttempt.objects.filter(username=username, ip_address=address)
    own = int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)
    if own >= settings.AXES_USERNAME_FAILURE_LIMIT:
        return own  # reached for this username: lock (the address's count is at least this)
    return int(settings.AXES_ADDRESS_FAILURE_LIMIT)
