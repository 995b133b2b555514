"""The database cache's table comes with the migrations, so `migrate` is the only database step.

`createcachetable` creates the table of every configured DatabaseCache and skips those that
exist; with a local-memory, file or Redis cache it does nothing. Running it again later (the
Makefile and the deploy runbook still do) is harmless.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("common", "0005_otp_permission")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
