from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ronda.accounts.demo import USERS
from ronda.portal.demo import DemoRefused, load_demo


class Command(BaseCommand):
    help = "Load the demo territory, institutions and one user per role (idempotent; refused in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = load_demo()
        except DemoRefused as exc:
            raise CommandError("La carga de datos de demostración está prohibida en producción.") from exc
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({len(created)} users created)."))
        else:
            self.stdout.write("Demo data already present: nothing to do.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {settings.RONDA_DEMO_PASSWORD}):")
        for username, _first, _last, role, unit_code, _area in USERS:
            self.stdout.write(f"  {username:22} {role:20} {unit_code or '-'}")
