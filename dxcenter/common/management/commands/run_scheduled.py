from django.core.management.base import BaseCommand
from django.utils import timezone

from dxcenter.common.scheduling import registered_jobs


class Command(BaseCommand):
    help = "Run every scheduled job once (cron: */10 * * * * python manage.py run_scheduled)."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", help="names of the jobs to run")

    def handle(self, *args, only=None, **options):
        now = timezone.now()
        for name, job in sorted(registered_jobs().items()):
            if only and name not in only:
                continue
            result = job(now)
            self.stdout.write(f"{name}: {result if result is not None else 'done'}")
