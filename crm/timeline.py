"""The timeline of an organisation or a person: everything the center did with them.

crm does not import the apps above it. Each app that has something to show (cases: cases,
referrals, notes, surveys, consents, mails; events: registrations, attendance, surveys, mails)
registers a provider with ``@timeline_provider(perms=...)`` from its AppConfig.ready(); crm adds
its own activities and merges. ``perms`` are the permissions a user needs to open what the
provider's entries point to: the owning app names them, crm asks them of the viewer and calls
the provider only for a user who holds them all (a provider registered without ``perms`` is a
TypeError, so none is shown to everybody by mistake). The provider also receives the ``user``,
for rules finer than a permission (a case note's visibility).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from common.names import user_display_name

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
_providers: list[tuple[Provider, tuple[str, ...]]] = []


def _register(registry: list, perms: Iterable[str]) -> Callable[[Provider], Provider]:
    perms = tuple(perms)
    if not perms or not all(isinstance(p, str) and "." in p for p in perms):
        raise ValueError("a timeline provider names the permissions its entries need")

    def register(provider: Provider) -> Provider:
        if all(provider is not registered for registered, _perms in registry):
            registry.append((provider, perms))
        return provider

    return register


def timeline_provider(*, perms: Iterable[str]) -> Callable[[Provider], Provider]:
    """Register ``provider(*, organisation, people, user)`` → entries (organisation may be
    None), shown only to a user who holds every permission in ``perms``."""
    return _register(_providers, perms)


def provider_permissions() -> list[tuple[str, tuple[str, ...]]]:
    """Each registered provider (timeline and consents) with the permissions it needs."""
    return [
        (f"{p.__module__}.{p.__qualname__}", perms)
        for p, perms in (*_providers, *_consent_providers)
    ]


def _allowed(registry, user):
    return [provider for provider, perms in registry if user.has_perms(perms)]


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
            detail=user_display_name(merge.merged_by),
        )


def timeline(
    *, user, organisation: Organisation | None = None, person: Person | None = None, kinds=None
) -> list[Entry]:
    """What ``user`` may see, newest first; ``kinds`` keeps only those kinds (the page's
    filter)."""
    people = list(organisation.contacts.all()) if organisation is not None else [person]
    entries = list(_own(organisation, people))
    for provider in _allowed(_providers, user):
        entries.extend(provider(organisation=organisation, people=people, user=user))
    if not user.has_perm("crm.view_person"):
        # The person column names a contact: only for those who may open people.
        for entry in entries:
            entry.person = None
    if kinds:
        entries = [e for e in entries if e.kind in kinds]
    return sorted(entries, key=lambda e: e.at, reverse=True)


_consent_providers: list[tuple[Provider, tuple[str, ...]]] = []


def consent_provider(*, perms: Iterable[str]) -> Callable[[Provider], Provider]:
    """Register ``provider(*, organisation, people, user)`` → the consents in force, as
    Entries, shown only to a user who holds every permission in ``perms``."""
    return _register(_consent_providers, perms)


def consents_in_force(
    *, user, organisation: Organisation | None = None, person: Person | None = None
) -> list[Entry]:
    """The consents in force that ``user`` may see."""
    people = list(organisation.contacts.all()) if organisation is not None else [person]
    rows = []
    for provider in _allowed(_consent_providers, user):
        rows.extend(provider(organisation=organisation, people=people, user=user))
    return sorted(rows, key=lambda e: e.at, reverse=True)
