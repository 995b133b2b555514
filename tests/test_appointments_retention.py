"""Issue 19 gaps: the advisor's notes of a 個別相談会 booking go with its case at retention, and
a disclosure shows the person's bookings."""

import datetime as dt

import pytest

from django.core.management import call_command
from django.utils import timezone

from appointments.models import SessionBooking
from appointments.tests.factories import make_series
from cases.tests.factories import staff_user
from common.disclosure import disclosure_export
from common.retention import REMOVED
from tests.people import closed_case

pytestmark = pytest.mark.django_db


def _booking(slot, case, discussed):
    return SessionBooking.objects.create(slot=slot, case=case, discussed=discussed)


def test_retention_blanks_the_advisors_notes_with_the_case_and_keeps_recent_ones(
    django_capture_on_commit_callbacks,
):
    today = timezone.localdate()
    staff = staff_user()
    long_ago = today - dt.timedelta(days=365 * 8)
    with django_capture_on_commit_callbacks(execute=True):
        old_case = closed_case(staff=staff, received_on=long_ago, closed_on=long_ago)
        recent_case = closed_case(
            staff=staff, received_on=today - dt.timedelta(days=10), closed_on=today
        )
    first, second = make_series(slots=2).slots.all()[:2]
    old = _booking(first, old_case, "伊勢社長の在庫管理の悩み")
    recent = _booking(second, recent_case, "来月に再相談")
    assert disclosure_export(old_case.contact.email)["session_bookings"][0]["discussed"] == (
        "伊勢社長の在庫管理の悩み"
    )

    call_command("apply_retention", "--today", today.isoformat())

    old.refresh_from_db()
    assert old.discussed == REMOVED
    assert all(h.discussed in ("", REMOVED) for h in old.history.all())
    recent.refresh_from_db()
    assert recent.discussed == "来月に再相談"
    assert old.case.__class__.objects.get(pk=old_case.pk).anonymised_at is not None
