"""Issue 29 item 4: the rules live in the model/service layer and every form obeys them.
A closed case changes only by reopening; 紹介済 follows a referral; cases are never deleted;
staff entry refuses a future date, 県・市町 without a 市町 and no way to reach the requester."""

import datetime as dt

import pytest

from django.utils import timezone

from cases.exceptions import InvalidTransition
from cases.forms import TransitionForm
from cases.models import Case
from cases.services import (
    case_allowed_transitions,
    case_close,
    case_transition,
    case_update,
)

from .factories import make_case, staff_user

pytestmark = pytest.mark.django_db

ENTRY = {
    "channel": "phone",
    "requester_type": "business",
    "organisation_name": "株式会社すずか工業",
    "family_name": "鈴鹿",
    "category": "information",
    "subject": "電話相談",
    "description": "電話で相談を受けた。",
    "purpose_explained": "on",
}


def _closed_case(staff):
    case = make_case()
    case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    case_transition(case=case, to_status=Case.Status.IN_PROGRESS, by=staff)
    return case_close(case=case, by=staff, support_given="ツールを紹介した", outcome="導入した")


def _entry(client, **changes):
    client.force_login(staff_user())
    data = {**ENTRY, "received_on": f"{timezone.localdate():%Y/%m/%d}", **changes}
    return client.post("/admin/cases/new/", data)


def test_the_edit_form_cannot_blank_or_recategorise_a_closed_case(client):
    staff = staff_user()
    case = _closed_case(staff)
    client.force_login(staff)
    response = client.post(
        f"/admin/cases/edit/{case.pk}/",
        {
            "contact_email": case.contact_email,
            "requester_type": case.requester_type,
            "category": "training",
            "subject": "件名を直した",
            "description": case.description,
            "support_given": "",
            "outcome": "",
            "handled_by": staff.pk,
        },
    )
    assert response.status_code in (200, 302)
    case.refresh_from_db()
    assert (case.support_given, case.outcome, case.category) == (
        "ツールを紹介した",
        "導入した",
        "problem_solving",
    )
    assert case.subject == "件名を直した"  # the rest stays editable
    edit = client.get(f"/admin/cases/edit/{case.pk}/").content.decode()
    assert "案件を再開してください" in edit


def test_the_service_refuses_closed_fields_until_the_case_is_reopened():
    staff = staff_user()
    case = _closed_case(staff)
    with pytest.raises(InvalidTransition, match="再開"):
        case_update(case=case, by=staff, outcome="")
    with pytest.raises(InvalidTransition, match="再開の理由"):
        case_transition(case=case, to_status=Case.Status.IN_PROGRESS, by=staff)
    case_transition(case=case, to_status=Case.Status.IN_PROGRESS, by=staff, comment="追加相談")
    assert Case.objects.get(pk=case.pk).closed_on is None
    case_update(case=Case.objects.get(pk=case.pk), by=staff, outcome="追加の支援を行う")
    assert Case.objects.get(pk=case.pk).outcome == "追加の支援を行う"


def test_assigned_is_never_chosen_by_hand():
    staff = staff_user()
    case = make_case()
    case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    assert Case.Status.ASSIGNED not in case_allowed_transitions(case)
    assert "assigned" not in dict(TransitionForm.base_fields["to_status"].choices)
    with pytest.raises(InvalidTransition, match="紹介先"):
        case_transition(case=case, to_status=Case.Status.ASSIGNED, by=staff)
    assert Case.objects.get(pk=case.pk).status == Case.Status.TRIAGE


def test_the_status_form_refuses_assigned(client):
    staff = staff_user()
    case = make_case()
    case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    client.force_login(staff)
    client.post(f"/admin/cases/{case.pk}/transition/", {"to_status": "assigned"})
    assert Case.objects.get(pk=case.pk).status == Case.Status.TRIAGE


def test_cases_are_never_deleted_from_the_admin(client, django_user_model):
    case = make_case()
    superuser = django_user_model.objects.create_superuser("root", "root@example.jp", "x")
    client.force_login(superuser)
    # Refused even to a superuser: sent back to the dashboard, not shown a confirmation page.
    response = client.get(f"/admin/cases/delete/{case.pk}/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.post(f"/admin/cases/delete/{case.pk}/")
    assert Case.objects.filter(pk=case.pk).exists()
    edit = client.get(f"/admin/cases/edit/{case.pk}/").content.decode()
    assert f"/admin/cases/delete/{case.pk}/" not in edit


def test_staff_entry_refuses_a_future_date_and_keeps_what_was_typed(client):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _entry(client, received_on=f"{tomorrow:%Y/%m/%d}", phone="059-382-0000")
    html = response.content.decode()
    assert response.status_code == 200
    assert "受付日に未来の日付は指定できません" in html
    assert "株式会社すずか工業" in html and "電話で相談を受けた。" in html
    assert not Case.objects.exists()


def test_staff_entry_refuses_a_municipality_without_its_town(client):
    response = _entry(client, requester_type="municipality", phone="059-382-0000")
    assert "県・市町の方は所在市町を選択してください" in response.content.decode()
    assert not Case.objects.exists()


def test_staff_entry_refuses_a_request_with_no_way_to_reach_the_requester(client):
    response = _entry(client)
    html = response.content.decode()
    assert "メールアドレスか電話番号を入力してください" in html
    assert "株式会社すずか工業" in html
    assert not Case.objects.exists()
    assert _entry(client, email="suzuka@example.jp").status_code == 302
    assert Case.objects.count() == 1


def test_the_never_deleted_policy_is_registered_without_a_deprecation_warning():
    """Registered through the viewset, the policy raised Wagtail's RemovedInWagtail90Warning at
    every start; registered for the model, the admin starts quietly and still refuses deletion."""
    import subprocess
    import sys
    from pathlib import Path

    from wagtail.permissions import policy_registry

    from cases.permissions import CaseNeverDeletedPolicy

    assert isinstance(policy_registry.get_by_type(Case), CaseNeverDeletedPolicy)
    root = Path(__file__).resolve().parents[2]
    started = subprocess.run(
        [sys.executable, "-W", "always", "manage.py", "check"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "RemovedInWagtail90Warning" not in started.stderr
