"""Issue 27 item 3: every kind of personal data belongs to an area that discloses and erases it."""

import datetime as dt

import pytest
import time_machine

from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone

from cases.tests.factories import ContactFactory
from common.areas import coverage_errors, personal_data_areas, personal_models
from common.dates import fiscal_year_of
from common.disclosure import disclosure_export
from common.models import OutboxMessage
from common.retention import REMOVED
from crm.models import Activity, Person, SubscriptionEvent
from crm.newsletter import subscription_confirm, subscription_request, subscription_unsubscribe
from crm.services import person_merge
from events.models import Registration
from reports.report import yearly_report
from tests.people import seminar_with_people

pytestmark = pytest.mark.django_db


def test_every_model_with_a_personal_field_is_covered_by_an_area():
    found = personal_models()
    # The walk finds the personal data by its fields (names, addresses, free text) and by what
    # points at it (a subscription's history row points at the subscription, then the person).
    assert {
        "crm.Person",
        "crm.Subscription",
        "crm.SubscriptionEvent",
        "crm.Activity",
        "crm.MergeRecord",
        "events.Registration",
        "cases.Note",
        "appointments.SessionBooking",
        "common.OutboxMessage",
        "common.PersonalDataAccess",
    } <= set(found)
    # A venue or a municipality's name is not a person's.
    assert "common.Municipality" not in found and "events.SeminarSchedule" not in found
    assert coverage_errors() == []


def test_a_model_no_area_covers_fails_manage_py_check(monkeypatch):
    crm = next(area for area in personal_data_areas() if area.key == "crm")
    monkeypatch.setattr(
        type(crm), "models", tuple(m for m in crm.models if m != "crm.SubscriptionEvent")
    )
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    assert "common.E010" in str(raised.value) and "crm.SubscriptionEvent" in str(raised.value)


def test_disclosure_holds_the_subscription_history_activities_and_merge_snapshots():
    person = ContactFactory(family_name="開示", given_name="花子", email="kaiji.hanako@example.jp")
    subscription = subscription_request(person=person)
    subscription_confirm(subscription=subscription)
    Activity.objects.create(
        organisation=person.organisation, person=person, kind="call", note="開示様と電話で打合せ"
    )
    merged = ContactFactory(
        organisation=person.organisation, family_name="開示", given_name="はなこ"
    )
    person_merge(survivor=person, merged=merged, by=None)

    data = disclosure_export("KAIJI.hanako@example.jp")

    [disclosed] = data["subscriptions"]
    assert disclosed["state"] == "購読中"
    assert [e["action"] for e in disclosed["events"]] == [
        "申込（確認メール送信）",
        "確認（購読開始）",
    ]
    assert [a["note"] for a in data["activities"]] == ["開示様と電話で打合せ"]
    assert [m["merged_label"] for m in data["merges"]] == [str(merged)]
    assert data["merges"][0]["snapshot"]


def test_a_registrant_and_a_subscriber_past_retention_are_anonymised_and_the_report_is_unchanged(
    django_capture_on_commit_callbacks, settings
):
    settings.DXCENTER_REGISTRATION_RETENTION_YEARS = 3
    settings.DXCENTER_SUBSCRIPTION_RETENTION_YEARS = 3
    with django_capture_on_commit_callbacks(execute=True):
        seminar, (gone, kept) = seminar_with_people(
            days=-10,
            people=[("三重太郎", "mie.taro@example.jp"), ("伊勢花子", "ise.hanako@example.jp")],
            title="過去のセミナー",
        )
        # One registrant still reads the newsletter: their person stays, the registration goes.
        still = subscription_request(person=kept.person)
        subscription_confirm(subscription=still)
        subscriber = ContactFactory(
            family_name="鈴鹿", given_name="次郎", email="suzuka.jiro@example.jp"
        )
        ended = subscription_request(person=subscriber)
        subscription_confirm(subscription=ended)
        subscription_unsubscribe(subscription=ended, channel="link")
    taro = gone.person
    assert taro is not None and taro.email == "mie.taro@example.jp"
    fiscal_year = fiscal_year_of(timezone.localdate(seminar.starts_at))
    assert OutboxMessage.objects.filter(to_email="suzuka.jiro@example.jp").exists()

    later = timezone.now() + dt.timedelta(days=3 * 366 + 30)
    with time_machine.travel(later, tick=False):
        before = yearly_report(fiscal_year)
        call_command("run_scheduled", "--only", "apply_retention")
        assert yearly_report(fiscal_year) == before

    for registration in (gone, kept):
        registration.refresh_from_db()
        assert registration.anonymised_at is not None and registration.person is None
    for person in (taro, subscriber):
        person.refresh_from_db()
        assert (person.family_name, person.given_name, person.email, person.phone) == (
            REMOVED,
            "",
            "",
            "",
        )
        assert person.anonymised_at is not None
    assert not Person.history.filter(email__in=["mie.taro@example.jp", "suzuka.jiro@example.jp"])
    # The subscriber's history stays (counts), naming nobody; their mails name nobody either.
    assert SubscriptionEvent.objects.filter(subscription=ended).count() == 3
    assert not OutboxMessage.objects.filter(to_email="suzuka.jiro@example.jp").exists()
    # The reader still subscribed keeps their name and address.
    still.person.refresh_from_db()
    assert still.person.email == "ise.hanako@example.jp" and still.person.anonymised_at is None
    assert Registration.objects.filter(email__endswith="@example.invalid").count() == 2
