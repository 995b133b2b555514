"""Anonymisation after the retention period leaves every statistic as it was."""

import datetime as dt

import pytest

from django.core.management import call_command
from django.utils import timezone

from cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    CaseSurvey,
    ConsentRecord,
    Note,
)
from cases.services import consent_record
from cases.tests.factories import ContactFactory, staff_user
from common.dates import fiscal_year_of
from common.models import OutboxMessage
from common.retention import REMOVED
from crm.models import Person
from events.models import Registration, SeminarSurvey
from reports.report import yearly_report
from tests.people import case_for, closed_case, seminar_with_people, withdrawn_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
FY = fiscal_year_of(TODAY)


def fy_date(fiscal_year: int, month: int = 6, day: int = 10) -> dt.date:
    return dt.date(fiscal_year if month >= 4 else fiscal_year + 1, month, day)


@pytest.fixture
def history(django_capture_on_commit_callbacks):
    """Cases over eight fiscal years and seminars four years and a month ago (defaults 5 and 3)."""
    staff = staff_user()
    with django_capture_on_commit_callbacks(execute=True):
        shared = ContactFactory(family_name="共有", given_name="花子", email="shared@example.jp")
        old = {
            "closed": closed_case(
                staff=staff, received_on=fy_date(FY - 7), closed_on=fy_date(FY - 7, 9)
            ),
            # Closed on the last day of the last fiscal year past retention.
            "edge": closed_case(
                staff=staff, received_on=fy_date(FY - 6, 1), closed_on=fy_date(FY - 6, 3, 31)
            ),
            "example": closed_case(
                staff=staff,
                received_on=fy_date(FY - 6),
                closed_on=fy_date(FY - 6, 8),
                is_report_example=True,
                description="製造業者からDXの進め方の相談",
            ),
            "shared": closed_case(
                staff=staff,
                received_on=fy_date(FY - 6),
                closed_on=fy_date(FY - 6, 7),
                contact=shared,
            ),
            "withdrawn": withdrawn_case(staff=staff, received_on=fy_date(FY - 7, 11)),
        }
        recent = {
            # Received long ago, closed within the retention period: kept.
            "late_close": closed_case(
                staff=staff, received_on=fy_date(FY - 6, 2), closed_on=fy_date(FY - 5, 4, 1)
            ),
            "shared": closed_case(
                staff=staff,
                received_on=fy_date(FY - 1),
                closed_on=fy_date(FY - 1, 9),
                contact=shared,
            ),
            "open": case_for(ContactFactory(), received_on=fy_date(FY - 7, 5)),
            "current": case_for(ContactFactory(), received_on=TODAY),
        }
        _old_seminar, old_people = seminar_with_people(
            days=-(4 * 365 + 30),
            people=[("古田 一郎", "furuta@example.jp"), ("古川 二郎", "furukawa@example.jp")],
            title="四年前のセミナー",
        )
        _new_seminar, new_people = seminar_with_people(
            days=-30, people=[("新井 三郎", "arai@example.jp")], title="先月のセミナー"
        )
    return {
        "shared": shared,
        "old": old,
        "recent": recent,
        "old_people": old_people,
        "new_people": new_people,
    }


def reports() -> dict[int, dict]:
    return {fy: yearly_report(fy) for fy in range(FY - 8, FY + 1)}


def snapshot() -> list:
    """Every row retention may touch, field by field."""
    models = [Case, Person, Note, Assignment, Attachment, CaseEvent, CaseSurvey]
    models += [OutboxMessage, Registration, SeminarSurvey]
    rows = [list(model.objects.order_by("pk").values()) for model in models]
    rows += [
        list(Case.history.order_by("pk").values()),
        list(Person.history.order_by("pk").values()),
    ]
    return rows


def test_retention_anonymises_old_personal_data_and_keeps_every_statistic(
    history, capsys, django_capture_on_commit_callbacks
):
    before = reports()
    assert before[FY - 7]["cases"]["total"] == 3
    seminar_fy = fiscal_year_of(history["old_people"][0].seminar.starts_at.date())
    assert [s["attended"] for s in before[seminar_fy]["seminars"]] == [2]
    files = [a.file.name for a in Attachment.objects.filter(case__in=history["old"].values())]
    storage = Attachment._meta.get_field("file").storage
    assert files and all(storage.exists(name) for name in files)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--today", TODAY.isoformat())
    line = capsys.readouterr().out.strip()
    assert "\n" not in line
    assert "cases 5" in line and "registrations 2" in line

    assert reports() == before

    for key, case in history["old"].items():
        case.refresh_from_db()
        assert case.anonymised_at is not None, key
        if key == "example":
            # Published in the yearly report: the text stays as staff wrote it.
            assert case.description == "製造業者からDXの進め方の相談"
        else:
            assert case.description == REMOVED
            assert case.subject == REMOVED
        assert case.status in ("closed", "withdrawn")
        assert case.requester_type == "business" and case.municipality_id == "242012"
        # The address the case's mails went to (issue 26) goes with the rest, history included.
        assert case.contact_email == ""
        assert not Case.history.filter(id=case.pk, contact_email__contains="@").exists()
        # The one search (issue 29) finds it by its reference only, no longer by the address.
        assert case.search_key == case.reference.lower()
        assert all(n.body == REMOVED for n in case.notes.all())
        assert all(a.note == REMOVED for a in case.assignments.all())
        assert not case.attachments.exists()
        assert all(e.comment in ("", REMOVED) for e in case.events.all())
        mails = OutboxMessage.objects.filter(related_label=case.reference)
        assert mails.exists() if key != "withdrawn" else True
        assert all(m.to_email == "" and m.context == {} for m in mails)
        assert not any("です" in (h.description or "") for h in Case.history.filter(id=case.pk)), (
            key
        )
    assert not any(storage.exists(name) for name in files)
    assert CaseSurvey.objects.get(case=history["old"]["closed"]).comment == REMOVED
    assert CaseSurvey.objects.get(case=history["old"]["closed"]).satisfaction == 5

    contact = history["old"]["closed"].contact
    contact.refresh_from_db()
    assert (contact.family_name, contact.given_name, contact.email, contact.phone) == (
        REMOVED,
        "",
        "",
        "",
    )
    assert contact.family_name_kana == contact.given_name_kana == ""
    assert contact.search_key == ""
    assert not Person.history.filter(id=contact.pk, email__contains="@").exists()
    organisation = history["old"]["closed"].organisation
    organisation.refresh_from_db()
    assert organisation.name == REMOVED
    assert organisation.search_key == ""
    assert organisation.industry == "製造業" and organisation.requester_type == "business"

    # The contact of an old case who came back last year keeps their details.
    shared = Person.objects.get(email="shared@example.jp")
    assert (shared.family_name, shared.anonymised_at) == ("共有", None)
    assert shared.organisation.name != REMOVED

    for key, case in history["recent"].items():
        case.refresh_from_db()
        assert case.anonymised_at is None, key
        assert case.description != REMOVED
        assert case.contact.anonymised_at is None
        assert "@example.jp" in case.contact.email
        assert case.contact_email == case.contact.email
        assert all(n.body != REMOVED for n in case.notes.all())
    assert Attachment.objects.filter(case=history["recent"]["late_close"]).exists()

    for registration in history["old_people"]:
        registration.refresh_from_db()
        assert registration.anonymised_at is not None
        assert registration.name == REMOVED
        assert registration.name_kana == registration.organisation == registration.question == ""
        assert registration.email.endswith("@example.invalid")
        assert registration.search_key == ""
        assert registration.status == "confirmed" and registration.checked_in_at is not None
        assert registration.requester_type == "business"
        assert registration.survey.comment == REMOVED
        assert registration.survey.satisfaction == 4
        assert not OutboxMessage.objects.filter(
            to_email__in=["furuta@example.jp", "furukawa@example.jp"]
        ).exists()
    assert not Registration.history.filter(name__in=["古田 一郎", "古川 二郎"]).exists()
    for registration in history["new_people"]:
        registration.refresh_from_db()
        assert (registration.name, registration.anonymised_at) == ("新井 三郎", None)
        assert OutboxMessage.objects.filter(to_email="arai@example.jp").exists()

    # A second run finds nothing left to do and changes nothing.
    state = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--today", TODAY.isoformat())
    assert set(capsys.readouterr().out.split(": ", 1)[1].replace(",", "").split()[1::2]) == {"0"}
    assert snapshot() == state
    assert reports() == before


def test_dry_run_counts_and_changes_nothing(history, capsys):
    state = snapshot()
    call_command("apply_retention", "--dry-run", "--today", TODAY.isoformat())
    out = capsys.readouterr().out
    assert out.startswith("dry run") and "cases 5" in out
    assert snapshot() == state


def test_a_shorter_setting_reaches_more_recent_cases(history, settings):
    settings.DXCENTER_CASE_RETENTION_FISCAL_YEARS = 0
    call_command("apply_retention", "--today", TODAY.isoformat())
    # Every ended case of a past fiscal year; the open ones and this year's stay.
    assert Case.objects.filter(anonymised_at__isnull=False).count() == 7
    history["shared"].refresh_from_db()
    assert history["shared"].anonymised_at is not None
    history["recent"]["open"].refresh_from_db()
    assert history["recent"]["open"].anonymised_at is None


def test_run_scheduled_applies_retention_once_a_day(history, capsys):
    call_command("run_scheduled", "--only", "apply_retention", "access_log_purge")
    out = capsys.readouterr().out
    assert "apply_retention: 0" not in out and "access_log_purge: 0" in out
    assert Case.objects.filter(anonymised_at__isnull=False).count() == 5
    call_command("run_scheduled", "--only", "apply_retention")
    assert "apply_retention: done" in capsys.readouterr().out


def test_retention_blanks_the_consent_notes_and_their_history(history):
    staff = staff_user()
    old = history["old"]["closed"]
    kept = history["recent"]["shared"]
    for case in (old, kept):
        consent_record(
            case=case,
            by=staff,
            given=False,
            method="phone",
            note="山田太郎様 090-1234-5678 から電話で撤回",
        )
    call_command("apply_retention", "--today", TODAY.isoformat())

    assert {c.note for c in ConsentRecord.objects.filter(case=old)} <= {"", REMOVED}
    assert REMOVED in {c.note for c in ConsentRecord.objects.filter(case=old)}
    assert not ConsentRecord.history.filter(case_id=old.pk, note__contains="090").exists()
    # The decisions themselves stay: the consent history is still readable as yes, then no.
    assert [c.referral_consent for c in ConsentRecord.objects.filter(case=old)] == [True, False]
    assert ConsentRecord.objects.filter(case=kept, note__contains="090").exists()
