from decimal import Decimal

from django.db import migrations


def add_targets(apps, schema_editor):
    """みえデジタルプラン (FY2023–FY2026): 支援に対する貢献度 target 90 % every year."""
    KpiTarget = apps.get_model("reports", "KpiTarget")
    for year in range(2023, 2027):
        KpiTarget.objects.get_or_create(
            fiscal_year=year, key="contribution_rate", defaults={"target": Decimal("90.0")}
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(add_targets, migrations.RunPython.noop)]
