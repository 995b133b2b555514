import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from common.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Anonymise personal data past its retention period (closed cases after "
        "CASE_RETENTION_FISCAL_YEARS, seminar registrations after REGISTRATION_RETENTION_YEARS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
        parser.add_argument("--today", help="YYYY-MM-DD instead of today's date")

    def handle(self, *args, dry_run=False, today=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today: not a date: {today}") from None
        counts = retention_apply(today=day, dry_run=dry_run)
        summary = ", ".join(f"{key} {n}" for key, n in counts.items())
        prefix = "dry run, would anonymise" if dry_run else "anonymised"
        self.stdout.write(f"{prefix} ({day.isoformat()}): {summary}")
