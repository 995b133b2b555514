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


def possible_duplicates_open(*, user):
    """重複の可能性 still to decide, newest first, with what staff need to list them.

    A pair of people (or a registration linked to one) names persons: listed only to a user who
    may view people.
    """
    found = PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN)
    if not user.has_perm("crm.view_person"):
        found = found.filter(person__isnull=True, person_match__isnull=True)
    return found.select_related("organisation", "organisation_match", "person", "person_match")


# --- merge -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeTarget:
    key: str  # "cases.case.organisation", "common.outboxmessage.related_id", "history"
    model: type
    rows: object  # the queryset of the rows that point at the merged record
    update: dict  # what the merge writes on them


def _generic_relations():
    from django.apps import apps
    from django.contrib.contenttypes.fields import GenericForeignKey

    from common.models import PersonalDataAccess

    for model in apps.get_models():
        # The access log names the record that was read, as it was: a merge never rewrites it
        # (the MergeRecord maps the merged id to the survivor, see ``access_log_for``).
        if model is PersonalDataAccess:
            continue
        for private in model._meta.private_fields:
            if isinstance(private, GenericForeignKey):
                yield model, private.ct_field, private.fk_field


def merge_targets(*, survivor, merged) -> list[MergeTarget]:
    """Every row that points at ``merged`` and follows the survivor in a merge.

    Read from the model relations (foreign keys, history tables' included, and generic
    relations such as the outbox), so crm needs to know none of the apps above it. The merge
    and its confirmation page both walk this list.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import models

    model = type(merged)
    targets = []
    for related in model._meta.get_fields(include_hidden=True):
        if isinstance(related, models.ManyToOneRel) and not related.many_to_many:
            related_model, fk = related.related_model, related.field
            targets.append(
                MergeTarget(
                    f"{related_model._meta.label_lower}.{fk.name}",
                    related_model,
                    related_model._base_manager.filter(**{fk.attname: merged.pk}),
                    {fk.attname: survivor.pk},
                )
            )
    content_type = ContentType.objects.get_for_model(model)
    for related_model, ct_field, fk_field in _generic_relations():
        targets.append(
            MergeTarget(
                f"{related_model._meta.label_lower}.{fk_field}",
                related_model,
                related_model._base_manager.filter(
                    **{f"{ct_field}_id": content_type.pk, fk_field: str(merged.pk)}
                ),
                {fk_field: str(survivor.pk)},
            )
        )
    # The merged record's own history becomes the survivor's.
    history = model.history.model
    targets.append(
        MergeTarget(
            "history", history, history._base_manager.filter(id=merged.pk), {"id": survivor.pk}
        )
    )
    return targets


def merge_preview(*, survivor, merged, by_relation: bool = False):
    """What a merge would move, counted without moving anything.

    ``by_relation``: {relation key: count} as the MergeRecord stores it; otherwise
    [(what, count)] per kind of record for the confirmation page, history rows as one line.
    """
    counts: dict[str, int] = {}
    for target in merge_targets(survivor=survivor, merged=merged):
        count = target.rows.count()
        if not count:
            continue
        if by_relation:
            key = target.key
        elif target.key == "history" or hasattr(target.model, "instance_type"):
            key = str(_("変更履歴"))
        else:
            key = str(target.model._meta.verbose_name_plural)
        counts[key] = counts.get(key, 0) + count
    return counts if by_relation else sorted(counts.items())


def access_log_for(record):
    """The access log of a person or organisation, with the reads of the records merged into it."""
    from django.contrib.contenttypes.models import ContentType

    from common.models import PersonalDataAccess

    from .models import MergeRecord

    kind = "organisation" if isinstance(record, Organisation) else "person"
    ids = [str(record.pk)] + [
        str(pk)
        for pk in MergeRecord.objects.filter(kind=kind, **{f"survivor_{kind}": record}).values_list(
            "merged_id", flat=True
        )
    ]
    return PersonalDataAccess.objects.filter(
        subject_type=ContentType.objects.get_for_model(type(record)), subject_id__in=ids
    ).order_by("-accessed_at")
