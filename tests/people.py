"""Cases and registrations with everything personal data touches: notes, referrals, files, mail."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseSurvey
from cases.services import (
    assignment_accept,
    assignment_note_add,
    assignment_resolve,
    attachment_add,
    case_assign,
    case_close,
    case_create,
    case_note_add,
    case_survey_answer,
    case_transition,
)
from cases.tests.factories import ContactFactory, record_consent
from common.models import PurposeNotice
from crm.requester import Requester
from events.models import Registration
from events.services import registration_check_in, registration_create, seminar_survey_answer
from events.tests.factories import make_seminar
from partners.models import Advisor

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def case_for(contact, *, received_on: dt.date, category="problem_solving", **fields) -> Case:
    case = case_create(
        organisation=contact.organisation,
        contact=contact,
        received_on=received_on,
        channel=Case.Channel.WEB,
        category=category,
        subject=fields.pop("subject", "在庫管理のデジタル化"),
        description=fields.pop(
            "description",
            f"{contact.family_name}{contact.given_name}です。在庫をスマホで管理したい。",
        ),
        **fields,
    )
    record_consent(case)
    return case


def closed_case(*, staff, received_on: dt.date, closed_on: dt.date, contact=None, **fields):
    """A case taken through referral, notes, a file, closure and an answered survey."""
    contact = contact or ContactFactory()
    case = case_for(contact, received_on=received_on, **fields)
    case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    case_note_add(case=case, by=staff, body=f"{contact.family_name}様から電話あり（内部）")
    advisor, _created = Advisor.objects.get_or_create(
        name="青山 美咲", defaults={"email": "aoyama@example.jp"}
    )
    assignment = case_assign(case=case, assignee=advisor, by=staff, note="在庫管理の相談です")
    assignment_accept(assignment=assignment, by=staff)
    assignment_note_add(assignment=assignment, by=staff, body=f"{contact.family_name}様と面談")
    attachment_add(case=case, uploaded=SimpleUploadedFile("名刺.pdf", PDF), by=staff)
    assignment_resolve(assignment=assignment, by=staff, summary="在庫アプリの導入を支援")
    case = case_close(case=case, by=staff, support_given="在庫アプリを紹介", outcome="導入")
    case_survey_answer(
        survey=CaseSurvey.objects.get(case=case),
        helpful=True,
        satisfaction=5,
        comment=f"{contact.family_name}です。助かりました。",
    )
    Case.objects.filter(pk=case.pk).update(closed_on=closed_on)
    case.refresh_from_db()
    return case


def withdrawn_case(*, staff, received_on: dt.date, contact=None) -> Case:
    contact = contact or ContactFactory()
    case = case_for(contact, received_on=received_on, category="information")
    case_transition(case=case, to_status=Case.Status.TRIAGE, by=staff)
    case_transition(
        case=case,
        to_status=Case.Status.WITHDRAWN,
        by=staff,
        comment=f"{contact.family_name}様が辞退",
    )
    when = timezone.make_aware(dt.datetime.combine(received_on, dt.time(10)))
    CaseEvent.objects.filter(case=case).update(at=when)
    return case


def seminar_with_people(*, days: int, people: list[tuple[str, str]], title: str):
    """A past or future seminar; each person registered online before it, came and answered."""
    seminar = make_seminar(days=days, capacity_venue=None, title=title)
    registrations = []
    for name, email in people:
        registration = registration_create(
            seminar=seminar,
            requester=Requester(
                family_name=name,
                family_name_kana="ミエ",
                email=email,
                organisation_name="株式会社テスト",
                requester_type="business",
            ),
            mode=Registration.Mode.VENUE,
            question=f"{name}からの質問",
            notice=PurposeNotice.current("seminar"),
            now=seminar.starts_at - dt.timedelta(days=10),
        )
        registration_check_in(registration=registration, by=None)
        seminar_survey_answer(
            registration=registration,
            satisfaction=4,
            useful_for_dx=True,
            comment=f"{name}の感想",
            now=seminar.ends_at + dt.timedelta(days=1),
        )
        registrations.append(registration)
    return seminar, registrations
