from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from common.disclosure import (
    disclosure_export,
    disclosure_json,
    disclosure_log,
    disclosure_pdf,
)


class Command(BaseCommand):
    help = (
        "Write everything held about the person with this email address (開示請求) "
        "as JSON or PDF; the export is recorded in the personal-data access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument("--by", help="username recorded as the one who exported")

    def handle(self, *args, email, format, output, by=None, **options):
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"--by: no user {by}")
        data = disclosure_export(email)
        content = disclosure_pdf(data) if format == "pdf" else disclosure_json(data)
        Path(output).write_bytes(content)
        disclosure_log(user=user, email=email, fmt=format)
        found = sum(len(data[key]) for key in data if isinstance(data[key], list))
        self.stdout.write(f"{output}: {found} records, {len(content)} bytes")
