from django.db import migrations

STAFF = [
    "view_subscription", "add_subscription", "change_subscription",
    "view_campaign", "add_campaign", "change_campaign",
]
MANAGER_EXTRA = ["delete_campaign"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("crm")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff = list(Permission.objects.filter(content_type__app_label="crm", codename__in=STAFF))
    extra = list(
        Permission.objects.filter(content_type__app_label="crm", codename__in=MANAGER_EXTRA)
    )
    for group in Group.objects.filter(name="センター職員"):
        group.permissions.add(*staff)
    for group in Group.objects.filter(name="センター管理者"):
        group.permissions.add(*staff, *extra)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0005_newsletter_and_campaigns"),
        ("cases", "0004_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
