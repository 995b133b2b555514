"""Organisation and Contact move to crm (as crm.Organisation and crm.Person), state only.

The tables are kept (crm's models set db_table); this migration repoints the foreign keys in
state, drops the two models (and their history models) from the cases state, and moves their
content types and permissions to crm so the staff groups keep their rights.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = [("organisation", "organisation"), ("contact", "person")]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for old_model, new_model in MOVED:
        old_ct = ContentType.objects.filter(app_label="cases", model=old_model).first()
        if old_ct is None:
            continue
        new_ct = ContentType.objects.filter(app_label="crm", model=new_model).first()
        if new_ct is None:
            old_ct.app_label, old_ct.model = "crm", new_model
            old_ct.save()
            for perm in Permission.objects.filter(content_type=old_ct):
                perm.codename = perm.codename.replace(f"_{old_model}", f"_{new_model}")
                perm.save()
            continue
        # crm's content type exists already (permissions were created for the new state):
        # give its permissions to whoever had the old ones, then drop the old ones.
        for perm in Permission.objects.filter(content_type=old_ct):
            target, _ = Permission.objects.get_or_create(
                content_type=new_ct,
                codename=perm.codename.replace(f"_{old_model}", f"_{new_model}"),
                defaults={"name": perm.name},
            )
            for group in Group.objects.filter(permissions=perm):
                group.permissions.add(target)
            for user in perm.user_set.all():
                user.user_permissions.add(target)
        old_ct.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_survey_sent_at_only_when_mailed"),
        ("crm", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="contact",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="cases",
                        to="crm.person",
                        verbose_name="担当者",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcase",
                    name="contact",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="crm.person",
                        verbose_name="担当者",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcase",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="crm.organisation",
                        verbose_name="相談者",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="organisation",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="crm.organisation",
                        verbose_name="相談者",
                    ),
                ),
                migrations.DeleteModel(name="HistoricalContact"),
                migrations.DeleteModel(name="Contact"),
                migrations.DeleteModel(name="HistoricalOrganisation"),
                migrations.DeleteModel(name="Organisation"),
            ],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
