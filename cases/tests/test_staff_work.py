"""Issue 18 (staff work): each case has an owner; staff hear of new consultations as they
chose (a mail each or a daily digest) and get a morning list of first responses due."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import Case, StaffMailPreference
from cases.services import case_submit, case_transition
from cases.staff_work import (
    staff_mail_preference_set,
    staff_morning_list,
    staff_new_case_digest,
)
from common.models import OutboxMessage, PurposeNotice
from crm.requester import Requester

from .factories import UserFactory, make_case, staff_user

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def _submit(**changes):
    fields = {
        "requester": Requester(
            requester_type="business",
            organisation_name="株式会社津みらい製作所",
            industry="製造業",
            family_name="三重",
            given_name="太郎",
            family_name_kana="ミエ",
            given_name_kana="タロウ",
            email="taro@example.jp",
            phone="059-224-0000",
        ),
        "category": "problem_solving",
        "subject": "在庫管理",
        "description": "在庫をスマホで管理したい。",
        "referral_consent": True,
        "notice": PurposeNotice.current("consultation"),
    }
    fields.update(changes)
    return case_submit(**fields)


def _mails(template):
    return sorted(
        OutboxMessage.objects.filter(template=template).values_list("to_email", flat=True)
    )


def test_triage_makes_the_triaging_staff_member_the_owner_unless_someone_owns_it():
    alice, bob = staff_user("alice"), staff_user("bob")
    case = make_case()
    case = case_transition(case=case, to_status=Case.Status.TRIAGE, by=alice)
    assert case.handled_by == alice
    other = make_case(handled_by=bob)
    other = case_transition(case=other, to_status=Case.Status.TRIAGE, by=alice)
    assert other.handled_by == bob


def test_my_cases_filter_and_home_panel_show_only_my_open_cases(client):
    alice, bob = staff_user("alice"), staff_user("bob")
    mine = make_case(handled_by=alice, subject="わたしの相談")
    make_case(handled_by=alice, status=Case.Status.CLOSED, subject="終わった相談")
    theirs = make_case(handled_by=bob, subject="ほかの人の相談")
    client.force_login(alice)
    listing = client.get("/admin/cases/?mine=true").content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    home = client.get("/admin/").content.decode()
    assert "自分の担当" in home
    assert mine.reference in home
    assert theirs.reference not in home and "終わった相談" not in home


def test_a_new_consultation_mails_staff_who_want_each_one_and_not_the_digest_readers(
    django_capture_on_commit_callbacks,
):
    staff_user("each")
    digest = staff_user("digest")
    staff_mail_preference_set(user=digest, new_case="digest", morning_list=True)
    UserFactory(username="outsider")  # not staff: never mailed
    with django_capture_on_commit_callbacks():
        _submit()
    assert _mails("staff_new_case") == ["each@example.jp"]


def test_the_digest_lists_new_consultations_once_a_day_to_those_who_chose_it():
    digest = staff_user("digest")
    staff_user("each")
    staff_mail_preference_set(user=digest, new_case="digest", morning_list=False)
    with time_machine.travel(dt.datetime(2026, 6, 1, 14, tzinfo=TOKYO), tick=False):
        case = _submit()
    morning = dt.datetime(2026, 6, 2, 9, tzinfo=TOKYO)
    with time_machine.travel(morning, tick=False):
        staff_new_case_digest(morning)
        staff_new_case_digest(morning + dt.timedelta(hours=1))
    digests = OutboxMessage.objects.filter(template="staff_new_case_digest")
    assert [m.to_email for m in digests] == ["digest@example.jp"]
    assert [c["reference"] for c in digests.get().context["cases"]] == [case.reference]
    # The next day lists only what came after.
    later = dt.datetime(2026, 6, 3, 9, tzinfo=TOKYO)
    with time_machine.travel(later, tick=False):
        staff_new_case_digest(later)
    assert digests.count() == 1


def test_the_morning_list_names_first_responses_due_today_and_overdue_once_a_day():
    """On a June morning: the cases are made that day, so the test holds whatever day it runs."""
    now = dt.datetime(2026, 6, 10, 9, 30, tzinfo=TOKYO)
    today = now.date()
    with time_machine.travel(now, tick=False):
        alice = staff_user("alice")
        quiet = staff_user("quiet")
        staff_mail_preference_set(user=quiet, new_case="each", morning_list=False)
        overdue = make_case(received_on=today - dt.timedelta(days=10), handled_by=alice)
        due = make_case(received_on=today - dt.timedelta(days=5))
        Case.objects.filter(pk=due.pk).update(first_response_due=today)
        answered = make_case(received_on=today - dt.timedelta(days=10))
        Case.objects.filter(pk=answered.pk).update(first_responded_on=today - dt.timedelta(days=9))
        later = make_case(received_on=today)
        staff_morning_list(now)
        staff_morning_list(now + dt.timedelta(hours=2))
    message = OutboxMessage.objects.get(template="staff_morning_list")
    assert message.to_email == "alice@example.jp"
    assert [c["reference"] for c in message.context["overdue"]] == [overdue.reference]
    assert [c["reference"] for c in message.context["due"]] == [due.reference]
    assert message.context["mine"] == [overdue.reference]
    assert later.reference not in str(message.context)
    assert StaffMailPreference.objects.get(user=alice).morning_list_sent_on == today


def test_staff_set_their_preference_in_account_settings(client):
    alice = staff_user("alice")
    client.force_login(alice)
    page = client.get("/admin/account/")
    assert "新しい相談の通知" in page.content.decode()
    # Opening the settings writes nothing; saving goes through staff_mail_preference_set.
    assert not StaffMailPreference.objects.filter(user=alice).exists()
    response = client.post(
        "/admin/account/",
        {
            "staff_mail-new_case": "digest",
            "name_email-first_name": alice.first_name,
            "name_email-last_name": alice.last_name,
            "name_email-email": alice.email,
            "locale-preferred_language": "ja",
            "locale-current_time_zone": "Asia/Tokyo",
            "theme-theme": "system",
            "theme-contrast": "system",
            "theme-density": "default",
        },
    )
    assert response.status_code == 302
    assert StaffMailPreference.objects.get(user=alice).new_case == "digest"


def test_a_morning_list_run_that_failed_half_way_is_finished_by_the_next_tick(monkeypatch):
    """Issue 27: the database locked after the first mail; the next tick mails the others,
    and the first one does not get the list twice."""
    from django.db import OperationalError

    from cases import staff_work

    now = dt.datetime(2026, 6, 10, 9, 30, tzinfo=TOKYO)  # a Wednesday, in office hours
    today = now.date()
    with time_machine.travel(now, tick=False):
        for name in ("alice", "bob", "carol"):
            staff_user(name)
        make_case(received_on=today - dt.timedelta(days=10))
        real, calls = staff_work.outbox_add, {"n": 0}

        def locked_after_one(**kwargs):
            calls["n"] += 1
            if calls["n"] > 1:
                raise OperationalError("database is locked")
            return real(**kwargs)

        monkeypatch.setattr(staff_work, "outbox_add", locked_after_one)
        with pytest.raises(OperationalError):
            staff_morning_list(now)
        monkeypatch.setattr(staff_work, "outbox_add", real)
        staff_morning_list(now + dt.timedelta(minutes=5))
        staff_morning_list(now + dt.timedelta(minutes=10))
    assert sorted(_mails("staff_morning_list")) == [
        "alice@example.jp",
        "bob@example.jp",
        "carol@example.jp",
    ]


def test_a_digest_run_that_failed_half_way_is_finished_by_the_next_tick(monkeypatch):
    from django.db import OperationalError

    from cases import staff_work

    for name in ("d1", "d2"):
        staff_mail_preference_set(user=staff_user(name), new_case="digest", morning_list=False)
    with time_machine.travel(dt.datetime(2026, 6, 1, 14, tzinfo=TOKYO), tick=False):
        _submit()
    morning = dt.datetime(2026, 6, 2, 9, 30, tzinfo=TOKYO)  # a Tuesday, in office hours
    with time_machine.travel(morning, tick=False):
        real, calls = staff_work.outbox_add, {"n": 0}

        def locked_after_one(**kwargs):
            calls["n"] += 1
            if calls["n"] > 1:
                raise OperationalError("database is locked")
            return real(**kwargs)

        monkeypatch.setattr(staff_work, "outbox_add", locked_after_one)
        with pytest.raises(OperationalError):
            staff_new_case_digest(morning)
        monkeypatch.setattr(staff_work, "outbox_add", real)
        staff_new_case_digest(morning + dt.timedelta(minutes=5))
        staff_new_case_digest(morning + dt.timedelta(minutes=10))
    assert sorted(_mails("staff_new_case_digest")) == ["d1@example.jp", "d2@example.jp"]
