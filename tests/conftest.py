"""Shared fixtures: the reference data in the test database, and the personas of STYLE.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.choices import Role

DATA_DIR = Path(settings.REFERENCE_DATA_DIR)


# Every identifier in the tests has thousands, as in a database that has run for a while: a key
# rendered through number formatting ("7 324") then breaks the test that follows it, as it once
# broke the queue's decide button. Below 32 767, so that small-integer keys take it too.
FIRST_TEST_ID = 10_000


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Import the real reference data once per session; each test runs in a rolled-back transaction."""
    from django.db import connection

    with django_db_blocker.unblock():
        call_command("import_ekatte", str(DATA_DIR), verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("import_regix_catalog", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), %s) FROM pg_sequences "
                "WHERE coalesce(last_value, 0) < %s",
                [FIRST_TEST_ID, FIRST_TEST_ID],
            )


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests (browser, real worker): they start from a flushed database, which has
    lost the services and stages the migrations seeded, so those come back too; what the shared cache
    still holds (figures, pages, sessions) describes earlier tests' data, so it goes."""
    from django.core.cache import caches

    for each in caches.all(initialized_only=True):
        each.clear()
    call_command("seed_services", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("import_ekatte", str(DATA_DIR), stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("import_regix_catalog", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _make_user(django_user_model, username: str, role: str, municipality_code: str | None = None):
    from tests.factories import UserFactory

    return UserFactory(username=username, role=role, municipality_code=municipality_code)


@pytest.fixture
def ministry_user(db, django_user_model):
    return _make_user(django_user_model, "ministry", Role.MINISTRY)


@pytest.fixture
def officer_varna(db, django_user_model):
    return _make_user(django_user_model, "officer_varna", Role.OFFICER, "VAR06")


@pytest.fixture
def officer_other(db, django_user_model):
    return _make_user(django_user_model, "officer_avren", Role.OFFICER, "VAR01")


@pytest.fixture
def analyst(db, django_user_model):
    return _make_user(django_user_model, "analyst", Role.ANALYST)


@pytest.fixture
def administrator(db, django_user_model):
    user = _make_user(django_user_model, "administrator", Role.ADMINISTRATOR)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def administrator_role(db, django_user_model):
    """The administrator role alone, without Django's staff or superuser flags: the role decides."""
    return _make_user(django_user_model, "administrator_role", Role.ADMINISTRATOR)


@pytest.fixture
def service_operator(db, django_user_model):
    return _make_user(django_user_model, "service_operator", Role.OPERATOR)


@pytest.fixture
def anonymous():
    return None


PERSONAS = ["ministry_user", "officer_varna", "officer_other", "analyst", "anonymous"]


@pytest.fixture
def as_persona(client, request):
    """A test client signed in as the named persona (or anonymous)."""

    def sign_in(name: str):
        user = request.getfixturevalue(name)
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the portal's language: a request that switched to English (LocaleMiddleware
    activates per thread) must not leak into the next test's gettext calls."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_process_cache():
    """Each test starts with an empty per-process cache: it keeps what an edition never changes, but a
    test's database is flushed or rolled back, so an edition of an earlier test must not be served."""
    from django.core.cache import caches

    caches["process"].clear()
    yield
    caches["process"].clear()
