"""Reads of the CRM: the duplicate search (matcher) and the timeline of a record.

The matcher uses equality lookups on indexed normalised columns only, a fixed number of
queries whatever the number of organisations and people.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Person, PossibleDuplicate
from .normalise import (
    corporate_number_valid,
    normalise_corporate_number,
    normalise_email,
    normalise_name,
    normalise_phone_e164,
)

SURE = "sure"
LIKELY = "likely"
NONE = "none"

# How many candidates one lookup reads at most: enough to decide, bounded whatever the data.
CANDIDATES = 20

EVIDENCE_LABELS = {
    "corporate_number": _("法人番号が一致"),
    "name": _("名称が一致（表記ゆれを除く）"),
    "phone": _("電話番号が一致"),
    "email": _("メールアドレスが一致"),
    "municipality": _("所在市町が一致"),
    "organisation": _("同じ団体"),
}


@dataclass
class Match:
    level: str = NONE
    record: Organisation | Person | None = None
    evidence: list[str] = field(default_factory=list)

    @property
    def sure(self) -> bool:
        return self.level == SURE

    @property
    def likely(self) -> bool:
        return self.level == LIKELY

    def evidence_labels(self) -> list[str]:
        return [str(EVIDENCE_LABELS.get(code, code)) for code in self.evidence]


def evidence_labels(codes: list[str]) -> list[str]:
    return [str(EVIDENCE_LABELS.get(code, code)) for code in codes]


def _rank(level: str, evidence: list[str]) -> tuple[int, int]:
    return ({NONE: 0, LIKELY: 1, SURE: 2}[level], len(evidence))


def _contacts_by(*, phone: str, email: str):
    """People (not anonymised) with this E.164 phone or this e-mail: at most one query."""
    q = Q()
    if phone:
        q |= Q(phone_e164=phone)
    if email:
        q |= Q(email_normalised=email)
    if not q:
        return []
    return list(
        Person.objects.filter(q, anonymised_at__isnull=True)
        .order_by("pk")
        .values("pk", "organisation_id", "phone_e164", "email_normalised", "name_normalised")[
            :CANDIDATES
        ]
    )


def organisation_match(
    *,
    name: str,
    corporate_number: str = "",
    phone: str = "",
    email: str = "",
    municipality_id: int | None = None,
) -> Match:
    """The existing organisation this requester is, with the evidence (at most 4 queries).

    Sure: the same 法人番号; or the same normalised name and the same phone, e-mail or town.
    Likely: the same normalised name alone; or a person of it has this phone or e-mail.
    """
    number = normalise_corporate_number(corporate_number)
    if number and corporate_number_valid(number):
        found = Organisation.objects.filter(corporate_number=number).order_by("pk").first()
        if found is not None:
            return Match(SURE, found, ["corporate_number"])
    else:
        number = ""
    phone, email = normalise_phone_e164(phone), normalise_email(email)
    contacts = _contacts_by(phone=phone, email=email)
    evidence_of: dict[int, list[str]] = {}
    for contact in contacts:
        codes = evidence_of.setdefault(contact["organisation_id"], [])
        if phone and contact["phone_e164"] == phone and "phone" not in codes:
            codes.append("phone")
        if email and contact["email_normalised"] == email and "email" not in codes:
            codes.append("email")

    normalised = normalise_name(name)
    named = (
        list(Organisation.objects.filter(name_normalised=normalised).order_by("pk")[:CANDIDATES])
        if normalised
        else []
    )
    best = Match()
    for organisation in named:
        if number and organisation.corporate_number and organisation.corporate_number != number:
            continue  # two different 法人番号: two different organisations
        evidence = ["name", *evidence_of.get(organisation.pk, [])]
        if municipality_id and organisation.municipality_id == municipality_id:
            evidence.append("municipality")
        level = SURE if len(evidence) > 1 else LIKELY
        if _rank(level, evidence) > _rank(best.level, best.evidence):
            best = Match(level, organisation, evidence)
    if best.record is not None:
        return best
    if evidence_of:
        organisation_id, evidence = max(evidence_of.items(), key=lambda item: len(item[1]))
        found = Organisation.objects.filter(pk=organisation_id).first()
        if found is not None:
            return Match(LIKELY, found, evidence)
    return Match()


def person_match(
    *,
    name: str,
    email: str = "",
    phone: str = "",
    organisation: Organisation | None = None,
) -> Match:
    """The existing person this is, with the evidence (at most 2 queries).

    Sure: the same e-mail or phone and the same normalised name (in the organisation, when one
    is given). Likely: the same e-mail or phone alone, or the same name in the same organisation.
    """
    normalised = normalise_name(name)
    phone, email = normalise_phone_e164(phone), normalise_email(email)
    best = Match()
    for contact in _contacts_by(phone=phone, email=email):
        evidence = []
        if email and contact["email_normalised"] == email:
            evidence.append("email")
        if phone and contact["phone_e164"] == phone:
            evidence.append("phone")
        same_name = bool(normalised) and contact["name_normalised"] == normalised
        if same_name:
            evidence.append("name")
        elsewhere = organisation is not None and contact["organisation_id"] != organisation.pk
        level = SURE if same_name and not elsewhere else LIKELY
        if _rank(level, evidence) > _rank(best.level, best.evidence):
            best = Match(level, contact["pk"], evidence)
    if best.level == NONE and organisation is not None and organisation.pk and normalised:
        found = (
            Person.objects.filter(organisation=organisation, name_normalised=normalised)
            .exclude(anonymised_at__isnull=False)
            .order_by("pk")
            .first()
        )
        if found is not None:
            return Match(LIKELY, found, ["name", "organisation"])
    if best.record is not None:
        best.record = Person.objects.get(pk=best.record)
    return best


def possible_duplicates_open():
    """重複の可能性 still to decide, newest first, with what staff need to list them."""
    return PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN).select_related(
        "organisation", "organisation_match", "person", "person_match"
    )
