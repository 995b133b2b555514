import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from common.scheduling import job_lock, registered_jobs, scheduler_now


class Command(BaseCommand):
    help = (
        "Run every scheduled job once (cron: */5 * * * * python manage.py run_scheduled), "
        "or forever with --every SECONDS beside the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", help="names of the jobs to run")
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds")

    def handle(self, *args, only=None, every=0, **options):
        while True:
            self.run_once(only)
            if not every:
                return
            time.sleep(every)
            # A long-running loop drops a connection the database closed or that is too old
            # (CONN_MAX_AGE) before the next round; a single run keeps the one it was given.
            close_old_connections()

    def run_once(self, only):
        now = scheduler_now()
        for name, job in sorted(registered_jobs().items()):
            if only and name not in only:
                continue
            try:
                with job_lock(name) as mine:
                    if not mine:
                        self.stdout.write(f"{name}: skipped (another scheduler runs it)")
                        continue
                    result = job(now)
            except Exception as exc:
                self.stderr.write(f"{name}: failed: {type(exc).__name__}: {exc}")
                continue
            self.stdout.write(f"{name}: {result if result is not None else 'done'}")
