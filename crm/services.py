"""Writes of the CRM: find-or-create at intake, 重複の可能性, merge, activities.

Identity from an unverified source (a public form: consultation, seminar, 個別相談会, newsletter)
is never a sure match: what someone typed proposes, staff decide. Such a submission gets new
records holding exactly what was typed, and whatever it matched is listed under 重複の可能性;
it never fills in or changes an existing organisation or person (else anyone who knows a
company's name, town, representative and phone could add their own e-mail to that person and
receive the mail meant for them). Only staff entry and the staff import pass ``verified=True``;
the default is the safe one, so a caller that forgets it fails safe.

crm sits below cases and events: it never imports them. A merge moves every row that points at
the merged record by reading the model relations (foreign keys, including the history tables'
and generic relations such as the outbox; ``selectors.merge_targets``), so cases,
registrations, surveys, consents, notes, mails and history rows follow without crm knowing
their apps. The access log keeps the merged record's id: it records who was read, as it was.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from common.names import split_name
from common.vocab import RequesterType

from .models import Activity, MergeRecord, Organisation, Person, PossibleDuplicate
from .newsletter import outreach_merge_prepare
from .selectors import LIKELY, Match, merge_targets, organisation_match, person_match


def _subject_fields(subject) -> dict:
    if subject is None:
        return {}
    return {
        "subject_type": ContentType.objects.get_for_model(subject),
        "subject_id": str(subject.pk),
        "subject_label": str(getattr(subject, "reference", None) or subject)[:120],
    }


def possible_duplicate_add(
    *,
    match: Match,
    source: str,
    organisation: Organisation | None = None,
    person: Person | None = None,
    subject=None,
    label: str = "",
) -> PossibleDuplicate:
    """List a likely match for staff under 重複の可能性, with its evidence.

    ``label`` says what brought it up when there is no ``subject`` record to name.
    """
    fields = {"organisation_match": match.record} if isinstance(match.record, Organisation) else {}
    if subject is None and label:
        fields["subject_label"] = label[:120]
    if isinstance(match.record, Person):
        fields["person_match"] = match.record
    return PossibleDuplicate.objects.create(
        organisation=organisation,
        person=person,
        evidence=match.evidence,
        source=source,
        **fields,
        **_subject_fields(subject),
    )


def unverified_match(match: Match) -> Match:
    """What a match from unverified input may be: at most likely, whatever the evidence."""
    if match.sure:
        return Match(LIKELY, match.record, list(match.evidence))
    return match


def organisation_find_or_create(
    *,
    name: str,
    requester_type: str,
    source: str,
    industry: str = "",
    municipality=None,
    corporate_number: str = "",
    phone: str = "",
    email: str = "",
    verified: bool = False,
) -> tuple[Organisation, Match]:
    """The existing organisation on a sure match of verified input, else a new one.

    Unverified input (``verified=False``, the default) always gets a new organisation; a match
    is then at most likely. The likely case is listed by the caller with
    ``possible_duplicate_add`` once it knows the subject (the case): the new record is linked
    provisionally to the one it may be.
    """
    match = organisation_match(
        name=name,
        corporate_number=corporate_number,
        phone=phone,
        email=email,
        municipality_id=getattr(municipality, "pk", None),
    )
    if not verified:
        match = unverified_match(match)
    if match.sure:
        organisation = match.record
        changed = []
        # A sure match fills what the existing record lacks; it never overwrites.
        for field, value in (
            ("industry", industry.strip()),
            ("municipality", municipality),
            ("corporate_number", corporate_number.strip()),
        ):
            if value and not getattr(organisation, field):
                setattr(organisation, field, value)
                changed.append(field)
        if changed:
            organisation.full_clean()
            organisation.save()
        return organisation, match
    organisation = Organisation(
        name=name.strip(),
        requester_type=requester_type,
        industry=industry.strip(),
        municipality=municipality,
        corporate_number=corporate_number.strip(),
    )
    organisation.full_clean()
    organisation.save()
    return organisation, match


def person_find_or_create(
    *, organisation: Organisation, source: str, verified: bool = False, **details
) -> tuple[Person, Match]:
    """The existing person of this organisation on a sure match of verified input, else a new
    person (unverified input, the default, always gets a new one; its match is at most likely)."""
    match = person_match(
        name=f"{details.get('family_name', '')}{details.get('given_name', '')}",
        email=details.get("email", ""),
        phone=details.get("phone", ""),
        organisation=organisation,
    )
    if not verified:
        match = unverified_match(match)
    if match.sure:
        person = match.record
        changed = [f for f in ("email", "phone") if details.get(f) and not getattr(person, f)]
        for field in changed:
            setattr(person, field, details[field])
        if changed:
            person.save()
        return person, match
    person = Person(organisation=organisation, **details)
    person.full_clean()
    person.save()
    return person, match


def requester_resolve(
    *,
    source: str,
    organisation_fields: dict,
    person_fields: dict | None,
    verified: bool = False,
) -> tuple[Organisation, Person | None, list[tuple[str, Match, object]]]:
    """Organisation and person for an intake or import row; likely matches to list.

    Returns the records and the likely matches as (kind, match, new record) for
    ``likely_list`` once the case exists. Only ``verified`` input (staff entry, the import)
    reuses existing records; a public form's always gets new ones.
    """
    person_fields = person_fields or {}
    organisation, org_match = organisation_find_or_create(
        source=source,
        phone=person_fields.get("phone", ""),
        email=person_fields.get("email", ""),
        verified=verified,
        **organisation_fields,
    )
    likely = [("organisation", org_match, organisation)] if org_match.likely else []
    person = None
    if person_fields.get("family_name"):
        person, match = person_find_or_create(
            organisation=organisation, source=source, verified=verified, **person_fields
        )
        if match.likely:
            likely.append(("person", match, person))
    return organisation, person, likely


def likely_list(
    likely: list[tuple[str, Match, object]], *, source: str, subject=None, label: str = ""
) -> None:
    """List each likely match for staff under 重複の可能性 (``label`` when no subject)."""
    for kind, match, record in likely:
        possible_duplicate_add(
            match=match, source=source, subject=subject, label=label, **{kind: record}
        )


def person_for_registration(
    *,
    name: str,
    email: str,
    phone: str = "",
    organisation_name: str = "",
    requester_type: str = "",
    municipality=None,
    verified: bool = False,
) -> tuple[Person | None, list[tuple[str, Match, object]]]:
    """The person a seminar registrant or subscriber is, and the likely matches to list.

    Typed on a public form (the default), the registrant is always a new person of a new
    organisation holding what was typed, and whatever they matched is listed for staff. Entered
    by staff (``verified``, a walk-in), a sure match is linked and a likely one linked
    provisionally. A registrant without a name is recorded under no person.
    """
    match = person_match(name=name, email=email, phone=phone)
    if verified and match.sure:
        return match.record, []
    if verified and match.likely:
        return match.record, [("person", match, None)]
    person, org_match = _registrant_create(
        name=name,
        email=email,
        phone=phone,
        organisation_name=organisation_name,
        requester_type=requester_type,
        municipality=municipality,
        verified=verified,
    )
    if person is None:
        return None, []
    likely = [("organisation", org_match, person.organisation)] if org_match.likely else []
    match = unverified_match(match)
    if match.likely:
        likely.append(("person", match, person))
    return person, likely


def _registrant_create(
    *,
    name: str,
    email: str,
    phone: str = "",
    organisation_name: str = "",
    requester_type: str = "",
    municipality=None,
    verified: bool = False,
) -> tuple[Person | None, Match]:
    if not name.strip():
        return None, Match()
    organisation, org_match = organisation_find_or_create(
        name=(organisation_name.strip() or name.strip())[:200],
        requester_type=requester_type or RequesterType.BUSINESS,
        municipality=municipality,
        source="registration",
        email=email,
        verified=verified,
    )
    family, given = split_name(name)
    person = Person(
        organisation=organisation,
        family_name=family[:50],
        given_name=given[:50],
        email=email,
        phone=phone,
    )
    person.full_clean()
    person.save()
    return person, org_match


def person_create_for_registrant(
    *,
    name: str,
    email: str,
    phone: str = "",
    organisation_name: str = "",
    requester_type: str = "",
    municipality=None,
) -> Person | None:
    """A new person for a registrant (of a new organisation named on the form; without one,
    under their own name). None without a name."""
    return _registrant_create(
        name=name,
        email=email,
        phone=phone,
        organisation_name=organisation_name,
        requester_type=requester_type,
        municipality=municipality,
    )[0]


# --- merge ---------------------------------------------------------------------------------


def _move(survivor, merged) -> dict[str, int]:
    """Point every row at the survivor (the walk ``merge_targets`` also previews)."""
    moved: dict[str, int] = {}
    for target in merge_targets(survivor=survivor, merged=merged):
        count = target.rows.update(**target.update)
        if count:
            moved[target.key] = count
    return moved


def _snapshot(record) -> dict:
    data = model_to_dict(record)
    data["id"] = record.pk
    return {k: (v.pk if isinstance(v, models.Model) else v) for k, v in data.items()}


@transaction.atomic
def _merge(model, kind: str, *, survivor, merged, by) -> MergeRecord:
    if survivor.pk == merged.pk:
        raise ValueError("cannot merge a record into itself")
    # Lock both rows in a fixed order so two merges of the same pair cannot interleave.
    list(model.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk"))
    # 重複の可能性 between the two is settled by the merge itself.
    match_field = f"{kind}_match"
    PossibleDuplicate.objects.filter(
        models.Q(**{kind: merged, match_field: survivor})
        | models.Q(**{kind: survivor, match_field: merged}),
        status=PossibleDuplicate.Status.OPEN,
    ).update(status=PossibleDuplicate.Status.MERGED, resolved_by=by, resolved_at=timezone.now())
    snapshot = _snapshot(merged)
    label = str(merged)
    merged_pk = merged.pk
    moved = _move(survivor, merged)
    merged.delete()
    # Its history rows are the survivor's now: no "deleted" row for a record that lives on in
    # the survivor (simple-history writes one on delete whatever the instance says).
    model.history.filter(id=merged_pk).delete()
    record = MergeRecord.objects.create(
        kind=kind,
        merged_id=merged_pk,
        merged_label=label[:200],
        snapshot=snapshot,
        moved=moved,
        merged_by=by,
        **{f"survivor_{kind}": survivor},
    )
    survivor.refresh_from_db()
    survivor._change_reason = f"merged #{merged_pk}"[:100]
    survivor._history_user = by
    survivor.save()
    return record


def organisation_merge(*, survivor: Organisation, merged: Organisation, by=None) -> MergeRecord:
    """Merge ``merged`` into ``survivor`` in one transaction; every row follows the survivor."""
    return _merge(Organisation, "organisation", survivor=survivor, merged=merged, by=by)


def person_merge(*, survivor: Person, merged: Person, by=None) -> MergeRecord:
    """Merge one person into another in one transaction; every row follows the survivor."""
    with transaction.atomic():
        outreach_merge_prepare(survivor=survivor, merged=merged)
        return _merge(Person, "person", survivor=survivor, merged=merged, by=by)


@transaction.atomic
def possible_duplicate_resolve(*, duplicate: PossibleDuplicate, decision: str, by) -> None:
    """Staff decide a 重複の可能性: the same (merge into the existing one), or distinct."""
    Status = PossibleDuplicate.Status
    if decision == "merge":
        if duplicate.organisation_id and duplicate.organisation_match_id:
            organisation_merge(
                survivor=duplicate.organisation_match, merged=duplicate.organisation, by=by
            )
        elif duplicate.person_id and duplicate.person_match_id:
            person_merge(survivor=duplicate.person_match, merged=duplicate.person, by=by)
        decision = Status.MERGED
    elif (
        decision == Status.DISTINCT
        and duplicate.organisation_id is None
        and duplicate.person_id is None
    ):
        # Linked to the existing record without a new one (a registration): the registrant is
        # someone else, so they get a record of their own, made from what the subject says of
        # them (``crm_person_fields()``: name, email, organisation_name, ...).
        subject = duplicate.subject
        if subject is not None and getattr(subject, "person_id", None) == duplicate.person_match_id:
            describe = getattr(subject, "crm_person_fields", None)
            subject.person = person_create_for_registrant(**describe()) if describe else None
            subject.save(update_fields=["person"])
    elif decision not in (Status.DISTINCT, Status.CONFIRMED):
        raise ValueError(decision)
    PossibleDuplicate.objects.filter(pk=duplicate.pk).update(
        status=decision, resolved_by=by, resolved_at=timezone.now()
    )


def activity_log(*, organisation: Organisation, kind: str, by, **fields) -> Activity:
    activity = Activity(organisation=organisation, kind=kind, by=by, **fields)
    activity.full_clean()
    activity.save()
    return activity
