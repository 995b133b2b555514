"""Migration operations for the one search's ``search_key`` columns (common.people_search).

On PostgreSQL a GIN index with pg_trgm's ``gin_trgm_ops`` answers ``LIKE '%needle%'`` from the
index (three characters or more; shorter needles scan). SQLite has neither, so there the
operations do nothing and the search scans, which is fine at a demo's size.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def trigram_index(table: str, column: str, name: str) -> list:
    """Operations creating (and on reverse dropping) a trigram index, on PostgreSQL only."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)'
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return [TrigramExtension(), migrations.RunPython(create, drop, elidable=False)]


def backfill(app_label: str, model_name: str, key) -> migrations.RunPython:
    """Fill ``search_key`` of the existing rows with ``key(row)``, in batches."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        batch = []
        for row in model._base_manager.all().iterator(chunk_size=2000):
            row.search_key = key(row)
            batch.append(row)
            if len(batch) >= 2000:
                model._base_manager.bulk_update(batch, ["search_key"])
                batch = []
        if batch:
            model._base_manager.bulk_update(batch, ["search_key"])

    return migrations.RunPython(forwards, migrations.RunPython.noop)
