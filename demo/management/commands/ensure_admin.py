"""`manage.py ensure_admin`: make sure a local administrator exists and print the demo logins."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from demo.users import ensure_admin, logins_file


class Command(BaseCommand):
    help = "Create the 'admin' superuser with a random password if missing; print the demo logins."

    def handle(self, *args, **options) -> None:
        ensure_admin()
        path = logins_file()
        if not path.exists():
            self.stdout.write(
                "The demo users exist but their logins file is gone: "
                "set a password with `manage.py changepassword admin`."
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Demo logins (kept in {path}):"))
        self.stdout.write(path.read_text(encoding="utf-8"))
