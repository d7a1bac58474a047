#!/usr/bin/env python
"""The bench coordinators' second factor: coordinators must verify a TOTP code since issue #7.

``python bench/second_factor.py`` (DATABASE_URL pointing at the bench database; run by
bench/run_planning.sh before gunicorn starts) gives every coordinator listed in
bench/out/planning.json a confirmed TOTP device with the bench's shared key, if they have none
yet. ``code(offset)`` is the code of that key for the current 30-second step (+ ``offset``
steps): the load test and the PDF timing sign in through /cuentas/entrar/ and then
/cuentas/verificacion/, as a person does.

django-otp refuses a code of a step already used by the same device (replay protection) and
accepts the next step's code (tolerance 1), so a client signing in again within the same 30 s
sends ``code(1)``, and ``code(2)`` never works: ``sign_in_codes()`` is what to try, in order.
The key is RFC 6238's test key: a bench database on 127.0.0.1 only, never a real one.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from django_otp.oath import totp

KEY_HEX = "3132333435363738393031323334353637383930"  # RFC 6238 test key (20 bytes)
PLANNING_FILE = Path(__file__).resolve().parent / "out" / "planning.json"


def code(offset: int = 0) -> str:
    return f"{totp(bytes.fromhex(KEY_HEX), t0=-offset * 30):06d}"


def sign_in_codes() -> list[str]:
    """This step's code, then the next step's (for a second sign-in within the same 30 s)."""
    return [code(0), code(1)]


def seconds_to_next_step() -> float:
    return 30 - (time.time() % 30) + 0.2


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ronda.settings")
    import django

    django.setup()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ronda.accounts.models import User

    usernames = [m["coordinator"] for m in json.loads(PLANNING_FILE.read_text(encoding="utf-8"))["municipalities"]]
    users = User.objects.filter(username__in=usernames)
    have = set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True))
    new = [TOTPDevice(user=u, name="bench", key=KEY_HEX, confirmed=True) for u in users if u.pk not in have]
    TOTPDevice.objects.bulk_create(new, batch_size=1000)
    print(f"second factor: {len(new)} TOTP devices created, {len(have)} already there")


if __name__ == "__main__":
    main()
