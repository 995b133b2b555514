"""Staff edit seminars (dates, venues, seats, cancellation) and programmes in the admin."""

from django.db import migrations

STAFF = [
    "view_seminar",
    "add_seminar",
    "change_seminar",
    "view_seminarprogramme",
    "add_seminarprogramme",
    "change_seminarprogramme",
]
MANAGER_EXTRA = ["delete_seminar", "delete_seminarprogramme"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after migrate; the groups need them now.
    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="events")
    for name, codenames in (
        ("センター職員", STAFF),
        ("センター管理者", STAFF + MANAGER_EXTRA),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0013_seminar_keys_constraints"),
        ("cases", "0004_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
