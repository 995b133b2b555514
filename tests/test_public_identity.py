"""Issue 26, finding 1: nobody becomes someone else through a public form.

Staff take a consultation by phone without an e-mail. Someone who knows what is public about
the requester (company, town, representative, phone) posts the consultation form with their own
address. The stored person stays as staff recorded it, the web submission is listed under
重複の可能性, and mail about the phone case can only go to an address staff recorded for it.
"""

import datetime as dt

import pytest
import time_machine

from django.forms.models import model_to_dict

from appointments.models import SessionBooking
from appointments.tests.factories import form_data, make_series
from cases.models import Case
from cases.services import consent_request_send
from cases.tests.factories import make_case
from cms import demo
from common.disclosure import disclosure_export
from common.models import OutboxMessage
from common.tests.factories import staff_user
from crm.models import Organisation, Person, PossibleDuplicate
from crm.newsletter import subscription_confirm
from crm.outreach_models import Subscription
from crm.requester import Requester
from crm.services import possible_duplicate_resolve
from events.services import registration_create
from events.tests.factories import TOKYO, make_seminar

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)
VICTIM_EMAIL = "shacho@tsu-mirai.example.jp"
ATTACKER = "attacker@evil.example.net"

PHONE_CASE = {
    "channel": "phone",
    "received_on": "2026/06/01",
    "requester_type": "business",
    "organisation_name": "株式会社津みらい製作所",
    "municipality": "242012",
    "family_name": "津",
    "given_name": "未来",
    "phone": "059-224-1234",
    "category": "information",
    "subject": "生産管理のデジタル化",
    "description": "生産管理を紙からシステムに移したい。",
    "purpose_explained": "on",
}

WEB_FORM = {
    "requester_type": "business",
    "organisation_name": "株式会社津みらい製作所",
    "industry": "",
    "municipality": "242012",
    "family_name": "津",
    "given_name": "未来",
    "family_name_kana": "つ",
    "given_name_kana": "みらい",
    "email": ATTACKER,
    "phone": "059-224-1234",
    "category": "information",
    "subject": "至急",
    "description": "メールで連絡してください。",
    "acknowledge": "on",
    "referral_consent": "on",
}


@pytest.fixture
def site(db):
    return demo.seed_site()


def _sent_to(address: str):
    return OutboxMessage.objects.filter(to_email__iexact=address)


def _edit(client, case: Case, **changes):
    data = {
        "contact_email": case.contact_email,
        "requester_type": case.requester_type,
        "category": case.category,
        "subject": case.subject,
        "description": case.description,
        "support_given": case.support_given,
        "outcome": case.outcome,
        "handled_by": case.handled_by_id or "",
        **changes,
    }
    response = client.post(f"/admin/cases/edit/{case.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


@time_machine.travel(NOW, tick=False)
def test_a_public_form_with_a_phone_cases_details_does_not_take_over_its_person(client, site):
    staff = staff_user()
    client.force_login(staff)
    assert client.post("/admin/cases/new/", PHONE_CASE).status_code == 302
    phone_case = Case.objects.get()
    victim = phone_case.contact
    organisation = phone_case.organisation
    person_before = model_to_dict(victim)
    organisation_before = model_to_dict(organisation)
    assert victim.email == ""

    client.logout()
    assert client.post("/consultation/", WEB_FORM).status_code == 302

    # The stored records are exactly as staff entered them.
    victim.refresh_from_db()
    organisation.refresh_from_db()
    assert model_to_dict(victim) == person_before
    assert model_to_dict(organisation) == organisation_before
    # The web submission has records of its own holding what was typed ...
    web_case = Case.objects.exclude(pk=phone_case.pk).get()
    assert web_case.contact != victim and web_case.organisation != organisation
    assert web_case.contact.email == web_case.contact_email == ATTACKER
    assert phone_case.contact_email == ""
    # ... and is listed for staff under 重複の可能性 with both matches.
    listed = PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN)
    assert {(d.organisation, d.organisation_match) for d in listed if d.organisation} == {
        (web_case.organisation, organisation)
    }
    assert {(d.person, d.person_match) for d in listed if d.person} == {(web_case.contact, victim)}
    assert all(d.subject == web_case for d in listed)

    client.force_login(staff)
    page = client.get("/admin/crm/duplicates/").content.decode()
    assert web_case.reference in page and "株式会社津みらい製作所" in page
    # The phone case offers no consent mail at all, and never to the web address.
    page = client.get(f"/admin/cases/inspect/{phone_case.pk}/").content.decode()
    assert ATTACKER not in page
    assert "同意のお願いをメールで送る" not in page
    client.post(f"/admin/cases/{phone_case.pk}/consent/request/")
    with pytest.raises(Exception, match="メールアドレスがない"):
        consent_request_send(case=phone_case, by=staff)
    assert not _sent_to(ATTACKER).filter(template="consent_request").exists()

    # Staff merge the web records into the existing ones: the phone case still mails only
    # the address staff record for it.
    for duplicate in listed.order_by("pk"):
        possible_duplicate_resolve(duplicate=duplicate, decision="merge", by=staff)
    phone_case.refresh_from_db()
    assert phone_case.contact_email == ""
    page = client.get(f"/admin/cases/inspect/{phone_case.pk}/").content.decode()
    assert "同意のお願いをメールで送る" not in page

    # Staff call the requester back and record the address for this case in the edit form.
    _edit(client, phone_case, contact_email=VICTIM_EMAIL)
    phone_case.refresh_from_db()
    assert phone_case.contact_email == VICTIM_EMAIL
    assert phone_case.history.filter(contact_email=VICTIM_EMAIL).exists()
    page = client.get(f"/admin/cases/inspect/{phone_case.pk}/").content.decode()
    assert f"同意のお願いをメールで送る（{VICTIM_EMAIL}）" in page
    assert client.post(f"/admin/cases/{phone_case.pk}/consent/request/").status_code == 302
    consent_mails = OutboxMessage.objects.filter(template="consent_request")
    assert list(consent_mails.values_list("to_email", flat=True)) == [VICTIM_EMAIL]
    # The web case keeps the address typed on it.
    web_case.refresh_from_db()
    assert web_case.contact_email == ATTACKER


@time_machine.travel(NOW, tick=False)
def test_staff_entry_still_reuses_the_person_it_surely_matches(client, site):
    """Staff entry is a verified source: a second call from the same person is their record."""
    staff = staff_user()
    client.force_login(staff)
    assert client.post("/admin/cases/new/", PHONE_CASE).status_code == 302
    again = {**PHONE_CASE, "email": VICTIM_EMAIL, "subject": "二回目", "description": "続き"}
    assert client.post("/admin/cases/new/", again).status_code == 302
    first, second = Case.objects.order_by("pk")
    assert second.contact == first.contact and second.organisation == first.organisation
    assert second.contact_email == VICTIM_EMAIL and first.contact_email == ""
    assert Person.objects.get().email == VICTIM_EMAIL
    assert not PossibleDuplicate.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_seminar_registration_gets_its_own_person_and_leaves_the_existing_one_unchanged(site):
    staff = staff_user()
    existing = Person.objects.create(
        organisation=Organisation.objects.create(
            name="株式会社津みらい製作所", requester_type="business"
        ),
        family_name="津",
        given_name="未来",
        email=VICTIM_EMAIL,
        phone="059-224-1234",
    )
    before = model_to_dict(existing)
    registration = registration_create(
        seminar=make_seminar(),
        requester=Requester(
            family_name="津 未来", email=VICTIM_EMAIL, organisation_name="株式会社津みらい製作所"
        ),
        mode="venue",
    )
    existing.refresh_from_db()
    assert model_to_dict(existing) == before
    assert registration.person != existing
    assert registration.person.organisation != existing.organisation
    listed = PossibleDuplicate.objects.get(person__isnull=False)
    assert (listed.person, listed.person_match) == (registration.person, existing)
    assert listed.subject == registration
    # A walk-in entered by staff at the door is a verified source.
    walk_in = registration_create(
        seminar=make_seminar(),
        requester=Requester(family_name="津 未来", email=VICTIM_EMAIL),
        mode="venue",
        walk_in=True,
        by=staff,
    )
    assert walk_in.person == existing


def test_a_newsletter_signup_with_someones_address_gets_its_own_person_and_subscription(
    client, site
):
    existing = Person.objects.create(
        organisation=Organisation.objects.create(name="伊勢商店", requester_type="business"),
        family_name="伊勢",
        given_name="一郎",
        email=VICTIM_EMAIL,
    )
    before = model_to_dict(existing)
    data = {"name": "伊勢 花子", "email": VICTIM_EMAIL, "organisation": "伊勢商店", "consent": "on"}
    assert client.post("/newsletter/", data).status_code == 302
    existing.refresh_from_db()
    assert model_to_dict(existing) == before
    subscription = Subscription.objects.get()
    assert subscription.person != existing
    assert (str(subscription.person), subscription.person.email) == ("伊勢 花子", VICTIM_EMAIL)
    listed = PossibleDuplicate.objects.get(person__isnull=False)
    assert (listed.person, listed.person_match) == (subscription.person, existing)
    subscription_confirm(subscription=subscription)
    # Signing up the same address again asks for that subscription, not a second one.
    assert client.post("/newsletter/", data).status_code == 302
    assert Subscription.objects.count() == 1
    assert _sent_to(VICTIM_EMAIL).filter(template="newsletter_confirm").count() == 1


def test_a_disclosure_holds_the_cases_own_address_and_the_cases_mailed_to_it():
    case = make_case()
    typed = case.contact_email
    assert typed and typed == case.contact.email
    # Staff later record another address on the person: the case keeps mailing the typed one.
    Person.objects.filter(pk=case.contact_id).update(email="new.address@example.jp")
    [disclosed] = disclosure_export(typed)["case_addresses"]
    assert (disclosed["reference"], disclosed["contact_email"]) == (case.reference, typed)
    [contact] = disclosure_export("new.address@example.jp")["contacts"]
    assert contact["cases"][0]["contact_email"] == typed
    assert disclosure_export("new.address@example.jp")["case_addresses"] == []


def test_a_booking_with_someones_details_is_its_own_case_and_mails_only_the_typed_address(
    client, site, django_capture_on_commit_callbacks
):
    staff = staff_user()
    client.force_login(staff)
    phone = {**PHONE_CASE, "organisation_name": "株式会社伊勢製作所", "family_name": "伊勢"}
    phone.update(given_name="花子", municipality="", phone="059-224-1234")
    assert client.post("/admin/cases/new/", phone).status_code == 302
    phone_case = Case.objects.get()
    victim = phone_case.contact
    before = model_to_dict(victim)
    client.logout()

    series = make_series(slots=1)
    data = form_data(series.slots.first(), email=ATTACKER, phone="059-224-1234")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/sessions/{series.pk}/", data).status_code == 302
    victim.refresh_from_db()
    assert model_to_dict(victim) == before
    booking = SessionBooking.objects.get()
    assert booking.case.contact != victim and booking.case.contact_email == ATTACKER
    listed = PossibleDuplicate.objects.get(person__isnull=False)
    assert (listed.person, listed.person_match, listed.source) == (
        booking.case.contact,
        victim,
        "session",
    )
    # The person's mails about this booking go to the address typed on it; none about the phone
    # case went anywhere.
    booked = OutboxMessage.objects.filter(template="session_booked")
    assert list(booked.values_list("to_email", flat=True)) == [ATTACKER]
    assert set(_sent_to(ATTACKER).values_list("related_id", flat=True)) == {str(booking.case.pk)}
