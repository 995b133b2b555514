"""The life cycle has one door: every path to every state goes through case_transition."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from django.core import mail

from cases.exceptions import InvalidTransition
from cases.models import Case, CaseSurvey
from cases.services import TRANSITIONS, case_contact_record, case_transition, case_update

from .factories import make_case, staff_user

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")

STATUSES = list(Case.Status.values)
PAIRS = [(a, b) for a in STATUSES for b in STATUSES]


def _allowed(source, target):
    # 紹介済 follows a referral (case_assign): never by hand on a case without one (issue 29).
    return target in TRANSITIONS[source] and target != Case.Status.ASSIGNED


@pytest.mark.parametrize("source,target", PAIRS)
def test_a_direct_post_of_every_transition_finds_no_side_door(client, source, target):
    staff = staff_user()
    case = make_case(status=source)
    client.force_login(staff)
    response = client.post(
        f"/admin/cases/{case.pk}/transition/",
        # Extra fields a hand-made POST might add are not a way to close without the form.
        {"to_status": target, "comment": "理由", "support_given": "x", "outcome": "y"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    moved = _allowed(source, target) and target != Case.Status.CLOSED
    assert case.status == (target if moved else source)
    # Neither the status nor anything else but a recorded contact is the first response.
    assert case.first_responded_on is None
    assert not CaseSurvey.objects.filter(case=case).exists()


@pytest.mark.parametrize("source,target", PAIRS)
def test_the_service_refuses_the_same_transitions(source, target):
    staff = staff_user()
    case = make_case(status=source)
    if not _allowed(source, target) or target == Case.Status.CLOSED:
        with pytest.raises(InvalidTransition):
            case_transition(case=case, to_status=target, by=staff, comment="理由")
        case.refresh_from_db()
        assert case.status == source
    else:
        case = case_transition(case=case, to_status=target, by=staff, comment="理由")
        assert case.status == target
    assert case.first_responded_on is None


@pytest.mark.parametrize("source", [s for s in STATUSES if _allowed(s, Case.Status.CLOSED)])
@pytest.mark.parametrize("support,outcome", [("", ""), ("支援した", ""), ("", "解決")])
def test_closing_needs_both_support_and_outcome_on_every_path(client, source, support, outcome):
    staff = staff_user()
    case = make_case(status=source)
    client.force_login(staff)
    page = client.post(
        f"/admin/cases/{case.pk}/close/",
        {"support_given": support, "outcome": outcome},
        follow=True,
    )
    assert "対応内容と結果を入力してください" in page.content.decode()
    with pytest.raises(InvalidTransition, match="対応内容と結果"):
        case_transition(
            case=case, to_status="closed", by=staff, support_given=support, outcome=outcome
        )
    case.refresh_from_db()
    assert case.status == source and not CaseSurvey.objects.filter(case=case).exists()


@pytest.mark.parametrize("path", ["close_view", "transition_view", "service"])
def test_every_close_creates_the_survey_and_mails_it(
    client, path, django_capture_on_commit_callbacks
):
    staff = staff_user()
    case = make_case(status=Case.Status.IN_PROGRESS)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        if path == "close_view":
            client.post(
                f"/admin/cases/{case.pk}/close/", {"support_given": "支援", "outcome": "解決"}
            )
        elif path == "transition_view":
            # Support and outcome written first through the edit form, then the status.
            case_update(case=case, by=staff, support_given="支援", outcome="解決")
            client.post(f"/admin/cases/{case.pk}/transition/", {"to_status": "closed"})
        else:
            case_transition(
                case=case, to_status="closed", by=staff, support_given="支援", outcome="解決"
            )
    case.refresh_from_db()
    assert case.status == "closed"
    survey = CaseSurvey.objects.get(case=case)
    assert [m.to for m in mail.outbox if survey.token in m.body] == [[case.contact.email]]


def test_the_first_response_is_the_first_recorded_contact_not_a_click(client):
    staff = staff_user()
    with time_machine.travel(dt.datetime(2026, 4, 6, 9, 0, tzinfo=TOKYO), tick=False):
        case = make_case(received_on=dt.date(2026, 4, 6))
        client.force_login(staff)
        client.post(f"/admin/cases/{case.pk}/transition/", {"to_status": "triage"})
        client.post(f"/admin/cases/{case.pk}/note/", {"body": "社内メモ", "visibility": "internal"})
        case.refresh_from_db()
        assert case.status == "triage" and case.first_responded_on is None
    with time_machine.travel(dt.datetime(2026, 4, 8, 9, 0, tzinfo=TOKYO), tick=False):
        client.force_login(staff)  # sessions end after 12 hours
        client.post(
            f"/admin/cases/{case.pk}/note/",
            {"body": "電話で状況を伺った", "visibility": "internal", "contact": "call"},
        )
        case.refresh_from_db()
        assert case.first_responded_on == dt.date(2026, 4, 8)
    with time_machine.travel(dt.datetime(2026, 4, 10, 9, 0, tzinfo=TOKYO), tick=False):
        case_contact_record(case=case, by=staff, kind="meeting", body="来所")
        case.refresh_from_db()
        assert case.first_responded_on == dt.date(2026, 4, 8)  # the first one counts
    client.force_login(staff)
    html = client.get(f"/admin/cases/inspect/{case.pk}/").content.decode()
    assert "相談者と連絡" in html and "電話で状況を伺った" in html


def test_the_edit_form_cannot_set_the_first_response(client):
    staff = staff_user()
    case = make_case(status=Case.Status.TRIAGE)
    with pytest.raises(ValueError):
        case_update(case=case, by=staff, first_responded_on=dt.date(2026, 1, 5))
    client.force_login(staff)
    html = client.get(f"/admin/cases/edit/{case.pk}/").content.decode()
    assert 'name="first_responded_on"' not in html
