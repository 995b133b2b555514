"""The stored address keys in the project's one canonical form (issue 26).

email_normalised was NFKC and lower case; it is now also the IDNA-encoded domain without a
trailing dot (common.text.canonical_email), so a key stored before matches one made
now. The function is copied here as it was when this migration was written.
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


def recompute(apps, schema_editor):
    Person = apps.get_model("crm", "Person")
    changed = []
    for person in Person.objects.exclude(email="").only("pk", "email", "email_normalised"):
        key = _canonical_email(person.email)[:254]
        if key != person.email_normalised:
            person.email_normalised = key
            changed.append(person)
    Person.objects.bulk_update(changed, ["email_normalised"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("crm", "0009_merge_permissions")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
