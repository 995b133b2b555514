"""Password-reset mails used to store their link in the outbox row; keep only the account id."""

from django.db import migrations


def forget_links(apps, schema_editor):
    OutboxMessage = apps.get_model("common", "OutboxMessage")
    for message in OutboxMessage.objects.filter(template__startswith="password_reset"):
        message.context = {k: v for k, v in message.context.items() if k == "user_id"}
        message.save(update_fields=["context"])


class Migration(migrations.Migration):
    dependencies = [("common", "0006_cache_table")]
    operations = [migrations.RunPython(forget_links, migrations.RunPython.noop)]
