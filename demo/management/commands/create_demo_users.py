"""`manage.py create_demo_users`: one demo user per role, with random passwords.

The passwords are written to var/demo-logins.txt (see demo/users.py) and printed by
`manage.py ensure_admin`, which `make run` calls last.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.choices import Role
from demo.users import ensure_admin, ensure_user, logins_file
from municipalities.models import Municipality

DEMO_OFFICER_MUNICIPALITY = "VAR06"  # Варна, as in the walkthrough


class Command(BaseCommand):
    help = "Create one demo user per role (ministry, officer of Varna, analyst, operator, admin) if missing."

    def handle(self, *args, **options) -> None:
        municipality = Municipality.objects.filter(code=DEMO_OFFICER_MUNICIPALITY).first()
        if municipality is None:
            raise CommandError(f"Municipality {DEMO_OFFICER_MUNICIPALITY} is missing: run `manage.py import_ekatte`.")
        users = [
            ("ministry", Role.MINISTRY, None),
            ("officer-var06", Role.OFFICER, municipality),
            ("analyst", Role.ANALYST, None),
            ("operator", Role.OPERATOR, None),
        ]
        created = sum(ensure_user(name, role, municipality=m) is not None for name, role, m in users)
        created += ensure_admin() is not None
        self.stdout.write(self.style.SUCCESS(f"Demo users: {created} created; logins are in {logins_file()}."))
