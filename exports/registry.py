"""Which downloads exist: pages declare their export sources here, as models register with the admin.

A page's app declares its sources in its own `exports.py` (found by `autodiscover()` when the
portal starts) with the `@exports.register` decorator. The exports app imports none of them: it
looks sources up by name (background jobs store the name) or by the URL name of the page whose
`?_export=` they serve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from .sources import ExportSource

_by_name: dict[str, type[ExportSource]] = {}
_by_page: dict[str, type[ExportSource]] = {}


class AlreadyRegistered(Exception):
    pass


def register(source_class: type[ExportSource]) -> type[ExportSource]:
    """Class decorator: make `source_class` downloadable under its `name` (and on its `page`)."""
    name = source_class.source_name()
    if not name:
        raise ValueError(f"{source_class.__name__} needs a `name` or a `page`.")
    if _by_name.get(name, source_class) is not source_class:
        raise AlreadyRegistered(f"An export source is already registered as {name!r}.")
    _by_name[name] = source_class
    if source_class.page:
        _by_page[source_class.page] = source_class
    return source_class


def get(name: str) -> type[ExportSource]:
    """The source registered as `name`; LookupError if there is none (a removed page, a typo)."""
    try:
        return _by_name[name]
    except KeyError:
        raise LookupError(f"No export source is registered as {name!r}.") from None


def for_page(url_name: str | None) -> type[ExportSource] | None:
    """The source that a page (by its namespaced URL name) offers as `?_export=`, if any."""
    return _by_page.get(url_name or "")


def registered() -> dict[str, type[ExportSource]]:
    return dict(_by_name)


def autodiscover() -> None:
    """Import every installed app's `exports` module, so their `@register` calls run."""
    autodiscover_modules("exports")
