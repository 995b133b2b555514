"""The CRM area: people, organisations, newsletter subscriptions and their history, activities,
merge snapshots, possible duplicates, campaign recipients and bulk-linking reports.

People are shared by cases, seminar registrations and subscriptions. The other areas release
the people of the records they anonymised (``RetentionRun.people``) and say whom they still
hold; this area runs after them and anonymises the people released and held by nobody, their
organisations likewise, and what the CRM wrote about them. A subscription no longer in force is
past retention DXCENTER_SUBSCRIPTION_RETENTION_YEARS after its last change: it releases its
person. The person's own fields are disclosed by the cases area's 「ご相談の記録」 (every person
with the address, with their cases, if any).
"""

import datetime as dt

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.areas import (
    PersonalDataArea,
    RetentionRun,
    Section,
    not_personal,
    personal_data_area,
    personal_data_areas,
)
from common.disclosure import field_values, notice_values
from common.retention import REMOVED, blank_filled, history_of, years_before

from .models import (
    Activity,
    LinkReport,
    MergeRecord,
    Organisation,
    Person,
    PossibleDuplicate,
    Subscription,
    SubscriptionEvent,
)

not_personal("crm.Campaign", reason="one text mailed to many, written by staff")


def subscription_retention_start(today: dt.date) -> dt.datetime:
    start = years_before(today, settings.DXCENTER_SUBSCRIPTION_RETENTION_YEARS)
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def _last_changed():
    """A subscription's last change: its latest event, else when it was requested."""
    latest = SubscriptionEvent.objects.filter(subscription=OuterRef("pk")).order_by("-at", "-pk")
    return Subscription.objects.annotate(
        last_change=Coalesce(Subquery(latest.values("at")[:1]), "requested_at")
    )


def subscriptions_expired(today: dt.date):
    """Subscriptions not in force whose last change is older than the retention period."""
    return _last_changed().filter(
        ~Q(state=Subscription.State.ACTIVE),
        last_change__lt=subscription_retention_start(today),
    )


PERSON_REMOVED = {
    "family_name": REMOVED,
    "given_name": "",
    "family_name_kana": "",
    "given_name_kana": "",
    "email": "",
    "phone": "",
    # The matching columns (issue 18) hold the same personal data, folded.
    "name_normalised": "",
    "email_normalised": "",
    "phone_e164": "",
}


def people_anonymise(run: RetentionRun) -> dict[str, int]:
    """Anonymise the people and organisations released in `run` that no area still holds."""
    today = run.today
    now = timezone.now()
    run.people.update(
        subscriptions_expired(today)
        .filter(person__anonymised_at__isnull=True)
        .values_list("person_id", flat=True)
    )
    held: set[int] = set()
    held_organisations: set[int] = set()
    for area in personal_data_areas():
        held.update(area.people_held(today))
        held_organisations.update(area.organisations_held(today))
    due = Person.objects.filter(pk__in=run.people - held, anonymised_at__isnull=True)
    rows = list(due.values_list("pk", "email", "organisation_id"))
    person_ids = [pk for pk, _email, _org in rows]
    run.emails.update(email for _pk, email, _org in rows if email)
    # The one search's column held the same data, folded (history tables leave it out).
    Person.objects.filter(pk__in=person_ids).update(
        anonymised_at=now, search_key="", **PERSON_REMOVED
    )
    history_of(Person, person_ids).update(anonymised_at=now, **PERSON_REMOVED)

    # An organisation goes with its last person; one that still has a person, or a case kept,
    # keeps its name.
    released = run.organisations | {org for _pk, _email, org in rows}
    live = set(
        Person.objects.filter(organisation_id__in=released, anonymised_at__isnull=True)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    organisation_ids = list(
        Organisation.objects.filter(pk__in=released - held_organisations - live)
        .exclude(name=REMOVED)
        .values_list("pk", flat=True)
    )
    removed = {"name": REMOVED, "name_normalised": ""}
    Organisation.objects.filter(pk__in=organisation_ids).update(**removed, search_key="")
    history_of(Organisation, organisation_ids).update(**removed)

    # A merge keeps a snapshot of the merged record: it goes with the survivor.
    merge_ids = list(
        MergeRecord.objects.filter(
            Q(survivor_organisation_id__in=organisation_ids) | Q(survivor_person_id__in=person_ids)
        ).values_list("pk", flat=True)
    )
    for queryset in (
        MergeRecord.objects.filter(pk__in=merge_ids),
        history_of(MergeRecord, merge_ids),
    ):
        queryset.update(merged_label=REMOVED, snapshot={})
    # What staff wrote about a call or a visit names people as much as a case note does.
    activity_ids = list(
        Activity.objects.filter(
            Q(organisation_id__in=organisation_ids) | Q(person_id__in=person_ids)
        ).values_list("pk", flat=True)
    )
    blank_filled(Activity.objects.filter(pk__in=activity_ids), "note")
    blank_filled(history_of(Activity, activity_ids), "note")
    # The duplicate list's evidence and label repeat the name, address and phone.
    duplicates = PossibleDuplicate.objects.filter(
        Q(person_id__in=person_ids)
        | Q(person_match_id__in=person_ids)
        | Q(organisation_id__in=organisation_ids)
        | Q(organisation_match_id__in=organisation_ids)
    )
    duplicate_ids = list(duplicates.values_list("pk", flat=True))
    for queryset in (
        PossibleDuplicate.objects.filter(pk__in=duplicate_ids),
        history_of(PossibleDuplicate, duplicate_ids),
    ):
        queryset.update(subject_label="", evidence=[])
    # A bulk-linking report names organisations; it is kept as long as the longest case.
    reports_before = timezone.make_aware(
        dt.datetime.combine(
            years_before(today, settings.DXCENTER_CASE_RETENTION_FISCAL_YEARS + 1), dt.time.min
        )
    )
    LinkReport.objects.filter(created_at__lt=reports_before).exclude(summary={}).update(summary={})
    return {"contacts": len(person_ids), "organisations": len(organisation_ids)}


def _people(email: str):
    return Person.objects.filter(email__iexact=email)


def _subscriptions(email: str):
    return Subscription.objects.filter(person__email__iexact=email).order_by("pk")


def subscriptions_disclosed(email: str) -> list[dict]:
    """The newsletter subscription and every change of it: when, how, by which notice."""
    return [
        {
            **field_values(
                subscription,
                "state",
                "language",
                "requested_at",
                "confirmed_at",
                "unsubscribed_at",
            ),
            "events": [
                {
                    **field_values(event, "action", "channel", "at"),
                    **notice_values(event.notice),
                }
                for event in subscription.events.select_related("notice")
            ],
        }
        for subscription in _subscriptions(email)
    ]


def _activities(email: str):
    return (
        Activity.objects.filter(person__email__iexact=email)
        .select_related("organisation")
        .order_by("at", "pk")
    )


def activities_disclosed(email: str) -> list[dict]:
    """Calls, visits and meetings staff recorded with the person, with what they wrote."""
    return [
        field_values(activity, "kind", "at", "duration_minutes", "organisation", "note")
        for activity in _activities(email)
    ]


def _merges(email: str):
    return MergeRecord.objects.filter(survivor_person__email__iexact=email).order_by("merged_at")


def merges_disclosed(email: str) -> list[dict]:
    """Records of the person merged into the one kept, with what the merged record said."""
    return [
        field_values(merge, "merged_label", "merged_at", "snapshot") for merge in _merges(email)
    ]


@personal_data_area
class People(PersonalDataArea):
    key = "crm"
    models = (
        "crm.Person",
        "crm.Organisation",
        "crm.Subscription",
        "crm.SubscriptionEvent",
        "crm.Activity",
        "crm.MergeRecord",
        "crm.PossibleDuplicate",
        "crm.CampaignMessage",
        "crm.LinkReport",
    )
    sections = (
        Section(
            "subscriptions", _("メールマガジンの購読"), 30, subscriptions_disclosed, _subscriptions
        ),
        Section("activities", _("活動記録"), 40, activities_disclosed, _activities),
        Section("merges", _("統合した記録"), 45, merges_disclosed, _merges),
    )
    erase_order = 90

    def erase(self, run: RetentionRun) -> dict[str, int]:
        return people_anonymise(run)

    def people_held(self, today: dt.date):
        """Subscribers in force, and those whose subscription ended within the period."""
        ended = subscriptions_expired(today).values_list("pk", flat=True)
        return set(Subscription.objects.exclude(pk__in=ended).values_list("person_id", flat=True))
