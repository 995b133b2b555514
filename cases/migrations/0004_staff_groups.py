from django.db import migrations

STAFF = {
    "wagtailadmin": ["access_admin"],
    "cases": [
        "view_case", "add_case", "change_case",
        "view_organisation", "add_organisation", "change_organisation",
        "view_contact", "add_contact", "change_contact",
        "view_note", "add_note", "change_note",
        "view_assignment", "add_assignment", "change_assignment",
        "view_consentrecord", "view_caseevent", "view_attachment", "add_attachment",
        "view_casesurvey",
    ],
    "partners": ["view_advisor", "view_partnercompany", "view_expertisearea", "view_membership"],
    "common": ["view_outboxmessage", "view_municipality", "view_purposenotice"],
    "events": ["view_registration", "add_registration", "change_registration", "view_seminarsurvey"],
}
MANAGER_EXTRA = {
    "cases": ["delete_case", "delete_note", "delete_assignment", "delete_attachment"],
    "partners": [
        "add_advisor", "change_advisor", "delete_advisor",
        "add_partnercompany", "change_partnercompany", "delete_partnercompany",
        "add_expertisearea", "change_expertisearea", "delete_expertisearea",
        "add_membership", "change_membership", "delete_membership",
    ],
    "common": [
        "view_personaldataaccess", "add_purposenotice", "change_purposenotice",
        "change_centersettings", "view_bouncedaddress",
    ],
    "events": ["delete_registration"],
}

STAFF_GROUP = "センター職員"
MANAGER_GROUP = "センター管理者"


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(spec):
        found = []
        for app_label, codenames in spec.items():
            found += list(
                Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
        return found

    staff, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    staff.permissions.add(*perms(STAFF))
    manager, _ = Group.objects.get_or_create(name=MANAGER_GROUP)
    manager.permissions.add(*perms(STAFF), *perms(MANAGER_EXTRA))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_case_language"),
        ("common", "0003_webhook_events"),
        ("partners", "0001_initial"),
        ("events", "0002_initial"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
