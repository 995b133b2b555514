"""Staff work: each case's owner on the staff, and the mails that keep staff on top of cases.

A case's owner is ``Case.handled_by`` (担当職員): set by hand on the case, or at triage to the
staff member who triages a case nobody owns yet. Each staff member chooses how to hear of a new
consultation (a mail each, a daily digest, or nothing) and whether to get the morning list of
first responses due today and overdue. Every mail goes through the outbox.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from common.dates import format_date_ja
from common.mail import outbox_add
from common.scheduling import office_open, scheduled_job

from .models import Case, StaffMailPreference

STAFF_PERMISSION = "cases.change_case"


def _admin_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def case_owner_claim(*, case: Case, by) -> bool:
    """At triage, a case nobody owns becomes the triaging staff member's (True when set)."""
    if case.handled_by_id is not None or by is None or not getattr(by, "is_authenticated", False):
        return False
    case.handled_by = by
    return True


def case_list_owned_open(*, user) -> QuerySet[Case]:
    """The open cases this staff member owns, the most urgent first response first."""
    return (
        Case.objects.filter(handled_by=user, status__in=Case.OPEN_STATUSES)
        .select_related("organisation")
        .order_by("first_response_due", "received_on", "pk")
    )


def staff_recipients() -> QuerySet:
    """Active staff who work on cases and have an address."""
    return (
        get_user_model()
        .objects.with_perm(
            STAFF_PERMISSION,
            include_superusers=True,
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def staff_mail_preference_for(user) -> StaffMailPreference:
    """This user's preference (the defaults, unsaved, when never set)."""
    return StaffMailPreference.objects.filter(user=user).first() or StaffMailPreference(user=user)


def staff_mail_preference_set(*, user, new_case: str, morning_list: bool) -> StaffMailPreference:
    """Save how this staff member wants to hear of new consultations and due first responses."""
    with transaction.atomic():
        preference, _created = StaffMailPreference.objects.select_for_update().get_or_create(
            user=user
        )
        preference.new_case = new_case
        preference.morning_list = morning_list
        preference.full_clean()
        preference.save()
    return preference


def _case_line(case: Case) -> dict:
    return {
        "reference": case.reference,
        "subject": case.subject,
        "organisation": case.organisation.name,
        "category": case.get_category_display(),
        "due": format_date_ja(case.first_response_due) if case.first_response_due else "",
        "owner": str(case.handled_by) if case.handled_by_id else "",
        "url": _admin_url(reverse("cases:inspect", args=[case.pk])),
    }


def staff_new_case_notify(*, case: Case) -> int:
    """Mail each staff member who asked for a mail per new consultation (inside the intake)."""
    chose_digest_or_none = StaffMailPreference.objects.exclude(
        new_case=StaffMailPreference.NewCase.EACH
    ).values_list("user_id", flat=True)
    sent = 0
    for user in staff_recipients().exclude(pk__in=chose_digest_or_none):
        outbox_add(
            to=user.email,
            template="staff_new_case",
            context={"case": _case_line(case)},
            related=case,
            related_label=case.reference,
        )
        sent += 1
    return sent


def _preference(user, preferences: dict[int, StaffMailPreference]) -> StaffMailPreference:
    return preferences.get(user.pk) or StaffMailPreference.objects.get_or_create(user=user)[0]


@scheduled_job("staff_new_case_digest")
def staff_new_case_digest(now: dt.datetime) -> int | None:
    """Once a business day, in office hours: the consultations received since the last digest,
    to those who chose it.

    Progress is per recipient (digest_sent_at, written with the mail): a run that fails half-way
    is finished by the next tick, and nobody gets the day's digest twice."""
    if not office_open(now):
        return None
    today = timezone.localdate(now)
    start_of_day = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    preferences = {
        p.user_id: p
        for p in StaffMailPreference.objects.filter(
            new_case=StaffMailPreference.NewCase.DIGEST
        ).exclude(digest_sent_at__gte=start_of_day)
    }
    if not preferences:
        return None
    sent = 0
    for user in staff_recipients().filter(pk__in=preferences):
        with transaction.atomic():
            preference = StaffMailPreference.objects.select_for_update().get(
                pk=preferences[user.pk].pk
            )
            last = preference.digest_sent_at
            if last is not None and timezone.localdate(last) == today:
                continue
            since = last or now - dt.timedelta(days=1)
            cases = list(
                Case.objects.filter(created_at__gt=since, created_at__lte=now)
                .select_related("organisation", "handled_by")
                .order_by("received_on", "pk")
            )
            preference.digest_sent_at = now
            preference.save(update_fields=["digest_sent_at"])
            if not cases:
                continue
            outbox_add(
                to=user.email,
                template="staff_new_case_digest",
                context={
                    "date": format_date_ja(today),
                    "cases": [_case_line(c) for c in cases],
                },
            )
            sent += 1
    return sent


def first_responses_due(*, today: dt.date) -> tuple[list[Case], list[Case]]:
    """Open cases without a first response: due today, and overdue (oldest first)."""
    pending = (
        Case.objects.filter(
            status__in=Case.OPEN_STATUSES,
            first_responded_on__isnull=True,
            first_response_due__lte=today,
        )
        .select_related("organisation", "handled_by")
        .order_by("first_response_due", "pk")
    )
    due_today_list, overdue = [], []
    for case in pending:
        (due_today_list if case.first_response_due == today else overdue).append(case)
    return due_today_list, overdue


@scheduled_job("staff_morning_list")
def staff_morning_list(now: dt.datetime) -> int | None:
    """Once a business day, in office hours: each staff member gets the first responses due today
    and overdue.

    Progress is per recipient (morning_list_sent_on, written with the mail): a run that fails
    half-way is finished by the next tick, and nobody gets the day's list twice."""
    if not office_open(now):
        return None
    today = timezone.localdate(now)
    done = StaffMailPreference.objects.filter(
        Q(morning_list=False) | Q(morning_list_sent_on=today)
    ).values_list("user_id", flat=True)
    waiting = staff_recipients().exclude(pk__in=done)
    if not waiting.exists():
        return None
    due, overdue = first_responses_due(today=today)
    if not (due or overdue):
        return 0
    sent = 0
    for user in waiting:
        with transaction.atomic():
            preference, _created = StaffMailPreference.objects.select_for_update().get_or_create(
                user=user
            )
            if preference.morning_list_sent_on == today:
                continue
            preference.morning_list_sent_on = today
            preference.save(update_fields=["morning_list_sent_on"])
            outbox_add(
                to=user.email,
                template="staff_morning_list",
                context={
                    "date": format_date_ja(today),
                    "due": [_case_line(c) for c in due],
                    "overdue": [_case_line(c) for c in overdue],
                    "mine": [c.reference for c in due + overdue if c.handled_by_id == user.pk],
                },
            )
            sent += 1
    return sent
