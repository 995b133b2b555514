"""Merging records is its own permission (issue 26, 6(d)), given to センター管理者 only."""

from django.db import migrations

MANAGER_GROUP = "センター管理者"
CODENAMES = ["merge_organisation", "merge_person"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("crm")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    merge = list(Permission.objects.filter(content_type__app_label="crm", codename__in=CODENAMES))
    manager, _ = Group.objects.get_or_create(name=MANAGER_GROUP)
    manager.permissions.add(*merge)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0008_subscribe_page_channel_and_notice"),
        ("cases", "0004_staff_groups"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="organisation",
            options={
                "ordering": ["name"],
                "permissions": [("merge_organisation", "相談者（団体）を統合できる")],
                "verbose_name": "相談者（団体）",
                "verbose_name_plural": "相談者（団体）",
            },
        ),
        migrations.AlterModelOptions(
            name="person",
            options={
                "permissions": [("merge_person", "担当者を統合できる")],
                "verbose_name": "担当者",
                "verbose_name_plural": "担当者",
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
