"""Issue 18, first half: one record per organisation and person, merge, timeline."""

import datetime as dt
import importlib
import time

import pytest
import time_machine

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, ConsentRecord
from cases.tests.factories import ContactFactory, OrganisationFactory, make_case, staff_user
from cms import demo
from common.models import Municipality, OutboxMessage, PersonalDataAccess
from common.retention import REMOVED
from crm.models import Activity, LinkReport, MergeRecord, Organisation, Person, PossibleDuplicate
from crm.requester import Requester
from crm.selectors import organisation_match
from crm.services import organisation_merge, person_merge, possible_duplicate_resolve
from crm.timeline import timeline
from events.services import registration_create
from events.tests.factories import TOKYO, make_seminar
from reports.report import yearly_report
from tests.people import closed_case

pytestmark = pytest.mark.django_db

FORM = {
    "requester_type": "business",
    "organisation_name": "株式会社津みらい製作所",
    "industry": "製造業",
    "municipality": "242012",
    "family_name": "津",
    "given_name": "未来",
    "family_name_kana": "つ",
    "given_name_kana": "みらい",
    "email": "mirai@tsu-mirai.example.jp",
    "phone": "059-224-1234",
    "category": "information",
    "subject": "生産管理のデジタル化",
    "description": "生産管理を紙からシステムに移したい。",
    "acknowledge": "on",
    "referral_consent": "on",
}

START = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TOKYO)


@pytest.fixture
def site(db):
    return demo.seed_site()


def test_two_spellings_a_month_apart_are_listed_and_one_organisation_once_merged(client, site):
    """A public form's match is only proposed (issue 26): staff merge, then it is one record."""
    with time_machine.travel(START, tick=False):
        assert client.post("/consultation/", FORM).status_code == 302
    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        second = {
            **FORM,
            "organisation_name": "(株)津みらい製作所",
            "email": "info@tsu-mirai.example.jp",
            "phone": "０５９－２２４－１２３４",
            "subject": "受発注のデジタル化",
            "description": "受発注をFAXからやめたい。",
        }
        assert client.post("/consultation/", second).status_code == 302
        seminar = make_seminar(days=10)
        registration = registration_create(
            seminar=seminar,
            requester=Requester(family_name="津 未来", email="Mirai@tsu-mirai.example.jp"),
            mode="venue",
        )

    first = Case.objects.order_by("pk").first()
    listed = PossibleDuplicate.objects.order_by("pk")
    # The second consultation and the registration each matched the first consultation's
    # organisation and person: four proposals, none applied by itself.
    assert Organisation.objects.count() == 3 and Person.objects.count() == 3
    assert {d.organisation_match or d.person_match for d in listed} == {
        first.organisation,
        first.contact,
    }
    assert len(listed) == 4
    staff = staff_user()
    for duplicate in listed:
        possible_duplicate_resolve(duplicate=duplicate, decision="merge", by=staff)
    organisation = Organisation.objects.get()
    registration.refresh_from_db()
    assert organisation.cases.count() == 2
    assert registration.person.organisation == organisation
    entries = timeline(user=staff_user("reader"), organisation=organisation)
    titles = [e.title for e in entries]
    for case in Case.objects.all():
        assert any(t.startswith(case.reference) for t in titles)
    assert any(seminar.title in t for t in titles)
    assert not PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN).exists()


def test_a_likely_match_is_a_new_record_listed_with_evidence(client, site):
    existing = OrganisationFactory(name="株式会社津みらい製作所", municipality=None)
    assert (
        client.post("/consultation/", {**FORM, "organisation_name": "㈱津みらい製作所"}).status_code
        == 302
    )
    case = Case.objects.get()
    assert case.organisation != existing
    listed = PossibleDuplicate.objects.get()
    assert (listed.organisation, listed.organisation_match) == (case.organisation, existing)
    assert listed.evidence == ["name"] and listed.subject == case

    staff = staff_user()
    possible_duplicate_resolve(duplicate=listed, decision="merge", by=staff)
    case.refresh_from_db()
    assert case.organisation == existing
    listed.refresh_from_db()
    assert listed.status == PossibleDuplicate.Status.MERGED


def test_a_public_registration_is_its_own_person_and_its_match_is_only_listed():
    """Issue 26: a registration typed on the public form never joins an existing person."""
    taro = ContactFactory(family_name="三重", given_name="太郎", email="shared@example.jp")
    seminar = make_seminar()
    registration = registration_create(
        seminar=seminar,
        requester=Requester(family_name="伊勢 花子", email="shared@example.jp"),
        mode="venue",
    )
    hanako = registration.person
    assert hanako != taro
    assert (hanako.family_name, hanako.given_name, hanako.email) == (
        "伊勢",
        "花子",
        "shared@example.jp",
    )
    listed = PossibleDuplicate.objects.get(person__isnull=False)
    assert (listed.person, listed.person_match) == (hanako, taro)
    assert listed.evidence == ["email"] and listed.subject == registration
    possible_duplicate_resolve(duplicate=listed, decision="distinct", by=staff_user())
    registration.refresh_from_db()
    assert registration.person == hanako and not taro.registrations.exists()


def test_a_likely_walk_in_is_linked_provisionally_and_can_be_undone():
    """A walk-in is entered by staff (a verified source): a likely match is linked for now."""
    staff = staff_user()
    taro = ContactFactory(family_name="三重", given_name="太郎", email="shared@example.jp")
    seminar = make_seminar()
    registration = registration_create(
        seminar=seminar,
        requester=Requester(family_name="伊勢 花子", email="shared@example.jp"),
        mode="venue",
        walk_in=True,
        by=staff,
    )
    assert registration.person == taro
    listed = PossibleDuplicate.objects.get()
    assert listed.person_match == taro and listed.evidence == ["email"]
    possible_duplicate_resolve(duplicate=listed, decision="distinct", by=staff)
    registration.refresh_from_db()
    # A different person: the registrant becomes a record of their own, on their own timeline.
    hanako = registration.person
    assert hanako is not None and hanako != taro
    assert (hanako.family_name, hanako.given_name, hanako.email) == (
        "伊勢",
        "花子",
        "shared@example.jp",
    )
    assert registration in hanako.registrations.all()
    assert not taro.registrations.exists()


def test_merge_moves_everything_and_is_recorded():
    staff = staff_user()
    survivor = OrganisationFactory(name="株式会社津みらい製作所")
    merged = OrganisationFactory(name="津みらい製作所")
    person = ContactFactory(organisation=merged)
    case = make_case()
    Case.objects.filter(pk=case.pk).update(organisation=merged, contact=person)
    PersonalDataAccess.objects.create(
        user=staff,
        subject_type=ContentType.objects.get_for_model(Organisation),
        subject_id=str(merged.pk),
        subject_label="x",
        context="test",
    )
    merged_pk = merged.pk

    record = organisation_merge(survivor=survivor, merged=merged, by=staff)

    assert not Organisation.objects.filter(pk=merged_pk).exists()
    case.refresh_from_db()
    person.refresh_from_db()
    assert case.organisation == survivor and person.organisation == survivor
    assert ConsentRecord.objects.get(case=case).case.organisation == survivor
    # The access log keeps naming the record that was read (issue 26, 6(d)).
    assert PersonalDataAccess.objects.get().subject_id == str(merged_pk)
    assert Organisation.history.filter(id=merged_pk).count() == 0
    assert Organisation.history.filter(id=survivor.pk).count() >= 3
    assert record.merged_by == staff and record.snapshot["name"] == "津みらい製作所"
    assert record.moved["cases.case.organisation"] == 1
    assert MergeRecord.objects.get().survivor_organisation == survivor
    assert any(e.kind == "merge" for e in timeline(user=staff, organisation=survivor))


def test_person_merge_moves_cases_and_registrations():
    survivor = ContactFactory(email="taro@example.jp")
    merged = ContactFactory(organisation=survivor.organisation, email="Taro@Example.jp ")
    case = make_case()
    Case.objects.filter(pk=case.pk).update(contact=merged)
    registration = registration_create(
        seminar=make_seminar(),
        requester=Requester(family_name="三重 太郎", email="other@example.jp"),
        mode="venue",
    )
    type(registration).objects.filter(pk=registration.pk).update(person=merged)
    person_merge(survivor=survivor, merged=merged, by=None)
    case.refresh_from_db()
    registration.refresh_from_db()
    assert case.contact == survivor and registration.person == survivor
    assert not Person.objects.filter(pk=merged.pk).exists()


@pytest.mark.postgres
def test_merging_500_cases_is_fast_and_leaves_the_yearly_report_unchanged():
    with time_machine.travel(START, tick=False):
        staff = staff_user()
        survivor = OrganisationFactory(name="株式会社津みらい製作所")
        merged = OrganisationFactory(name="津みらい製作所")
        for i in range(500):
            case = make_case()
            owner = survivor if i % 2 else merged
            Case.objects.filter(pk=case.pk).update(organisation=owner)
            Person.objects.filter(pk=case.contact_id).update(organisation=owner)
        Organisation.objects.exclude(pk__in=[survivor.pk, merged.pk]).delete()
        fiscal_year = Case.objects.first().fiscal_year
        before = yearly_report(fiscal_year)

        started = time.perf_counter()
        organisation_merge(survivor=survivor, merged=merged, by=staff)
        elapsed = time.perf_counter() - started

        assert elapsed < 2.0
        assert survivor.cases.count() == 500
        assert yearly_report(fiscal_year) == before
        assert CaseEvent.objects.filter(case__organisation=survivor).count() >= 500
        assert not OutboxMessage.objects.filter(
            related_type=ContentType.objects.get_for_model(Organisation), related_id=str(merged.pk)
        ).exists()


def test_the_data_migration_links_existing_records_and_leaves_a_report():
    migration = importlib.import_module("crm.migrations.0004_link_existing_records")
    tsu = Municipality.objects.get(code="242012")
    old = OrganisationFactory(name="株式会社津みらい製作所", municipality=tsu)
    again = OrganisationFactory(name="(株)津みらい製作所", municipality=tsu)
    namesake = OrganisationFactory(name="津みらい製作所", municipality=None)
    other = OrganisationFactory(name="伊勢テスト", municipality=tsu)
    taro = ContactFactory(organisation=old, family_name="津", given_name="太郎", email="t@tsu.jp")
    taro_again = ContactFactory(
        organisation=again, family_name="津", given_name="太郎", email="T@tsu.jp"
    )
    case = make_case()
    leftover = case.organisation
    Case.objects.filter(pk=case.pk).update(organisation=again, contact=taro_again)
    leftover.delete()
    registration = registration_create(
        seminar=make_seminar(),
        requester=Requester(family_name="津 太郎", email="t@tsu.jp"),
        mode="venue",
    )
    # As registrations were before the CRM: no person (nor the records the form made).
    typed = registration.person
    type(registration).objects.filter(pk=registration.pk).update(person=None)
    typed.delete()
    typed.organisation.delete()
    # As the records were before the migration: no normalised columns.
    Organisation.objects.update(name_normalised="")
    Person.objects.update(name_normalised="", email_normalised="", phone_e164="")
    PossibleDuplicate.objects.all().delete()

    migration.link_existing_records(django_apps, None)

    assert set(Organisation.objects.values_list("pk", flat=True)) == {
        old.pk,
        namesake.pk,
        other.pk,
    }
    case.refresh_from_db()
    registration.refresh_from_db()
    assert case.organisation_id == old.pk and case.contact_id == taro.pk
    assert registration.person_id == taro.pk
    listed = PossibleDuplicate.objects.get()
    assert (listed.organisation_id, listed.organisation_match_id) == (namesake.pk, old.pk)
    report = LinkReport.objects.order_by("-pk").first()
    assert report.summary["organisations_merged"] == 1 and report.summary["people_merged"] == 1
    assert report.summary["registrations_linked"] == 1
    assert MergeRecord.objects.filter(survivor_organisation=old).exists()


def test_staff_see_the_organisation_page_and_log_an_activity(client):
    staff = staff_user()
    client.force_login(staff)
    contact = ContactFactory(family_name="津", given_name="未来")
    case = make_case()
    Case.objects.filter(pk=case.pk).update(organisation=contact.organisation, contact=contact)
    organisation = contact.organisation
    page = client.get(f"/admin/crm/organisations/{organisation.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.reference in html and "津 未来" in html
    assert PersonalDataAccess.objects.filter(subject_id=str(organisation.pk)).exists()
    response = client.post(
        f"/admin/crm/organisations/{organisation.pk}/",
        {"kind": "call", "at": "2026-06-01T10:00", "duration_minutes": "15", "note": "電話で近況"},
    )
    assert response.status_code == 302
    html = client.get(f"/admin/crm/organisations/{organisation.pk}/?kind=activity").content.decode()
    assert "電話で近況" in html and case.reference + " " not in html
    assert (
        client.get(reverse("cases:inspect", args=[case.pk]))
        .content.decode()
        .count(f"/admin/crm/organisations/{organisation.pk}/")
    )
    assert client.get(f"/admin/crm/people/{contact.pk}/").status_code == 200
    assert client.get("/admin/crm/duplicates/").status_code == 200
    found = client.get("/admin/crm/", {"q": f"(株){organisation.name[4:]}"}).content.decode()
    assert f"/admin/crm/organisations/{organisation.pk}/" in found
    other_type = client.get("/admin/crm/", {"requester_type": "municipality"}).content.decode()
    assert f"/admin/crm/organisations/{organisation.pk}/" not in other_type


def test_the_partner_portal_and_partners_cannot_open_crm_pages(client):
    organisation = OrganisationFactory()
    partner = get_user_model().objects.create_user("partner", password="x")
    client.force_login(partner)
    response = client.get(f"/admin/crm/organisations/{organisation.pk}/")
    # Sent to the admin's sign-in (no admin access), not to a page of the organisation.
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_entry_with_a_corporate_number_finds_the_organisation(client):
    existing = OrganisationFactory(name="津みらい製作所", corporate_number="1180301018771")
    client.force_login(staff_user())
    data = {
        "channel": "phone",
        "received_on": "2026/06/01",
        "requester_type": "business",
        "organisation_name": "ツミライ",
        "corporate_number": "1180301018771",
        "family_name": "津",
        "phone": "059-224-0000",
        "category": "information",
        "subject": "電話相談",
        "description": "電話で相談を受けた。",
        "purpose_explained": "on",
    }
    bad = client.post(reverse("cases:staff_entry"), {**data, "corporate_number": "2180301018771"})
    assert bad.status_code == 200 and "検査用数字" in bad.content.decode()
    assert client.post(reverse("cases:staff_entry"), data).status_code == 302
    assert Case.objects.get().organisation == existing


def test_a_manager_merges_an_organisation_from_its_page_and_sees_it_recorded(client):
    client.force_login(staff_user("manager", group="センター管理者"))
    survivor = OrganisationFactory(name="株式会社津みらい製作所")
    merged = OrganisationFactory(name="津未来製作所")
    case = make_case()
    Case.objects.filter(pk=case.pk).update(organisation=merged)
    url = f"/admin/crm/organisations/{survivor.pk}/"
    assert client.post(url, {"merge_from": str(survivor.pk)}).status_code == 302
    assert Organisation.objects.filter(pk=merged.pk).exists()
    confirm = client.post(url, {"merge_from": str(merged.pk)})["Location"]
    assert Organisation.objects.filter(pk=merged.pk).exists()
    assert client.post(confirm, {"merge_from": str(merged.pk), "confirm": "1"}).status_code == 302
    assert not Organisation.objects.filter(pk=merged.pk).exists()
    html = client.get(url).content.decode()
    assert "津未来製作所" in html and case.reference in html
    assert survivor.history.first().history_change_reason == f"merged #{merged.pk}"


def test_retention_blanks_the_matching_columns_and_the_merge_snapshot(
    django_capture_on_commit_callbacks,
):
    today = timezone.localdate()
    staff = staff_user()
    long_ago = today - dt.timedelta(days=365 * 8)
    with django_capture_on_commit_callbacks(execute=True):
        case = closed_case(staff=staff, received_on=long_ago, closed_on=long_ago)
    organisation, person = case.organisation, case.contact
    twin = OrganisationFactory(name=organisation.name)
    organisation_merge(survivor=organisation, merged=twin, by=staff)
    Activity.objects.create(
        organisation=organisation, kind="call", note="社長の携帯に電話", by=staff
    )

    call_command("apply_retention", "--today", today.isoformat())

    person.refresh_from_db()
    organisation.refresh_from_db()
    assert (person.name_normalised, person.email_normalised, person.phone_e164) == ("", "", "")
    assert organisation.name_normalised == ""
    record = MergeRecord.objects.get()
    assert record.snapshot == {} and record.merged_label == REMOVED
    assert Activity.objects.get().note != "社長の携帯に電話"
    assert organisation_match(name=twin.name).level == "none"
