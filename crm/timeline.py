"""The timeline of an organisation or a person: everything the center did with them.

crm does not import the apps above it. Each app that has something to show (cases: cases,
referrals, notes, surveys, consents, mails; events: registrations, attendance, surveys, mails)
registers a provider with ``@timeline_provider`` from its AppConfig.ready(); crm adds its own
activities and merges.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Activity, MergeRecord, Organisation, Person


@dataclass
class Entry:
    at: dt.datetime
    kind: str  # a key of KINDS
    title: str
    detail: str = ""
    url: str = ""
    person: Person | None = None


KINDS = {
    "case": _("相談"),
    "referral": _("紹介"),
    "seminar": _("セミナー"),
    "survey": _("アンケート"),
    "mail": _("メール"),
    "note": _("職員メモ"),
    "activity": _("活動記録"),
    "merge": _("統合"),
}

Provider = Callable[..., Iterable[Entry]]
_providers: list[Provider] = []


def timeline_provider(provider: Provider) -> Provider:
    """Register ``provider(*, organisation, people)`` → entries (organisation may be None)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def _own(organisation: Organisation | None, people: list[Person]) -> Iterable[Entry]:
    activities = (
        Activity.objects.filter(organisation=organisation)
        if organisation is not None
        else Activity.objects.filter(person__in=people)
    )
    for activity in activities.select_related("by", "person"):
        minutes = _("%(minutes)d分") % {"minutes": activity.duration_minutes}
        yield Entry(
            activity.at,
            "activity",
            f"{activity.get_kind_display()}（{minutes}）",
            detail=activity.note,
            person=activity.person,
        )
    merges = (
        MergeRecord.objects.filter(survivor_organisation=organisation)
        if organisation is not None
        else MergeRecord.objects.filter(survivor_person__in=people)
    )
    for merge in merges.select_related("merged_by"):
        yield Entry(
            merge.merged_at,
            "merge",
            _("「%(label)s」を統合") % {"label": merge.merged_label},
            detail=str(merge.merged_by or ""),
        )


def timeline(
    *, organisation: Organisation | None = None, person: Person | None = None, kinds=None
) -> list[Entry]:
    """Newest first; ``kinds`` keeps only those kinds (the page's filter)."""
    people = list(organisation.contacts.all()) if organisation is not None else [person]
    entries = list(_own(organisation, people))
    for provider in _providers:
        entries.extend(provider(organisation=organisation, people=people))
    if kinds:
        entries = [e for e in entries if e.kind in kinds]
    return sorted(entries, key=lambda e: e.at, reverse=True)


_consent_providers: list[Provider] = []


def consent_provider(provider: Provider) -> Provider:
    """Register ``provider(*, organisation, people)`` → the consents in force, as Entries."""
    if provider not in _consent_providers:
        _consent_providers.append(provider)
    return provider


def consents_in_force(
    *, organisation: Organisation | None = None, person: Person | None = None
) -> list[Entry]:
    people = list(organisation.contacts.all()) if organisation is not None else [person]
    rows = []
    for provider in _consent_providers:
        rows.extend(provider(organisation=organisation, people=people))
    return sorted(rows, key=lambda e: e.at, reverse=True)
