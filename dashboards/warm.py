"""Warming the dashboards' cache, so that no visitor pays for a cold page after the data changed.

The task that changes the data (an import, a declaration, a verification) schedules `warm()` once it
has committed; a beat job runs it every half DASHBOARD_CACHE_SECONDS too, so the common views never
expire in front of a visitor. "Common views" are each dashboard for today, without filters, in every
language, for each role variant (see pagecache.variant): what most requests ask for.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts import policy
from accounts.models import User

logger = logging.getLogger(__name__)

# Pages by URL name; the view is resolved from the URL so the page is rendered exactly as served.
PAGES = (
    "dashboards:overview",
    "dashboards:map",
    "dashboards:provinces",
    "dashboards:municipalities",
    "dashboards:trends",
    "dashboards:discrepancies",
)
# One user per role variant: the ministry sees every part, an officer only the national aggregates.
VARIANT_ROLES = (policy.MINISTRY, policy.OFFICER)
# Figures of the apps above the dashboards to compute again with the pages (e.g. the adoption index),
# registered from their AppConfig.ready(): the imports flow one way. Each returns how many it kept.
ALSO: list[Callable[[], int]] = []


def also_warm(warmer: Callable[[], int]) -> Callable[[], int]:
    """Register `warmer` to run after the pages whenever the dashboards are warmed."""
    if warmer not in ALSO:
        ALSO.append(warmer)
    return warmer


def warm() -> int:
    """Render every common view (re-rendering cached ones: they may be close to expiry); returns how many."""
    from django.urls import resolve

    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return 0
    started = time.perf_counter()
    factory = RequestFactory()
    rendered = 0
    for role in VARIANT_ROLES:
        user = User(username="dashboard-cache", role=role, is_active=True)
        for name in PAGES:
            path = reverse(name)
            view: Any = resolve(path).func
            if getattr(view.view_class, "every_municipality", False) and not policy.can_view_every_municipality(user):
                continue
            for language, _label in settings.LANGUAGES:
                with translation.override(language):
                    request = factory.get(path)
                    request.user, request.LANGUAGE_CODE = user, language
                    request.dashboard_refresh = True  # type: ignore[attr-defined]
                    response = view(request)
                    response.render()
                    if response.status_code != 200:
                        logger.warning("Warming %s (%s, %s) answered %s", path, role, language, response.status_code)
                        continue
                rendered += 1
    others = sum(warmer() for warmer in ALSO)
    logger.info("Dashboards warmed: %s pages and %s figures in %.2f s", rendered, others, time.perf_counter() - started)
    return rendered
