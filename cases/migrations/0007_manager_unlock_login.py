"""Managers (センター管理者) may lift a login lockout."""

from django.db import migrations

MANAGER_GROUP = "センター管理者"


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manager, _ = Group.objects.get_or_create(name=MANAGER_GROUP)
    manager.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="common", codename="unlock_login"
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=MANAGER_GROUP):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="common", codename="unlock_login"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_manager_personal_data_export"),
        ("common", "0008_unlock_login_permission"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
