import logging
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from appointments import demo as appointments_demo
from cases import demo as cases_demo
from cases.models import Case
from cms import demo as cms_demo
from events import demo as events_demo
from events.models import Seminar
from partners import demo as partners_demo


class Command(BaseCommand):
    help = (
        "Build the demo world (idempotent): staff login, site, advisors, partners, cases, seminars."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("DEMO_ADMIN_USER", "admin"))
        parser.add_argument("--password", default=os.environ.get("DEMO_ADMIN_PASSWORD", ""))
        parser.add_argument(
            "--password-file",
            dest="password_file",
            default=None,
            help="where the demo password is kept (default: .demo-admin-password in the checkout; "
            "a benchmark on a scratch database names its own, so make run's login stays)",
        )

    def handle(self, *args, username, password, password_file, **options):
        # Wagtail logs a line for every page created and published: not what a person running
        # `make run` needs to read.
        wagtail_log = logging.getLogger("wagtail")
        level = wagtail_log.level
        wagtail_log.setLevel(logging.WARNING)
        try:
            self._seed(username, password, password_file)
        finally:
            wagtail_log.setLevel(level)

    def _seed(self, username, password, password_file=None):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        # The generated demo password is kept beside the database (git ignores it) so that
        # every `make run` can print a login that works.
        saved = Path(password_file or Path(settings.BASE_DIR) / ".demo-admin-password")
        created_password = None
        if user is None:
            created_password = password or secrets.token_urlsafe(12)
            saved.write_text(created_password)
            user = User.objects.create_superuser(
                username=username,
                email=f"{username}@example.jp",
                password=created_password,
                first_name="センター",
                last_name="管理者",
            )
        elif password:
            user.set_password(password)
            user.save(update_fields=["password"])
            created_password = password
        elif saved.exists() and user.check_password(saved.read_text().strip()):
            created_password = saved.read_text().strip()
        figures = {}
        figures.update(partners_demo.seed())
        home = cms_demo.seed_site()
        figures.update(events_demo.seed(home))
        cms_demo.seed_menu(home)
        figures.update(cases_demo.seed())
        figures.update(cases_demo.seed_recent())
        figures.update(cases_demo.seed_fresh())
        portal_password = created_password or password
        if portal_password:
            figures.update(partners_demo.seed_users(portal_password))
        figures.update(cases_demo.seed_assignments(user))
        figures.update(cases_demo.seed_referral_history(user))
        figures.update(appointments_demo.seed(home))
        self.stdout.write(self._summary(figures))
        if created_password:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Staff login: http://127.0.0.1:8000/admin/  user: {username}  "
                    f"password: {created_password}"
                )
            )
            if portal_password:
                self.stdout.write(
                    "Partner portal: http://127.0.0.1:8000/partner/  "
                    f"member@isewan-mobile.example.jp or aoyama@advisors.example.jp / {portal_password}"
                )
        else:
            self.stdout.write(
                f"Staff login: http://127.0.0.1:8000/admin/  user: {username} "
                "(password unchanged; pass --password to set one)"
            )
        if settings.DXCENTER_REQUIRE_STAFF_OTP:
            self.stdout.write(
                "Second factor: on. The first admin login sets up an authenticator app "
                "(QR code) and shows one-time recovery codes."
            )
        else:
            self.stdout.write(
                "Second factor: off on this machine (DXCENTER_REQUIRE_STAFF_OTP=false); "
                "production always requires it."
            )

    def _summary(self, figures: dict) -> str:
        """What the demo holds, in a few lines: the figures and the seminars a visitor can book."""
        now = timezone.now()
        years = Case.objects.order_by("fiscal_year").values_list("fiscal_year", flat=True)
        counted_below = ("cases", "recent_cases", "fresh_cases", "seminars")
        lines = [
            "Demo data: "
            + ", ".join(
                f"{key.replace('_', ' ')} {value}"
                for key, value in figures.items()
                if key not in counted_below
            ),
            f"  cases: {Case.objects.count()} (FY{years.first()}–FY{years.last()}), "
            f"open: {Case.objects.exclude(status__in=['closed', 'withdrawn']).count()}",
            f"  seminars: {Seminar.objects.count()}, ahead:",
        ]
        ahead = Seminar.objects.filter(starts_at__gt=now)
        for seminar in ahead.order_by("starts_at"):
            state = "open for registration" if seminar.registration_open(now) else "closed"
            lines.append(
                f"  seminar {timezone.localtime(seminar.starts_at):%Y-%m-%d %H:%M} "
                f"{seminar.title} ({state}): http://127.0.0.1:8000{seminar.url}"
            )
        lines.append("Public site: http://127.0.0.1:8000/  (English: http://127.0.0.1:8000/en/)")
        return "\n".join(lines)
