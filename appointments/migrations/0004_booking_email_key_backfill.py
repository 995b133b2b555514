"""Bookings made before the per-address limit get their address key (issue 26).

0003 added SessionBooking.email_key empty; without a key an older upcoming booking did not count
towards the per-series and per-address limits. The key is the booking's case address in the
project's canonical form (common.text.canonical_email, copied here as it was when this
migration was written).
"""

import contextlib
import unicodedata

from django.db import migrations


def _canonical_email(value):
    text = unicodedata.normalize("NFKC", value or "").strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text.lower()
    domain = domain.strip()
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return f"{local.strip()}@{domain.rstrip('.')}".lower()


def backfill(apps, schema_editor):
    SessionBooking = apps.get_model("appointments", "SessionBooking")
    changed = []
    for booking in SessionBooking.objects.filter(email_key="").select_related("case"):
        key = _canonical_email(booking.case.contact_email)[:254]
        if key:
            booking.email_key = key
            changed.append(booking)
    SessionBooking.objects.bulk_update(changed, ["email_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0003_booking_email_key"),
        ("cases", "0015_case_contact_email_for_its_mails"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
