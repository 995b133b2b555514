"""Seed the cluster test's database; prints one JSON line with what the test needs.

Run as `python tests/cluster/seed.py` with DJANGO_SETTINGS_MODULE and DATABASE_URL set."""

import datetime as dt
import json
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django

django.setup()

from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.services import assignment_accept, case_assign, case_transition  # noqa: E402
from cases.tests.factories import make_case, staff_user  # noqa: E402
from cms import demo  # noqa: E402
from events.models import Seminar, SeminarIndexPage, SeminarPage  # noqa: E402
from partners.models import Membership, PartnerCompany  # noqa: E402

TOKYO = ZoneInfo("Asia/Tokyo")
PASSWORD = os.environ["CLUSTER_PASSWORD"]


def seminar(index, *, days: int, capacity: int, slug: str) -> SeminarPage:
    starts = (
        (timezone.now() + dt.timedelta(days=days))
        .astimezone(TOKYO)
        .replace(hour=14, minute=0, second=0, microsecond=0)
    )
    record = Seminar.objects.create(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        format="venue",
        venue_name="津市の会場",
        venue_address="三重県津市広明町13",
        capacity_venue=capacity,
    )
    page = SeminarPage(title=f"クラスタ試験セミナー{days}", slug=slug, seminar=record)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def main():
    home = demo.seed_site()
    index = SeminarIndexPage.objects.child_of(home).first()
    if index is None:
        index = SeminarIndexPage(title="セミナー", slug="seminars")
        home.add_child(instance=index)
        index.save_revision().publish()
    registrations = int(os.environ["CLUSTER_REGISTRATIONS"])
    # Two reminder periods: the schedulers' clock is moved to the day before each.
    full = seminar(index, days=3, capacity=registrations * 3 // 8, slug="cluster-full")
    roomy = seminar(index, days=4, capacity=registrations, slug="cluster-roomy")
    # A draft of the index page, published through one node during the test.
    index.title = "セミナー（クラスタで公開）"
    index.save_revision()

    admin = User.objects.create_superuser("cluster-admin", "admin@example.jp", PASSWORD)
    # The second factor is on as in production: the operator enrols the admin's device here,
    # and the test computes its codes from the key.
    admin_device = TOTPDevice.objects.create(user=admin, name="cluster", confirmed=True)
    victim = staff_user("cluster-victim")
    victim.set_password(PASSWORD)
    victim.save()
    staff = staff_user("cluster-staff")
    partners = {}
    for key, name in (("a", "株式会社担当"), ("b", "株式会社別会社")):
        company = PartnerCompany.objects.create(name=name, kind="it_vendor")
        member = User.objects.create_user(f"member-{key}", f"member-{key}@example.jp", PASSWORD)
        Membership.objects.create(company=company, user=member)
        partners[key] = (company, member)
    case = make_case()
    case_transition(case=case, to_status="triage", by=staff)
    assignment = case_assign(case=case, assignee=partners["a"][0], by=staff)
    assignment_accept(assignment=assignment, by=partners["a"][1])
    print(
        json.dumps(
            {
                "full": {
                    "pk": full.seminar_id,
                    "url": full.url,
                    "capacity": full.seminar.capacity_venue,
                },
                "roomy": {
                    "pk": roomy.seminar_id,
                    "url": roomy.url,
                    "capacity": roomy.seminar.capacity_venue,
                },
                "register_urls": {
                    "full": reverse("events:register", args=[full.pk]),
                    "roomy": reverse("events:register", args=[roomy.pk]),
                },
                "index": {"pk": index.pk, "url": index.url, "draft_title": index.title},
                "admin": admin.username,
                "admin_otp_key": admin_device.key,
                "victim": victim.username,
                "members": {k: m.email for k, (_c, m) in partners.items()},
                "assignment": assignment.pk,
            }
        )
    )


if __name__ == "__main__":
    main()
